"""A resource's module and test module made again for a few changed methods (issue 18): the full
run's formatted text, cut into one piece per method, with the changed methods' pieces drafted,
rendered and formatted alone and put in their places (`plan.Reuse.before`, a regeneration's).

Why the result is the text the full path makes, byte for byte:

- *The pieces.* A resource module is its head (imports, `__all__`), the methods' `Endpoint`
  constants, the sync class's methods, the async class's, and the four wrapper classes' lines per
  method, each group in the method order and between fixed texts that depend on the resource and
  its children only (`resource.py.jinja`); a test module is its head and two classes of one test
  per method (`test_resource.py.jinja`). Every piece is drafted from its own operation, its names
  and what no edit served here changes (the schemas, the document's servers and security, the
  method names the class shadows builtins with: all checked), so an unchanged operation's piece
  is the full run's. ruff formats statement by statement: a piece formats alike wherever it
  stands; between the pieces of a group it keeps the template's blank lines (none between
  constants and wrapper lines, one between methods). Each cut checks this of the text it cuts
  (`_Cut`: every piece ends with one newline, the group is its pieces joined by that separator),
  and the fixed texts of the full run's module must be those of the changed methods' own.
- *The imports.* A module's import block is the union of what each of its methods needs
  (`resource_views.module_imports`, `suite_views.suite_imports`). The full run's block (read back
  from its text with `ast`) holds the unchanged methods' and the changed methods' old needs; when
  those old needs are among the new ones (drafted too, on the full run's IR), the new block is the
  full run's joined with the changed methods' — else the module is drafted whole.
- *Anything else* (a feature's extra methods, a resource without methods on either side, a
  removed method's last piece, a cut that does not check, ruff failing): None, and the module is
  drafted and rendered whole as before.
- *The cuts kept* (edit26). A text made here is its pieces put together, so its cut is known
  without looking for them: the made text (`Formatted`) carries it, and the snapshot's writer
  keeps it in the module cache beside the text (`stage/rekey.py`), keyed by the text's own key
  and what it was cut for (`cut_key`: the methods, their resource's class, the api.md headings).
  The next edit's replay, whose full-run side is that text, takes the cut from there
  (`Before.cut`) instead of looking for every method's piece again; a cut that does not fit
  the text (lengths that do not add up to it, a separator not where it says) is none, and the
  text is cut as before. It is exact as the lookup is: the same key is the same bytes, and the
  cut was made of exactly the pieces those bytes were joined from.
"""

from __future__ import annotations

import ast
import dataclasses
import itertools
import json
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..ir import Api, Operation
from ..naming.names import Names, ResourceName, op_key
from .annotations import BUILTIN_TYPES
from .cuts import Cut as _Cut
from .cuts import cut_key
from .environment import render
from .imports import ImportBlock
from .resource_views import (
    _LINE_LENGTH,
    MethodView,
    ResourceDraft,
    ResourceModuleView,
    const_name,
    draft_resource,
    module_imports,
)

if TYPE_CHECKING:
    from .apidoc_views import ApiDoc, MethodDoc
    from .gather import Suite, Views


class Formatted(str):
    """A file's finished text: its header and ruff's formatting included (staged as it is).
    `cut`: what it was cut for (`cut_key`'s signature) and its pieces, when it was put together
    from them here (the snapshot's writer keeps it for the next replay: `stage/rekey.py`)."""

    cut: tuple[str, _Cut] | None = None


@dataclass(frozen=True, slots=True)
class Before:
    """The full run's side of a regeneration: its IR and names, the operations the edit touched
    (changed, added or removed: their keys), and the formatted text of each file rendered again
    (`files`: path → module-cache key, `read` gives its bytes)."""

    api: Api
    names: Names
    touched: frozenset[str]
    files: Mapping[str, bytes]
    read: Callable[[bytes], bytes]
    # a module-cache entry's bytes, or None (`Memo.get`): where a made text's cut is kept
    kept: Callable[[bytes], bytes | None] | None = None

    def text(self, rel: str) -> str | None:
        """The full run's text of `rel`, or None (not known, or larger than `UP_TO`)."""
        key = self.files.get(rel)
        if key is None:
            return None
        try:
            data = self.read(key)
            return data.decode("utf-8") if len(data) <= UP_TO else None
        except (OSError, KeyError, UnicodeDecodeError):
            return None

    def cut(
        self, rel: str, text: str, signature: str, cut: Callable[[], _Cut | None]
    ) -> _Cut | None:
        """The cut of `rel`'s full-run `text` for `signature`: the one kept with it, when an
        earlier replay made that text and it fits; else `cut()`, the text cut again."""
        key = self.files.get(rel)
        if key is not None and self.kept is not None:
            data = self.kept(cut_key(key, signature))
            found = None if data is None else _Cut.of(text, data)
            if found is not None:
                return found
        return cut()


