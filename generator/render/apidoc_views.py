"""The view of `api.md`, the package's reference: every resource and method with its signature, a
one-line summary, the HTTP operation, what it returns (the model classes linked to their modules) and
a call with realistic arguments (`call_samples.py`). The README's operation list links into it.

Anchors are GitHub's: a heading's text in lower case without punctuation, `-1`, `-2` … for repeats."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from functools import partial

from ..ir import Api, Operation, ResultKind, walk_refs
from ..ir.quick_init import quick_init
from ..naming.names import Names, ResourceName, op_key
from .annotations import one_line
from .call_samples import CallSample, call_sample
from .extension import ArgView
from .literals import Files, Literals, Uses
from .resource_views import MethodView
from .safe import NO_CODE, Code, Markdown, Name, TemplateText, code, md, md_code

SIGNATURE_WIDTH = 100
_NOT_SLUG = re.compile(r"[^\w\- ]")
SUMMARY_WIDTH = 160

_STRING = re.compile(r"(\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')")
_PRIVATE_ALIAS = re.compile(
    r"\b_[A-Za-z]\w*\."
)  # `_t.`, `_dt.`, `_query.`: the module's own aliases


@dataclass(frozen=True, slots=True)
class TypeLink:
    """A type an api.md entry links to, and the module that defines it."""

    name: Name
    path: Markdown  # `src/<package>/types/<module>.py`


@dataclass(frozen=True, slots=True)
class MethodDoc:
    """A method's entry in api.md and the README."""

    call: Name  # client.referrals.list
    anchor: Markdown
    summary: Markdown
    http: str  # raw: `GET /referrals` (printed with `md_code`)
    signature: Code  # `def list(self, *, …) -> SyncPage[Referral]: ...`
    returns: Markdown  # the return annotation as a code span
    links: tuple[TypeLink, ...]
    example: Code
    deprecated: bool
    access: str  # raw: the README's Access label ("" = none)

    @property
    def single(self) -> bool:
        """It returns exactly one model class (the link says it all)."""
        return len(self.links) == 1 and self.returns == f"`{self.links[0].name}`"


@dataclass(frozen=True, slots=True)
class ResourceDoc:
    """A resource's section of api.md: its anchors, what it covers and its methods."""

    resource: ResourceName
    anchor: Markdown  # in api.md
    readme_anchor: Markdown  # in the README (whose headings are others)
    about: Markdown  # `Operations tagged `Cases`.`, or the route a resource named from paths covers
    methods: tuple[MethodDoc, ...]

    @property
    def count(self) -> int:
        return len(self.methods)


@dataclass(frozen=True, slots=True)
class ApiDoc:
    """api.md: the package, the client and every resource's methods."""

    title: str  # raw
    package: Name
    client: Name
    resources: tuple[ResourceDoc, ...]
    show_access: bool  # some operation has an Access label worth a column
    spec_file: TemplateText  # the spec's copy at the package root (`openapi.yml` / `.json`): mocked by tests/


class Anchors:
    """GitHub's heading anchors, in the order the headings appear."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, heading: str) -> Markdown:
        slug = _NOT_SLUG.sub("", heading.lower()).replace(" ", "-")
        count = self.seen.get(slug, 0)
        self.seen[slug] = count + 1
        # only word characters and `-`: nothing Markdown or HTML acts on in a link destination (and an
        # escaped `_`, `clientimport\_`, is not what a reader copies from the address bar)
        return Markdown(slug if count == 0 else f"{slug}-{count}")


def api_doc(
    api: Api,
    names: Names,
    by_resource: Mapping[str, list[Operation]],
    methods: Mapping[str, MethodView],
    access: Mapping[str, str],
    spec_file: str,
    kept: Mapping[str, MethodDoc] | None = None,
) -> ApiDoc:
    """`access`: operation key → the Access label features give (`x-access-tier`); else an operation
    without security is "public" when others need credentials, and one with security is labelled
    with its schemes when operations differ in them. No label anywhere: no Access column.
    `kept`: operation key → its doc from an earlier run of the same spec whose operation this run
    has as it was (a prose-only regeneration, `generator/stage/cache.py`): taken as it is when its
    call, anchor and label are this run's (`method_docs` gives them)."""
    plan = DocPlan(api, names, by_resource, access, kept)
    docs: dict[str, MethodDoc] = {}
    for ops in by_resource.values():
        for op in ops:
            key = op_key(op)
            docs[key] = plan.method(op, partial(methods.__getitem__, key))  # looked at if not kept
    return plan.finish(docs, spec_file)


