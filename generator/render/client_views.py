"""The view of the package-level files: `_client.py`, `__init__.py`, `resources/__init__.py`,
`pyproject.toml`, `_version.py` and the README. Features add their parts as `ClientExtras` and README
sections; the core view never names a feature."""

from __future__ import annotations

import shlex
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .. import escape
from ..diagnostics import DiagnosticSink
from ..ir import Api, Operation
from ..naming.names import Names, ResourceName, op_key
from ..naming.runtime import SERVER_ERROR, status_classes
from .annotations import one_line
from .apidoc_views import ApiDoc
from .auth_views import AuthView
from .extension import ClientExtras, ClientParam, RuntimeImport
from .imports import ImportBlock
from .package_views import PackageMeta, package_meta
from .readme_views import ExamplePart, Examples, pick
from .resource_views import resource_summary
from .safe import Code, Doc, Markdown, Name, TemplateText, code, doc


@dataclass(frozen=True, slots=True)
class Sections:
    """README sections features add, by where they go."""

    client: tuple[TemplateText, ...] = ()  # after "Create a client"
    lists: tuple[TemplateText, ...] = ()  # after "Lists and pagination"
    errors: tuple[TemplateText, ...] = ()  # in "Errors", after the status table
    files: tuple[TemplateText, ...] = ()  # after "Files"
    responses: tuple[TemplateText, ...] = ()  # after "Streaming responses"


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
    server_path: str  # raw: the relative server's path ("" when the default base URL is absolute)
    base_url_env: Name
    auth: AuthView
    auth_call: Code  # the `auth=` argument of the constructor's super() call
    import_lines: tuple[Code, ...]  # `_client.py`'s imports, in ruff's order
    error_table: Code  # `_ERROR_CODES`: empty, or a feature's table
    base_url_args: Code  # arguments of `_base_url(...)`
    extras: ClientExtras  # what features add to `_client.py`
    init_imports: tuple[Code, ...]  # what features add to `__init__.py`
    export_lines: tuple[Code, ...]  # features' runtime re-exports (modules after `_response`)
    export_names: tuple[Name, ...]  # their names, in `__all__`
    status_table: Markdown  # the README's status → exception sentence (the runtime's table)
    resources: tuple[ResourceName, ...]  # the client's own (top-level) resources
    all_resources: tuple[ResourceName, ...]  # with the nested ones (`resources/__init__.py`)
    first_resource: Name  # `customers.sources`: the resource of the first operation
    docs: ApiDoc  # api.md's view: the README lists the operations by resource from it
    examples: Examples
    first_method: Name
    first_args: Code
    error_example: Code  # the call the README's error example makes
    sections: Sections = field(default_factory=Sections)
    sync_params: tuple[ClientParam, ...] = ()  # the constructor's keyword arguments (sync client)
    # … of the async client (`httpx.AsyncClient`, `AsyncHooks`)
    async_params: tuple[ClientParam, ...] = ()
    resource_summaries: tuple[Doc, ...] = ()  # each top-level resource's docstring line

    @property
    def arguments(self) -> tuple[Name, ...]:
        """Every constructor argument, in order: what `_arguments` records and `with_options` takes."""
        return tuple(p.name for p in self.auth.params) + tuple(p.name for p in self.sync_params)

    @property
    def resources_count(self) -> int:
        return len(self.docs.resources)

    @property
    def operation_count(self) -> int:
        return sum(len(r.methods) for r in self.docs.resources)

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
        return reexports(
            pair
            for r in self.all_resources
            for pair in ((r.module, r.cls), (r.module, f"Async{r.cls}"))
        )


def reexports(pairs: Iterable[tuple[str, str]]) -> list[Code]:
    """`from .module import Name as Name` lines, in ruff's order."""
    block = ImportBlock()
    for module, name in pairs:
        block.add_from(f".{module}", (name, name))
    return block.lines()


def merge_extras(parts: Iterable[ClientExtras]) -> ClientExtras:
    found = list(parts)
    return ClientExtras(
        imports=tuple(i for p in found for i in p.imports),
        class_lines=tuple(line for p in found for line in p.class_lines),
        exports=tuple(e for p in found for e in p.exports),
        base_url=next((p.base_url for p in found if p.base_url), None),
        params=tuple(x for p in found for x in p.params),
        param_docs=next((p.param_docs for p in found if p.param_docs), None),
        base_url_args=tuple(a for p in found for a in p.base_url_args),
        error_table=next((p.error_table for p in found if p.error_table), None),
    )