# a file larger than this is rendered whole as before (graph-beta's api.md, 31 MB, streams in pieces:
# its old text, its pieces and the new text together would be ≈ 100 MB more at a replay's peak)
UP_TO = 8 << 20


def _pieces(body: str, starts: list[int], sep: str) -> tuple[str, ...] | None:
    """`body` cut at `starts` (its first is 0), each piece without the separator after it."""
    bounds = [*starts, len(body)]
    out = []
    for i, (a, b) in enumerate(itertools.pairwise(bounds)):
        piece = body[a:b]
        if i < len(starts) - 1:
            if not piece.endswith("\n" + sep):
                return None
            piece = piece[: len(piece) - len(sep)]
        if not piece.endswith("\n") or piece.endswith("\n\n"):
            return None
        out.append(piece)
    return tuple(out) if sep.join(out) == body else None


def _cut_resource(text: str, methods: Sequence[str], resource: ResourceName) -> _Cut | None:
    """A resource module (`resource.py.jinja`, formatted) cut per method (`methods`: in order)."""
    cls = resource.cls
    ends: list[str | None] = [  # what follows each group (None: the text's end)
        f"\n\n\nclass {cls}(SyncAPIResource):\n",
        f"\n\n\nclass Async{cls}(AsyncAPIResource):\n",
        f"\n\n\nclass {cls}WithRawResponse:\n",
        f"\n\n\nclass Async{cls}WithRawResponse:\n",
        f"\n\n\nclass {cls}WithStreamingResponse:\n",
        f"\n\n\nclass Async{cls}WithStreamingResponse:\n",
        None,
    ]
    groups: list[tuple[Callable[[str], str], str]] = [
        (lambda m: f"\n{const_name(m)}: ", ""),
        (lambda m: f"\n    def {m}(\n        self,\n", "\n"),
        (lambda m: f"\n    async def {m}(\n        self,\n", "\n"),
        *[(lambda m: f"\n        self.{m} = ", "")] * 4,
    ]
    leads: list[str] = []
    cut: list[tuple[str, ...]] = []
    seps: list[str] = []
    at = 0
    for (marker, sep), end in zip(groups, ends, strict=True):
        starts = []
        pos = at
        for m in methods:
            found = text.find(marker(m), pos)
            if found < 0:
                return None
            starts.append(found + 1)
            pos = found + 1
        stop = _group_end(text, pos, end, len(cut) >= 3)
        if stop is None:
            return None
        pieces = _pieces(text[starts[0] : stop], [s - starts[0] for s in starts], sep)
        if pieces is None:
            return None
        leads.append(text[at : starts[0]])
        cut.append(pieces)
        seps.append(sep)
        at = stop
    leads.append(text[at:])
    return _Cut(tuple(leads), tuple(cut), tuple(seps))


def _group_end(text: str, pos: int, end: str | None, wrappers: bool) -> int | None:
    """Where the group whose last piece starts at `pos` ends: at `end` (the next class), or, in a
    wrapper class, at its first line that is no method's (a child resource's) or the text's end."""
    found = -1 if end is None else text.find(end, pos)
    if wrappers:
        last = text.find("\n", pos)
        while last >= 0 and last + 1 < len(text):
            line = text[last + 1 : text.find("\n", last + 1) + 1 or len(text)]
            if not line.startswith("        ") or line.startswith("        self."):
                break  # (the last wrapper line ends where the next statement begins)
            last = text.find("\n", last + 1)
        stop = len(text) if last < 0 or last + 1 >= len(text) else last + 1
        return stop if found < 0 or stop <= found + 1 else None
    return None if found < 0 else found + 1