class DocPlan:
    """api.md's view built a method at a time (`method`, in any order: the file plan asks as it
    drafts each resource and lets the method views go), then put together in the resources' order
    (`finish`). Anchors depend only on the calls' names, so they are all given out first."""

    def __init__(
        self,
        api: Api,
        names: Names,
        by_resource: Mapping[str, list[Operation]],
        access: Mapping[str, str],
        kept: Mapping[str, MethodDoc] | None = None,
    ) -> None:
        self.api, self.names, self.by_resource, self.kept = api, names, by_resource, kept
        self.literals = Literals(api.schemas, names)
        anchors, readme = Anchors(), Anchors()
        any_auth = any(op.requires_auth for op in api.operations)
        several = len({op.security for op in api.operations if op.requires_auth}) > 1
        # resource key → (anchor, README anchor); operation key → (call, anchor, Access label)
        self.resource_anchors: dict[str, tuple[Markdown, Markdown]] = {}
        self.calls: dict[str, tuple[str, Markdown, str]] = {}
        for key, ops in by_resource.items():
            resource = names.resources[key]
            anchor = anchors(f"client.{resource.access}")
            for op in ops:
                okey = op_key(op)
                call = f"client.{resource.access}.{names.op_method[okey]}"
                label = access.get(okey) or _access(op, any_auth, several)
                self.calls[okey] = (call, anchors(call), label)
            self.resource_anchors[key] = (anchor, readme(f"client.{resource.access}"))

    def method(self, op: Operation, view: Callable[[], MethodView]) -> MethodDoc:
        """The operation's doc: an earlier run's (`kept`) when its call, anchor and label are this
        run's (its method is not looked at: not drafted, `drafts.Drafts`), else made from its
        method view (`view()`)."""
        key = op_key(op)
        call, heading, label = self.calls[key]
        was = self.kept.get(key) if self.kept else None
        if was is not None and (was.call, was.anchor, was.access) == (call, heading, label):
            return was
        return _method_doc(self.api, self.names, self.literals, call, heading, op, view(), label)

    def finish(self, docs: Mapping[str, MethodDoc], spec_file: str) -> ApiDoc:
        """`docs`: operation key → its doc (`method`), for every operation."""
        resources = []
        for key, ops in self.by_resource.items():
            resource = self.names.resources[key]
            anchor, readme_anchor = self.resource_anchors[key]
            methods = tuple(docs[op_key(op)] for op in ops)
            resources.append(
                ResourceDoc(resource, anchor, readme_anchor, _about(resource), methods)
            )
        api = self.api
        return ApiDoc(
            api.title,
            Name(api.target.package.name),
            Name(api.target.package.client),
            tuple(resources),
            any(m.access for r in resources for m in r.methods),
            TemplateText(spec_file),
        )


def for_readme(doc: ApiDoc, held: Collection[MethodDoc] = ()) -> ApiDoc:
    """What the README reads of api.md's view (each method's call, anchor, HTTP line, summary,
    label): without the signatures, examples and links, which api.md alone prints (graph-beta:
    tens of MB kept from api.md to the README otherwise). `held`: docs the caller keeps anyway
    (a replay's `Reuse.docs`, the same objects): taken as they are, since slimming them frees
    nothing (the README template reads only the fields above, so its text is the same); a
    resource whose methods are all held is taken as it is."""
    ids = {id(m) for m in held}
    if ids and all(id(m) in ids for r in doc.resources for m in r.methods):
        return doc
    slim = tuple(
        replace(
            r,
            methods=tuple(
                m
                if id(m) in ids
                else replace(m, signature=NO_CODE, returns=Markdown(""), links=(), example=NO_CODE)
                for m in r.methods
            ),
        )
        for r in doc.resources
    )
    return replace(doc, resources=slim)


def method_docs(by_resource: Mapping[str, list[Operation]], doc: ApiDoc) -> dict[str, MethodDoc]:
    """Operation key → its doc (what a prose-only regeneration may take again: `api_doc`'s `kept`)."""
    return {
        op_key(op): method
        for ops, resource in zip(by_resource.values(), doc.resources, strict=True)
        for op, method in zip(ops, resource.methods, strict=True)
    }


def _about(resource: ResourceName) -> Markdown:
    """What a resource holds: its tag, the route it was named from (nested resources of untagged
    specs, `client.customers.sources`), or what `method_names` put there."""
    if resource.tag:
        return Markdown(f"Operations tagged {md_code(resource.tag)}.")
    if resource.route:
        return Markdown(f"Operations under {md_code(resource.route)}.")
    return Markdown("Operations `method_names` puts here.")


