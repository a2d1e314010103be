"""View objects for `resources/` modules: signatures, call arguments and endpoint constants."""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Api, Location, Model, ModelRef, Operation, Parameter, Result, ResultKind
from ..parse.results import error_bodies, is_jsonapi_media
from .annotations import BUILTIN_TYPES, Annotator, Context, Imports, one_line, py_literal
from .imports import ImportBlock
from .jsonapi_views import DocumentBody, JsonApiInfo
from .model_views import import_block
from .names import Names, ResourceName, op_key
from .safe import NO_CODE, NO_NAME, Code, Doc, Name, code, doc, py
from .wire_views import (
    accept_value,
    credential_params,
    default_requirements,
    error_model,
    operation_security,
)

_BODY_PREFERENCE = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True, slots=True)
class ArgView:
    name: Name
    annotation: Code
    default: Code  # "" when required
    wire: str  # raw: the template prints it with `py`
    doc: str  # raw: part of the method's docstring


@dataclass(frozen=True, slots=True)
class ResponseSpecView:
    status: str  # raw: printed with `py`
    kind: Name
    model: Code  # runtime expression of the whole body type, or "None"
    unwrap: Code  # literal of the unwrap field, or "None"
    page: Code  # PageSpec(...) expression, or "None"


@dataclass(frozen=True, slots=True)
class MethodView:
    name: Name
    const: Name
    http_method: str  # raw (these five are printed with `py`)
    path: str
    operation_id: str
    doc: Doc
    positional: tuple[ArgView, ...]
    keyword: tuple[ArgView, ...]
    path_args: tuple[ArgView, ...]
    query_args: tuple[ArgView, ...]
    header_args: tuple[ArgView, ...]
    cookie_args: tuple[ArgView, ...]
    body_arg: ArgView | None
    body_fields: tuple[ArgView, ...]  # multipart/form bodies flattened into keyword arguments
    body_media: str
    query_styles: tuple[tuple[str, str, bool], ...]  # raw (wire name, style, explode)
    cookie_styles: tuple[tuple[str, str, bool], ...]
    responses: tuple[ResponseSpecView, ...]
    returns: Code
    async_returns: Code
    auth: bool
    deprecated: bool
    max_file_bytes: int | None = None
    json_media: str = ""  # media type of JSON responses when not application/json (sent as Accept)
    body_call: Code = (
        NO_CODE  # expression building the body from `body_fields` (JSON:API documents)
    )
    server: str = (
        ""  # the operation's own server URL (variables at their defaults), "" = the client's
    )
    errors: tuple[tuple[str, Code], ...] = ()  # declared JSON error bodies: (status raw, model)
    accept: str = ""  # raw `Accept` when not the runtime default (printed with `py`)
    security: Code = NO_CODE  # `Endpoint(security=...)` when the runtime would not infer it


@dataclass(frozen=True, slots=True)
class HelperView:
    """A hand-shaped method over generated ones: a pre-signed upload, or a two-way link."""

    kind: str  # "upload" or "link"
    name: Name
    doc: Doc
    returns: Code
    target: Name  # the method it calls (upload: the create method; link: the left update)
    other: Name = NO_NAME  # link: the right update method
    left_rel: str = ""  # raw, like the three below: printed with `py`
    right_rel: str = ""
    left_type: str = ""
    right_type: str = ""
    left_arg: Name = NO_NAME
    right_arg: Name = NO_NAME
    url_field: str = ""
    max_bytes: int | None = None
    file_attributes: tuple[tuple[str, str], ...] = ()  # (name|type|size, attribute)


@dataclass(frozen=True, slots=True)
class ResourceModuleView:
    resource: ResourceName
    import_lines: tuple[
        Code, ...
    ]  # the whole import block, in ruff's order (what the methods use decides it)
    methods: tuple[MethodView, ...]
    helpers: tuple[HelperView, ...] = ()


