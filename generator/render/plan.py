"""The file plan: which file gets which template and view. Returns {relative path: text}, or hands
each file to `emit` as soon as it is rendered (the pipeline stages it at once: graph-beta's 29,000
files are 324 MB of text, which is never held together).

The core builds every view; each active feature (`generator/features/`) adds what its contract
allows — names, method changes, model bases, methods, files, README sections, client parts — and the
runtime modules it needs, so a package ships `templates/runtime/core/` plus its features' modules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from .. import pointer as jp
from ..diagnostics import DiagnosticSink
from ..escape import Made
from ..ir import Api, Operation
from ..naming.names import Names, op_key
from ..naming.rules import field_name, singular, text_member_name, words
from ..paths import templates_dir
from .apidoc_views import ApiDoc, DocPlan, MethodDoc, for_readme, method_docs
from .auth_views import AuthPlan, auth_requests, auth_view, plain_auth, with_schemes
from .client_views import Sections, client_view, merge_extras, reexports
from .contribution import Context, Contribution, Extension
from .drafts import Drafts
from .environment import render, render_pieces
from .extension import MethodHook, ResourceExtras
from .fanout import Sent, Worklist
from .gather import Gathered, Suite, Views
from .manifest import manifest
from .readme_views import ExamplePart
from .resource_views import resource_module_view
from .safe import Name
from .splice import ApiMd, Before, Remaking, remade, remade_api_md


@dataclass(frozen=True, slots=True)
class Reuse:
    """What an earlier run's plan gives a prose-only regeneration (`generator/stage/cache.py`): its
    names (naming reads no prose) and, for each module it need not render again (types modules,
    resource modules without features' extras and their test modules, `types/__init__.py`,
    `operations.json`), a stub of its rendered text holding exactly the lines `runtime_modules` and
    `client_view` look at (its imports); the pipeline puts the formatted bytes in its place."""

    names: Names
    files: dict[str, str]  # path → stub text
    docs: Mapping[str, MethodDoc] = field(default_factory=dict)  # api.md's, of unedited operations
    examples: Mapping[str, ExamplePart] = field(default_factory=dict)  # the README's, of the same
    # `operations.json`'s piece of each operation an earlier run's is (`manifest.pieces`), when
    # the manifest is rendered again (a structural replay: `stage/structural.py`)
    manifest: Mapping[str, Made] = field(default_factory=dict)
    # the full run's side, for a resource's module and test module made again from its pieces
    # with only the changed methods drafted (`splice.py`; with `emit` only: the text is final)
    before: Before | None = None


@dataclass(frozen=True, slots=True)
class Active:
    feature: Extension[Any]
    facts: Any


# a relative import; only where nothing but indentation precedes it on its line (`_imported` checks:
# searching for the literal `from ` first is several times faster than anchoring at every line)
_IMPORT = re.compile(r"from (\.+)(_\w+)? import[ \t]*([^\n]*)")
_COMMENT = re.compile(r"#[^\n]*")


def _imported(text: str) -> set[str]:
    """The package-level `_` modules a module's source imports (`from ._x import`, `from . import _x`,
    `from .._x import` …): generated and runtime modules import each other only so."""
    found = set()
    for match in _IMPORT.finditer(text):
        start = match.start()
        before = text[text.rfind("\n", 0, start) + 1 : start]
        if before and not before.isspace():
            continue  # `from` in the middle of a line
        _, module, names = match.groups()
        if module:
            found.add(module)
        else:
            found.update(_names(text, match.end(3), _COMMENT.sub("", names)))
    return {m for m in found if m.startswith("_")}


_LAST: list[tuple[str, frozenset[str]]] = []  # the text `imports_of` read last, and its answer


def imports_of(text: str) -> frozenset[str]:
    """`_imported(text)`, read once for the same text object twice in a row: a staged module's
    text is read by `Planned.add`, then by the stage cache's note of it (`stage.cache.import_stub`,
    through `Staging.observe`). Only the last text is held (no module outlives the next one)."""
    if _LAST and _LAST[0][0] is text:
        return _LAST[0][1]
    found = frozenset(_imported(text))
    _LAST[:] = [(text, found)]
    return found


def _names(text: str, end: int, line: str) -> list[str]:
    """The names of `from . import …` whose first line, comment removed, is `line` and ends at `end`:
    `_a, _b as b` up to a `;`, or a parenthesised list over as many lines as it takes (comments on them)."""
    if line.lstrip().startswith("("):
        while ")" not in line and end < len(text):
            nxt = text.find("\n", end + 1)
            nxt = len(text) if nxt < 0 else nxt
            line += " " + _COMMENT.sub("", text[end + 1 : nxt])
            end = nxt
        line = line.split(")")[0].replace("(", "")
    return [n.split(" as ")[0].strip() for n in line.split(";")[0].split(",")]


@cache
def _runtime_sources() -> dict[str, tuple[str, str]]:
    """Runtime module name → (path under templates/runtime/, source)."""
    root = templates_dir() / "runtime"
    return {
        p.stem: (p.relative_to(root).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted(root.rglob("_*.py"))
    }


def runtime_modules(imported: Iterable[str], contributions: list[Contribution]) -> list[str]:
    """The runtime a package ships: the core modules and its features' (`Contribution.runtime`),
    as far as the package's own files import them (`imported`: the `_` modules they name, see
    `Planned`), directly or through each other."""
    sources = _runtime_sources()
    allowed = {p for p, _ in sources.values() if p.startswith("core/")}
    allowed |= {m for c in contributions for m in c.runtime}
    todo = sorted(imported)
    shipped: set[str] = set()
    while todo:
        name = todo.pop()
        if name in shipped or name not in sources or sources[name][0] not in allowed:
            continue
        shipped.add(name)
        todo.extend(_imported(sources[name][1]))
    return sorted(sources[name][0] for name in shipped)


# a spec this size or larger renders in one process: a forked child would add its share of the texts
# (and the pages it copies) to a peak that is already the largest of the run (graph-beta: about 50,000)
FORK_UP_TO = 20_000
FORK_FROM = 32  # fewer types modules than this: forking costs more than it saves


def worth_forking(api: Api, types_modules: int) -> bool:
    """Render the types modules in a forked child? Only for a spec large enough to gain and small
    enough that the child's memory does not matter (see FORK_UP_TO)."""
    return types_modules >= FORK_FROM and len(api.schemas) + len(api.operations) <= FORK_UP_TO


