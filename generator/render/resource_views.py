"""View objects for `resources/` modules: signatures, call arguments and endpoint constants."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..ir import (
    Api,
    Location,
    Operation,
    PageStyle,
    Pagination,
    Parameter,
    Result,
    ResultKind,
)
from ..ir.models import _Missing
from ..ir.quick_init import quick_init
from ..naming.names import Names, ResourceName, op_key
from ..parse.results import error_bodies
from .annotations import BUILTIN_TYPES, Annotator, Context, Imports, one_line, py_literal
from .body_views import BodyView, body_view
from .extension import (
    ArgView,
    MethodContext,
    MethodExtras,
    MethodHook,
    ResourceExtras,
    RuntimeImport,
)
from .field_views import accepts_none
from .imports import ImportBlock, import_block
from .safe import NO_CODE, Code, Doc, Name, TemplateText, code, doc, py
from .style_views import wire_styles
from .wire_views import (
    accept_value,
    credential_params,
    default_requirements,
    error_model,
    operation_security,
)

_LINE_LENGTH = 110  # generator/ruff_generated.toml: longer imports are wrapped as ruff would


@dataclass(frozen=True, slots=True)
class ResponseSpecView:
    """A method's response spec: status, body type, unwrapping and pagination."""

    status: str  # raw: printed with `py`
    kind: Name
    model: Code  # runtime expression of the whole body type, or "None"
    load: Code  # `lambda: <body type>` when it names a model (imported on first use), or ""
    unwrap: Code  # literal of the unwrap field, or "None"
    page: tuple[tuple[Name, Code], ...]  # `PageSpec` keyword arguments; () = not paginated
    events: bool = False  # an event stream: `streams=(Stream, AsyncStream)` (the sse feature's)


@dataclass(frozen=True, slots=True)
class MethodView:
    """A resource method, as the resource template prints it."""

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
    body_fields: tuple[ArgView, ...]  # a body flattened into keyword arguments (body_views.py)
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
    # raw, like query_styles (style_views.py): what differs from each location's default serialisation
    path_styles: tuple[tuple[str, str, bool], ...] = ()
    header_styles: tuple[tuple[str, str, bool], ...] = ()
    form_styles: tuple[tuple[str, str, bool], ...] = ()
    part_types: tuple[tuple[str, str], ...] = ()
    allow_reserved: tuple[str, ...] = ()
    body_type: Code = NO_CODE  # runtime type of a JSON body whose dicts need renaming, or ""
    flat_body: bool = False  # a JSON body built from `body_fields` (keyed by wire name)
    body_required: bool = True  # False: a flattened body that may be left out
    nulls: tuple[tuple[str, str], ...] = ()  # (location, wire name) of nullable parameters
    errors: tuple[tuple[str, Code], ...] = ()  # declared JSON error bodies: (status raw, model)
    accept: str = ""  # raw `Accept` when not the runtime default (printed with `py`)
    security: Code = NO_CODE  # `Endpoint(security=...)` when the runtime would not infer it


@dataclass(frozen=True, slots=True)
class ResourceModuleView:
    """A resource module: its imports, methods and nested resources."""

    resource: ResourceName
    import_lines: tuple[
        Code, ...
    ]  # the whole import block, in ruff's order (what the methods use decides it)
    methods: tuple[MethodView, ...]
    sync_blocks: tuple[TemplateText, ...] = ()  # methods features add (their own templates)
    async_blocks: tuple[TemplateText, ...] = ()
    children: tuple[ResourceName, ...] = ()  # resources nested in this one (`customers.sources`)

    @property
    def summary(self) -> Doc:
        return resource_summary(self.resource)

    @property
    def child_summaries(self) -> tuple[Doc, ...]:
        return tuple(resource_summary(c) for c in self.children)


def resource_summary(resource: ResourceName) -> Doc:
    """A resource class's first docstring line: the tag or the route its operations share."""
    if resource.tag:
        return doc(f"Operations tagged `{resource.tag}`")
    if resource.route:
        return doc(f"Operations under `{resource.route}`")
    return doc(f"The `{resource.access}` operations (`method_names`)")


@dataclass
class ResourceDraft:
    """A resource's methods before features add theirs: what they need to see of it."""

    resource: ResourceName
    methods: tuple[MethodView, ...]
    imports: Imports
    runtime: list[RuntimeImport]

    def method(self, name: str) -> MethodView:
        return next(m for m in self.methods if m.name == name)