def _cut_suite(text: str, methods: Sequence[str]) -> _Cut | None:
    """A test module (`tests/test_resource.py.jinja`, formatted) cut per method: two classes
    whose tests are separated by one blank line (none holds one)."""
    first = text.find("\nclass ")
    if first < 0:
        return None
    body = text.find("\n", first + 1) + 1
    second = text.find("\n\n\nclass ", body)
    if body <= 0 or second < 0:
        return None
    inner = text.find("\n", second + 3) + 1
    if inner <= 0:
        return None
    leads = (text[:body], text[second + 1 : inner], "")
    groups = []
    for part, prefix in ((text[body : second + 1], "def"), (text[inner:], "async def")):
        pieces = tuple(p + "\n" for p in part[:-1].split("\n\n")) if part.endswith("\n") else ()
        if "\n".join(pieces) != part or len(pieces) != len(methods):
            return None
        for piece, m in zip(pieces, methods, strict=True):
            if f"    {prefix} test_{m}(" not in piece:
                return None
        groups.append(pieces)
    return _Cut(leads, tuple(groups), ("\n", "\n"))


def _assemble(cut: _Cut, order: Sequence[tuple[bool, int]], old: _Cut) -> _Cut:
    """`cut`'s leads with, per group, the pieces in `order`: (True, i) the i-th of `cut`'s (the
    changed methods'), (False, i) the i-th of `old`'s (the full run's) — the new text's cut."""
    groups = tuple(
        tuple((cut if new else old).groups[g][i] for new, i in order) for g in range(len(cut.seps))
    )
    return _Cut(cut.leads, groups, cut.seps)


def _made(cut: _Cut, signature: str) -> Formatted:
    """The text of `cut`, carrying it (`Formatted.cut`)."""
    text = Formatted(cut.text())
    text.cut = signature, cut
    return text


def resource_signature(methods: Sequence[str], resource: ResourceName) -> str:
    """What a resource module is cut for (`cut_key`)."""
    return json.dumps(["resource", resource.cls, list(methods)])


def suite_signature(methods: Sequence[str]) -> str:
    """What a test module is cut for (`cut_key`)."""
    return json.dumps(["suite", list(methods)])


def api_md_signature(resources: Sequence[tuple[str, Sequence[str]]]) -> str:
    """What api.md is cut for (`cut_key`)."""
    return json.dumps(["api.md", [[a, list(c)] for a, c in resources]])


def _imports_of(head: str) -> ImportBlock | None:
    """The import statements of a module's head (read with `ast`), as the block they render from."""
    try:
        tree = ast.parse(head)
    except SyntaxError:
        return None
    block = ImportBlock()
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                block.add(alias.name, alias.asname)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                block.add_from(
                    module, alias.name if alias.asname is None else (alias.name, alias.asname)
                )
    return block


def _within(a: ImportBlock, b: ImportBlock) -> bool:
    return a.straight <= b.straight and all(
        names <= b.members.get(module, set()) for module, names in a.members.items()
    )


def _joined(a: ImportBlock, b: ImportBlock) -> ImportBlock:
    block = ImportBlock(set(a.straight) | b.straight, {m: set(n) for m, n in a.members.items()})
    for module, names in b.members.items():
        block.members.setdefault(module, set()).update(names)
    return block


def _same_but_operations(old: Api, new: Api) -> bool:
    """Everything of the API a method's piece reads but the operations is the full run's."""
    for f in dataclasses.fields(Api):
        if f.name == "operations":
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a is not b and (f.name == "schemas" or a != b):
            return False
    return True


_OP_TABLES = frozenset({"op_resource", "op_method", "params", "body_fields"})


def _same_names(old: Names, new: Names) -> bool:
    """The names of everything but the operations are the full run's (those of each unchanged
    operation: `plan` checks its method's; the replays keep its arguments')."""
    for f in dataclasses.fields(Names):
        if f.name in _OP_TABLES:
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a is not b and a != b:
            return False
    return True


@dataclass
class Plan:
    """Which of a resource's methods are drafted again (`fresh`: indices into its operations) and
    where every piece of the new module comes from (`order`, as `_assemble` takes it); the full
    run's operations of the resource (`old_ops`), its changed ones (`gone`), and its method names."""

    fresh: list[int]
    order: list[tuple[bool, int]]
    old_ops: list[Operation]
    gone: list[Operation]
    old_methods: Sequence[str]
    new_methods: Sequence[str]  # the methods of the new module, in order


