"""What the IR says of an API's JSON:API documents (the JSON:API feature's facts, `features/jsonapi.py`).

The primary data's model of a JSON:API result is a *resource* (its `type` field has a single value); a
deepObject `filter` parameter's model gives the filterable fields (the operator object of each field
gives the operators), a `sort` parameter the sortable ones; a create/update body
`{"data": {type, id?, attributes?, relationships?}}` is a request document."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..ir import (
    Alias,
    Api,
    Enum,
    Kind,
    ListOf,
    LiteralOf,
    Location,
    MediaKind,
    Model,
    ModelRef,
    Operation,
    Primitive,
    TypeRef,
    UnionOf,
)
from ..naming.names import op_key

_OPERATORS = {
    "neq": ("neq", "ne", "not"),
    "like": ("like", "contains"),
    "gt": ("g", "gt"),
    "ge": ("ge", "gte"),
    "lt": ("l", "lt"),
    "le": ("le", "lte"),
}
_FIELD_KIND = {
    Kind.DATE: "DateField",
    Kind.DATETIME: "DateTimeField",
    Kind.UUID: "UuidField",
    Kind.INTEGER: "NumberField",
    Kind.NUMBER: "NumberField",
    Kind.DECIMAL: "NumberField",
    Kind.BOOLEAN: "BooleanField",
}
_KIND_OPS = {
    "TextField": ("neq", "like"),
    "UuidField": ("neq",),
    "BooleanField": ("neq",),
    "EnumField": ("neq",),
    "NumberField": ("neq", "gt", "ge", "lt", "le"),
    "DateField": ("neq", "gt", "ge", "lt", "le"),
    "DateTimeField": ("neq", "gt", "ge", "lt", "le"),
    "SortField": (),
}


@dataclass(frozen=True, slots=True)
class QueryField:
    """A field a JSON:API resource can be filtered or sorted by, as the spec gives it."""

    wire: str  # raw
    kind: str  # runtime class in `_query`
    ops: tuple[tuple[str, str], ...]  # (our operator, the API's spelling), raw
    sortable: bool
    doc: str  # raw
    model: str | None  # the filter model whose field this is (its attribute name), or None


@dataclass(frozen=True, slots=True)
class FieldsClass:
    """The filterable and sortable fields of one JSON:API resource type."""

    resource: str  # resource schema id
    type_name: str  # raw
    fields: tuple[QueryField, ...]


@dataclass(frozen=True, slots=True)
class DocumentBody:
    """A create/update operation whose body is `{"data": {type, id?, attributes?, relationships?}}`."""

    type_name: str
    attributes: str | None  # schema id of the attributes model
    relationships: str | None
    attributes_required: bool
    with_id: bool


@dataclass
class JsonApiInfo:
    """What the IR says of the API's JSON:API documents."""

    resources: dict[str, str] = field(default_factory=dict)  # resource schema id → `type`
    fields_classes: dict[str, FieldsClass] = field(default_factory=dict)  # resource sid → class
    op_fields: dict[str, str] = field(default_factory=dict)  # op key → resource schema id
    bodies: dict[str, DocumentBody] = field(default_factory=dict)  # op key → request document

    @property
    def registry(self) -> tuple[tuple[str, str], ...]:
        """(type, resource schema id), sorted by type; the first schema of a type wins."""
        seen: dict[str, str] = {}
        for sid, type_name in self.resources.items():
            seen.setdefault(type_name, sid)
        return tuple(sorted(seen.items()))


def jsonapi_info(api: Api) -> JsonApiInfo:
    info = JsonApiInfo()
    for op in api.operations:
        if not _is_jsonapi(op):
            continue
        resource = _primary(api, op)
        if resource is not None:
            info.resources.setdefault(resource[0], resource[1])
            _fields_class(api, op, resource, info)
        body = _document_body(api, op)
        if body is not None:
            info.bodies[op_key(op)] = body
    return info


def _is_jsonapi(op: Operation) -> bool:
    if any(r.jsonapi for r in op.results):
        return True
    return op.body is not None and any(m.kind is MediaKind.JSONAPI for m in op.body.media)


def mentions_jsonapi(op: Operation) -> bool:
    """JSON:API anywhere in the operation: its results, its body, its error documents."""
    return _is_jsonapi(op) or any(
        m.kind is MediaKind.JSONAPI for r in op.responses for m in r.media
    )


