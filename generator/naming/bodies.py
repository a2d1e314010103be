"""Which request bodies a method takes as keyword arguments, and which models get a `…Param` TypedDict.

Decided from the IR alone, here, because the naming pass claims the names (one argument per flattened
property, one class per TypedDict) and the views print them; both read these functions, so they agree.

- A body is *flattened* — one keyword argument per property — when it is a `$ref` to an object model:
  multipart and form bodies whatever their properties, JSON bodies when the model has at least one
  property a caller sends (not read-only) and the body is not nullable. Other bodies (arrays,
  primitives, unions, free-form objects, raw bytes) stay one `body=` argument.
- A model gets a `…Param` TypedDict when a caller can write it as a dict inside a JSON body: it is
  reachable from a flattened JSON body's properties, or from a JSON body that stays `body=`, through
  the properties callers send, list items, map values, union members and aliases.
"""

from __future__ import annotations

from ..ir import (
    Alias,
    Api,
    Field,
    ListOf,
    MapOf,
    MediaKind,
    Model,
    ModelRef,
    Operation,
    TypeRef,
    UnionOf,
)

FLAT_KINDS = (MediaKind.JSON, MediaKind.MULTIPART, MediaKind.FORM)


def flat_body(api: Api, op: Operation) -> Model | None:
    """The object model whose properties become the method's keyword arguments, if the body is one."""
    if op.body is None or not op.body.media:
        return None
    media = op.body.sent
    if media.kind not in FLAT_KINDS or not isinstance(media.type, ModelRef):
        return None
    schema = api.schemas.get(media.type.id)
    if not isinstance(schema, Model):
        return None
    if media.kind is MediaKind.JSON and (media.type.nullable or not sent_fields(schema)):
        return None
    return schema


def sent_fields(model: Model) -> list[Field]:
    """The properties a caller sends: every one but the read-only ones (the server sets those)."""
    return [f for f in model.fields if not f.read_only]


def argument_fields(api: Api, op: Operation, model: Model) -> list[Field]:
    """The properties of a flattened body that become arguments: a form or multipart body's also take
    those only a `oneOf`/`anyOf` member declares (`Api.form_fields`)."""
    if is_json_body(op):
        return sent_fields(model)
    return list(api.form_fields(op))


def is_json_body(op: Operation) -> bool:
    return op.body is not None and bool(op.body.media) and op.body.sent.kind is MediaKind.JSON


def param_schemas(api: Api) -> set[str]:
    """Schema ids of the object models that get a `…Param` TypedDict (see the module docstring)."""
    return reachable_params(api, [t for op in api.operations for t in param_roots(api, op)])


def param_roots(api: Api, op: Operation) -> list[TypeRef]:
    """What one operation's JSON body sends, where `param_schemas` looks for models."""
    if not is_json_body(op):
        return []
    assert op.body is not None
    model = flat_body(api, op)
    if model is None:
        return [op.body.sent.type]
    return [f.type for f in sent_fields(model)]


def reachable_params(api: Api, roots: list[TypeRef]) -> set[str]:
    """The object models (with a property a caller sends) a dict may stand for, anywhere in `roots`."""
    found: set[str] = set()
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        t = stack.pop()
        if isinstance(t, ListOf):
            stack.append(t.item)
        elif isinstance(t, MapOf):
            stack.append(t.value)
        elif isinstance(t, UnionOf):
            stack.extend(t.variants)
        elif isinstance(t, ModelRef) and t.id not in seen:
            seen.add(t.id)
            schema = api.schemas.get(t.id)
            if isinstance(schema, Model) and sent_fields(schema):
                found.add(t.id)
                stack += [f.type for f in sent_fields(schema)]
            elif isinstance(schema, Alias):
                stack.append(schema.target)
    return found