def plan(before: Before, api: Api, names: Names, tag: str, ops: list[Operation]) -> Plan | None:
    """How the resource `tag` (its operations `ops`) is made from the full run's pieces, or None."""
    if not _same_but_operations(before.api, api) or not _same_names(before.names, names):
        return None
    if before.names.resources.get(tag) != names.resources.get(tag):
        return None
    old_ops = [
        op for op in before.api.operations if before.names.op_resource.get(op_key(op)) == tag
    ]
    old_methods = [before.names.op_method[op_key(op)] for op in old_ops]
    new_methods = [names.op_method[op_key(op)] for op in ops]
    if set(old_methods) & BUILTIN_TYPES != set(new_methods) & BUILTIN_TYPES:
        return None  # (a class shadowing another builtin spells every annotation otherwise)
    at = {op_key(op): i for i, op in enumerate(old_ops)}
    fresh: list[int] = []
    order: list[tuple[bool, int]] = []
    kept = set()
    for i, op in enumerate(ops):
        key = op_key(op)
        if key in before.touched:
            order.append((True, len(fresh)))
            fresh.append(i)
            continue
        j = at.get(key)
        if j is None or old_methods[j] != new_methods[i] or not _same_op(old_ops[j], op):
            return None
        order.append((False, j))
        kept.add(key)
    gone = [op for op in old_ops if op_key(op) not in kept]
    if not fresh or not old_ops or any(op_key(op) not in before.touched for op in gone):
        return None
    return Plan(fresh, order, old_ops, gone, old_methods, new_methods)


def _same_op(old: Operation, new: Operation) -> bool:
    return old is new or old == new


def resource_module(
    old: _Cut | None,
    p: Plan,
    draft: ResourceDraft,
    old_draft: ResourceDraft,
    names: Names,
    children: tuple[ResourceName, ...],
    render: Callable[[ResourceModuleView], str],
) -> tuple[str, _Cut] | None:
    """The raw text of the module of the changed methods alone (`draft`: theirs), with the import
    block the whole module has, and `old`, the cut of the full run's text; None (drafted whole)
    when there is no cut or the block cannot be shown to be it (`old_draft`: the changed methods'
    old drafts)."""
    if old is None:
        return None
    head = _imports_of(old.leads[0])
    if head is None:
        return None
    mine = module_imports(draft, names, (), children)
    if old_draft.methods and not _within(module_imports(old_draft, names, (), children), mine):
        return None  # an import only a changed method's old version needed may go
    block = _joined(head, mine)
    view = ResourceModuleView(
        draft.resource, tuple(block.lines(wrap=_LINE_LENGTH)), draft.methods, (), (), children
    )
    return render(view), old


def spliced_resource(
    formatted: str, old: _Cut, p: Plan, methods: Sequence[str], resource: ResourceName
) -> Formatted | None:
    """The new module from the changed methods' formatted module and the full run's cut."""
    cut = _cut_resource(formatted, methods, resource)
    if cut is None or cut.leads[1:] != old.leads[1:]:
        return None
    return _made(_assemble(cut, p.order, old), resource_signature(p.new_methods, resource))


def spliced_suite(
    formatted: str, old: _Cut | None, p: Plan, methods: Sequence[str]
) -> Formatted | None:
    """The new test module from the changed methods' formatted one and the full run's cut."""
    cut = _cut_suite(formatted, methods)
    if old is None or cut is None or cut.leads[1:] != old.leads[1:]:
        return None
    return _made(_assemble(cut, p.order, old), suite_signature(p.new_methods))


def suite_head(old_text: str) -> ImportBlock | None:
    """The full run's test module's imports."""
    first = old_text.find("\nclass ")
    return None if first < 0 else _imports_of(old_text[:first])


class _Ruff:
    """`ruff format` of one text, begun at once (`--stdin-filename`: the same command and
    configuration as `format.format_tree`'s over the staged package); `result` waits for it."""

    def __init__(self, rel: str, text: str) -> None:
        from ..format import CONFIG, ruff_binary

        command = [ruff_binary(), "format", "--quiet", "--no-cache", "--config", str(CONFIG)]
        with tempfile.TemporaryFile() as source:  # (no pipe to fill: the child reads a file)
            source.write(text.encode())
            source.seek(0)
            self.proc = subprocess.Popen(
                [*command, "--stdin-filename", rel, "-"],
                stdin=source,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )

    def result(self) -> str | None:
        """The formatted text, or None when ruff fails."""
        out, _ = self.proc.communicate()
        if self.proc.returncode != 0:
            return None
        try:
            return out.decode("utf-8")
        except UnicodeDecodeError:
            return None


