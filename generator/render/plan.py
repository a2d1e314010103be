"""The file plan: which file gets which template and view. Returns {relative path: text}."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .. import __version__, escape
from ..config import TargetConfig
from ..diagnostics import DiagnosticSink
from ..ir import Api, Location, Operation
from ..paths import HEADER, templates_dir
from .annotations import Imports, one_line
from .auth_views import AuthView, auth_view
from .environment import render
from .error_views import error_views
from .helper_views import helper_views
from .imports import ImportBlock
from .jsonapi_views import jsonapi_info, query_classes
from .model_views import import_block, types_module_view
from .names import Names, ResourceName, op_key, plan_names
from .package_views import PackageMeta, package_meta
from .readme_views import Examples, JsonApiExample, jsonapi_example, pick_examples
from .resource_views import MethodView, resource_module_view
from .safe import NO_NAME, Code, Doc, Name, code, doc


@dataclass(frozen=True, slots=True)
class EventView:
    name: str  # raw event name (printed with `py`)
    cls: Name


@dataclass(frozen=True, slots=True)
class WebhooksView:
    events: tuple[EventView, ...]
    envelope_cls: Name
    signature_header: str  # raw (config)
    import_lines: tuple[Code, ...]


def webhooks_view(api: Api, config: TargetConfig, names: Names) -> WebhooksView:
    imports = Imports(schemas={e.schema_id for e in api.webhooks} | {api.webhooks[0].envelope_id})
    return WebhooksView(
        events=tuple(EventView(e.name, names.schema_class[e.schema_id]) for e in api.webhooks),
        envelope_cls=names.schema_class[api.webhooks[0].envelope_id],
        signature_header=config.webhook_signature_header or "X-Webhook-Signature",
        import_lines=tuple(import_block(imports, names, None, ".types.").lines()),
    )


@dataclass(frozen=True, slots=True)
class OperationRow:
    call: Name
    http: str  # raw: `GET /path` (printed with `md_code`)
    access: str  # raw: `x-access-tier` or "public" (printed with `md`)


@dataclass(frozen=True, slots=True)
class ClientView:
    """Raw text fields (spec or config text) are printed through the template filters."""

    client: Name
    package: Name
    title: str  # raw
    doc: Doc
    short_doc: str  # raw
    api_version: str  # raw
    meta: PackageMeta  # raw text fields, printed through the template filters
    output_name: Code  # the output folder's name, quoted for the README's shell line
    install_name: Code  # the distribution name, quoted for the README's shell line
    base_url: str  # raw
    key_env: Name
    base_url_env: Name
    credential_arg: Name
    auth: AuthView
    error_codes: bool
    resources: tuple[ResourceName, ...]
    operation_rows: tuple[OperationRow, ...]
    examples: Examples
    has_webhooks: bool
    first_method: Name
    first_args: Code
    error_example: Code  # the call the README's error example makes
    regions: tuple[tuple[str, str], ...] = ()  # raw (config): name → base URL
    region_env: Name = NO_NAME
    jsonapi: JsonApiExample | None = None

    @property
    def resource_imports(self) -> list[Code]:
        """`_client.py`'s imports of the resource classes (for type checkers only)."""
        block = ImportBlock()
        for r in self.resources:
            block.add_from(f".resources.{r.module}", r.cls, f"Async{r.cls}")
        return block.lines()

    @property
    def resource_exports(self) -> list[Code]:
        """`resources/__init__.py`'s explicit re-exports (for type checkers only)."""
        return _reexports(
            pair
            for r in self.resources
            for pair in ((r.module, r.cls), (r.module, f"Async{r.cls}"))
        )

    @property
    def region_doc(self) -> Doc:
        """The client docstring's line on the `region` argument."""
        names = " | ".join(escape.py_string(name) for name, _ in self.regions)
        return doc(
            f"{names}: the regional base URL (see `REGIONS`); defaults to `{self.region_env}`."
        )


