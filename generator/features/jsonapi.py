"""JSON:API: resource models, typed filter/sort fields classes, request documents, `links.next` pages.

It applies when an operation's documents are JSON:API (`application/vnd.api+json`, or every JSON
operation when the target sets `jsonapi = true`). The primary data's model is a *resource* (its `type`
field has a single value) and parses into `_JsonApiResource` (with `related()` over `included`); a
deepObject `filter` parameter's model gives the filterable fields (the operator object of each field
gives the operators), a `sort` parameter the sortable ones: a fields class per resource in
`<package>.query`. Create/update methods take `attributes=` / `relationships=` and build the document.
Error documents list their entries in `err.errors`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..diagnostics import DiagnosticSink
from ..ir import (
    Api,
    Location,
    MediaKind,
    Model,
    ModelRef,
    Operation,
    ResultKind,
)
from ..naming.names import Names, op_key
from ..naming.requests import NameKind, NameRequest
from ..render.annotations import Context as Use
from ..render.extension import (
    ArgView,
    BodyExtras,
    ClientExtras,
    MethodContext,
    MethodExtras,
    block,
)
from ..render.readme_views import fields_example
from ..render.resource_views import ResourceDraft
from ..render.safe import NO_CODE, NO_NAME, Code, Name, TemplateText, code, py
from ..shape.envelopes import JSONAPI_TOP, unwrap
from .base import Context, Contribution, Preparation, runtime_path
from .jsonapi_analysis import (
    DocumentBody,
    FieldsClass,
    JsonApiInfo,
    jsonapi_info,
    mentions_jsonapi,
)

if TYPE_CHECKING:
    from ..config import TargetConfig

# our operator name → spellings an API may use for it
# ---- views -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueryFieldView:
    """A JSON:API filter or sort field of a `…Fields` class, as its template prints it."""

    attr: Name
    wire: str  # raw (printed with `py`)
    kind: Name  # runtime class in `_query`
    ops: tuple[tuple[str, str], ...]  # (our operator, the API's spelling), raw
    sortable: bool
    doc: str  # raw (printed with `doc`)


@dataclass(frozen=True, slots=True)
class FieldsClassView:
    """A resource type's `…Fields` class, as the query module's template prints it."""

    name: Name
    type_name: str  # raw
    fields: tuple[QueryFieldView, ...]


@dataclass(frozen=True, slots=True)
class QueryModuleView:
    """The JSON:API query module: its `…Fields` classes and the runtime names they use."""

    classes: tuple[FieldsClassView, ...]
    runtime_names: tuple[Name, ...]  # `_query` classes used


def _fields_class_view(c: FieldsClass, names: Names) -> FieldsClassView:
    return FieldsClassView(
        names.requested[("jsonapi", "fields", c.resource)],
        c.type_name,
        tuple(
            QueryFieldView(
                names.fields[(f.model, f.wire)]
                if f.model is not None
                else names.requested[("jsonapi", "attr", c.resource, f.wire)],
                f.wire,
                Name(f.kind),
                f.ops,
                f.sortable,
                f.doc,
            )
            for f in c.fields
        ),
    )


def query_classes(views: Iterable[FieldsClassView]) -> QueryModuleView:
    classes = tuple(sorted(views, key=lambda c: c.name))
    used = sorted({f.kind for c in classes for f in c.fields})
    return QueryModuleView(classes, tuple(used))


_ITEM = Name("item")


@dataclass(frozen=True, slots=True)
class JsonApiExample:
    """The README's JSON:API sections: a typed query on one list operation, a get with `include`,
    a create from attributes."""

    package: Name
    list_call: Name = NO_NAME  # "client.people.list"
    fields_class: Name = NO_NAME  # "PersonFields"
    text_field: Name = NO_NAME  # a text field with `like`/eq, e.g. "last_name"
    date_field: Name = NO_NAME  # a sortable date-time field, e.g. "created_at"
    size_arg: Name = NO_NAME  # "page_size"
    item_name: Name = _ITEM
    get_call: Name = NO_NAME  # a get with `include`
    relationship: str = ""  # raw wire name (printed with `py`)
    create_call: Name = NO_NAME
    create_attributes: Code = NO_CODE  # `{"last_name": ...}`: the attributes to fill in


def _example(
    api: Api,
    names: Names,
    drafts: Mapping[str, ResourceDraft],
    info: JsonApiInfo,
    classes: dict[str, FieldsClassView],
) -> JsonApiExample:
    found: dict[str, str] = {}
    methods = {
        op_key(op): drafts[names.op_resource[op_key(op)]].method(names.op_method[op_key(op)])
        for op in api.operations
    }
    for op in api.operations:
        key = op_key(op)
        call = Name(f"client.{names.resource_of(op).access}.{names.op_method[key]}")
        resource = info.op_fields.get(key)
        cls = classes.get(resource) if resource is not None else None
        if cls is not None and "list_call" not in found:
            texts = [f.attr for f in cls.fields if f.kind == "TextField" and f.attr != "id"]
            text = next(
                (t for t in texts if t.endswith("last_name")),
                next((t for t in texts if "name" in t), texts[0] if texts else ""),
            )
            date = next(
                (
                    f.attr
                    for f in cls.fields
                    if f.kind == "DateTimeField" and f.sortable and dict(f.ops).keys() >= {"ge"}
                ),
                "",
            )
            size = next(
                (a.name for a in methods[key].keyword if a.wire in ("page[size]", "page[limit]")),
                "",
            )
            if text and date:
                assert resource is not None
                found.update(
                    list_call=call,
                    fields_class=cls.name,
                    text_field=text,
                    date_field=date,
                    size_arg=size,
                    item_name=names.requested[("jsonapi", "item", resource)],
                )
        if key in info.bodies and op.method == "post" and "create_call" not in found:
            found["create_call"] = call
            attributes = info.bodies[key].attributes
            found["create_attributes"] = fields_example(api.schemas.get(attributes or "")) or Code(
                "{}"
            )
    for op in api.operations:  # a get whose resource has a typed relationship
        m = methods[op_key(op)]
        if (
            op.method == "get"
            and len(m.positional) == 1
            and any(a.wire == "include" for a in m.keyword)
        ):
            rel = _first_relationship(api, op, info)
            if rel:
                found.update(
                    get_call=Name(f"client.{names.resource_of(op).access}.{m.name}"),
                    relationship=rel,
                )
                break
    return JsonApiExample(Name(api.target.package.name), **found)  # type: ignore[arg-type]


def _first_relationship(api: Api, op: Operation, info: JsonApiInfo) -> str:
    for r in op.results:
        sid = r.returns.id if isinstance(r.returns, ModelRef) else None
        model = api.schemas.get(sid or "")
        if sid not in info.resources or not isinstance(model, Model):
            continue
        rel = next((f for f in model.fields if f.wire_name == "relationships"), None)
        target = (
            api.schemas.get(rel.type.id)
            if rel is not None and isinstance(rel.type, ModelRef)
            else None
        )
        if isinstance(target, Model) and target.fields:
            return target.fields[0].wire_name
    return ""


# ---- methods -----------------------------------------------------------------------------------


def _method(info: JsonApiInfo, names: Names, ctx: MethodContext) -> MethodExtras | None:
    op = ctx.op
    key = op_key(op)
    imports: list[tuple[str, tuple[str | tuple[str, str], ...]]] = []
    annotations: dict[str, Code] = {}
    resource = info.op_fields.get(key)
    if resource is not None:
        cls = names.requested[("jsonapi", "fields", resource)]
        for a in ctx.args[Location.QUERY]:
            builder = {"filter": "Filter", "sort": "Sort"}.get(a.wire)
            if builder is not None:
                annotations[a.wire] = code(f"_query.{builder}[_fields.{cls}] | {a.annotation}")
        imports.append(("..", ("_query", ("query", "_fields"))))
    body = None
    document = info.bodies.get(key)
    if document is not None:
        args = _document_args(ctx, document)
        path = ctx.args[Location.PATH]
        path_arg = path[0].name if document.with_id and path else None
        call = code(
            f"_jsonapi.build_document({py(document.type_name)}, id={path_arg or 'None'}, "
            + ", ".join(f"{a.name}={a.name}" for a in args)
            + ")"
        )
        assert op.body is not None
        media = next(m.media_type for m in op.body.media if m.kind is MediaKind.JSONAPI)
        body = BodyExtras(args, call, media)
        imports.append(("..", ("_jsonapi",)))
    json_media = _json_media(op)
    if not (annotations or body or json_media):
        return None
    return MethodExtras(annotations, body, json_media, imports=tuple(imports))


def _json_media(op: Operation) -> str:
    """JSON:API's media type as `Accept` when the operation's documents (success or error) use it."""
    if any(r.jsonapi for r in op.results):
        return next(r.media_type for r in op.results if r.jsonapi)
    media = [m for r in op.responses for m in r.media]
    return media[0].media_type if media and all(m.kind is MediaKind.JSONAPI for m in media) else ""


def _document_args(ctx: MethodContext, document: DocumentBody) -> tuple[ArgView, ...]:
    ctx.imports.typing = True
    out = []
    for wire, sid, required in (
        ("attributes", document.attributes, document.attributes_required),
        ("relationships", document.relationships, False),
    ):
        annotation = Code("_t.Mapping[str, _t.Any]")
        if sid is not None:
            model = ctx.annotator.render(ModelRef(sid), Use.INPUT, ctx.imports)
            annotation = code(f"{model} | {annotation}")
        doc = (
            "the resource's attributes"
            if wire == "attributes"
            else "relationships: name → resource, identifier, `(type, id)`, list of those, or None"
        )
        out.append(
            ArgView(
                Name(wire),
                annotation if required else code(annotation + " | NotGiven"),
                Code("" if required else "NOT_GIVEN"),
                wire,
                doc,
            )
        )
    return tuple(out)


# ---- the feature -------------------------------------------------------------------------------


class JsonApi:
    name = "jsonapi"

    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        """JSON:API results (or every JSON result, with `jsonapi = true`) return their primary data
        and page over `page` / `page[number]` with `page[size]`, following `links.next`."""
        operations = tuple(_shape_results(op, api, config.jsonapi) for op in api.operations)
        return replace(api, operations=operations)

    def analyse(self, api: Api, sink: DiagnosticSink) -> JsonApiInfo | None:
        if not any(mentions_jsonapi(op) for op in api.operations):
            return None
        return jsonapi_info(api)

    def names(self, facts: JsonApiInfo, api: Api) -> Iterable[NameRequest]:
        for sid, cls in facts.fields_classes.items():
            yield NameRequest(("jsonapi", "fields", sid), NameKind.CLASS, "fields", after_class=sid)
            yield NameRequest(("jsonapi", "item", sid), NameKind.VARIABLE, "", "readme", sid)
            for f in cls.fields:
                if f.model is None:
                    yield NameRequest(
                        ("jsonapi", "attr", sid, f.wire), NameKind.ATTRIBUTE, f.wire, sid
                    )

    def prepare(self, facts: JsonApiInfo, ctx: Context) -> Preparation:
        return Preparation(
            method=lambda m: _method(facts, ctx.names, m),
            model_bases={sid: (".._jsonapi", "_JsonApiResource") for sid in facts.resources},
        )

    def contribute(
        self, facts: JsonApiInfo, ctx: Context, resources: Mapping[str, ResourceDraft]
    ) -> Contribution:
        names = ctx.names
        classes = {sid: _fields_class_view(c, names) for sid, c in facts.fields_classes.items()}
        files = {}
        runtime = [runtime_path(self.name, "_jsonapi.py")]
        if classes:
            files["query.py"] = block(
                "features/jsonapi/query.py.jinja", classes=query_classes(classes.values())
            )
            runtime.append(runtime_path(self.name, "_query.py"))
        if facts.resources:
            files["_jsonapi_types.py"] = block(
                "features/jsonapi/jsonapi_types.py.jinja",
                registry=tuple(
                    (t, names.schema_module[sid], names.schema_class[sid])
                    for t, sid in facts.registry
                ),
            )
        readme: tuple[TemplateText, ...] = ()
        if classes:
            example = _example(ctx.api, names, resources, facts, classes)
            if example.list_call:
                readme = (block("features/jsonapi/README.md.jinja", ja=example),)
        return Contribution(
            runtime=tuple(runtime),
            files=files,
            client=ClientExtras(
                imports=((".", ("_jsonapi",)),),
                class_lines=(Code("error_entries = (_jsonapi.errors_of,)"),),
            ),
            readme={"lists": readme},
        )


def _shape_results(op: Operation, api: Api, every_json: bool) -> Operation:
    """`op` itself when none of its results is JSON:API (GitHub: all 1,223 operations, each
    `replace`d for nothing before)."""
    if not any(
        r.kind is ResultKind.JSON and r.body is not None and (r.jsonapi or every_json)
        for r in op.results
    ):
        return op
    from ..shape.pagination import (
        jsonapi_pages,
    )  # (the shape stage: not for a run that only renders)

    results = []
    for r in op.results:
        if r.kind is ResultKind.JSON and r.body is not None and (r.jsonapi or every_json):
            field_, returns = unwrap(r.body, api.schemas, "data", JSONAPI_TOP)
            pagination, item = jsonapi_pages(op, returns, r.body, api.schemas)
            r = replace(
                r, jsonapi=True, unwrap=field_, returns=returns, pagination=pagination, item=item
            )
        results.append(r)
    return replace(op, results=tuple(results))


FEATURE = JsonApi()
