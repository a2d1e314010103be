"""Discriminators: the `discriminator` object, and allOf inheritance (`Pet` / `Cat: allOf: [$ref Pet]`).

A component schema that declares its own `discriminator` and that other component schemas extend
(a `$ref` to it in their `allOf`, directly or through an intermediate schema) is a *base*. Per the
OpenAPI specification, wherever the base is referenced the value may be any schema that extends it,
chosen by the discriminator property. So the base's component id is built as a discriminated union
of those schemas, exactly like a `oneOf` + `discriminator`; the extending schemas still copy the
base's properties through allOf (their `$ref` to the base is merged, never turned into the union).

Decisions (also in templates/runtime/CONTRACT.md, "Discriminated unions"):
- Members are found only by scanning `components/schemas` for allOf `$ref`s; they appear in
  document order. Values: `mapping` entries, else the member's component name (implicit mapping).
- The base is a member itself only when a `mapping` entry names it; its own model is then generated
  as `<Base>Base`. Otherwise it is abstract and no model of its own is generated.
- A base that no schema extends stays a plain model.
- Only the topmost base of a hierarchy becomes a union. A schema that extends a base and is extended
  in turn (an intermediate) stays a plain model where it is referenced; its descendants are members
  of the topmost base's union.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import pointer as jp
from ..diagnostics import DiagnosticSink
from ..ir import Discriminator, Model, ModelRef, TypeRef, UnionOf

COMPONENTS = "/components/schemas"
BASE_MODEL = (
    "x-clientgen-base"  # last token of the id under which a concrete base's own model is built
)


@dataclass(frozen=True, slots=True)
class Hierarchy:
    """A base component and every component that extends it (`allOf`)."""

    base: str  # the base's component id
    members: tuple[str, ...]  # component ids of every schema that extends it, in document order


def discriminator_of(
    node: dict[str, Any], where: str, sink: DiagnosticSink
) -> Discriminator | None:
    """The node's `discriminator` as IR (mapping sorted by value), or None when it has none."""
    disc = node.get("discriminator")
    if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
        return None
    raw = disc.get("mapping")
    if raw is not None and not isinstance(raw, dict):
        sink.warn(
            "bad-discriminator",
            jp.join(where, "discriminator", "mapping"),
            "discriminator mapping is not an object; only schema names select members",
            "make mapping an object of value → schema reference",
        )
        raw = None
    mapping = []
    for value, ref in sorted((raw or {}).items(), key=lambda kv: str(kv[0])):
        if isinstance(ref, str):
            target = ref[1:] if ref.startswith("#") else jp.join(COMPONENTS, ref)
            mapping.append((str(value), target))
    return Discriminator(disc["propertyName"], tuple(mapping))


def base_model_id(base: str) -> str:
    """The schema id of a concrete base's own model (the component id itself is the union)."""
    return jp.join(base, BASE_MODEL)


MAX_MEMBERS = 200
"""A hierarchy with more extending schemas stays a plain model: each reference to the base would build
a tagged union of all of them at import (microsoft.com/graph-beta's `entity` has 1,546: importing every
module then took 6 GB), and a schema that large is a type system, not a choice of payloads. bitbucket.org's
`object` (111) is well within it: it imports and type-checks as a union."""


def find_hierarchies(
    components: dict[str, Any], sink: DiagnosticSink | None = None
) -> dict[str, Hierarchy]:
    """Each topmost base (by component id) with the schemas that extend it. A base with more than
    `MAX_MEMBERS` of them is reported and left out; the bases below it are then the topmost ones."""
    nodes = {jp.join(COMPONENTS, name): node for name, node in components.items()}
    parents = {sid: _parents(node, nodes) for sid, node in nodes.items()}
    children: dict[str, list[str]] = {}
    for sid, ups in parents.items():
        for parent in ups:
            children.setdefault(parent, []).append(sid)
    bases = {}
    for sid, node in nodes.items():
        if declares_discriminator(node) and children.get(sid):
            below = _reachable(sid, children)
            if len(below) <= MAX_MEMBERS:
                bases[sid] = below
            elif sink is not None:
                sink.warn(
                    "large-hierarchy",
                    jp.join(sid, "discriminator"),
                    f"{len(below)} schemas extend {jp.split(sid)[-1]} (more than {MAX_MEMBERS}); references "
                    "to it are generated as the plain model, not as a discriminated union of them all: the "
                    "fields of a subtype are kept as extra attributes",
                    "reference the specific subtype where the spec knows it",
                )
    out: dict[str, Hierarchy] = {}
    for sid in nodes:
        if sid not in bases or _reachable(sid, parents) & bases.keys():
            continue  # not a base, an intermediate one, or on an allOf cycle
        out[sid] = Hierarchy(sid, tuple(m for m in nodes if m in bases[sid]))
    return out