def _reexports(pairs: Iterable[tuple[str, str]]) -> list[Code]:
    """`from .module import Name as Name` lines, in ruff's order."""
    block = ImportBlock()
    for module, name in pairs:
        block.add_from(f".{module}", (name, name))
    return block.lines()


def plan_files(
    api: Api,
    config: TargetConfig,
    sink: DiagnosticSink,
    on_module: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, str], Names]:
    """`on_module(done, total)` is told after each resource and types module (progress on a terminal)."""
    names = plan_names(api, config, sink)
    pkg = f"src/{config.package}"
    by_resource: dict[str, list[Operation]] = {}
    for op in api.operations:
        by_resource.setdefault(names.op_resource[op_key(op)], []).append(op)
    total = len(by_resource) + len(names.module_members)
    tick = on_module or (lambda done, total: None)
    method_views: dict[str, MethodView] = {}
    files: dict[str, str] = {}
    info = jsonapi_info(api, names)
    helpers = helper_views(api, config, names, info, sink)
    for tag, ops in by_resource.items():
        resource = names.resources[tag]
        view = resource_module_view(
            api, names, resource, ops, config.upload_limits, info, helpers.get(tag, ())
        )
        for op, m in zip(ops, view.methods, strict=True):
            method_views[op_key(op)] = m
        files[f"{pkg}/resources/{resource.module}.py"] = render(
            "package/resource.py.jinja", view=view
        )
        tick(len(files), total)
    for module in names.module_members:
        files[f"{pkg}/types/{module}.py"] = render(
            "package/types_module.py.jinja",
            view=types_module_view(api, names, module, info.resources),
        )
        tick(len(files), total)
    if info.fields_classes:
        files[f"{pkg}/query.py"] = render("package/query.py.jinja", classes=query_classes(info))
    if info.resources:
        files[f"{pkg}/_jsonapi_types.py"] = render(
            "package/jsonapi_types.py.jinja",
            registry=tuple(
                (t, names.schema_module[sid], names.schema_class[sid]) for t, sid in info.registry
            ),
        )
    exports = sorted(
        (names.schema_class[sid], names.schema_module[sid]) for sid in names.schema_class
    )
    files[f"{pkg}/types/__init__.py"] = render(
        "package/types_init.py.jinja",
        exports=exports,
        type_imports=_reexports((m, n) for n, m in exports),
    )
    client = _client_view(api, config, names, by_resource, method_views, sink, files)
    client = replace(client, jsonapi=jsonapi_example(api, names, method_views, info, helpers))
    files[f"{pkg}/resources/__init__.py"] = render("package/resources_init.py.jinja", view=client)
    files[f"{pkg}/_client.py"] = render("package/client.py.jinja", view=client)
    if client.auth.kind != "none":
        files[f"{pkg}/_credentials.py"] = render("package/credentials.py.jinja", auth=client.auth)
    files[f"{pkg}/__init__.py"] = render("package/init.py.jinja", view=client)
    files[f"{pkg}/_version.py"] = render("package/version.py.jinja", view=client)
    files["pyproject.toml"] = render("package/pyproject.toml.jinja", view=client)
    files["README.md"] = render("package/README.md.jinja", view=client)
    if api.webhooks:
        files[f"{pkg}/webhooks.py"] = render(
            "package/webhooks.py.jinja", view=webhooks_view(api, config, names)
        )
    errors = error_views(api, config)
    if errors:
        bases = sorted({e.base for e in errors} | {Name("APIStatusError")})
        files[f"{pkg}/_errors.py"] = render("package/errors.py.jinja", errors=errors, bases=bases)
    files["operations.json"] = _manifest(api, config, names, method_views)
    for path in sorted((templates_dir() / "runtime").glob("*.py")):
        files[f"{pkg}/{path.name}"] = path.read_text(encoding="utf-8")
    files[f"{pkg}/py.typed"] = ""
    return files, names


