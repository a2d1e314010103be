"""View objects for the `…Param` TypedDicts: an object model written as a dict in a JSON request body.

A TypedDict lives in its model's module (`types/<module>.py`, beside the model), so the two share the
module's imports and its place in the import graph. Its keys are the model's *Python* field names
(`first_name`, as the keyword arguments and model attributes are spelt); the runtime (`_wire.py`)
renames them to the wire names through the model's field aliases when it sends the body. Required
properties are plain keys, optional ones `NotRequired`; a key takes exactly what the spec allows (`None`
only when the property is nullable). Read-only properties are left out (the server sets them).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Api, Model
from ..naming.bodies import sent_fields
from ..naming.names import Names
from .annotations import Annotator, Context, Imports
from .safe import Code, Doc, Name, code, doc


@dataclass(frozen=True, slots=True)
class ParamFieldView:
    name: Name  # the model's field name (a key of the TypedDict)
    annotation: Code  # `_t.NotRequired[...]` for optional keys
    doc: Doc


@dataclass(frozen=True, slots=True)
class ParamView:
    name: Name
    model: Name  # the model it mirrors
    doc: Doc
    fields: tuple[ParamFieldView, ...]


def param_views(
    api: Api, names: Names, module: Name, annotator: Annotator, imports: Imports
) -> tuple[ParamView, ...]:
    """The TypedDicts of the module's models that have one, in the module's order."""
    out = []
    for sid in names.module_members[module]:
        model = api.schemas[sid]
        cls = names.param_class.get(sid)
        if cls is None or not isinstance(model, Model):
            continue
        imports.typing = True
        fields = []
        for f in sent_fields(model):
            annotation = annotator.render(f.type, Context.PARAM, imports)
            if not f.required or f.constant:  # a constant is added by the runtime (`_wire`)
                annotation = code(f"_t.NotRequired[{annotation}]")
            name = names.fields[(sid, f.wire_name)]
            text = f.doc if f.wire_name == name else " ".join([f.doc, f"Sent as `{f.wire_name}`."])
            fields.append(ParamFieldView(name, annotation, doc(text.strip())))
        model_name = names.schema_class[sid]
        text = f"`{model_name}` as a dict (keys are its attribute names)."
        out.append(ParamView(cls, model_name, doc(text), tuple(fields)))
    return tuple(out)