def resource_module_view(
    api: Api,
    names: Names,
    resource: ResourceName,
    ops: list[Operation],
    upload_limits: dict[str, int] | None = None,
    jsonapi: JsonApiInfo | None = None,
    helpers: tuple[HelperView, ...] = (),
) -> ResourceModuleView:
    method_names = {names.op_method[op_key(op)] for op in ops} | {h.name for h in helpers}
    annotator = Annotator(api.schemas, names, frozenset(method_names & BUILTIN_TYPES))
    imports = Imports()
    limits = upload_limits or {}
    info = jsonapi or JsonApiInfo()
    default_security = default_requirements(api)
    methods = tuple(
        _method(api, annotator, names, op, imports, limits.get(op.id), info, default_security)
        for op in ops
    )
    uses_page = any(r.page != "None" for m in methods for r in m.responses)
    uses_binary = any(r.kind == "binary" for m in methods for r in m.responses)
    by_name = {m.name: m for m in methods}
    helpers = tuple(_with_returns(h, by_name) for h in helpers)
    if helpers:
        imports.typing = True
    uses_query = any(op_key(op) in info.op_fields for op in ops)
    uses_documents = any(m.body_call for m in methods)
    uses_file_types = imports.file_types or any(h.kind == "upload" for h in helpers)
    block = import_block(imports, names, None, "..types.")
    _runtime_imports(
        block,
        any("LazyModel(" in model for m in methods for _, model in m.errors),
        uses_page,
        uses_binary,
        uses_file_types,
        uses_query,
        uses_documents,
        any(h.kind == "upload" for h in helpers),
    )
    return ResourceModuleView(resource, tuple(block.lines()), methods, helpers)


def _runtime_imports(
    block: ImportBlock,
    lazy: bool,
    page: bool,
    binary: bool,
    file_types: bool,
    query: bool,
    documents: bool,
    upload: bool,
) -> None:
    """What every resource module imports from the runtime, and what only some need."""
    block.add("typing", "_t").add_from("functools", "cached_property")
    block.add_from(".._base_client", "AsyncAPIResource", "SyncAPIResource")
    block.add_from(".._endpoint", "Endpoint", *(["LazyModel"] if lazy else []), "ResponseSpec")
    block.add_from(".._response", "async_to_raw_response_wrapper", "to_raw_response_wrapper")
    block.add_from(
        ".._types",
        "NOT_GIVEN",
        "Body",
        "Headers",
        "NotGiven",
        "Query",
        "Timeout",
        *(["FileTypes"] if file_types else []),
    )
    if query:
        block.add_from("..", "_query", ("query", "_fields"))
    if documents:
        block.add_from("..", "_jsonapi")
    if upload:
        block.add_from("..", "_upload")
    if page:
        block.add_from(".._pagination", "AsyncPage", "PageSpec", "SyncPage")
    if binary:
        block.add_from(".._binary", "AsyncBinaryResponse", "BinaryResponse")


def _method(
    api: Api,
    annotator: Annotator,
    names: Names,
    op: Operation,
    imports: Imports,
    max_file_bytes: int | None,
    info: JsonApiInfo,
    default_security: tuple[tuple[str, ...], ...] = (),
) -> MethodView:
    key = op_key(op)
    name = names.op_method[key]
    credentials = credential_params(api, op)
    args = {
        loc: [
            _arg(annotator, names, key, p, imports, credentials)
            for p in op.parameters
            if p.location is loc
        ]
        for loc in Location
    }
    fields_class = info.op_fields.get(key)
    if fields_class is not None:
        args[Location.QUERY] = [_query_arg(a, fields_class) for a in args[Location.QUERY]]
    document = info.bodies.get(key)
    if document is not None:
        body_arg, body_fields, media = (
            None,
            _document_args(annotator, document, imports),
            _jsonapi_media(op),
        )
        path_arg = args[Location.PATH][0].name if document.with_id and args[Location.PATH] else None
        body_call = code(
            f"_jsonapi.build_document({py(document.type_name)}, id={path_arg or 'None'}, "
            + ", ".join(f"{a.name}={a.name}" for a in body_fields)
            + ")"
        )
    else:
        body_arg, body_fields, media = _body(
            api, annotator, op, imports, {a.name for v in args.values() for a in v}
        )
        body_call = Code("")
    keyword = [a for loc in (Location.QUERY, Location.HEADER, Location.COOKIE) for a in args[loc]]
    keyword += list(body_fields)
    if body_arg is not None:
        keyword.append(body_arg)
    keyword.sort(key=lambda a: a.default != "")
    responses = tuple(_response(annotator, r, imports) for r in op.results)
    returns = _returns(annotator, op.results, imports, "")
    async_returns = _returns(annotator, op.results, imports, "Async")
    styles = {
        loc: tuple(
            (p.wire_name, p.style, p.explode)
            for p in op.parameters
            if p.location is loc and (p.style, p.explode) != ("form", True)
        )
        for loc in (Location.QUERY, Location.COOKIE)
    }
    return MethodView(
        name=name,
        const=Name("_" + name.upper()),
        http_method=op.method.upper(),
        path=op.path,
        operation_id=op.id,
        doc=doc(_doc(op, args, body_arg, body_fields)),
        positional=tuple(args[Location.PATH]),
        keyword=tuple(keyword),
        path_args=tuple(args[Location.PATH]),
        query_args=tuple(args[Location.QUERY]),
        header_args=tuple(args[Location.HEADER]),
        cookie_args=tuple(args[Location.COOKIE]),
        body_arg=body_arg,
        body_fields=body_fields,
        body_media=media,
        query_styles=styles[Location.QUERY],
        cookie_styles=styles[Location.COOKIE],
        responses=responses,
        returns=returns,
        async_returns=async_returns,
        auth=op.requires_auth,
        deprecated=op.deprecated,
        max_file_bytes=max_file_bytes,
        json_media=_json_media(op),
        body_call=body_call,
        server=_server(api, op),
        errors=tuple(
            (status, error_model(annotator, names, t, imports)) for status, t in error_bodies(op)
        ),
        accept=accept_value(op, {str(r.kind) for r in responses}, _json_media(op)),
        security=operation_security(op, default_security) if api.security_schemes else NO_CODE,
    )