def remade(
    before: Before,
    api: Api,
    names: Names,
    tag: str,
    views: Views,
    suite: Suite,
    rels: tuple[str | None, str | None],
    children: tuple[ResourceName, ...],
) -> Remaking | None:
    """The resource's module and test module (`rels`: the paths of those made again, None for one
    that is not) from the full run's, only the changed methods drafted (`views.some`: their views
    are kept for api.md, the README and the manifest), their formatting begun (`Remaking.result`
    takes them); None: draft and render them whole."""
    from ..write import with_header
    from .suite_views import suite_cases, suite_imports, suite_view

    ops = views.ops()
    p = plan(before, api, names, tag, ops)
    if p is None:
        return None
    olds = {rel: before.text(rel) for rel in rels if rel is not None}
    if any(text is None for text in olds.values()):
        return None
    draft = views.some(p.fresh)
    resource = names.resources[tag]
    old_draft = draft_resource(
        before.api, before.names, resource, p.gone, views.hooks, among=p.old_ops
    )
    fresh_ops = [ops[i] for i in p.fresh]
    methods = [m.name for m in draft.methods]
    raw: dict[str, str] = {}
    module, test = rels
    old_cut = None
    old_suite = None
    if module is not None:
        text = olds[module] or ""
        kind = resource_signature(p.old_methods, resource)
        made = resource_module(
            before.cut(module, text, kind, lambda: _cut_resource(text, p.old_methods, resource)),
            p,
            draft,
            old_draft,
            names,
            children,
            lambda view: render("package/resource.py.jinja", view=view),
        )
        if made is None:
            return None
        raw[module], old_cut = made
    if test is not None:
        suite_text = olds[test] or ""
        old_suite = before.cut(
            test,
            suite_text,
            suite_signature(p.old_methods),
            lambda: _cut_suite(suite_text, p.old_methods),
        )
        head = suite_head(suite_text)
        package = api.target.package.name
        by_key = {op_key(op): m for op, m in zip(fresh_ops, draft.methods, strict=True)}
        cases, imports = suite_cases(api, names, fresh_ops, by_key, suite.literals, suite.auth)
        mine = suite_imports(package, names, imports, cases)
        if head is None:
            return None
        if p.gone:
            old_by_key = {op_key(op): m for op, m in zip(p.gone, old_draft.methods, strict=True)}
            old_cases, old_imports = suite_cases(
                before.api, before.names, p.gone, old_by_key, suite.literals, suite.auth
            )
            if not _within(suite_imports(package, before.names, old_imports, old_cases), mine):
                return None
        view = suite_view(api, resource, cases, _joined(head, mine))
        raw[test] = render("package/tests/test_resource.py.jinja", view=view)
    ruff = {rel: _Ruff(rel, with_header(rel, text).decode()) for rel, text in raw.items()}
    return Remaking(ruff, p, old_cut, old_suite, methods, resource, module)


@dataclass
class Remaking:
    """A resource's module and test module being formatted (`remade`): `result` puts the
    changed methods' formatted pieces among the full run's."""

    ruff: dict[str, _Ruff]
    plan: Plan
    old_cut: _Cut | None
    old_suite: _Cut | None  # the full run's test module's cut
    methods: Sequence[str]
    resource: ResourceName
    module: str | None

    def result(self) -> dict[str, Formatted] | None:
        """path → its final text; None: draft and render them whole."""
        out: dict[str, Formatted] = {}
        for rel, ruff in self.ruff.items():
            formatted = ruff.result()
            done = None
            if formatted is None:
                pass
            elif rel == self.module and self.old_cut is not None:
                done = spliced_resource(
                    formatted, self.old_cut, self.plan, self.methods, self.resource
                )
            else:
                done = spliced_suite(formatted, self.old_suite, self.plan, self.methods)
            if done is not None:
                out[rel] = done
        return out if len(out) == len(self.ruff) else None