def _access(op: Operation, any_auth: bool, several: bool) -> str:
    if not op.requires_auth:
        return "public" if any_auth else ""
    return " or ".join(op.security) if several else ""


def _method_doc(
    api: Api,
    names: Names,
    literals: Literals,
    call: str,
    anchor: Markdown,
    op: Operation,
    m: MethodView,
    access: str,
) -> MethodDoc:
    uses = Uses()
    sample = call_sample(api, op, m, literals, uses, Files.PATH)
    package = api.target.package.name
    refs = dict.fromkeys(
        sid
        for r in op.results
        for t in (r.item if r.pagination else r.returns,)
        if t is not None
        for sid in walk_refs(t)
    )
    links = tuple(
        TypeLink(names.schema_class[sid], md(f"src/{package}/types/{names.schema_module[sid]}.py"))
        for sid in refs
        if sid in names.schema_class
    )
    return MethodDoc(
        call=Name(call),
        anchor=anchor,
        summary=md(summary(op)),
        http=f"{op.method.upper()} {op.path}",
        signature=signature(m),
        returns=md_code(display(m.returns)),
        links=links,
        example=_example(call, sample, op, uses, package, names),
        deprecated=op.deprecated,
        access=access,
    )


def summary(op: Operation) -> str:
    """The operation's one line: its summary, else the first paragraph of its description (cut at
    `SUMMARY_WIDTH`), else nothing (the HTTP line says the rest)."""
    text = op.summary.strip() or op.description.strip().split("\n\n", 1)[0]
    return one_line(text, SUMMARY_WIDTH) if text else ""


def signature(m: MethodView) -> Code:
    """The method as a `def` stub, its annotations as a reader sees them (`display`)."""
    params = ["self", *(_param(a) for a in m.positional)]
    if m.keyword:
        params += ["*", *(_param(a) for a in m.keyword)]
    returns = display(m.returns)
    line = f"def {m.name}({', '.join(params)}) -> {returns}: ..."
    if len(line) <= SIGNATURE_WIDTH:
        return code(line)
    body = "".join(f"    {p},\n" for p in params)
    return code(f"def {m.name}(\n{body}) -> {returns}: ...")


def _param(a: ArgView) -> str:
    text = f"{a.name}: {display(a.annotation)}"
    return f"{text} = {a.default}" if a.default else text


def display(source: str) -> str:
    """Generated source as documentation shows it: without the modules' private aliases (`_t.Sequence`
    → `Sequence`, `_dt.date` → `date`); string literals are left alone."""
    parts = _STRING.split(source)
    return "".join(p if i % 2 else _PRIVATE_ALIAS.sub("", p) for i, p in enumerate(parts))


def _example(
    call: str, sample: CallSample, op: Operation, uses: Uses, package: str, names: Names
) -> Code:
    """`result = client.x.y(...)`, with the imports its arguments need; one argument a line when
    they do not fit on one."""
    args = [_readable(a) for a in sample.positional]
    args += [f"{k}={_readable(v)}" for k, v in sample.keyword]
    lines = []
    if uses.datetime:
        lines.append("import datetime")
    if uses.path:
        lines.append("from pathlib import Path")
    if uses.schemas:
        classes = ", ".join(sorted({names.schema_class[s] for s in uses.schemas}))
        lines.append(f"from {package}.types import {classes}")
    if lines:
        lines.append("")
    kinds = {r.kind for r in op.results}
    paged = any(r.pagination for r in op.results)
    start = (
        f"for item in {call}("
        if paged
        else f"{call}("
        if not kinds or kinds == {ResultKind.EMPTY}
        else f"result = {call}("
    )
    end = "):" if paged else ")"
    one = start + ", ".join(args) + end
    if len(one) <= SIGNATURE_WIDTH or not args:
        lines.append(one)
    else:
        lines += [start, *(f"    {a}," for a in args), end]
    if paged:
        lines.append("    print(item)")
    return code("\n".join(lines))


def _readable(literal: str) -> str:
    """A literal as documentation spells it: `datetime.date(…)` (the tests' `_dt` alias spelled out)."""
    parts = _STRING.split(literal)
    return "".join(p if i % 2 else p.replace("_dt.", "datetime.") for i, p in enumerate(parts))


# their quick `__init__` in the pure-Python install (`ir/quick_init.py`): called, not a decorator,
# so that mypyc keeps the compiled classes native
quick_init(MethodDoc)