# of the types modules' fields; the parent drafts the resources and renders the rest
CHILD_SHARE = 1.0


def child_share(api: Api, names: Names, modules: list[Name]) -> int:
    """How many of the first types modules the child renders: about CHILD_SHARE of their fields.
    On GitHub's spec all of them about balances the two since the fork comes before the resource
    drafts: the parent's own part (drafts, features, resources, docs, tests, operations.json:
    ≈ 0.65–0.7 s of CPU) takes as long as the child's (the types modules, slowed by the pages it
    copies and the pickling: ≈ 0.65 s; 0.55 s for 0.85 of them, when the parent waited ≈ 0.1 s more
    for its own share)."""
    weights = [
        sum(1 + len(getattr(api.schemas[sid], "fields", ())) for sid in names.module_members[m])
        for m in modules
    ]
    goal, done = CHILD_SHARE * sum(weights), 0
    for count, weight in enumerate(weights):
        if done >= goal:
            return count
        done += weight
    return len(modules)


_TYPING_EXTENSIONS = "from typing_extensions import"
Facts = tuple[frozenset[str], bool]  # what a module imports (`imports_of`), typing_extensions?


def _facts(text: str) -> Facts:
    """What `Planned.add` reads of a module's text (the render child reads its own: `plan_files`)."""
    return imports_of(text), _TYPING_EXTENSIONS in text


class Apart(Protocol):
    """Where the render child writes its types modules itself, formatted in the background as soon
    as they are there (`staging.Apart`)."""

    def write(self, files: Iterable[tuple[str, str]]) -> frozenset[str]:
        """(In the child.) Write these (path, text) pairs; the paths written."""
        ...

    def exec(self) -> None:
        """(In the child, its result sent.) Become the ruff that formats what it wrote."""
        ...

    def adopt(self, pid: int) -> None:
        """(Here.) The child that became that ruff (0: none)."""
        ...

    def start(self) -> None:
        """(Here.) Format what the child wrote, in the background (when it did not itself)."""
        ...

    def add(self, rel: str, size: int) -> None:
        """(Here.) Stage `rel`, which the child wrote (a text of `size` characters)."""
        ...