def _with_returns(h: HelperView, methods: dict[Name, MethodView]) -> HelperView:
    from dataclasses import replace

    if h.kind == "link":
        return replace(
            h, returns=code(f"tuple[{methods[h.target].returns}, {methods[h.other].returns}]")
        )
    return replace(h, returns=methods[h.target].returns)


def _json_media(op: Operation) -> str:
    """JSON:API's media type as `Accept` when the operation's documents (success or error) use it."""
    if any(r.jsonapi for r in op.results):
        return next(r.media_type for r in op.results if r.jsonapi)
    media = [m.media_type for r in op.responses for m in r.media]
    return (
        next((m for m in media if is_jsonapi_media(m)), "")
        if media and all(is_jsonapi_media(m) for m in media)
        else ""
    )


def _query_arg(a: ArgView, fields_class: str) -> ArgView:
    """`filter` / `sort` of a JSON:API operation also take the typed builders."""
    builder = {"filter": "Filter", "sort": "Sort"}.get(a.wire)
    if builder is None:
        return a
    return ArgView(
        a.name,
        code(f"_query.{builder}[_fields.{Name(fields_class)}] | {a.annotation}"),
        a.default,
        a.wire,
        a.doc,
    )


def _jsonapi_media(op: Operation) -> str:
    assert op.body is not None
    return next(m.media_type for m in op.body.media if is_jsonapi_media(m.media_type))


def _document_args(
    annotator: Annotator, document: DocumentBody, imports: Imports
) -> tuple[ArgView, ...]:
    imports.typing = True
    out = []
    for wire, sid, required in (
        ("attributes", document.attributes, document.attributes_required),
        ("relationships", document.relationships, False),
    ):
        annotation = Code("_t.Mapping[str, _t.Any]")
        if sid is not None:
            annotation = code(
                f"{annotator.render(ModelRef(sid), Context.INPUT, imports)} | {annotation}"
            )
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


def _server(api: Api, op: Operation) -> str:
    """The first of the operation's servers, unless it is the document's first server anyway."""
    if not op.servers:
        return ""
    url = op.servers[0].default_url
    return "" if api.servers and url == api.servers[0].default_url else url


def _arg(
    annotator: Annotator,
    names: Names,
    key: str,
    p: Parameter,
    imports: Imports,
    credentials: frozenset[tuple[str, str]] = frozenset(),
) -> ArgView:
    """`credentials`: (location, lower-case name) of the API keys the operation's security sends; a
    parameter that repeats one is optional (the client's key fills it; a value given here wins)."""
    annotation = annotator.render(p.type, Context.INPUT, imports)
    default = Code("")
    doc_text = one_line(p.doc)
    from_credentials = (p.location.value, p.wire_name.lower()) in credentials
    if not p.required or from_credentials:
        annotation = code(annotation + " | NotGiven")
        default = Code("NOT_GIVEN")
    if from_credentials:
        doc_text = (doc_text + " " if doc_text else "") + "(default: the client's credential)"
    return ArgView(
        names.params[(key, p.location.value, p.wire_name)],
        annotation,
        default,
        p.wire_name,
        doc_text,
    )


