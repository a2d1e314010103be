"""allOf: merge object parts into one schema (properties, required, additionalProperties)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import pointer as jp
from ..diagnostics import DiagnosticSink
from ..refs import Resolver

if TYPE_CHECKING:
    from .canonical import Canonical

_OBJECT_KEYS = ("properties", "required", "additionalProperties", "patternProperties")
_CONSTRAINTS = frozenset(
    {
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "format",
        "minItems",
        "maxItems",
        "uniqueItems",
    }
)
_ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "xml",
        "example",
        "examples",
        "externalDocs",
        "deprecated",
        "readOnly",
        "writeOnly",
        "nullable",
        "default",
        "$comment",
    }
)


def merge_all_of(
    node: dict[str, Any],
    where: str,
    resolver: Resolver,
    sink: DiagnosticSink,
    canonical: Canonical | None = None,
    depth: int = 0,
    keep_ref: bool = True,
    into: str = "",
) -> dict[str, Any]:
    """Return one schema equivalent to `node`'s allOf, or `node` itself when it has none.
    `canonical`: told which nodes the merged schema copies members from (`Canonical.copied_from`:
    its `origin` then finds the nodes below them without an index of the whole document). `into`:
    where the parser reads the mapping this merge's members land in (`where`, unless this merge
    is of a part of another).

    An allOf of one `$ref` (plus annotations) is returned as that `$ref` unless `keep_ref` is False: a
    schema that extends a discriminator base must copy the base's properties, because a reference to
    the base means "any of its subtypes" (see discriminators.py).
    """
    parts = node.get("allOf")
    if not isinstance(parts, list) or not parts:
        return node
    siblings = {k: v for k, v in node.items() if k != "allOf"}
    into = into or where
    if canonical is not None:
        canonical.copied_from(node, where, into)
    # parts that only annotate (description, xml, example, …) do not change the type
    notes = [p for p in parts if isinstance(p, dict) and "$ref" not in p and set(p) <= _ANNOTATIONS]
    if notes and len(notes) < len(parts):
        parts = [p for p in parts if not any(p is n for n in notes)]
        for note in notes:
            if note.get("nullable") is True:
                siblings.setdefault("nullable", True)
    if (
        keep_ref
        and len(parts) == 1
        and isinstance(parts[0], dict)
        and not any(k in siblings for k in _OBJECT_KEYS)
    ):
        return (
            {**parts[0], **{k: v for k, v in siblings.items() if k not in ("type",)}}
            if "$ref" in parts[0]
            else {**siblings, **parts[0]}
        )
    resolved: list[dict[str, Any]] = []
    for i, part in enumerate(parts):
        if not isinstance(part, dict):
            continue
        at, target = resolver.deref(part, jp.join(where, "allOf", i))
        if not isinstance(target, dict):
            continue
        if canonical is not None:
            canonical.copied_from(target, at, into)
        hops = 0
        while (
            isinstance(target, dict)
            and ("allOf" in target or "$ref" in target)
            and depth < 32
            and hops < 32
        ):
            hops += 1  # an allOf-only schema (`{allOf: [$ref Base]}`) is Base: resolve through it
            if "$ref" in target:
                at, target = resolver.deref(target, jp.join(where, "allOf", i))
                if canonical is not None and isinstance(target, dict):
                    canonical.copied_from(target, at, into)
            else:
                merged_part = merge_all_of(
                    target,
                    jp.join(where, "allOf", i),
                    resolver,
                    sink,
                    canonical,
                    depth + 1,
                    into=into,
                )
                if merged_part is target:
                    break
                target = merged_part
        if not isinstance(target, dict):
            continue
        resolved.append(target)
    if any(k in siblings for k in _OBJECT_KEYS) or siblings.get("type") == "object":
        resolved.append(siblings)
    objects = [p for p in resolved if _is_object(p)]
    others = [p for p in resolved if not _is_object(p) and _is_meaningful(p)]
    if others and not objects:
        if len(others) == 1:
            return {**siblings, **others[0]}
        typed = [p for p in others if "type" in p]
        types = {str(p.get("type")) for p in typed}
        refinements = [p for p in others if "type" not in p]
        if (
            len(types) == 1
            and not any("enum" in p or "const" in p for p in others[1:])
            and all(set(p) <= _ANNOTATIONS | _CONSTRAINTS for p in refinements)
        ):
            merged_primitive: dict[str, Any] = {}
            for part in others:  # same primitive type: the constraints of every part apply
                merged_primitive.update(part)
            return {**siblings, **merged_primitive}
        sink.warn(
            "allof-unmergeable",
            where,
            "allOf combines non-object schemas; typed as Any",
            "describe the value with a single schema or oneOf",
        )
        return {k: v for k, v in siblings.items() if k not in _OBJECT_KEYS}
    if others:
        sink.warn(
            "allof-mixed",
            where,
            "allOf mixes object and non-object schemas; the non-object parts are "
            "ignored for typing",
        )
    merged: dict[str, Any] = {k: v for k, v in siblings.items() if k not in _OBJECT_KEYS}
    merged["type"] = "object"
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in objects:
        for name, sub in (part.get("properties") or {}).items():
            properties[name] = sub
        for name in part.get("required") or []:
            if isinstance(name, str) and name not in required:
                required.append(name)
        if "additionalProperties" in part:
            merged["additionalProperties"] = part["additionalProperties"]
        if "patternProperties" in part:
            merged.setdefault("patternProperties", {}).update(part["patternProperties"])
        if part.get("nullable") is True:
            merged.setdefault("nullable", True)
        if "discriminator" in part and "discriminator" not in merged:
            merged["discriminator"] = part["discriminator"]
    merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _is_object(node: dict[str, Any]) -> bool:
    t = node.get("type")
    return (
        t == "object"
        or (isinstance(t, list) and "object" in t)
        or (
            t is None and any(k in node for k in ("properties", "required", "additionalProperties"))
        )
    )


def _is_meaningful(node: dict[str, Any]) -> bool:
    return any(
        k
        not in ("description", "title", "example", "examples", "nullable", "readOnly", "writeOnly")
        for k in node
    )
