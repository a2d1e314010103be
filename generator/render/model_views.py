"""View objects for `types/` modules: every decision made here, so templates only print."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..ir import Alias, Api, Enum, Model, walk_refs
from ..ir.quick_init import quick_init
from ..naming.names import Names
from .annotations import BUILTIN_TYPES, Annotator, Context, Imports, py_literal
from .checks import strict_checks
from .field_views import FieldView, field_view
from .imports import import_block
from .param_views import ParamView, param_views
from .safe import NO_CODE, NO_NAME, Code, Doc, Name, code, doc


@dataclass(frozen=True, slots=True)
class MemberView:
    name: Name
    value: Code
    doc: Doc


@dataclass(frozen=True, slots=True)
class SchemaView:
    kind: str  # "model", "enum", "alias"
    name: Name
    doc: Doc
    fields: tuple[FieldView, ...] = ()
    members: tuple[MemberView, ...] = ()
    bases: Name = NO_NAME
    annotation: Code = NO_CODE  # alias target
    read_only: Code = (
        NO_CODE  # `frozenset({...})` of the wire names of read-only fields (never sent), or ""
    )
    constants: Code = NO_CODE  # `{wire name: value}` of the constant fields (always sent), or ""
    checks: Code = NO_CODE  # `{attribute: {check: value}}` for strict response validation, or ""
    extra_type: Code = NO_CODE  # `__pydantic_extra__`'s annotation (additional properties), or ""
    # the annotations of the three tables above, each set with its table
    read_only_type: Code = NO_CODE
    constants_type: Code = NO_CODE
    checks_type: Code = NO_CODE


@dataclass(frozen=True, slots=True)
class TypesModuleView:
    module: Name
    import_lines: tuple[Code, ...]
    schemas: tuple[SchemaView, ...]
    rebuild: tuple[Name, ...]  # models to model_rebuild() (recursive within the module)
    params: tuple[ParamView, ...] = ()  # the models' `…Param` TypedDicts (render/param_views.py)


def types_module_view(
    api: Api, names: Names, module: Name, bases: Mapping[str, tuple[str, str]] | None = None
) -> TypesModuleView:
    """`bases`: schema id → (runtime module, class) for models a feature gives another base class
    (JSON:API resources: `_JsonApiResource`, with `related()`)."""
    models = [
        (sid, m) for sid in names.module_members[module] if isinstance(m := api.schemas[sid], Model)
    ]
    attrs = {names.fields[(sid, f.wire_name)] for sid, m in models for f in m.fields}
    annotator = Annotator(api.schemas, names, frozenset(attrs & _CLASS_BODY_BUILTINS))
    imports = Imports()
    builtins = _Builtins(annotator, imports)
    views: list[SchemaView] = []
    uses_field = False
    modules = dict(_BASE_MODULES)
    in_module = set(names.module_members[module])
    ordered = sorted(names.module_members[module], key=lambda s: _RANK[type(api.schemas[s])])
    defined: set[str] = set()  # enums, then models, then aliases; each kind dependencies first
    for sid in ordered:
        schema = api.schemas[sid]
        cls = names.schema_class[sid]
        defined.add(sid)
        if isinstance(schema, Model):
            fields = tuple(field_view(annotator, names, sid, f, imports) for f in schema.fields)
            uses_field = uses_field or any(f.value.startswith("_Field(") for f in fields)
            extra = (
                annotator.render(schema.extra, Context.MODEL, imports)
                if schema.extra is not None
                else Code("")
            )
            if extra in ("_t.Any", "_t.Any | None"):  # extra="allow" already keeps untyped values
                extra = Code("")
            base_module, base_class = (bases or {}).get(sid, (".._models", "_GeneratedModel"))
            base = Name(base_class)
            modules[base] = base_module
            read_only = [py_literal(f.wire_name) for f in schema.fields if f.read_only]
            constants = [
                f"{py_literal(f.wire_name)}: {py_literal(f.default)}"
                for f in schema.fields
                if f.constant and not f.read_only
            ]
            checks = strict_checks(schema, names)
            imports.typing = imports.typing or bool(read_only or constants or checks)
            views.append(
                SchemaView(
                    "model",
                    cls,
                    doc(schema.doc or schema.title),
                    fields,
                    bases=base,
                    read_only=builtins.code("{frozenset}(%s)", f"{{{', '.join(read_only)}}}")
                    if read_only
                    else NO_CODE,
                    constants=code(f"{{{', '.join(constants)}}}" if constants else ""),
                    checks=checks,
                    extra_type=builtins.code("{dict}[{str}, %s]", extra) if extra else NO_CODE,
                    read_only_type=builtins.code("_t.ClassVar[{frozenset}[{str}]]")
                    if read_only
                    else NO_CODE,
                    constants_type=builtins.code("_t.ClassVar[_t.Mapping[{str}, {object}]]")
                    if constants
                    else NO_CODE,
                    checks_type=builtins.code(
                        "_t.ClassVar[_t.Mapping[{str}, _t.Mapping[{str}, {object}]]]"
                    )
                    if checks
                    else NO_CODE,
                )
            )
        elif isinstance(schema, Enum):
            members = tuple(
                MemberView(names.members[sid][i], py_literal(m.value), doc(m.doc))
                for i, m in enumerate(schema.members)
            )
            base = Name(
                {"string": "_OpenStrEnum", "integer": "_OpenIntEnum"}.get(
                    schema.value_kind, "_OpenEnum"
                )
            )
            views.append(SchemaView("enum", cls, doc(schema.doc), members=members, bases=base))
        elif isinstance(schema, Alias):
            target = annotator.render(schema.target, Context.MODEL, imports)
            # names a schema of this module not defined above it (itself, a later alias): lazy
            refs = walk_refs(schema.target)
            recursive = sid in refs or any(r in in_module and r not in defined for r in refs)
            imports.typing = imports.typing or not recursive  # `_t.TypeAlias`
            views.append(
                SchemaView(
                    "recursive_alias" if recursive else "alias",
                    cls,
                    doc(schema.doc),
                    annotation=target,
                )
            )
    forward = _forward_refs(api, ordered, in_module)
    rebuild = tuple(v.name for v in views if v.kind == "model") if forward else ()
    params = param_views(api, names, module, annotator, imports)
    block = import_block(imports, names, module, ".")
    for v in views:
        if v.kind in ("enum", "model"):
            block.add_from(modules[v.bases], (v.bases[1:], v.bases))
        elif v.kind == "recursive_alias":
            block.add_from("typing_extensions", ("TypeAliasType", "_TypeAliasType"))
    if uses_field:
        block.add_from("pydantic", ("Field", "_Field"))
    return TypesModuleView(module, tuple(block.lines()), tuple(views), rebuild, params)


def _forward_refs(api: Api, order: list[str], members: set[str]) -> bool:
    """Whether a model of the module names a schema of the module that is not defined above it
    (itself, a later model, an alias): then its class is built incomplete and every model of the
    module is rebuilt at the end of it."""
    defined: set[str] = set()
    for sid in order:
        schema = api.schemas[sid]
        if isinstance(schema, Model):
            refs = [r for f in schema.fields for r in walk_refs(f.type)]
            refs += walk_refs(schema.extra) if schema.extra is not None else []
            if any(r in members and r not in defined for r in refs):
                return True
        defined.add(sid)
    return False


# builtins a model's class body names (its annotations, `__clientgen_*__` tables, `__pydantic_extra__`):
# a field of the module with one of these names makes them `_b.<name>`
_CLASS_BODY_BUILTINS = BUILTIN_TYPES | {"object", "frozenset"}


@dataclass(frozen=True, slots=True)
class _Builtins:
    """Code with `{name}` placeholders for builtins, filled as the module can name them."""

    annotator: Annotator
    imports: Imports

    def code(self, pattern: str, *parts: str) -> Code:
        """`pattern`'s `{name}`s filled by `Annotator.builtin`, then its `%s`s by `parts` (code made
        elsewhere, which may hold braces)."""
        filled = re.sub(r"\{(\w+)\}", lambda m: self.annotator.builtin(m[1], self.imports), pattern)
        return code(filled % parts if parts else filled)


_RANK: dict[type, int] = {Enum: 0, Model: 1, Alias: 2}

_BASE_MODULES = {
    "_GeneratedModel": ".._models",
    "_OpenStrEnum": ".._enums",
    "_OpenIntEnum": ".._enums",
    "_OpenEnum": ".._enums",
}


# their quick `__init__` in the pure-Python install (`ir/quick_init.py`): called, not a decorator,
# so that mypyc keeps the compiled classes native
quick_init(MemberView)
quick_init(SchemaView)
quick_init(TypesModuleView)
