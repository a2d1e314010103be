"""A method's request body: one keyword argument per property, or one `body=` argument.

Which bodies are flattened is decided in `naming/bodies.py` (the naming pass named the arguments). A
flattened JSON body's arguments take exactly what the spec allows: nested objects as their `…Param`
TypedDict or their model, enums as their member or the `Literal` of their values, lists and maps of
those. The method sends `{wire name: argument}`; when a TypedDict somewhere inside has a key whose
Python name differs from its wire name, the endpoint carries the body's type (`body_type`) and the
runtime renames those keys (`_wire.to_wire`) and adds the constant fields a TypedDict leaves out. A
constant property (`const`, a discriminator tag) is an argument whose default is its value.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Api, Field, MediaKind, Model, ModelRef, Operation, TypeRef
from ..naming.bodies import argument_fields, flat_body, reachable_params, sent_fields
from ..naming.names import Names, op_key
from .annotations import Annotator, Context, Imports, one_line, py_literal
from .extension import ArgView
from .safe import NO_CODE, Code, Name, code


@dataclass(frozen=True, slots=True)
class BodyView:
    """A method's request body: one `body=` argument or the body's own fields."""

    arg: ArgView | None = None  # the one `body=` argument
    fields: tuple[ArgView, ...] = ()  # or the keyword arguments of a flattened body
    media: str = ""  # raw: the media type sent
    body_type: Code = NO_CODE  # runtime annotation of the body, when dict keys need renaming
    flat: bool = False  # `fields` are the body (keyed by wire name)
    optional: bool = False  # a flattened body the operation does not require


def body_view(
    api: Api, annotator: Annotator, names: Names, op: Operation, imports: Imports
) -> BodyView:
    if op.body is None or not op.body.media:
        return BodyView()
    media = op.body.sent
    model = flat_body(api, op)
    json = media.kind is MediaKind.JSON
    if model is not None:
        ctx = Context.PARAM if json else Context.INPUT
        taken = argument_fields(api, op, model)
        fields = tuple(
            _field_arg(annotator, names, op, f, ctx, imports, op.body.required) for f in taken
        )
        types = [f.type for f in taken]
        assert isinstance(media.type, ModelRef)
        return BodyView(
            fields=fields,
            media=media.media_type,
            body_type=_body_type(api, annotator, names, media.type, types, imports)
            if json
            else NO_CODE,
            flat=json,
            optional=json and not op.body.required,
        )
    ctx = Context.PARAM if json else Context.INPUT
    annotation = annotator.render(media.type, ctx, imports)
    schema = api.schemas.get(media.type.id) if isinstance(media.type, ModelRef) else None
    if isinstance(schema, Model):  # a free-form object (no property a caller sends)
        imports.typing = True
        annotation = code(annotation + " | _t.Mapping[str, _t.Any]")
    body_type = (
        _body_type(api, annotator, names, media.type, [media.type], imports) if json else NO_CODE
    )
    doc = one_line(op.body.doc)
    if op.body.required:
        arg = ArgView(Name("body"), annotation, Code(""), "", doc)
    else:
        arg = ArgView(Name("body"), code(annotation + " | NotGiven"), Code("NOT_GIVEN"), "", doc)
    return BodyView(arg=arg, media=media.media_type, body_type=body_type)


def _field_arg(
    annotator: Annotator,
    names: Names,
    op: Operation,
    f: Field,
    ctx: Context,
    imports: Imports,
    body_required: bool,
) -> ArgView:
    name = names.body_fields[(op_key(op), f.wire_name)]
    annotation = annotator.render(f.type, ctx, imports)
    if f.constant:  # a discriminator tag, a `const`: its value is the default, always sent
        return ArgView(name, annotation, py_literal(f.default), f.wire_name, one_line(f.doc))
    if f.required and body_required:
        return ArgView(name, annotation, Code(""), f.wire_name, one_line(f.doc))
    return ArgView(
        name, code(annotation + " | NotGiven"), Code("NOT_GIVEN"), f.wire_name, one_line(f.doc)
    )


def _body_type(
    api: Api,
    annotator: Annotator,
    names: Names,
    body: TypeRef,
    roots: list[TypeRef],
    imports: Imports,
) -> Code:
    """The body's model annotation when a TypedDict reachable from `roots` renames a key or leaves out
    a constant (the runtime adds it)."""
    for sid in sorted(reachable_params(api, roots)):
        model = api.schemas[sid]
        assert isinstance(model, Model)
        if sid in names.param_class and any(
            names.fields[(sid, f.wire_name)] != f.wire_name or f.constant
            for f in sent_fields(model)
        ):
            return annotator.render(body, Context.MODEL, imports)
    return NO_CODE