def _fields_class(api: Api, op: Operation, resource: tuple[str, str], info: JsonApiInfo) -> None:
    params = {p.wire_name: p for p in op.parameters if p.location is Location.QUERY}
    flt, sort = params.get("filter"), params.get("sort")
    if flt is None and sort is None:
        return
    model = _schema(api, flt.type) if flt is not None and flt.style == "deepObject" else None
    fields: dict[str, QueryField] = {}
    existing = info.fields_classes.get(resource[0])
    if existing is not None:
        fields = {f.wire: f for f in existing.fields}
    sortable = set(sort.sort_fields) if sort is not None else set()
    if isinstance(model, Model):
        for f in model.fields:
            kind, ops = _field_kind(api, f.type)
            fields.setdefault(
                f.wire_name, QueryField(f.wire_name, kind, ops, False, f.doc, model.id)
            )
    for wire in sort.sort_fields if sort is not None else ():
        if wire not in fields:
            fields[wire] = QueryField(wire, "SortField", (), True, "", None)
    every = sort is not None and not sort.sort_fields
    merged = tuple(
        replace(f, sortable=f.sortable or every or f.wire in sortable) for f in fields.values()
    )
    info.fields_classes[resource[0]] = FieldsClass(resource[0], resource[1], merged)
    info.op_fields[op_key(op)] = resource[0]


def _schema(api: Api, t: TypeRef | None) -> Model | Enum | Alias | None:
    while isinstance(t, ModelRef):
        s = api.schemas.get(t.id)
        if isinstance(s, Alias):
            t = s.target
            continue
        return s
    return None


def _type_value(api: Api, model: Model) -> str | None:
    f = next((f for f in model.fields if f.wire_name == "type"), None)
    if f is None:
        return None
    if (
        isinstance(f.type, LiteralOf)
        and len(f.type.values) == 1
        and isinstance(f.type.values[0], str)
    ):
        return f.type.values[0]
    s = _schema(api, f.type)
    if isinstance(s, Enum) and len(s.members) == 1 and isinstance(s.members[0].value, str):
        return s.members[0].value
    return None


def _primary(api: Api, op: Operation) -> tuple[str, str] | None:
    """(resource schema id, type) of the primary data of the first JSON:API result."""
    for r in op.results:
        if not r.jsonapi or r.unwrap != "data" or r.returns is None:
            continue
        t = r.returns.item if isinstance(r.returns, ListOf) else r.returns
        if isinstance(t, ModelRef):
            model = api.schemas.get(t.id)
            if isinstance(model, Model):
                type_name = _type_value(api, model)
                if type_name is not None:
                    return t.id, type_name
    return None


def _field_kind(api: Api, t: TypeRef) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The runtime field class and the operators, from a filter field's type."""
    t = _unalias(api, t)
    kind = ""
    spelled: dict[str, str] = {}
    for v in t.variants if isinstance(t, UnionOf) else (t,):
        s = _schema(api, v)
        if isinstance(s, Model):  # the operator object: its field names are the operators
            wires = {f.wire_name for f in s.fields}
            for ours, spellings in _OPERATORS.items():
                wire = next((w for w in spellings if w in wires), None)
                if wire is not None:
                    spelled[ours] = wire
            kind = kind or _scalar_kind(
                api, [f.type for f in s.fields if f.wire_name not in ("like", "contains")]
            )
        else:
            kind = kind or _scalar_kind(api, [v])
    kind = kind or "TextField"
    return kind, tuple((op, spelled[op]) for op in _KIND_OPS[kind] if op in spelled)


def _unalias(api: Api, t: TypeRef) -> TypeRef:
    while isinstance(t, ModelRef) and isinstance(api.schemas.get(t.id), Alias):
        t = api.schemas[t.id].target  # type: ignore[union-attr]
    return t


def _scalar_kind(api: Api, types: list[TypeRef]) -> str:
    for t in types:
        t = _unalias(api, t)
        for v in t.variants if isinstance(t, UnionOf) else (t,):
            s = _schema(api, v)
            if isinstance(s, Enum):
                if [m.value for m in s.members] == ["null"]:
                    continue  # the literal `null` of empty-value filters
                return "EnumField"
            if isinstance(v, Primitive) and v.kind is not Kind.NULL:
                return _FIELD_KIND.get(v.kind, "TextField")
    return ""


def _document_body(api: Api, op: Operation) -> DocumentBody | None:
    if op.body is None:
        return None
    media = next((m for m in op.body.media if m.kind is MediaKind.JSONAPI), None)
    document = _schema(api, media.type) if media is not None else None
    if not isinstance(document, Model):
        return None
    data = next((f for f in document.fields if f.wire_name == "data"), None)
    model = _schema(api, data.type) if data is not None else None
    if not isinstance(model, Model):
        return None
    type_name = _type_value(api, model)
    if type_name is None:
        return None
    by_wire = {f.wire_name: f for f in model.fields}

    def ref(name: str) -> str | None:
        f = by_wire.get(name)
        return f.type.id if f is not None and isinstance(f.type, ModelRef) else None

    attributes = by_wire.get("attributes")
    with_id = "id" in by_wire and bool([p for p in op.parameters if p.location is Location.PATH])
    return DocumentBody(
        type_name,
        ref("attributes"),
        ref("relationships"),
        bool(attributes and attributes.required),
        with_id,
    )
