"""One model field as it is written in a `types/` module: annotation, default and `Field(...)` options.

The rules (templates/runtime/CONTRACT.md, "Model fields"):
- a constant (`const`, or a one-value `enum` that is also the `default`) is `Literal[value] = value`: set
  automatically, always sent;
- a required field has no default;
- an optional field with a valid spec `default` has it as its Python default;
- an optional nullable field is `X | None = None`;
- an optional field that is not nullable is `Omittable[X] = UNSET`: reads as `X | None`, takes only `X`
  for type checkers, and is never sent as `null`;
- a field whose type holds a `uuid.UUID` also takes `str` when set (`Coerced` / `OmittableCoerced`);
- a `format: password` field is left out of the model's `repr`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..escape import docstring_text
from ..ir import (
    MISSING,
    Alias,
    AnyType,
    Enum,
    Field,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    ModelRef,
    Primitive,
    Schema,
    TypeRef,
    UnionOf,
)
from ..ir.models import _Missing
from ..ir.quick_init import quick_init
from ..ir.types import JsonValue
from ..naming.names import Names
from .annotations import Annotator, Context, Imports, names_uuid, py_literal
from .safe import NO_CODE, NO_DOC, Code, Doc, Name, code, doc, py


@dataclass(frozen=True, slots=True)
class FieldView:
    """A model field, as the types template prints it."""

    name: Name
    annotation: Code
    default: Code  # "" when required
    alias: str  # raw wire name when it differs from `name`, else ""
    doc: Doc
    value: Code = NO_CODE  # what follows `name: annotation = `, or "" (required, without options)


def field_view(
    annotator: Annotator, names: Names, sid: str, f: Field, imports: Imports
) -> FieldView:
    schemas = annotator.schemas
    name = names.fields[(sid, f.wire_name)]
    alias = f.wire_name if f.wire_name != name else ""
    annotation: str = annotator.render(f.type, Context.MODEL, imports)
    default: str = ""
    validate = False
    if f.constant:
        default = py_literal(f.default)
    elif not f.required:
        spec_default = None if isinstance(f.default, _Missing) else (f.default,)
        rendered = (
            None
            if spec_default is None
            else default_literal(spec_default[0], f.type, schemas, names)
        )
        if rendered is not None:
            default = rendered
        elif spec_default is not None:  # a date, UUID, object…: validated into its type when used
            imports.typing = validate = True
            default = f"_t.cast(_t.Any, {_json_literal(spec_default[0])})"
        elif accepts_none(f.type, schemas):
            default = "None"
        else:
            default = "_UNSET"
    wider = ""
    if not f.constant and holds_uuid(f.type, schemas):  # what it also takes when set
        read = annotator.top_parts(f.type, Context.MODEL, imports)
        parts = annotator.top_parts(f.type, Context.FIELD_INPUT, imports)
        wider = " | ".join(p for p in parts if p not in read)
    if default == "_UNSET":
        imports.runtime.update(("OmittableCoerced" if wider else "Omittable", "UNSET"))
        annotation = (
            f"_OmittableCoerced[{annotation}, {wider}]" if wider else f"_Omittable[{annotation}]"
        )
    elif wider:
        imports.runtime.add("Coerced")
        annotation = f"_Coerced[{annotation}, {wider}]"
        if default:  # a descriptor-typed field takes its default as `Any`
            imports.runtime.add("UNSET")
            if default == "None":
                default = "_UNSET"
            elif not validate:
                imports.typing = True
                default = f"_t.cast(_t.Any, {default})"
    text = _doc(f)
    options = []
    if default and (alias or f.secret or validate or text):
        options.append(f"default={default}")
    if validate:
        options.append("validate_default=True")
    if alias:
        options += [f"validation_alias={py(alias)}", f"serialization_alias={py(alias)}"]
    if f.secret:
        options.append("repr=False")
    if text:  # the docstring's text, so that pydantic need not read the source for it
        options.append(f"description={_description(text)}")
    value = f"_Field({', '.join(options)})" if options else default
    return FieldView(
        name,
        code(annotation),
        code(default),
        alias,
        _field_doc(text) if text else NO_DOC,
        code(value),
    )


# GitHub's 37,800 fields have 10,800 docs, 2,800 of them distinct: each escaped once (bounded, as
# the import keys are: a spec with more distinct docs escapes the rest as they come)
@functools.lru_cache(maxsize=4096)
def _field_doc(text: str) -> Doc:
    return doc(text)


@functools.lru_cache(maxsize=4096)
def _description(text: str) -> Code:
    """The literal of the field's description: its docstring's text (`escape.docstring_text`; the
    docstring is indented by 4 in the class body, `types_module.py.jinja`)."""
    return py(docstring_text(text, 4))


def _doc(f: Field) -> str:
    if not (
        f.constant
        or f.default is not MISSING
        or f.read_only
        or f.write_only
        or f.deprecated
        or f.constraints.pattern
    ):
        return f.doc  # (most fields) nothing added to the spec's text
    return doc_with_notes(f)


def doc_with_notes(f: Field) -> str:
    """The field's doc followed by what the field's other facts tell a reader."""
    parts = [f.doc]
    if f.constant:
        parts.append(f"Always `{py_literal(f.default)}`: set and sent automatically.")
    elif f.default is not MISSING:
        shown = py_literal(f.default) if not isinstance(f.default, (list, dict)) else f.default
        parts.append(f"Default: `{shown}`.")
    if f.read_only:
        parts.append(
            "Read-only: set by the server, never sent"
            + (", always returned." if f.listed_required else ".")
        )
    if f.write_only:
        parts.append(
            "Write-only: never returned by the server"
            + ("; required when sending." if f.listed_required else ".")
        )
    if f.deprecated:
        parts.append("Deprecated.")
    if f.constraints.pattern:
        parts.append(f"Pattern: `{f.constraints.pattern}`.")
    return " ".join(p for p in parts if p)


def accepts_none(t: TypeRef, schemas: Mapping[str, Schema], depth: int = 0) -> bool:
    """Whether the field's type takes `None` (nullable, `Any`, a null-accepting alias or enum)."""
    if t.nullable or isinstance(t, AnyType) or depth > 16:
        return True
    if isinstance(t, Primitive):
        return t.kind is Kind.NULL
    if isinstance(t, LiteralOf):
        return None in t.values
    if isinstance(t, UnionOf):
        return any(accepts_none(v, schemas, depth + 1) for v in t.variants)
    if isinstance(t, ModelRef):
        schema = schemas.get(t.id)
        if isinstance(schema, Enum):
            return schema.nullable
        if isinstance(schema, Alias):
            return accepts_none(schema.target, schemas, depth + 1)
    return False