class Planned:
    """The files planned so far: what later files need to know of them is recorded per file (the
    `_` modules they import, whether one imports typing_extensions), so the texts themselves can be
    handed on as they come (`emit`) instead of kept; without `emit` they are kept in `texts`."""

    def __init__(
        self,
        emit: Callable[[str, str | list[str]], None] | None = None,
        apart: Callable[[str, int], None] | None = None,
    ) -> None:
        self.texts: dict[str, str] = {}
        self.imported: set[str] = set()
        self.typing_extensions = False
        self.count = 0
        self._emit = emit
        self._apart = apart  # stages a text the render child wrote (`Apart.add`)
        self._seen: set[str] = set()
        self._stubs: dict[str, tuple[set[str], bool]] = {}  # a reused stub's imports, read once

    def add(
        self,
        rel: str,
        text: str | list[str],
        *,
        checked: bool = True,
        reused: bool = False,
        last: bool = False,
        apart: int | None = None,
        facts: Facts | None = None,
    ) -> None:
        """`text`: the file's text, or the pieces it is made of, whole lines or JSON values (so that
        no import statement spans two: `operations.json`). `checked`: counts for
        `typing_extensions` (what `client_view` looks at: the files planned before it in the
        serial order; a file handed on early for memory's sake is not one of them). `reused`: an
        earlier run's stub (`Reuse.files`): most modules share one of a few, each read once.
        `last`: planned after everything that reads `imported` and `typing_extensions` (the
        runtime modules, which `runtime_modules` chose from them): its text is not read.
        `apart`: the size of a text the render child wrote itself (`Apart`), staged from there
        (`text` is then empty). `facts`: what the text imports and whether it imports
        typing_extensions, read already (`_facts`)."""
        if rel in self._seen:  # a file is handed on once: a second text could not replace the first
            raise ValueError(f"{rel} is planned twice")
        self._seen.add(rel)
        self.count += 1
        if last:
            self._done(rel, text, apart)
            return
        if facts is not None:
            self.imported |= facts[0]
            self.typing_extensions |= checked and facts[1]
            self._done(rel, text, apart)
            return
        # `operations.json` imports nothing: no line of a JSON text begins with `from`
        # (`stage.cache.import_stub`; GitHub's is 1.2 M characters)
        json_text = rel == "operations.json"
        for piece in [text] if isinstance(text, str) else text:
            if json_text:
                if checked and _TYPING_EXTENSIONS in piece:
                    self.typing_extensions = True
                continue
            if reused:
                found = self._stubs.get(piece)
                if found is None:
                    found = self._stubs[piece] = _imported(piece), _TYPING_EXTENSIONS in piece
                self.imported |= found[0]
                self.typing_extensions |= checked and found[1]
                continue
            self.imported |= imports_of(piece)
            if checked and not self.typing_extensions and _TYPING_EXTENSIONS in piece:
                self.typing_extensions = True
        self._done(rel, text, apart)

    def _done(self, rel: str, text: str | list[str], apart: int | None = None) -> None:
        if apart is not None and self._apart is not None:
            self._apart(rel, apart)
        elif self._emit is None:
            self.texts[rel] = text if isinstance(text, str) else "".join(text)
        else:
            self._emit(rel, text)