def _cut_api_md(text: str, resources: Sequence[tuple[str, Sequence[str]]]) -> _Cut | None:
    """api.md (`api.md.jinja`, formatted) cut into its head and one piece per resource heading and
    per method section (`resources`: each resource's `client.…` access and its methods' calls, in
    order), joined by a blank line; a piece holds no other heading of its kind."""
    starts = []
    pos = 0
    for access, calls in resources:
        for marker in [f"\n## `client.{access}`\n", *(f"\n### `{c}`\n" for c in calls)]:
            found = text.find(marker, pos)
            if found < 0:
                return None
            starts.append(found + 1)
            pos = found + 1
    if not starts:
        return None
    body = text[starts[0] :]
    pieces = _pieces(body, [s - starts[0] for s in starts], "\n")
    if pieces is None or any(
        "\n## `" in piece or "\n### `" in piece or not piece.startswith(("## `", "### `"))
        for piece in pieces
    ):
        return None
    return _Cut((text[: starts[0]], ""), (pieces,), ("\n",))


@dataclass
class ApiMd:
    """api.md being made from the full run's (`remade_api_md`): the changed methods' sections formatted
    alone (`ruff`), put among the full run's pieces (`result`)."""

    ruff: _Ruff
    old: _Cut
    order: list[tuple[bool, int]]
    resources: list[tuple[str, list[str]]]  # the new api.md's resources and fresh calls
    headings: list[tuple[int, int]]  # each resource heading's piece: new, old
    signature: str  # what the new api.md is cut for (its resources and every call: `cut_key`)

    def result(self) -> Formatted | None:
        formatted = self.ruff.result()
        cut = None if formatted is None else _cut_api_md(formatted, self.resources)
        if cut is None or cut.leads[1:] != self.old.leads[1:]:
            return None
        mine, theirs = cut.groups[0], self.old.groups[0]
        if any(mine[new] != theirs[old] for new, old in self.headings):
            return None
        return _made(_assemble(cut, self.order, self.old), self.signature)


def remade_api_md(
    before: Before,
    doc: ApiDoc,
    kept: Mapping[str, MethodDoc],
    by_resource: Mapping[str, list[Operation]],
    render: Callable[[ApiDoc], str],
) -> ApiMd | None:
    """api.md from the full run's: the sections of the methods whose doc is the full run's
    (`kept`: the snapshot's, the same object) taken from its text, the others rendered and
    formatted alone; the resources (headings and order) must be the full run's. None: render
    it whole."""
    from ..write import with_header

    text = before.text("api.md")
    if text is None:
        return None
    names = before.names
    old_by: dict[str, list[str]] = {}
    for op in before.api.operations:
        key = op_key(op)
        old_by.setdefault(names.op_resource[key], []).append(key)
    old_resources = []
    at: dict[str, int] = {}  # each section's index in the old cut (after its resource heading)
    heads: list[int] = []  # each resource heading's
    for tag, keys in old_by.items():
        access = names.resources[tag].access
        heads.append(len(at) + len(heads))
        at.update((k, heads[-1] + 1 + i) for i, k in enumerate(keys))
        old_resources.append((access, [f"client.{access}.{names.op_method[k]}" for k in keys]))
    if [r.resource.access for r in doc.resources] != [a for a, _ in old_resources]:
        return None
    old = before.cut(
        "api.md", text, api_md_signature(old_resources), lambda: _cut_api_md(text, old_resources)
    )
    if old is None:
        return None
    order: list[tuple[bool, int]] = []
    mini = []
    fresh_resources: list[tuple[str, list[str]]] = []
    count = 0
    headings = []
    for (_, ops), r, was in zip(by_resource.items(), doc.resources, heads, strict=True):
        order.append((True, count))  # the resource's heading: the new text's (checked alike)
        headings.append((count, was))
        count += 1
        mine = []
        for op, m in zip(ops, r.methods, strict=True):
            key = op_key(op)
            if kept.get(key) is m and key in at:
                order.append((False, at[key]))
            else:
                order.append((True, count))
                count += 1
                mine.append(m)
        mini.append(dataclasses.replace(r, methods=tuple(mine)))
        fresh_resources.append((r.resource.access, [m.call for m in mine]))
    if count == len(doc.resources):
        return None  # (nothing changed in it: rendered whole is as cheap)
    raw = render(dataclasses.replace(doc, resources=tuple(mini)))
    ruff = _Ruff("api.md", with_header("api.md", raw).decode())
    signature = api_md_signature(
        [(r.resource.access, [m.call for m in r.methods]) for r in doc.resources]
    )
    return ApiMd(ruff, old, order, fresh_resources, headings, signature)


__all__ = [
    "ApiMd",
    "Before",
    "Formatted",
    "MethodView",
    "Plan",
    "Remaking",
    "plan",
    "remade",
    "remade_api_md",
]