def holds_uuid(t: TypeRef, schemas: Mapping[str, Schema], depth: int = 0) -> bool:
    """Whether a `uuid.UUID` appears in the field's annotation itself (not inside another model)."""
    if depth > 16:
        return False
    if isinstance(t, Primitive):
        return t.kind is Kind.UUID
    if isinstance(t, ListOf):
        return any(holds_uuid(i, schemas, depth + 1) for i in (t.item, *t.prefix))
    if isinstance(t, MapOf):
        return holds_uuid(t.value, schemas, depth + 1)
    if isinstance(t, UnionOf):
        return any(holds_uuid(v, schemas, depth + 1) for v in t.variants)
    return isinstance(t, ModelRef) and names_uuid(t.id, schemas)


def default_literal(
    value: JsonValue, t: TypeRef, schemas: Mapping[str, Schema], names: Names
) -> str | None:
    """The Python expression of a (valid) spec default for a field of type `t`, or None when it cannot
    be written as a plain literal of that type (dates, UUIDs, objects: shown in the docs only)."""
    if value is None:
        return "None"
    if isinstance(t, AnyType):
        return _json_literal(value)
    if isinstance(t, Primitive):
        return _primitive_literal(value, t.kind)
    if isinstance(t, LiteralOf):
        return py_literal(value) if isinstance(value, (str, int, bool)) else None
    if isinstance(t, ListOf) and isinstance(value, list) and not t.prefix:
        items = [default_literal(v, t.item, schemas, names) for v in value]
        return None if None in items else f"[{', '.join(i for i in items if i is not None)}]"
    if isinstance(t, MapOf) and isinstance(value, dict):
        entries = [(k, default_literal(v, t.value, schemas, names)) for k, v in value.items()]
        if any(v is None for _, v in entries):
            return None
        return "{" + ", ".join(f"{py(k)}: {v}" for k, v in entries) + "}"
    if isinstance(t, UnionOf):
        for variant in t.variants:
            rendered = default_literal(value, variant, schemas, names)
            if rendered is not None and _is_exact(value, variant):
                return rendered
        return None
    if isinstance(t, ModelRef):
        schema = schemas.get(t.id)
        if isinstance(schema, Enum):
            for i, m in enumerate(schema.members):
                if m.value == value and isinstance(m.value, bool) == isinstance(value, bool):
                    return f"{names.schema_class[t.id]}.{names.members[t.id][i]}"
        if isinstance(schema, Alias):
            return default_literal(value, schema.target, schemas, names)
    return None


def _is_exact(value: JsonValue, t: TypeRef) -> bool:
    """In a union, a default is written for the member its JSON type is (`1` for `int | str`)."""
    if isinstance(t, Primitive):
        return _primitive_literal(value, t.kind) is not None
    return True


def _primitive_literal(value: JsonValue, kind: Kind) -> str | None:
    if kind is Kind.BOOLEAN:
        return repr(value) if isinstance(value, bool) else None
    if isinstance(value, bool):
        return None
    if kind is Kind.INTEGER and isinstance(value, (int, float)) and float(value).is_integer():
        return repr(int(value))
    if kind is Kind.NUMBER and isinstance(value, (int, float)) and math.isfinite(value):
        return repr(float(value))
    if kind in _TEXT_KINDS and isinstance(value, str):
        return py_literal(value)
    return None


_TEXT_KINDS = frozenset({Kind.STRING, Kind.EMAIL, Kind.URI, Kind.DECIMAL, Kind.BYTE, Kind.DURATION})


def _json_literal(value: JsonValue) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_json_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py(k)}: {_json_literal(v)}" for k, v in value.items()) + "}"
    return py_literal(value)


# their quick `__init__` in the pure-Python install (`ir/quick_init.py`): called, not a decorator,
# so that mypyc keeps the compiled classes native
quick_init(FieldView)