def client_view(
    api: Api,
    names: Names,
    by_resource: Mapping[str, list[Operation]],
    parts: Mapping[str, ExamplePart],
    sink: DiagnosticSink,
    uses_typing_extensions: bool,
    *,
    auth: AuthView,
    extras: ClientExtras,
    init_imports: tuple[Code, ...],
    exports: tuple[RuntimeImport, ...] = (),
    sections: Sections,
    docs: ApiDoc,
) -> ClientView:
    """`parts`: what each operation offers the README's examples (`readme_views.example_parts`).
    `uses_typing_extensions`: whether a module rendered so far (a model) imports typing_extensions
    (recorded per file as it is rendered, `plan.Planned`: the texts are not kept)."""
    package = api.target.package
    first = op_key(api.operations[0]) if api.operations else None
    first_args = parts[first].first_args if first is not None else Code("")
    examples = pick(api, names, parts)
    resources = tuple(names.resources[k] for k in names.top_level())
    first_resource = names.resource_of(api.operations[0]).access if api.operations else Name("")
    error_example = (
        code(f'{examples.get_call}("some-id")')
        if examples.get_call
        else code(f"client.{first_resource}.…")
        if resources
        else Code("")
    )
    meta = package_meta(
        api,
        package=package.name,
        distribution=package.distribution,
        package_version=package.version,
        description=one_line(f"Python client for the {api.title}"),
        uses_typing_extensions=uses_typing_extensions,
        sink=sink,
    )
    return ClientView(
        client=Name(package.client),
        package=Name(package.name),
        title=api.title,
        doc=doc(f"Client for the {api.title}."),
        short_doc=one_line(f"Python client for the {api.title}"),
        api_version=api.version,
        meta=meta,
        output_name=_shell_word(package.folder),
        install_name=_shell_word(meta.dist_name),
        base_url=default_base_url(api),
        server_path=server_path(api),
        base_url_env=Name(f"{package.env_prefix}_BASE_URL"),
        auth=auth,
        auth_call=_auth_call(auth),
        import_lines=tuple(_imports(bool(resources), auth, extras)),
        error_table=extras.error_table
        or Code("_ERROR_CODES: dict[str, type[APIStatusError]] = {}"),
        base_url_args=code(", ".join(["base_url", *extras.base_url_args])),
        extras=extras,
        init_imports=init_imports,
        export_lines=tuple(_export_lines(exports)),
        export_names=tuple(
            sorted({Name(n if isinstance(n, str) else n[1]) for _, ns in exports for n in ns})
        ),
        status_table=status_sentence(),
        resources=resources,
        all_resources=tuple(names.resources.values()),
        first_resource=first_resource,
        docs=docs,
        examples=examples,
        first_method=names.op_method[first] if first is not None else Name(""),
        first_args=first_args,
        error_example=error_example,
        sections=sections,
        sync_params=client_params("", extras),
        async_params=client_params("Async", extras),
        resource_summaries=tuple(resource_summary(r) for r in resources),
    )


def client_params(prefix: str, extras: ClientExtras) -> tuple[ClientParam, ...]:
    """The constructor's keyword arguments: the features' (a region), then the core options."""
    core = (
        ("base_url", "str | None", "None"),
        ("timeout", "Timeout", "DEFAULT_TIMEOUT"),
        ("max_retries", "int", "DEFAULT_MAX_RETRIES"),
        ("http_client", f"httpx.{prefix}Client | None", "None"),
        ("default_headers", "_t.Mapping[str, str] | None", "None"),
        ("strict_response_validation", "bool", "False"),
        ("max_retry_wait", "float", "DEFAULT_MAX_RETRY_WAIT"),
        ("pace_rate_limit", "bool", "False"),
        ("max_response_bytes", "int | None", "DEFAULT_MAX_RESPONSE_BYTES"),
        ("total_timeout", "float | None", "None"),
        ("hooks", f"{prefix}Hooks | None", "None"),
    )
    return extras.params + tuple(ClientParam(Name(n), Code(a), Code(d)) for n, a, d in core)


LINE_LENGTH = 110  # generator/ruff_generated.toml


def _export_lines(exports: tuple[RuntimeImport, ...]) -> list[Code]:
    block = ImportBlock()
    for module, names in exports:
        block.add_from(module, *names)
    return block.lines()


def _imports(resources: bool, auth: AuthView, extras: ClientExtras) -> list[Code]:
    block = ImportBlock().add("os").add("typing", "_t").add("httpx")
    if resources:
        block.add_from("functools", "cached_property")
    block.add_from("._base_client", "AsyncAPIClient", "SyncAPIClient")
    block.add_from(
        "._constants",
        "DEFAULT_MAX_RESPONSE_BYTES",
        "DEFAULT_MAX_RETRIES",
        "DEFAULT_MAX_RETRY_WAIT",
        "DEFAULT_TIMEOUT",
    )
    if auth.kind != "none":
        block.add_from("._credentials", "make_auth")
    if extras.error_table is None:
        block.add_from("._exceptions", "APIStatusError")
    block.add_from("._hooks", "AsyncHooks", "Hooks")
    block.add_from("._types", "NOT_GIVEN", "NotGiven", "Timeout")
    block.add_from("._version", "__version__")
    for module, members in extras.imports:
        block.add_from(module, *members)
    return block.lines(wrap=LINE_LENGTH)


def _auth_call(auth: AuthView) -> Code:
    if auth.kind == "none":
        return Code("None")
    return code("make_auth(url" + "".join(f", {p.name}={p.name}" for p in auth.params) + ")")


def status_sentence() -> Markdown:
    """`Statuses map to `BadRequestError` (400), …`: from the runtime's own status table."""
    parts = [f"`{cls}` ({status})" for status, cls in status_classes().items()]
    text = f"Statuses map to {', '.join(parts)} and `{SERVER_ERROR}` (5xx)."
    return Markdown(textwrap.fill(text, 110, break_on_hyphens=False))


def _shell_word(text: str) -> Code:
    """One shell word on one line (the README's `pip install ./<folder>`)."""
    return Code(shlex.quote(escape.py_comment(text)))


def default_base_url(api: Api) -> str:
    """The spec's first absolute http(s) server URL ("" when there is none): the default base URL."""
    for server in api.servers:
        url = server.default_url
        if url.startswith(("http://", "https://")):
            return url
    return ""


def server_path(api: Api) -> str:
    """Without an absolute server: the path of the first relative one (`servers: [{url: /api}]`), which
    the client keeps after the user's base URL."""
    if default_base_url(api):
        return ""
    paths = (server.relative_path for server in api.servers)
    return next((path for path in paths if path is not None), "")
