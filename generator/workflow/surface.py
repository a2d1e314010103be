"""The public Python surface of the client a spec generates: resources, methods and their arguments,
classes (models, enums, aliases) with fields and members — taken from the generator's own IR, naming pass
and view objects (the same data the templates print), never from generated text."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..ir import Alias as IrAlias
from ..ir import Api, Model, Operation, walk_refs
from ..naming.names import op_key
from ..render.extension import ArgView
from ..render.model_views import types_module_view
from ..render.resource_views import draft_resource
from .sides import SpecSide
from .wire_ops import match_key, op_label

_PREFIXES = re.compile(r"\b_(?:b|t|dt|uuid|types)\.")


_DESCRIPTOR = re.compile(r"_(Omittable|OmittableCoerced|Coerced)\[(.*)\]", re.DOTALL)


def clean(annotation: str) -> str:
    """`_t.Sequence[_dt.date] | NotGiven` → `Sequence[date]` (`_types.Pet` → `Pet`): what a reader of the signature sees. A
    model field typed by a runtime descriptor (`_fields.py`) is its read type: `_Omittable[X]` is
    `X | None`, `_Coerced[X, W]` is `X`."""
    described = _DESCRIPTOR.fullmatch(annotation)
    if described is not None:
        kind, inner = described.groups()
        read = _first_argument(inner)
        annotation = read if kind == "Coerced" else f"{read} | None"
    text = _PREFIXES.sub("", annotation)
    return " | ".join(p for p in split_union(text) if p != "NotGiven")


def _first_argument(arguments: str) -> str:
    """`X` of `X, W` (commas inside brackets belong to X)."""
    depth = 0
    for i, ch in enumerate(arguments):
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            return arguments[:i].strip()
    return arguments.strip()


def split_union(annotation: str) -> list[str]:
    """Top-level members of `A | list[B | C] | None`."""
    parts, depth, cur = [], 0, ""
    for ch in annotation:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "|" and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return [p for p in parts if p]


def literal_values(annotation: str) -> tuple[object, ...] | None:
    """The values of `_t.Literal["a", "b"]` (`Literal[...]`, `typing.Literal[...]`); None for another type."""
    head, bracket, rest = annotation.partition("[")
    if not bracket or head.rsplit(".", 1)[-1] != "Literal" or not rest.endswith("]"):
        return None
    try:
        values = ast.literal_eval(f"({rest[:-1]},)")
    except (ValueError, SyntaxError):
        return None
    return tuple(values) if isinstance(values, tuple) else None


@dataclass(frozen=True)
class Arg:
    name: str
    annotation: str
    required: bool
    position: int  # index among positional arguments, -1 for keyword-only


@dataclass(frozen=True)
class Method:
    call: str  # "referrals.close"
    resource: str
    endpoint: str  # wire match key: the operation this method performs
    label: str  # "POST /referrals/{id}/close"
    args: dict[str, Arg]
    returns: str


@dataclass(frozen=True)
class PyField:
    attr: str
    wire: str
    annotation: str
    required: bool


@dataclass(frozen=True)
class PyClass:
    name: str
    kind: str  # "model", "enum", "alias"
    schema_id: str
    fields: dict[str, PyField] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)  # member name → value literal
    annotation: str = ""  # alias target
    value_kind: str = ""  # enums: "string", "integer", …
    used: frozenset[str] = frozenset()  # "input" (sent by callers), "output" (returned to callers)


@dataclass
class Surface:
    package: str
    resources: dict[str, list[str]]  # client attribute → method names
    methods: dict[str, Method]
    classes: dict[str, PyClass]
    # the string enums' class names, when `classes` does not hold every class (a pruned surface)
    str_enums: frozenset[str] | None = None


def build_surface(side: SpecSide, package: str) -> Surface:
    resources: dict[str, list[str]] = {}
    methods = dict(surface_methods(side, resources))
    return Surface(package, resources, methods, dict(surface_classes(side)))


def surface_methods(
    side: SpecSide, resources: dict[str, list[str]]
) -> Iterator[tuple[str, Method]]:
    """The surface's methods one at a time (`resources` filled as they are made): a caller that
    keeps only some of them never holds them all."""
    api, names = side.api, side.names
    by_tag: dict[str, list[Operation]] = {}
    for op in api.operations:
        by_tag.setdefault(names.op_resource[op_key(op)], []).append(op)
    for tag, ops in by_tag.items():
        resource = names.resources[tag]
        view = draft_resource(api, names, resource, ops)
        resources[resource.access] = [m.name for m in view.methods]
        for op, m in zip(ops, view.methods, strict=True):
            args = [_arg(a, i) for i, a in enumerate(m.positional)]
            args += [_arg(a, -1) for a in m.keyword if a.name not in {x.name for x in m.positional}]
            call = f"{resource.access}.{m.name}"
            yield (
                call,
                Method(
                    call,
                    resource.access,
                    match_key(op),
                    op_label(op),
                    {a.name: a for a in args},
                    clean(m.returns),
                ),
            )


def surface_classes(side: SpecSide) -> Iterator[tuple[str, PyClass]]:
    """The surface's classes one at a time."""
    api, names = side.api, side.names
    inputs, outputs = _usage(api)
    sid_of = {cls: sid for sid, cls in names.schema_class.items()}
    for module in names.module_members:
        for sv in types_module_view(api, names, module).schemas:
            sid = sid_of[sv.name]
            used = frozenset(u for u, ids in (("input", inputs), ("output", outputs)) if sid in ids)
            schema = api.schemas[sid]
            yield (
                sv.name,
                PyClass(
                    sv.name,
                    sv.kind,
                    sid,
                    fields={
                        f.name: PyField(
                            f.name, f.alias or f.name, clean(f.annotation), f.default == ""
                        )
                        for f in sv.fields
                    },
                    members={m.name: m.value for m in sv.members},
                    annotation=clean(sv.annotation),
                    value_kind=getattr(schema, "value_kind", ""),
                    used=used,
                ),
            )


def _arg(a: ArgView, position: int) -> Arg:
    return Arg(a.name, clean(a.annotation), a.default == "", position)


def _usage(api: Api) -> tuple[set[str], set[str]]:
    """Schema ids reachable from what callers send (inputs) and from what they get back (outputs)."""
    inputs: list[str] = []
    outputs: list[str] = []
    for op in api.operations:
        for p in op.parameters:
            inputs += walk_refs(p.type)
        for media in op.body.media if op.body else ():
            inputs += walk_refs(media.type)
        for r in op.responses:
            for media in r.media:
                outputs += walk_refs(media.type)
    return _closure(api, inputs), _closure(api, outputs)


def _closure(api: Api, roots: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        sid = stack.pop()
        if sid in seen or sid not in api.schemas:
            continue
        seen.add(sid)
        schema = api.schemas[sid]
        if isinstance(schema, Model):
            for f in schema.fields:
                stack += walk_refs(f.type)
            if schema.extra is not None:
                stack += walk_refs(schema.extra)
        elif isinstance(schema, IrAlias):
            stack += walk_refs(schema.target)
    return seen
