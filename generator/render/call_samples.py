"""The arguments of one realistic call of a generated method, read off its method view.

Which arguments: every required one, and the optional ones the spec gives an example for (a
parameter's example, a body example's member). What values: `samples.py` (the spec's examples
first). The method view decides the names and which argument takes what — a parameter by its
location and wire name, the body whole (`body=`), or a member of it (a form field, a JSON:API
`attributes=`, a body property as a keyword argument), found in the body's type by its wire name —
so a call sample follows whatever signature the views give a method.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ..ir import (
    Alias,
    AnyType,
    Api,
    Kind,
    ListOf,
    Location,
    MediaType,
    Model,
    ModelRef,
    Operation,
    Parameter,
    Primitive,
    TypeRef,
    UnionOf,
)
from ..ir.models import _Missing
from .extension import ArgView
from .literals import Files, Literals, Uses
from .resource_views import MethodView
from .safe import Code, Name, code
from .samples import FileSample, Sample

_MAPPING = "_t.Mapping[str, _t.Any]"  # an argument that also takes a plain mapping (wire spelling)


@dataclass(frozen=True, slots=True)
class CallSample:
    """A method call's sample arguments, positional and keyword."""

    positional: tuple[Code, ...]
    keyword: tuple[tuple[Name, Code], ...]

    @property
    def arguments(self) -> Code:
        """`"id", status="open"`: the text between the call's parentheses."""
        return code(", ".join([*self.positional, *(f"{k}={v}" for k, v in self.keyword)]))


# the only thing a call sample reads of an operation's prose: whether it names CSV (a file member's
# sample); a prose edit that names it on neither side leaves every call sample as it was
# (`stage.cache._touched` leaves the test modules alone then)
CSV = "csv"


def call_sample(
    api: Api, op: Operation, method: MethodView, literals: Literals, uses: Uses, files: Files
) -> CallSample:
    params = {(p.location, p.wire_name): p for p in op.parameters}
    located: dict[int, tuple[Sample | None, TypeRef | None]] = {}
    for loc, args in (
        (Location.PATH, method.path_args),
        (Location.QUERY, method.query_args),
        (Location.HEADER, method.header_args),
        (Location.COOKIE, method.cookie_args),
    ):
        for arg in args:
            p = params.get((loc, arg.wire))
            if p is not None:
                located[id(arg)] = _parameter(literals, p)
    body_args = [*method.body_fields, *([method.body_arg] if method.body_arg else [])]
    if body_args and op.body is not None and op.body.media:
        media = next((m for m in op.body.media if m.media_type == method.body_media), op.body.sent)
        whole = literals.sampler.value(media.type, op.id, example=media.example)
        given = not isinstance(media.example, _Missing) or op.body.required
        for arg in body_args:
            if arg is method.body_arg:
                located[id(arg)] = (whole if given else None, media.type)
            else:
                located[id(arg)] = _member(literals, op, media, whole, arg)
    positional = tuple(
        _literal(literals, a, located.get(id(a)), uses, files) for a in method.positional
    )
    keyword = []
    for arg in method.keyword:
        value, t = located.get(id(arg), (None, None))
        if value is None and arg.default:
            continue  # optional, and the spec shows no value for it
        keyword.append((arg.name, _literal(literals, arg, (value, t), uses, files)))
    return CallSample(positional, tuple(keyword))


def _parameter(literals: Literals, p: Parameter) -> tuple[Sample | None, TypeRef]:
    if not p.required and isinstance(p.example, _Missing):
        return None, p.type
    value = literals.sampler.value(
        p.type, p.wire_name, example=p.example, default=p.default, limits=p.constraints
    )
    if p.location is Location.PATH and value in ("", None):
        value = literals.sampler.value(p.type, p.wire_name, limits=p.constraints)
    return value, p.type


def _member(
    literals: Literals, op: Operation, media: MediaType, whole: Sample, arg: ArgView
) -> tuple[Sample | None, TypeRef | None]:
    """A keyword argument that is one member of the body: its value in the body's sample."""
    found = locate(literals, media.type, arg.wire)
    if found is None:
        return (None, None)
    path, t = found
    if _is_file(t):
        text = f"{arg.doc} {op.summary} {op.description}".lower()
        sample = FileSample("sample.csv", "text/csv") if CSV in text else FileSample()
        return ([sample] if isinstance(t, ListOf) else sample), t
    value: Sample = whole
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if value is None and not arg.default:
        value = literals.sampler.value(t, arg.wire)
    return value, t


def _is_file(t: TypeRef) -> bool:
    item = t.item if isinstance(t, ListOf) else t
    return isinstance(item, Primitive) and item.kind is Kind.BINARY


def locate(literals: Literals, t: TypeRef, wire: str) -> tuple[tuple[str, ...], TypeRef] | None:
    """The path to the nearest member called `wire` in values of `t`, and its type (breadth first,
    two levels: a body's own properties, then those of its members — JSON:API's `data.attributes`)."""
    queue: deque[tuple[tuple[str, ...], TypeRef]] = deque([((), t)])
    while queue:
        path, current = queue.popleft()
        model = _model(literals, current)
        if model is None or len(path) > 1:
            continue
        for f in model.fields:
            if f.wire_name == wire:
                return (*path, wire), f.type
        queue.extend(((*path, f.wire_name), f.type) for f in model.fields if not f.read_only)
    return None


def _model(literals: Literals, t: TypeRef) -> Model | None:
    for _ in range(8):
        if isinstance(t, UnionOf):
            t = next((v for v in t.variants if isinstance(v, ModelRef)), AnyType())
        if not isinstance(t, ModelRef):
            return None
        schema = literals.schemas[t.id]
        if isinstance(schema, Model):
            return schema
        if not isinstance(schema, Alias):
            return None
        t = schema.target
    return None


def _literal(
    literals: Literals,
    arg: ArgView,
    found: tuple[Sample | None, TypeRef | None] | None,
    uses: Uses,
    files: Files,
) -> Code:
    value, t = found if found is not None else (None, None)
    if value is None and t is None:
        value = literals.sampler.value(AnyType(), arg.wire or str(arg.name))
    if isinstance(value, FileSample) and files is Files.PART and arg.wire == "":
        files = Files.BYTES  # a raw body is the file's content
    elif (
        isinstance(value, FileSample) and files is Files.PART and "FileTypes" not in arg.annotation
    ):
        # `format: binary` in a JSON body: the argument takes `bytes`, not a file
        files = Files.BYTES
    if t is None or (_MAPPING in arg.annotation and isinstance(value, (dict, list))):
        return literals.wire(value)
    return literals.typed(value, t, uses, files)