def draft_resource(
    api: Api,
    names: Names,
    resource: ResourceName,
    ops: list[Operation],
    hooks: tuple[MethodHook, ...] = (),
    among: list[Operation] | None = None,
) -> ResourceDraft:
    """The resource's draft of `ops`' methods. `among`: all of the resource's operations when `ops`
    are some of them (`splice.py`: only changed methods drafted); their method names decide which
    builtins the class body shadows, so each method's view is the one the whole draft has."""
    every = ops if among is None else among
    method_names = {names.op_method[op_key(op)] for op in every}
    key = next((names.op_resource[op_key(op)] for op in every), resource.tag)  # features' key
    method_names |= set(names.extra_methods.get(key, ()))
    # models are named through the lazy types package (`_types.X`): importing the resource imports
    # none, and `typing.get_type_hints` of a method imports those its annotations name
    annotator = Annotator(
        api.schemas, names, frozenset(method_names & BUILTIN_TYPES), qualify="_types."
    )
    imports = Imports()
    runtime: list[RuntimeImport] = []
    default_security = default_requirements(api)
    methods = tuple(
        _method(api, annotator, names, op, imports, hooks, runtime, default_security) for op in ops
    )
    return ResourceDraft(resource, methods, imports, runtime)


def resource_module_view(
    draft: ResourceDraft,
    names: Names,
    extras: tuple[ResourceExtras, ...] = (),
    children: tuple[ResourceName, ...] = (),
) -> ResourceModuleView:
    block = module_imports(draft, names, extras, children)
    return ResourceModuleView(
        draft.resource,
        tuple(block.lines(wrap=_LINE_LENGTH)),
        draft.methods,
        tuple(b for e in extras for b in e.sync_blocks),
        tuple(b for e in extras for b in e.async_blocks),
        children,
    )


def module_imports(
    draft: ResourceDraft,
    names: Names,
    extras: tuple[ResourceExtras, ...] = (),
    children: tuple[ResourceName, ...] = (),
) -> ImportBlock:
    """The resource module's imports: each statement is there because one of the draft's methods
    (or an extra, or a child) needs it, so the block of a whole draft is the union of its methods'
    blocks (`splice.py` rests on it)."""
    imports = draft.imports
    methods = draft.methods
    uses_page = any(r.page for m in methods for r in m.responses)
    uses_binary = any(r.kind == "binary" for m in methods for r in m.responses)
    imports.typing = imports.typing or any(e.typing for e in extras)
    file_types = imports.file_types or any(e.file_types for e in extras)
    block = import_block(replace(imports, schemas=set()), names, None, "..types.")
    _runtime_imports(block, uses_page, uses_binary, file_types, bool(methods))
    if imports.lazy_types or imports.schemas:
        block.add_from("..", ("types", "_types"))
    if any("LazyModel(" in model for m in methods for _, model in m.errors):
        block.add_from(".._endpoint", "LazyModel")
    for module, members in [*draft.runtime, *(i for e in extras for i in e.imports)]:
        block.add_from(module, *members)
    for child in children:
        block.add_from(f".{child.module}", child.cls, f"Async{child.cls}")
    return block


def _runtime_imports(
    block: ImportBlock, page: bool, binary: bool, file_types: bool, methods: bool = True
) -> None:
    """What every resource module imports from the runtime, and what only some need (a resource
    that only holds nested ones has no methods: no endpoints, no arguments, no response wrappers)."""
    block.add_from("functools", "cached_property")
    block.add_from(".._resource", "AsyncAPIResource", "SyncAPIResource")
    if not methods:
        return
    block.add_from(".._endpoint", "Endpoint", "ResponseSpec")
    block.add_from(
        ".._wrappers",
        "async_to_raw_response_wrapper",
        "async_to_streamed_response_wrapper",
        "to_raw_response_wrapper",
        "to_streamed_response_wrapper",
    )
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
    if page:
        block.add_from(".._endpoint", "PageSpec")
        block.add_from(".._pagination", "AsyncPage", "SyncPage")
    if binary:
        block.add_from(".._binary", "AsyncBinaryResponse", "BinaryResponse")