def _client_view(
    api: Api,
    config: TargetConfig,
    names: Names,
    by_resource: dict[str, list[Operation]],
    methods: dict[str, MethodView],
    sink: DiagnosticSink,
    modules: dict[str, str],
) -> ClientView:
    """`modules`: the files rendered so far (the models: do they need typing_extensions?)."""
    auth = auth_view(api, config, sink)
    rows = []
    for op in api.operations:
        access = str(dict(op.extensions).get("x-access-tier", "")) or (
            "public" if not op.requires_auth else ""
        )
        rows.append(OperationRow(_call(names, op), f"{op.method.upper()} {op.path}", access))
    first = methods[op_key(api.operations[0])] if api.operations else None
    first_args = code(
        ", ".join(
            [f'"{a.name}-id"' for a in first.positional]
            + [f"{a.name}=..." for a in first.keyword if not a.default]
        )
        if first
        else ""
    )
    examples = pick_examples(api, names, methods)
    resources = tuple(names.resources[t] for t in by_resource)
    error_example = (
        code(f'{examples.get_call}("some-id")')
        if examples.get_call
        else code(f"client.{resources[0].attr}.…")
        if resources
        else Code("")
    )
    meta = package_meta(
        api,
        package=config.package,
        distribution=config.distribution,
        package_version=config.package_version,
        description=one_line(f"Python client for the {api.title}"),
        uses_typing_extensions=any(
            "from typing_extensions import" in text for text in modules.values()
        ),
        sink=sink,
    )
    return ClientView(
        client=Name(config.client_name),
        package=Name(config.package),
        title=api.title,
        doc=doc(f"Client for the {api.title}."),
        short_doc=one_line(f"Python client for the {api.title}"),
        api_version=api.version,
        meta=meta,
        output_name=_shell_word(config.output.rstrip("/").rsplit("/", 1)[-1]),
        install_name=_shell_word(meta.dist_name),
        base_url=_base_url(api),
        key_env=auth.params[0].env if auth.params else Name(""),
        base_url_env=Name(f"{config.env_prefix}_BASE_URL"),
        credential_arg=auth.params[0].name if auth.params else Name(""),
        auth=auth,
        error_codes=bool(error_views(api, config)),
        resources=resources,
        operation_rows=tuple(rows),
        examples=examples,
        has_webhooks=bool(api.webhooks),
        first_method=first.name if first else Name(""),
        first_args=first_args,
        error_example=error_example,
        regions=tuple(config.regions.items()),
        region_env=Name(f"{config.env_prefix}_REGION"),
    )


def _shell_word(text: str) -> Code:
    """One shell word on one line (the README's `pip install ./<folder>`)."""
    return Code(shlex.quote(escape.py_comment(text)))


def _call(names: Names, op: Operation) -> Name:
    return Name(f"{names.resource_of(op).attr}.{names.op_method[op_key(op)]}")


def _base_url(api: Api) -> str:
    for server in api.servers:
        url = server.default_url
        if url.startswith(("http://", "https://")):
            return url
    return ""


def _manifest(api: Api, config: TargetConfig, names: Names, methods: dict[str, MethodView]) -> str:
    ops = []
    for op in api.operations:
        key = op_key(op)
        m = methods[key]
        ops.append(
            {
                "operation_id": op.id,
                "method": op.method.upper(),
                "path": op.path,
                "call": _call(names, op),
                "tags": list(op.tags),
                "parameters": [
                    {
                        "name": p.wire_name,
                        "in": p.location.value,
                        "python_name": names.params[(key, p.location.value, p.wire_name)],
                        "required": p.required,
                        "positional": p.location is Location.PATH,
                    }
                    for p in op.parameters
                ],
                "body": None
                if m.body_arg is None and not m.body_fields
                else {
                    "media_type": m.body_media,
                    "python_name": m.body_arg.name if m.body_arg else None,
                    "fields": {a.wire: a.name for a in m.body_fields},
                    "required": bool(op.body and op.body.required),
                },
                "returns": m.returns,
                "paginated": any(r.pagination is not None for r in op.results),
            }
        )
    doc = {
        "_generated": HEADER,
        "generator": __version__,
        "package": config.package,
        "client": config.client_name,
        "async_client": f"Async{config.client_name}",
        "operations": ops,
    }
    return escape.json_document(doc)