def declares_discriminator(node: Any) -> bool:
    """An object schema with its own `discriminator` (a oneOf/anyOf union handles its own)."""
    if not isinstance(node, dict) or "oneOf" in node or "anyOf" in node:
        return False
    disc = node.get("discriminator")
    return isinstance(disc, dict) and isinstance(disc.get("propertyName"), str)


def hierarchy_union(
    hierarchy: Hierarchy,
    disc: Discriminator,
    base_model: Model | None,
    nullable: bool,
    sink: DiagnosticSink,
) -> UnionOf:
    """The union a reference to the base stands for: its model first when the mapping names it
    (`base_model` is then that model, built under `base_model_id`), then every extending schema.

    Mapping entries that name a schema outside the hierarchy are reported and select nothing.
    """
    base, own = hierarchy.base, base_model_id(hierarchy.base)
    mapping = []
    for value, target in disc.mapping:
        if target == base:
            if base_model is not None:
                mapping.append((value, own))
            continue
        if target not in hierarchy.members:
            name = jp.split(base)[-1]
            sink.warn(
                "bad-discriminator",
                jp.join(base, "discriminator", "mapping", value),
                f"mapping value {value!r} names {target}, which is neither {name} nor a schema that "
                f"extends it with allOf; the generated client treats {disc.property}={value!r} as an "
                "unknown value",
                f"add {{$ref: '#{base}'}} to that schema's allOf, or remove the mapping entry",
            )
            continue
        mapping.append((value, target))
    variants: list[TypeRef] = [ModelRef(own)] if base_model is not None else []
    variants.extend(ModelRef(m) for m in hierarchy.members)
    return UnionOf(tuple(variants), Discriminator(disc.property, tuple(mapping)), nullable)


def values_fit(hierarchy: Hierarchy, disc: Discriminator, prop: Any, sink: DiagnosticSink) -> bool:
    """False (with a warning) when the base types the discriminator property as an enum/const that
    none of the union's values is in: the spec does not use it to select subtypes, so the base stays
    a plain model rather than a union that would reject every response."""
    allowed = prop.get("enum") if isinstance(prop, dict) else None
    if isinstance(prop, dict) and "const" in prop:
        allowed = [prop["const"]]
    if not isinstance(allowed, list) or not allowed:
        return True
    values = [value for value, _ in disc.mapping] + [jp.split(m)[-1] for m in hierarchy.members]
    if any(value in allowed for value in values):
        return True
    name = jp.split(hierarchy.base)[-1]
    sink.warn(
        "bad-discriminator",
        jp.join(hierarchy.base, "discriminator"),
        f"the discriminator property {disc.property!r} only allows {allowed!r}, and none of these "
        f"values selects a schema that extends {name} (they would be {sorted(set(values))!r}); "
        f"references to {name} are generated as the plain {name} model, not as a union",
        "add a mapping from the property's values to the schemas that extend it, or remove the "
        "discriminator",
    )
    return False


def _parents(node: Any, nodes: dict[str, Any]) -> list[str]:
    parts = node.get("allOf") if isinstance(node, dict) else None
    out: list[str] = []
    for part in parts if isinstance(parts, list) else []:
        ref = part.get("$ref") if isinstance(part, dict) else None
        if isinstance(ref, str) and ref.startswith("#") and ref[1:] in nodes and ref[1:] not in out:
            out.append(ref[1:])
    return out


def _reachable(start: str, edges: dict[str, list[str]]) -> set[str]:
    """Every id reachable from `start` along `edges` (`start` itself only when on a cycle)."""
    seen: set[str] = set()
    stack = list(edges.get(start, ()))
    while stack:
        cur = stack.pop()
        if cur not in seen:
            seen.add(cur)
            stack.extend(edges.get(cur, ()))
    return seen