def _method(
    api: Api,
    annotator: Annotator,
    names: Names,
    op: Operation,
    imports: Imports,
    hooks: tuple[MethodHook, ...],
    runtime: list[RuntimeImport],
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
    extras = _extras(hooks, MethodContext(op, args, annotator, imports))
    runtime.extend(extras.imports)
    if extras.annotations:
        args[Location.QUERY] = [
            replace(a, annotation=extras.annotations.get(a.wire, a.annotation))
            for a in args[Location.QUERY]
        ]
    if extras.body is not None:
        body = BodyView(fields=extras.body.args, media=extras.body.media)
        body_call = extras.body.call
    else:
        body = body_view(api, annotator, names, op, imports)
        body_call = Code("")
    body_arg, body_fields, media = body.arg, body.fields, body.media
    keyword = [a for loc in (Location.QUERY, Location.HEADER, Location.COOKIE) for a in args[loc]]
    keyword += list(body_fields)
    if body_arg is not None:
        keyword.append(body_arg)
    keyword.sort(key=lambda a: a.default != "")
    responses = tuple(_response(annotator, r, imports) for r in op.results)
    returns = code(" | ".join(return_parts(annotator, op.results, imports, "")))
    async_returns = code(" | ".join(return_parts(annotator, op.results, imports, "Async")))
    styles = wire_styles(op)
    return MethodView(
        name=name,
        const=const_name(name),
        http_method=op.method.upper(),
        path=op.path,
        operation_id=op.id,
        doc=doc(_doc(op, args, body_arg, body_fields, extras.doc_notes)),
        positional=tuple(args[Location.PATH]),
        keyword=tuple(keyword),
        path_args=tuple(args[Location.PATH]),
        query_args=tuple(args[Location.QUERY]),
        header_args=tuple(args[Location.HEADER]),
        cookie_args=tuple(args[Location.COOKIE]),
        body_arg=body_arg,
        body_fields=body_fields,
        body_media=media,
        query_styles=styles.query,
        cookie_styles=styles.cookie,
        path_styles=styles.path,
        header_styles=styles.header,
        form_styles=styles.form,
        part_types=styles.part_types,
        allow_reserved=styles.allow_reserved,
        responses=responses,
        returns=returns,
        async_returns=async_returns,
        auth=op.requires_auth,
        deprecated=op.deprecated,
        max_file_bytes=op.max_file_bytes,
        json_media=extras.json_media,
        body_call=body_call,
        server=_server(api, op),
        body_type=body.body_type,
        flat_body=body.flat,
        body_required=not body.optional,
        nulls=tuple(
            (p.location.value, p.wire_name)
            for p in op.parameters
            if p.location is not Location.PATH and accepts_none(p.type, api.schemas)
        ),
        errors=tuple(
            (status, error_model(annotator, names, t, imports)) for status, t in error_bodies(op)
        ),
        accept=accept_value(op, {str(r.kind) for r in responses}, extras.json_media),
        security=operation_security(op, default_security) if api.security_schemes else NO_CODE,
    )


def const_name(method: str) -> Name:
    """The module-level `Endpoint` constant of a method."""
    return Name("_" + method.upper())


def _extras(hooks: tuple[MethodHook, ...], ctx: MethodContext) -> MethodExtras:
    """The features' changes to one method, merged (features touch different parts of it)."""
    found = [e for e in (hook(ctx) for hook in hooks) if e is not None]
    if len(found) <= 1:
        return found[0] if found else MethodExtras()
    return MethodExtras(
        annotations={k: v for e in found for k, v in e.annotations.items()},
        body=next((e.body for e in found if e.body is not None), None),
        json_media=next((e.json_media for e in found if e.json_media), ""),
        doc_notes=tuple(n for e in found for n in e.doc_notes),
        imports=tuple(i for e in found for i in e.imports),
    )


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
    if not isinstance(p.default, _Missing) and not p.required:  # what the server uses when not sent
        shown = py_literal(p.default) if not isinstance(p.default, (list, dict)) else p.default
        doc_text = f"{doc_text or '`' + p.wire_name + '`'} (default: `{shown}`)"
    if from_credentials:
        doc_text = (doc_text + " " if doc_text else "") + "(default: the client's credential)"
    return ArgView(
        names.params[(key, p.location.value, p.wire_name)],
        annotation,
        default,
        p.wire_name,
        doc_text,
    )


def _response(annotator: Annotator, r: Result, imports: Imports) -> ResponseSpecView:
    """A body type that names models is a `lambda` over the lazy types package (`_types.X`): the
    models load when the operation's response is first parsed, not when its resource is imported.
    An event stream's data type is given as it is (the sse feature's streams read `model`)."""
    events = r.kind is ResultKind.EVENTS
    model, load = Code("None"), Code("")
    if r.body is not None:
        lazy = None if events else annotator.lazy(r.body, imports)
        if lazy is not None:
            load = lazy
        else:
            model = annotator.render(r.body, Context.MODEL, imports)
    return ResponseSpecView(
        r.status, Name(r.kind.value), model, load, py(r.unwrap), _page(r.pagination), events
    )


def _page(p: Pagination | None) -> tuple[tuple[Name, Code], ...]:
    """The `PageSpec` arguments: what the shape stage decided (the runtime's defaults left out)."""
    if p is None:
        return ()
    values: list[tuple[str, Code | None]] = [
        ("style", py(p.style.value) if p.style is not PageStyle.PAGE_NUMBER else None),
        ("items_field", _field_path(p.items_field) if p.items_field != ("data",) else None),
        ("page_param", py(p.page_param) if p.page_param != "page" else None),
        ("param_in", py(p.param_in) if p.param_in != "query" else None),
        ("limit_param", _maybe(p.limit_param)),
        ("start", py(p.start) if p.start != 1 else None),
        ("pagination_field", _maybe_path(p.pagination_field)),
        ("has_more_field", _maybe_path(p.has_more_field)),
        ("total_pages_field", _maybe_path(p.total_pages_field)),
        ("total_items_field", _maybe_path(p.total_items_field)),
        ("page_field", _maybe_path(p.page_field)),
        ("limit_field", _maybe_path(p.limit_field)),
        ("next_cursor", _maybe_path(p.next_cursor)),
        ("next_link", _maybe_path(p.next_link)),
        ("before_param", _maybe(p.before_param)),
        ("id_field", py(p.id_field) if p.id_field != "id" else None),
        ("attach_document", py(True) if p.attach_document else None),
    ]
    return tuple((Name(k), v) for k, v in values if v is not None)


def _maybe(value: str | None) -> Code | None:
    return py(value) if value is not None else None


def _maybe_path(path: tuple[str, ...] | None) -> Code | None:
    return _field_path(path) if path is not None else None


def _field_path(path: tuple[str, ...]) -> Code:
    """A path of wire names as the runtime reads it: one name as a string, several as a tuple, the
    body itself as ``""``."""
    if len(path) <= 1:
        return py(path[0] if path else "")
    return code("(" + ", ".join(py(part) for part in path) + ")")


def return_parts(
    annotator: Annotator,
    results: tuple[Result, ...],
    imports: Imports,
    prefix: str,
    *,
    qualify: str = "",
    streams: bool = True,
) -> list[str]:
    """The members of a method's declared return type, de-duplicated, `None` last. `prefix`: "" (the
    sync method) or "Async"; `qualify`: how the runtime's classes are reached (the package's tests:
    `<package>.`); `streams=False`: an event stream is checked by its events (the tests), so its
    result stands for their type."""
    out: list[str] = []
    for r in results:
        if r.kind is ResultKind.EMPTY:
            out.append("None")
        elif r.kind is ResultKind.BINARY:
            out.append(f"{qualify}{prefix}BinaryResponse")
        elif r.kind is ResultKind.TEXT:
            out.append("str")
        elif r.kind is ResultKind.EVENTS and streams:
            assert r.body is not None
            data = annotator.render(r.body, Context.MODEL, imports)
            out.append(f"{qualify}{prefix}Stream[{data}]")
        elif r.pagination is not None and r.item is not None:
            item = annotator.render(r.item, Context.MODEL, imports)
            out.append(f"{qualify}{prefix or 'Sync'}Page[{item}]")
        elif r.returns is not None:
            out.extend(annotator.top_parts(r.returns, Context.MODEL, imports))
        else:  # no type the method declares (the tests: anything)
            imports.typing = True
            out.append("_t.Any")
    unique = list(dict.fromkeys(out))
    return [p for p in unique if p != "None"] + (["None"] if "None" in unique else [])


def _doc(
    op: Operation,
    args: dict[Location, list[ArgView]],
    body: ArgView | None,
    fields: tuple[ArgView, ...],
    notes: tuple[str, ...] = (),
) -> str:
    lines = [one_line(op.summary or op.description or f"{op.method.upper()} {op.path}")]
    if op.description and op.description != op.summary:
        lines += ["", op.description]
    if notes:
        lines += ["", *notes]
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


# their quick `__init__` in the pure-Python install (`ir/quick_init.py`): called, not a decorator,
# so that mypyc keeps the compiled classes native
quick_init(ResponseSpecView)
quick_init(MethodView)