def _body(
    api: Api, annotator: Annotator, op: Operation, imports: Imports, taken: set[str]
) -> tuple[ArgView | None, tuple[ArgView, ...], str]:
    if op.body is None or not op.body.media:
        return None, (), ""
    media = min(
        op.body.media,
        key=lambda m: (
            _BODY_PREFERENCE.index(m.media_type)
            if m.media_type in _BODY_PREFERENCE
            else len(_BODY_PREFERENCE)
        ),
    )
    base = media.media_type.split(";")[0].strip().lower()
    schema = api.schemas.get(media.type.id) if isinstance(media.type, ModelRef) else None
    if base in ("multipart/form-data", "application/x-www-form-urlencoded") and isinstance(
        schema, Model
    ):
        from .. import naming

        fields = []
        for f in schema.fields:
            if f.read_only:
                continue
            name = naming.param_name(f.wire_name)
            while name in taken:
                name += "_"
            taken.add(name)
            annotation = annotator.render(f.type, Context.INPUT, imports)
            required = f.required and op.body.required
            fields.append(
                ArgView(
                    Name(name),
                    annotation if required else code(annotation + " | NotGiven"),
                    Code("" if required else "NOT_GIVEN"),
                    f.wire_name,
                    one_line(f.doc),
                )
            )
        return None, tuple(fields), media.media_type
    annotation = annotator.render(media.type, Context.INPUT, imports)
    if isinstance(schema, Model):
        imports.typing = True
        annotation = code(annotation + " | _t.Mapping[str, _t.Any]")
    body = Name("body")
    if op.body.required:
        return ArgView(body, annotation, Code(""), "", one_line(op.body.doc)), (), media.media_type
    return (
        ArgView(
            body,
            code(annotation + " | NotGiven"),
            Code("NOT_GIVEN"),
            "",
            one_line(op.body.doc),
        ),
        (),
        media.media_type,
    )


def _response(annotator: Annotator, r: Result, imports: Imports) -> ResponseSpecView:
    model = annotator.render(r.body, Context.MODEL, imports) if r.body is not None else Code("None")
    page = Code("None")
    if r.pagination is not None:
        p = r.pagination
        page = code(
            f"PageSpec(page_param={py(p.page_param)}, limit_param={py(p.limit_param)}, "
            f"items_field={py(p.items_field)}, pagination_field={py(p.pagination_field)}"
            + (f", next_link={py(p.next_link)}" if p.next_link else "")
            + (", attach_document=True" if p.attach_document else "")
            + ")"
        )
    return ResponseSpecView(r.status, Name(r.kind.value), model, py(r.unwrap), page)


def _returns(
    annotator: Annotator, results: tuple[Result, ...], imports: Imports, prefix: str
) -> Code:
    out: list[str] = []
    for r in results:
        if r.kind is ResultKind.EMPTY:
            out.append("None")
        elif r.kind is ResultKind.BINARY:
            out.append(f"{prefix}BinaryResponse")
        elif r.kind is ResultKind.TEXT:
            out.append("str")
        elif r.pagination is not None and r.item is not None:
            out.append(
                f"{prefix or 'Sync'}Page[{annotator.render(r.item, Context.MODEL, imports)}]"
            )
        else:
            assert r.returns is not None
            out.extend(annotator.top_parts(r.returns, Context.MODEL, imports))
    unique = list(dict.fromkeys(out))
    return code(
        " | ".join([p for p in unique if p != "None"] + (["None"] if "None" in unique else []))
    )


def _doc(
    op: Operation,
    args: dict[Location, list[ArgView]],
    body: ArgView | None,
    fields: tuple[ArgView, ...],
) -> str:
    lines = [one_line(op.summary or op.description or f"{op.method.upper()} {op.path}")]
    if op.description and op.description != op.summary:
        lines += ["", op.description]
    ext = dict(op.extensions)
    if "x-access-tier" in ext:
        lines += ["", f"Access tier: `{ext['x-access-tier']}`."]
    if "x-key-scope" in ext:
        scope = ext["x-key-scope"]
        shown = (
            ", ".join(map(str, scope))
            if isinstance(scope, list)
            else py_literal(scope)
            if scope is None or isinstance(scope, (str, int, float))
            else str(scope)
        )
        lines += [f"Key scope: {shown}."]
    if op.deprecated:
        lines += ["", "Deprecated."]
    documented = (
        [a for loc in Location for a in args[loc]] + list(fields) + ([body] if body else [])
    )
    if documented:
        lines += ["", "Args:"]
        lines += [
            f"    {a.name}: {a.doc or ('`' + a.wire + '`' if a.wire else 'request body')}"
            for a in documented
        ]
    lines += ["", f"`{op.method.upper()} {op.path}` (operationId `{op.id}`)"]
    return "\n".join(lines)
