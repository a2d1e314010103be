"""Envelope unwrapping: a JSON body `{"data": …, "meta": …}` returns its `data`."""

from __future__ import annotations

from collections.abc import Mapping

from ..ir import Model, ModelRef, Schema, TypeRef

JSONAPI_TOP = ("included", "links", "meta", "jsonapi")  # a JSON:API document's other members


def unwrap(
    body: TypeRef, schemas: Mapping[str, Schema], field: str, others: tuple[str, ...]
) -> tuple[str | None, TypeRef]:
    """(the envelope field, what the method returns): `field` when the body is an object with that
    field and nothing but `others` beside it; else (None, the whole body)."""
    model = model_of(body, schemas)
    if not field or model is None or body.nullable:
        return None, body
    names = {f.wire_name for f in model.fields}
    if field in names and names <= {field, *others}:
        data = next(f for f in model.fields if f.wire_name == field)
        return field, data.type
    return None, body


def model_of(t: TypeRef, schemas: Mapping[str, Schema]) -> Model | None:
    if isinstance(t, ModelRef):
        schema = schemas.get(t.id)
        if isinstance(schema, Model):
            return schema
    return None