def plan_files(
    api: Api,
    sink: DiagnosticSink,
    on_module: Callable[[int, int], None] | None = None,
    features: Sequence[Extension[Any]] = (),
    spec_file: str = "openapi.yml",
    reuse: Reuse | None = None,
    emit: Callable[[str, str | list[str]], None] | None = None,
    on_docs: Callable[[dict[str, MethodDoc], dict[str, ExamplePart]], None] | None = None,
    apart: Apart | None = None,
) -> tuple[dict[str, str], Names]:
    """`on_module(done, total)` is told after each resource and types module (progress on a terminal).
    `features`: the registry (`generator.features.FEATURES`); those that apply add their parts.
    `spec_file`: the name of the spec's copy at the package root (the pipeline writes it).
    `reuse`: an earlier run's names and the modules this run need not render again.
    `emit(path, text)`: takes each file as soon as it is rendered (its text, or the pieces of a large
    one: `Planned.add`); the returned dict is then empty. `apart` (with `emit`): where the render
    child writes the types modules it rendered, formatted in the background (`staging.Apart`).
    `on_docs`: told each operation's api.md doc and README example part (the stage cache keeps them for `reuse.docs`/`reuse.examples`).
    Resources are drafted only when something asks for them (`drafts.Drafts`): with `reuse`, the
    modules rendered again and the features that look."""
    active = [
        Active(f, with_schemes(facts, api) if isinstance(facts, AuthPlan) else facts)
        for f in features
        if (facts := f.analyse(api, sink)) is not None
    ]
    auth_plan = next((a.facts for a in active if isinstance(a.facts, AuthPlan)), None)
    core_auth = with_schemes(plain_auth(api, sink), api) if auth_plan is None else None
    requests = [r for a in active for r in a.feature.names(a.facts, api)]
    if core_auth is not None:
        requests += auth_requests(core_auth)
    if reuse is None:
        # the naming pass: not a replay's (it reuses the names)
        from ..naming.plan import plan_names
        from ..naming.routes import route_index, route_key, segments

        names = plan_names(api, sink, requests)
        # the naming pass's caches serve nothing below (the views neither split words, paths nor
        # pointers): emptied, their entries make room for the views (graph-beta: ≈ 40 MB)
        for naming_cache in (
            words,
            singular,
            field_name,
            text_member_name,
            segments,
            jp.split,
            route_index,
            route_key,
        ):
            naming_cache.cache_clear()
    else:
        names = reuse.names
    ctx = Context(api, names, sink)
    preparations = [a.feature.prepare(a.facts, ctx) for a in active]
    hooks: tuple[MethodHook, ...] = tuple(p.method for p in preparations if p.method is not None)
    bases = {sid: base for p in preparations for sid, base in p.model_bases.items()}

    pkg = f"src/{api.target.package.name}"
    reused = reuse.files if reuse is not None else {}
    types_modules = list(names.module_members)
    pending = [m for m in types_modules if f"{pkg}/types/{m}.py" not in reused]  # to render
    streaming = emit is not None  # files are handed on as they come, not held
    forking = worth_forking(api, len(pending))
    # streaming without a second process: this one renders them all, one at a time
    cut = child_share(api, names, pending) if forking or not streaming else 0

    if pending:  # (before the fork below: imported once; a prose-only replay renders none)
        from .model_views import types_module_view

    def render_one(module: Name) -> str:
        view = types_module_view(api, names, module, bases)
        return render("package/types_module.py.jinja", view=view)

    def render_types(modules: list[Name]) -> list[str]:
        return [render_one(m) for m in modules]

    def render_read(module: Name) -> tuple[str, Facts | None]:
        # (with `apart`, the child reads its texts' facts: this process does not read them back)
        text = render_one(module)
        return text, _facts(text) if apart is not None else None

    def write_apart(
        modules: Sequence[Name], done: list[tuple[str, Facts | None]]
    ) -> Sent[tuple[str, Facts | None]]:
        # (in the child, once its share is rendered: formatted while this process renders on; the
        # texts it wrote are not sent back, only their sizes and facts)
        assert apart is not None
        rels = [f"{pkg}/types/{m}.py" for m in modules]
        written = apart.write((rel, text) for rel, (text, _) in zip(rels, done, strict=True))
        sizes = {rel: len(text) for rel, (text, _) in zip(rels, done) if rel in written}
        light = [("", f) if rel in written else (t, f) for rel, (t, f) in zip(rels, done)]
        return Sent(sizes, light)

    # the first types modules to render are rendered by a forked child (`fanout.py`) while this
    # process drafts the resources and renders the rest of the package and then the last ones
    # (and, should the child not be done by then, its last ones: the two meet in the middle); the
    # child needs only the names and the model bases, nothing below reads its texts before
    # `results()`, and they go where the serial plan puts them
    apart = apart if streaming else None
    then = write_apart if apart is not None else None
    hand_over = apart.exec if apart is not None else None
    with Worklist(
        pending[:cut], render_read, enabled=forking, then=then, hand_over=hand_over
    ) as types_job:
        by_resource: dict[str, list[Operation]] = {}
        for op in api.operations:
            by_resource.setdefault(names.op_resource[op_key(op)], []).append(op)
        drafts = Drafts(api, names, by_resource, hooks)  # each made when first asked for
        contributions = [a.feature.contribute(a.facts, ctx, drafts) for a in active]
        auth = next((c.auth for c in contributions if c.auth is not None), None)
        if auth is None:
            assert core_auth is not None
            auth = auth_view(core_auth, names, api.target.package.env_prefix)
        access = {k: v for c in contributions for k, v in c.access.items()}
        gathered = Gathered(
            api,
            DocPlan(api, names, by_resource, access, reuse.docs if reuse is not None else None),
            reuse.examples if reuse is not None else None,
            facts="operations.json" not in reused,
            pieces=reuse.manifest if reuse is not None else (),
        )
        total = len(drafts) + len(names.module_members)
        tick = on_module or (lambda done, total: None)
        files = Planned(emit, apart.add if apart is not None else None)
        tests: dict[str, str] = {}  # without `emit`: added after the README, as before
        late = (lambda rel, text: files.add(rel, text, checked=False)) if streaming else None
        suite = Suite(api, names, auth, spec_file, reused, late or tests.__setitem__)
        remaking: list[tuple[str, Views, tuple[str | None, str | None], Remaking]] = []
        remade_md: tuple[ApiMd, ApiDoc] | None = None
        suite.support()
        # a resource at a time: drafted when needed (`gather.Views`: its module, or one of its
        # operations' docs, parts, facts or test module), let go once they are made
        for tag in names.resources:
            extras: tuple[ResourceExtras, ...] = tuple(
                c.resources[tag] for c in contributions if tag in c.resources
            )
            views = Views(drafts, tag)
            path = f"{pkg}/resources/{names.resources[tag].module}.py"
            test = Suite.path(names, tag) if tag in by_resource else None
            rels: tuple[str | None, str | None] = (None, None)
            making = None
            if reuse is not None and reuse.before is not None and streaming and not extras:
                rels = (
                    path if path not in reused else None,
                    test if test is not None and test not in reused else None,
                )
                if any(rels) and test is not None:
                    children = tuple(names.children(tag))
                    making = remade(reuse.before, api, names, tag, views, suite, rels, children)
            if making is not None:  # made from the full run's pieces once formatted (below)
                remaking.append((tag, views, rels, making))
                if rels[0] is None:  # (the module is the full run's)
                    files.add(path, reused[path], reused=True)
            elif path in reused and not extras:
                files.add(path, reused[path], reused=True)
            else:
                view = resource_module_view(views.draft, names, extras, tuple(names.children(tag)))
                files.add(path, render("package/resource.py.jinja", view=view))
                del view
            if tag in by_resource:
                if making is None:
                    suite.module(tag, by_resource[tag], views)
                gathered.add(by_resource[tag], views)
            del views
            tick(files.count, total)
        types_init = (
            reused[f"{pkg}/types/__init__.py"]
            if f"{pkg}/types/__init__.py" in reused
            else _types_init(names)
        )
        if (
            streaming
        ):  # (the serial order puts it after the types modules: only the dict keeps order)
            files.add(f"{pkg}/types/__init__.py", types_init)
        credentials = None
        if not any(c.auth is not None for c in contributions) and auth.kind != "none":
            credentials = render("package/credentials.py.jinja", auth=auth)
            if streaming:
                files.add(f"{pkg}/_credentials.py", credentials)
        docs = gathered.doc_plan.finish(gathered.docs, spec_file)
        held = reuse.docs.values() if reuse is not None else ()  # (kept anyway: not slimmed)
        parts = gathered.examples()
        if on_docs is not None:
            on_docs(method_docs(by_resource, docs), parts)
        operations: str | list[str] = (
            reused["operations.json"]
            if "operations.json" in reused
            else manifest(api, names, gathered.facts, reuse.manifest if reuse is not None else None)
        )
        del gathered
        if late is not None:  # handed on now, in pieces (graph-beta's are 30 and 25 M characters)
            late("operations.json", operations)
            operations = ""  # staged: let go before api.md (graph-beta's is 31 MB)
            if reuse is not None and reuse.before is not None:  # (from the full run's pieces)
                md = remade_api_md(reuse.before, docs, reuse.docs, by_resource, _api_md)
                if md is not None:
                    remade_md = md, docs  # (taken once formatted, below)
            if remade_md is None:
                late("api.md", render_pieces("package/api.md.jinja", doc=docs))
            docs = for_readme(docs, held)
            for module in pending[cut:]:  # this process's share, one at a time
                files.add(f"{pkg}/types/{module}.py", render_types([module])[0])
                tick(files.count, total)
            texts = types_job.results()
            done = types_job.after if isinstance(types_job.after, dict) else {}
            if apart is not None:  # the child became the ruff of what it wrote (else started now)
                apart.adopt(types_job.handed())
                if done:
                    apart.start()
            for at, (module, (text, facts)) in enumerate(zip(pending[:cut], texts, strict=True)):
                rel = f"{pkg}/types/{module}.py"
                size = done.get(rel) if at in types_job.theirs else None
                files.add(rel, text, apart=size, facts=facts)
                tick(files.count, total)
            del texts
            for module in types_modules:
                if f"{pkg}/types/{module}.py" in reused:
                    files.add(
                        f"{pkg}/types/{module}.py",
                        reused[f"{pkg}/types/{module}.py"],
                        reused=True,
                    )
                    tick(files.count, total)
            api_md = ""
        else:
            api_md = render("package/api.md.jinja", doc=docs)
            docs = for_readme(docs, held)
            mine = render_types(pending[cut:])
            theirs = [text for text, _ in types_job.results()]
            rendered = dict(zip(pending, theirs + mine, strict=True))
            for module in types_modules:
                path = f"{pkg}/types/{module}.py"
                files.add(path, reused[path] if path in reused else rendered[module])
                tick(files.count, total)
    for tag, views, (module_rel, test_rel), making in remaking:  # (formatted meanwhile)
        made: dict[str, str] = dict(making.result() or {})
        if module_rel is not None:
            if module_rel not in made:  # drafted and rendered whole after all
                children = tuple(names.children(tag))
                view = resource_module_view(views.draft, names, (), children)
                made[module_rel] = render("package/resource.py.jinja", view=view)
            files.add(module_rel, made[module_rel])
        if test_rel is not None:
            suite.module(tag, by_resource[tag], views, made.get(test_rel))
        else:
            suite.module(tag, by_resource[tag], views)
    del remaking
    if remade_md is not None:
        md_text = remade_md[0].result()
        if md_text is None:  # rendered whole after all
            files.add(
                "api.md", render_pieces("package/api.md.jinja", doc=remade_md[1]), checked=False
            )
        else:
            files.add("api.md", md_text, checked=False)
        del remade_md, md_text
    for c in contributions:
        for path, text in c.files.items():
            files.add(f"{pkg}/{path}", text)
    if not streaming:
        files.add(f"{pkg}/types/__init__.py", types_init)
        if credentials is not None:
            files.add(f"{pkg}/_credentials.py", credentials)
    del types_init, credentials
    slots: dict[str, list[Any]] = {}
    for c in contributions:
        for slot, blocks in c.readme.items():
            slots.setdefault(slot, []).extend(blocks)
    client = client_view(
        api,
        names,
        by_resource,
        parts,
        sink,
        files.typing_extensions,
        auth=auth,
        extras=merge_extras(c.client for c in contributions),
        init_imports=tuple(line for c in contributions for line in c.init),
        exports=tuple(e for c in contributions for e in c.exports),
        sections=Sections(**{slot: tuple(blocks) for slot, blocks in slots.items()}),
        docs=docs,
    )
    files.add(
        f"{pkg}/resources/__init__.py", render("package/resources_init.py.jinja", view=client)
    )
    files.add(f"{pkg}/_client.py", render("package/client.py.jinja", view=client))
    files.add(f"{pkg}/__init__.py", render("package/init.py.jinja", view=client))
    files.add(f"{pkg}/_version.py", render("package/version.py.jinja", view=client))
    files.add("pyproject.toml", render("package/pyproject.toml.jinja", view=client))
    files.add("README.md", render("package/README.md.jinja", view=client))
    if not streaming:
        files.add("operations.json", operations)
        for path in [*list(tests)[:4], *(Suite.path(names, tag) for tag in by_resource)]:
            files.add(path, tests[path])  # the support files, then as api.md orders resources
        files.add("api.md", api_md)
    del operations, tests, api_md
    sources = _runtime_sources()
    for path in runtime_modules(files.imported, contributions):
        name = path.rsplit("/", 1)[-1]
        files.add(f"{pkg}/{name}", sources[name.removesuffix(".py")][1], last=True)
    files.add(f"{pkg}/py.typed", "", last=True)
    return files.texts, names


def _api_md(doc: ApiDoc) -> str:
    return "".join(render_pieces("package/api.md.jinja", doc=doc))


def _types_init(names: Names) -> str:
    """`types/__init__.py`: every schema class and parameter class, lazily from its module."""
    exports = sorted(
        [(names.schema_class[sid], names.schema_module[sid]) for sid in names.schema_class]
        + [(names.param_class[sid], names.schema_module[sid]) for sid in names.param_class]
    )
    return render(
        "package/types_init.py.jinja",
        exports=exports,
        type_imports=reexports((m, n) for n, m in exports),
    )
