"""JSON Schema (OpenAPI flavour) → IR types, models, enums and aliases.

Two phases: every component schema is registered by id first (so forward and circular `$ref`s are just
`ModelRef(id)`), then bodies are built from a work queue. Inline object/enum schemas become named schemas
too, one per place in the document (`canonical.py`): two inline schemas that merely look alike stay two
schemas, so an edit to one never renames or retypes the other. The same node reached twice (a `$ref` to
it, properties copied by `allOf`, a shared parameter) is one schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from .. import pointer as jp
from ..diagnostics import DiagnosticSink
from ..ir import (
    MISSING,
    Alias,
    AnyType,
    Enum,
    EnumMember,
    Field,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    Model,
    ModelRef,
    NameHints,
    Primitive,
    Schema,
    TypeRef,
    UnionOf,
    with_nullable,
)
from ..ir.quick_init import fill_once, quick_replace
from ..refs import Resolver
from .canonical import Canonical
from .discriminators import (
    Hierarchy,
    base_model_id,
    discriminator_of,
    find_hierarchies,
    hierarchy_union,
    values_fit,
)
from .field_facts import (
    NOT_PLAIN,
    PLAIN_TYPES,
    admits_null,
    constant_value,
    is_ref_only,
    member_names,
    mentions_format,
    plain_field,
    property_node,
    string_format,
    value_key,
)
from .formats import primitive_kind
from .merge import merge_all_of
from .schema_facts import (
    PROSE,
    int_at_least,
    json_kind,
    node_constraints,
    node_doc,
    schema_example,
)

MAX_DEPTH = 64
COMPONENTS = "/components/schemas/"
# `type_of`'s short cut: a schema of one of these types with none of these keywords
_PLAIN_TYPES = frozenset(("string", "integer", "number", "boolean"))
_SPECIAL = frozenset(("$ref", "const", "enum", "allOf", "oneOf", "anyOf", "nullable"))


@dataclass
class _Pending:
    """A named schema whose body is not built yet (or whose name is still being decided)."""

    id: str
    node: dict[str, Any]
    hints: list[tuple[str, str | None]] = field(default_factory=list)  # (full hint, short hint)
    component: bool = False
    # the hints given where it is defined (not where an allOf copy or a $ref reached it)
    own: list[tuple[str, str | None]] = field(default_factory=list)


class SchemaBuilder:
    def __init__(
        self, resolver: Resolver, sink: DiagnosticSink, version: str, canonical: Canonical
    ) -> None:
        self.resolver = resolver
        self.canonical = canonical
        self.sink = sink
        self.version = version
        self.pending: dict[str, _Pending] = {}
        self.built: dict[str, Schema] = {}
        self._queue: list[str] = []
        self._component_types: dict[tuple[str, bool], TypeRef] = {}
        # `null` is a value of a schema that names no `type` (JSON Schema); off while typing what the
        # client sends as a whole (a request body, a parameter): see `sent()`
        self._typeless_null = True
        self.hierarchies: dict[str, Hierarchy] = {}  # allOf-inheritance bases (discriminators.py)
        self._members: set[str] = set()
        # inline schemas registered so far, each with the hint of the place that met it (a
        # parameter that registered none is the same wherever it is named: `OperationBuilder`)
        self.placed = 0

    # ---- registration -------------------------------------------------------------------------
    def register_components(self) -> None:
        schemas = self.resolver.document.get("components", {}).get("schemas", {})
        if not isinstance(schemas, dict):
            self.sink.warn(
                "bad-components", "/components/schemas", "components/schemas is not a mapping"
            )
            return
        for name, node in schemas.items():
            sid = jp.join("/components/schemas", name)
            if isinstance(node, dict) and (self._is_named_kind(node) or is_ref_only(node)):
                self._register(sid, node, (name, None), component=True)
        self.hierarchies = find_hierarchies(schemas, self.sink)
        self._members = {m for h in self.hierarchies.values() for m in h.members}

    def _is_named_kind(self, node: dict[str, Any]) -> bool:
        """Objects, enums, unions and arrays get a name of their own; plain primitives are inlined."""
        if any(
            k in node
            for k in (
                "enum",
                "properties",
                "allOf",
                "oneOf",
                "anyOf",
                "patternProperties",
                "additionalProperties",
                "items",
                "const",
            )
        ):
            return True
        t = node.get("type")
        types = t if isinstance(t, list) else [t]
        return (
            any(x in ("object", "array") for x in types)
            or len([x for x in types if x != "null"]) > 1
        )

    def _register(
        self,
        sid: str,
        node: dict[str, Any],
        hint: tuple[str, str | None],
        component: bool,
        at: str = "",
    ) -> str:
        """`at`: where the walk met the schema (its id unless reached through an allOf copy)."""
        if not component:
            self.placed += 1
        pending = self.pending.get(sid)
        if pending is None:
            pending = self.pending[sid] = _Pending(sid, node, [], component)
            self._queue.append(sid)
        if hint not in pending.hints:
            pending.hints.append(hint)
        if (at or sid) == sid and hint not in pending.own:
            pending.own.append(hint)
        return sid

    def drain(self) -> None:
        while self._queue:
            sid = self._queue.pop(0)
            if sid not in self.built:
                self.built[sid] = self._build_named(self.pending[sid])

    def finish(self) -> dict[str, Schema]:
        """Named schemas in a deterministic order, each with the name hints the places that use it
        give (the naming pass chooses among them: `naming/hints.py`)."""
        self.drain()
        out: dict[str, Schema] = {}
        for sid in sorted(self.built, key=_schema_order):
            p = self.pending[sid]
            hints = NameHints(tuple(p.hints), tuple(p.own), p.component, _data_hint(p.node))
            schema = self.built[sid]
            # each schema was made here and no one has read it: its hints set in place, once (a copy
            # of each of GitHub's 6,740 cost ≈ 13 ms); a copy when that cannot be (a schema built
            # with hints, or reached under two ids)
            out[sid] = schema if fill_once(schema, "hints", hints) else _with_hints(schema, hints)
        return out

    # ---- TypeRef for any schema node ------------------------------------------------------------
    def sent(self) -> _Sent:
        """Type a value the client sends as a whole (a request body, a parameter): the caller chooses
        it, so a schema without `type` is typed as what its keywords describe (an object, say), without
        the `null` JSON Schema also allows there. Named models keep their nullable fields: the same
        model is parsed from responses. (A context manager.)"""
        return _Sent(self)

    def _admits_null(self, node: dict[str, Any], where: str) -> bool:
        """Explicitly nullable, or (outside `sent()`) naming no `type` that excludes `null`."""
        return self._nullable(node) or (
            self._typeless_null and admits_null(node, self.resolver, where)
        )

    def type_of(
        self, node: Any, where: str, hint: tuple[str, str | None], depth: int = 0
    ) -> TypeRef:
        if depth > MAX_DEPTH:
            self.sink.warn(
                "too-deep", where, f"schema nested more than {MAX_DEPTH} levels; typed as Any"
            )
            return AnyType()
        plain = node.get("type") if isinstance(node, dict) else None
        if type(plain) is str and plain in _PLAIN_TYPES and _SPECIAL.isdisjoint(node):
            # a plain `string`/`integer`/`number`/`boolean` (most properties): not nullable, nothing
            # to look into — what the general path below makes of it, without its questions
            kind = primitive_kind(plain, node.get("format"))
            assert kind is not None
            return Primitive(kind)
        if node is True or node == {}:
            return AnyType()
        if node is False:
            return AnyType()
        if not isinstance(node, dict):
            self.sink.warn(
                "bad-schema",
                where,
                f"schema is a {type(node).__name__}, not an object; typed as Any",
            )
            return AnyType()
        if "$ref" in node:
            return self._ref_type(node, where, hint, depth)
        nullable = self._admits_null(node, where)
        t = self._type_of_body(node, where, hint, depth)
        return with_nullable(t, True) if nullable and not isinstance(t, AnyType) else t

    def _ref_type(
        self, node: dict[str, Any], where: str, hint: tuple[str, str | None], depth: int
    ) -> TypeRef:
        target, resolved = self.resolver.deref(node, where)
        siblings = {k: v for k, v in node.items() if k != "$ref" and k not in PROSE}
        nullable = (
            self._nullable(siblings) if self.version == "3.1" or siblings.get("nullable") else False
        )
        # a reference to a nullable schema (`WarmTransfer: {type: [object, "null"], ...}`) is nullable
        # so is one to a schema that names no `type`: `null` is one of its values (JSON Schema)
        nullable = nullable or (isinstance(resolved, dict) and self._admits_null(resolved, target))
        if (
            target in self.pending
            or target.startswith(COMPONENTS)
            and isinstance(resolved, dict)
            and (self._is_named_kind(resolved))
        ):
            name = jp.split(target)[-1] if target.startswith(COMPONENTS) else hint[0]
            sid = self._register(
                target, resolved, (name, None), component=target.startswith(COMPONENTS)
            )
            t: TypeRef = ModelRef(sid)
        else:
            key = (target, self._typeless_null)
            if key in self._component_types:
                t = self._component_types[key]
            else:
                t = self.type_of(resolved, target, hint, depth + 1)
                self._component_types[key] = t
        return with_nullable(t, True) if nullable else t

    def _nullable(self, node: dict[str, Any]) -> bool:
        if node.get("nullable") is True:
            return True
        types = node.get("type")
        if isinstance(types, list) and "null" in types:
            return True
        enum = node.get("enum")
        return isinstance(enum, list) and None in enum

    def _type_of_body(
        self, node: dict[str, Any], where: str, hint: tuple[str, str | None], depth: int
    ) -> TypeRef:
        if "const" in node:
            return LiteralOf((node["const"],))
        if isinstance(node.get("enum"), list):
            values = [v for v in node["enum"] if v is not None]
            if not values:
                return Primitive(Kind.NULL, nullable=True)
            return ModelRef(self._inline(node, where, hint))
        if "allOf" in node:
            merged = merge_all_of(node, where, self.resolver, self.sink, self.canonical)
            if merged is not node:
                self.canonical.made_up(merged)
                return self.type_of(merged, where, hint, depth + 1)
        for key in ("oneOf", "anyOf"):
            if isinstance(node.get(key), list) and node[key]:
                return self._union(node, key, where, hint, depth)
        types = node.get("type")
        if isinstance(types, list):
            concrete = [t for t in types if t != "null"]
            if len(concrete) > 1:
                variants = tuple(
                    self._type_of_body(self._typed(node, t), where, hint, depth + 1)
                    for t in concrete
                )
                return UnionOf(variants)
            types = concrete[0] if concrete else "null"
        if types == "array" or (types is None and ("items" in node or "prefixItems" in node)):
            return self._array(node, where, hint, depth)
        if types == "object" or (
            types is None and ("properties" in node or "additionalProperties" in node)
        ):
            return self._object_type(node, where, hint, depth)
        if isinstance(types, str):
            kind = primitive_kind(types, node.get("format"))
            if kind is not None:
                return Primitive(kind)
            self.sink.warn(
                "unknown-type", jp.join(where, "type"), f"unknown type {types!r}; typed as Any"
            )
        return AnyType()

    def _typed(self, node: dict[str, Any], kind: Any) -> dict[str, Any]:
        """One type of a schema that lists several: the schema with that `type` (made up)."""
        made = {**node, "type": kind}
        self.canonical.made_up(made)
        return made

    def _array(
        self, node: dict[str, Any], where: str, hint: tuple[str, str | None], depth: int
    ) -> TypeRef:
        """`items`; a tuple for `prefixItems` (3.1), or the older array form of `items` with
        `additionalItems` as the rest."""
        items = node.get("items", {})
        prefix_key, rest_key = "prefixItems", "items"
        prefix_nodes = node.get("prefixItems")
        if not isinstance(prefix_nodes, list) and isinstance(items, list):
            prefix_nodes, prefix_key, rest_key = items, "items", "additionalItems"
        if not isinstance(prefix_nodes, list) or not prefix_nodes:
            item_hint = (hint[0] + " item", None)
            items = items if not isinstance(items, list) else {}
            return ListOf(self.type_of(items, jp.join(where, "items"), item_hint, depth + 1))
        prefix = tuple(
            self.type_of(
                sub, jp.join(where, prefix_key, i), (f"{hint[0]} item{i + 1}", None), depth + 1
            )
            for i, sub in enumerate(prefix_nodes)
        )
        rest = node.get(rest_key, True)
        closed = rest is False
        rest_type = (
            AnyType()
            if closed or rest is True
            else self.type_of(rest, jp.join(where, rest_key), (hint[0] + " item", None), depth + 1)
        )
        min_items = node.get("minItems")
        return ListOf(
            rest_type,
            prefix=prefix,
            closed=closed,
            min_items=min_items if isinstance(min_items, int) and min_items > 0 else 0,
        )

    def _object_type(
        self, node: dict[str, Any], where: str, hint: tuple[str, str | None], depth: int
    ) -> TypeRef:
        props = node.get("properties")
        if not props and not node.get("patternProperties"):
            extra = node.get("additionalProperties", True)
            if extra is True or extra == {} or extra is None:
                return MapOf(AnyType())
            if extra is False:
                return MapOf(AnyType())
            return MapOf(
                self.type_of(
                    extra,
                    jp.join(where, "additionalProperties"),
                    (hint[0] + " value", None),
                    depth + 1,
                )
            )
        return ModelRef(self._inline(node, where, hint))

    def _union(
        self, node: dict[str, Any], key: str, where: str, hint: tuple[str, str | None], depth: int
    ) -> TypeRef:
        variants: list[TypeRef] = []
        nullable = False
        base = {k: v for k, v in node.items() if k not in (key, "discriminator") and k not in PROSE}
        for i, sub in enumerate(node[key]):
            if isinstance(sub, dict) and (sub.get("type") == "null" or sub.get("enum") == [None]):
                nullable = True
                continue
            if base.get("properties") and isinstance(sub, dict) and "$ref" not in sub:
                sub = {**base, **sub}  # (a branch completed with its parent's properties)
                self.canonical.made_up(sub)
                self.canonical.copied_from(node, where, jp.join(where, key, i))
            t = self.type_of(
                sub, jp.join(where, key, i), (f"{hint[0]} variant{i + 1}", None), depth + 1
            )
            if t not in variants:
                variants.append(t)
        if not variants:
            return Primitive(Kind.NULL, nullable=True)
        if len(variants) == 1:
            return with_nullable(variants[0], True) if nullable else variants[0]
        return UnionOf(tuple(variants), discriminator_of(node, where, self.sink), nullable)

    # ---- named inline schemas -----------------------------------------------------------------
    def _inline(self, node: dict[str, Any], where: str, hint: tuple[str, str | None]) -> str:
        if _is_component(where):
            return self._register(where, node, (jp.split(where)[-1], None), component=True)
        # the node's own place in the document; a node made up while parsing (an allOf merge, a
        # oneOf branch completed with its parent's properties) is the schema at `where`
        sid = self.canonical.origin(node, where) or where
        if _is_component(sid):
            return self._register(sid, node, (jp.split(sid)[-1], None), component=True)
        return self._register(sid, node, hint, component=False, at=where)

    def _build_named(self, pending: _Pending) -> Schema:
        if pending.component and pending.id in self.hierarchies:
            return self._hierarchy(pending)
        return self._build_body(pending)

    def _hierarchy(self, pending: _Pending) -> Schema:
        """An allOf-inheritance base: the union of the schemas that extend it (discriminators.py)."""
        node, sid = pending.node, pending.id
        disc = discriminator_of(node, sid, self.sink)
        assert disc is not None  # find_hierarchies only picks schemas that declare one
        props = merge_all_of(node, sid, self.resolver, self.sink).get("properties")
        prop = props.get(disc.property) if isinstance(props, dict) else None
        if isinstance(prop, dict):
            prop = self.resolver.deref(prop, jp.join(sid, "properties", disc.property))[1]
        if not values_fit(self.hierarchies[sid], disc, prop, self.sink):
            return self._build_body(pending)
        base_model = None
        if any(target == sid for _, target in disc.mapping):  # concrete: the mapping names the base
            own = self._build_body(pending)
            if isinstance(own, Model):
                own_id, own_hint = base_model_id(sid), f"{pending.hints[0][0]} base"
                self.pending[own_id] = _Pending(own_id, node, [(own_hint, None)])
                self.built[own_id] = base_model = quick_replace(own, id=own_id, name_hint=own_hint)
        union = hierarchy_union(
            self.hierarchies[sid], disc, base_model, self._nullable(node), self.sink
        )
        return Alias(sid, pending.hints[0][0], node_doc(node), union)

    def _build_body(self, pending: _Pending) -> Schema:
        node, sid = pending.node, pending.id
        hint = pending.hints[0]
        doc = node_doc(node)
        if isinstance(node.get("enum"), list) and "properties" not in node:
            return self._enum(sid, hint[0], node, doc)
        if pending.component and is_ref_only(node):  # `Name: {$ref: Other}`: `Name` is `Other`
            return Alias(sid, hint[0], doc, self.type_of(node, sid, (hint[0], None)))
        if "allOf" in node:
            # a schema extending an inheritance base copies its properties: its `$ref` to the base
            # must not become the base's union
            merged = merge_all_of(
                node,
                sid,
                self.resolver,
                self.sink,
                self.canonical,
                keep_ref=sid not in self._members,
            )
            if merged is not node:
                self.canonical.made_up(merged)
            if "$ref" in merged:  # `allOf: [$ref X]` (+ annotations) is X
                return Alias(sid, hint[0], doc, self.type_of(merged, sid, (hint[0], None)))
            if merged is not node:
                inner = _Pending(sid, merged, pending.hints, pending.component)
                return self._build_body(inner)
        is_object = node.get("type") in ("object", None) or (
            isinstance(node.get("type"), list) and "object" in node["type"]
        )
        if (
            is_object
            and (node.get("properties") or node.get("patternProperties"))
            and not (node.get("oneOf") or node.get("anyOf"))
        ):
            return self._model(sid, hint[0], node, doc)
        return Alias(
            sid,
            hint[0],
            doc,
            self._type_of_body(node, sid, (hint[0], None), 0),
            example=schema_example(node),
        )

    def _enum(self, sid: str, name: str, node: dict[str, Any], doc: str) -> Enum:
        values = [v for v in node["enum"] if v is not None]
        kinds = {json_kind(v) for v in values}
        value_kind = kinds.pop() if len(kinds) == 1 else "mixed"
        seen: list[Any] = []
        for v in values:
            if v not in seen:
                seen.append(v)
        descriptions = node.get("x-enum-descriptions") or node.get("x-enumDescriptions") or []
        names = member_names(node)
        members = tuple(
            EnumMember(
                v,
                descriptions[i]
                if isinstance(descriptions, list)
                and i < len(descriptions)
                and isinstance(descriptions[i], str)
                else "",
                names.get(value_key(v), "") if names else "",  # (most enums name none)
            )
            for i, v in enumerate(seen)
        )
        return Enum(
            sid,
            name,
            doc,
            members,
            value_kind,
            nullable=None in node["enum"] or self._nullable(node),
        )

    def _model(self, sid: str, name: str, node: dict[str, Any], doc: str) -> Model:
        props = node.get("properties") or {}
        if not isinstance(props, dict):
            self.sink.warn(
                "bad-schema", jp.join(sid, "properties"), "properties is not a mapping; ignored"
            )
            props = {}
        required = (
            {r for r in node.get("required") or [] if isinstance(r, str)}
            if isinstance(node.get("required"), list)
            else set()
        )
        fields: list[Field] = []
        at = jp.join(sid, "properties")
        for wire, sub in props.items():
            if (
                type(sub) is dict
                and type(plain := sub.get("type")) is str
                and plain in PLAIN_TYPES
                and NOT_PLAIN.isdisjoint(sub)
            ):
                fields.append(plain_field(wire, sub, wire in required))
                continue
            where = jp.join(at, wire)
            resolved = self.resolver.deref(sub, where)[1] if isinstance(sub, dict) else {}
            resolved = resolved if isinstance(resolved, dict) else {}
            own = sub if isinstance(sub, dict) else {}
            # a property without a `$ref` is its own node: no merged copy needed (it is only read),
            # and what it says of itself is all there is to read (`alone`)
            alone = resolved is own
            merged = own if alone and "$ref" not in own else property_node(own, resolved)
            constant, value = constant_value(merged, self.resolver, where)
            t = (
                LiteralOf((value,))
                if constant
                else self.type_of(sub, where, (f"{name} {wire}", wire))
            )
            read_only = bool(own.get("readOnly") or (not alone and resolved.get("readOnly")))
            write_only = bool(own.get("writeOnly") or (not alone and resolved.get("writeOnly")))
            # positional, in `Field`'s order (as `plain_field`: a call by keyword costs a third more)
            fields.append(
                Field(
                    wire,  # wire_name
                    t,  # type
                    # one model serves requests and responses: a read-only field is never sent, a
                    # write-only one never returned, so neither can be required of both
                    wire in required and not read_only and not write_only,  # required
                    node_doc(own) or ("" if alone else node_doc(resolved)),  # doc
                    value if constant else merged.get("default", MISSING),  # default
                    read_only,  # read_only
                    write_only,  # write_only
                    bool(own.get("deprecated")),  # deprecated
                    # a `$ref` to a constrained primitive has the target's limits (3.1: plus its own)
                    node_constraints(merged),  # constraints
                    wire in required,  # listed_required
                    constant,  # constant
                    mentions_format(own, "password", self.resolver, where),  # secret
                    string_format(merged),  # format
                    schema_example(own) if alone else _first_example(own, resolved),  # example
                )
            )
        for wire in sorted(required - set(props)):
            fields.append(Field(wire, AnyType(), True, "Required by the spec but not described."))
        extra_node = node.get("additionalProperties")
        extra: TypeRef | None = None
        if isinstance(extra_node, dict) and extra_node:
            extra = self.type_of(
                extra_node, jp.join(sid, "additionalProperties"), (f"{name} value", None)
            )
        pattern = node.get("patternProperties")
        if isinstance(pattern, dict) and pattern and extra is None:
            types = [
                self.type_of(s, jp.join(sid, "patternProperties", p), (f"{name} value", None))
                for p, s in pattern.items()
            ]
            extra = types[0] if len(set(types)) == 1 else UnionOf(tuple(dict.fromkeys(types)))
        return Model(
            sid,
            name,
            doc,
            tuple(fields),
            extra,
            closed=extra_node is False,
            title=str(node.get("title", "")),
            example=schema_example(node),
            min_properties=int_at_least(node.get("minProperties"), 1),
        )


_FIELDS = {
    cls: (attrgetter(*names), names.index("hints"))
    for cls in (Model, Enum, Alias)
    for names in [[f.name for f in fields(cls)]]
}


class _Sent:
    """`SchemaBuilder.sent()`: `_typeless_null` off inside, as it was after (a class, not a
    `contextmanager` generator: a third of the cost, for each of GitHub's 4,000 parameters and
    bodies)."""

    __slots__ = ("_before", "_builder")

    def __init__(self, builder: SchemaBuilder) -> None:
        self._builder = builder
        self._before = builder._typeless_null

    def __enter__(self) -> None:
        self._before = self._builder._typeless_null
        self._builder._typeless_null = False

    def __exit__(self, *exc: object) -> None:
        self._builder._typeless_null = self._before


def _with_hints(schema: Schema, hints: NameHints) -> Schema:
    """`replace(schema, hints=hints)` as one call of the class (`replace` asks `fields()` and makes
    a mapping each time: twice the cost, for GitHub's 6,740 schemas)."""
    get, at = _FIELDS[type(schema)]
    values = list(get(schema))
    values[at] = hints
    return type(schema)(*values)


def _first_example(own: dict[str, Any], resolved: dict[str, Any]) -> Any:
    """A property's example: its own, else that of the schema its `$ref` names."""
    found = schema_example(own)
    return schema_example(resolved) if found is MISSING else found


def _is_component(pointer: str) -> bool:
    """`/components/schemas/<name>` itself (three tokens), not a place inside one."""
    return pointer.startswith(COMPONENTS) and pointer.count("/") == 3


def _schema_order(sid: str) -> tuple[int, str]:
    """Top-level components first (they own their names), then inline schemas by pointer."""
    if sid.startswith(COMPONENTS) and sid.count("/") == 3:
        return (0, sid)
    return (1 if sid.startswith(COMPONENTS) else 2, sid)


def _data_hint(node: dict[str, Any]) -> str:
    """A name from an envelope's `data` (`X response`, `X list response`), for the naming pass to use
    when the places that use a schema disagree."""
    data = (node.get("properties") or {}).get("data")
    if isinstance(data, dict):
        if isinstance(data.get("$ref"), str):
            return jp.split(data["$ref"])[-1] + " response"
        items = data.get("items") if data.get("type") == "array" else None
        if isinstance(items, dict) and isinstance(items.get("$ref"), str):
            return jp.split(items["$ref"])[-1] + " list response"
    return ""
