"""The target configuration's schema (pydantic): the authority on what a valid target table is and on
the message a bad one gets. Imported only when `config_types.cheap_target` does not vouch for a table
(importing pydantic and building these validators costs about 0.1 s); `validated` returns the plain
`config_types.TargetConfig` the rest of the generator reads."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from . import config_types
from .config_types import (
    DIST_NAME,
    PageStyle,
    client_class_problem,
    identifier_problem,
    page_declaration_problem,
)
from .diagnostics import SpecError, fatal


def _identifier(what: str, optional: bool = False) -> AfterValidator:
    def check(value: str) -> str:
        problem = "" if optional and not value else identifier_problem(value, what)
        if problem:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


def _dotted(value: str) -> str:
    """`method_names` values: "method", "resource.method" or "resource.sub.method"."""
    for part in value.split("."):
        problem = identifier_problem(part, "method")
        if problem:
            raise ValueError(problem)
    return value


def _client_class(value: str) -> str:
    problem = client_class_problem(value)
    if problem:
        raise ValueError(problem)
    return value


PackageName = Annotated[str, _identifier("package")]
ClassName = Annotated[str, _identifier("class")]
ClientClassName = Annotated[str, _identifier("class"), AfterValidator(_client_class)]
MethodName = Annotated[str, _identifier("method")]
ResourceAttr = Annotated[str, _identifier("resource")]
EnvPrefix = Annotated[str, _identifier("environment variable prefix")]


class PageDeclaration(BaseModel):
    """How one operation pages, declared (checked against the spec when the target is generated)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    style: PageStyle
    param: str = ""  # the request parameter that selects a page: number, offset, cursor, id
    param_in: Literal["", "query", "body"] = ""  # "" = wherever the operation has `param`
    limit_param: str = ""  # the page-size parameter
    items: str = ""  # dotted path of the items in the response ("" = its one list)
    next: str = ""  # dotted path of the next cursor (cursor) or the next URL (next_link)
    has_more: str = ""  # dotted path of a boolean "another page follows"
    total_items: str = ""  # dotted path of the total number of items
    total_pages: str = ""  # dotted path of the number of pages

    @model_validator(mode="after")
    def _complete(self) -> PageDeclaration:
        problem = page_declaration_problem(self.style, self.param, self.next)
        if problem:
            raise ValueError(problem)
        return self


class PaginationConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    page_param: str = "page"
    limit_param: str = "limit"
    pagination_field: str = "pagination"
    exclude: tuple[str, ...] = ()  # operationIds never paginated
    include: tuple[str, ...] = ()  # operationIds paginated even without a pagination object
    detect: bool = True  # find paginated operations from the spec's parameters and responses
    extensions: bool = True  # read x-ms-pageable, x-speakeasy-pagination, x-fern-pagination
    default: PageDeclaration | None = None  # used by every list operation it fits
    operations: dict[
        str, Annotated[PageDeclaration | Literal[False], Field(union_mode="left_to_right")]
    ] = Field(default_factory=dict)  # operationId → its declaration, or false (not paginated)


class ErrorCodeConfig(BaseModel):
    """How one documented `error.code` value maps to an exception class."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: int | None = None  # the HTTP status it comes with; picks the base class
    name: Annotated[str, _identifier("class", optional=True)] = (
        ""  # class name; default: PascalCase(code) + "Error"
    )
    details: tuple[str, ...] = ()  # keys of `error.details` exposed as typed properties


class SessionConfig(BaseModel):
    """Bearer tokens obtained from a login operation and renewed through a refresh operation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    login_operation: str
    refresh_operation: str = ""
    access_token: str = "data.accessToken"  # dotted path in the login/refresh response
    refresh_token: str = "data.refreshToken"
    credentials: tuple[
        str, ...
    ] = ()  # login body fields; default: the body model's required fields


class PresignedUploadConfig(BaseModel):
    """A create operation whose response carries a pre-signed URL the file is then PUT to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: MethodName = "upload"  # name of the generated helper method on the operation's resource
    url_field: str  # dotted path of the URL in the response body, e.g. "data.attributes.upload_url"
    max_bytes: int | None = None  # larger files are refused before any request
    name_attribute: str = ""  # attributes filled from the file (JSON:API create operations)
    type_attribute: str = ""
    size_attribute: str = ""


class LinkHelperConfig(BaseModel):
    """A method that links two JSON:API resources both ways (one update of each side)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: MethodName  # helper name, on the resource of `left_operation`
    left_operation: str  # update operation of the first resource
    left_relationship: str  # its relationship pointing at the second resource
    right_operation: str
    right_relationship: str


class TargetConfig(BaseModel):
    """Everything that shapes one generated package (every key is documented in docs/configuration.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    spec: str
    output: str
    package: PackageName
    client_name: ClientClassName
    env_prefix: EnvPrefix = Field(
        description="prefix of environment variables, e.g. CASEXCHANGE → CASEXCHANGE_API_KEY"
    )
    package_version: str = ""  # the generated package's version (PEP 440); default: info.version
    distribution: str = ""  # the name to `pip install`; default: package with "-" for "_"
    envelope_field: str = "data"
    envelope_meta: tuple[str, ...] = ("meta", "pagination", "links")
    pagination: PaginationConfig = PaginationConfig()
    method_names: dict[str, Annotated[str, AfterValidator(_dotted)]] = Field(
        default_factory=dict
    )  # operationId → "method", "resource.method" or "resource.sub.method"
    resource_names: dict[str, ResourceAttr] = Field(
        default_factory=dict
    )  # tag, or resource as generated (`customers.sources`) → attribute name
    class_names: dict[str, ClassName] = Field(
        default_factory=dict
    )  # schema name (components/schemas) or class name as generated → class name
    error_codes: dict[str, int | ErrorCodeConfig] = Field(
        default_factory=dict
    )  # error.code → status or table
    live_url: str = ""
    upload_limits: dict[str, int] = Field(
        default_factory=dict
    )  # operationId → largest file in bytes
    session: SessionConfig | None = None
    webhook_signature_header: str = (
        ""  # header carrying `t=…,v1=…` HMAC signatures of webhook deliveries
    )
    jsonapi: bool = (
        False  # treat every JSON operation as JSON:API (otherwise: `application/vnd.api+json`)
    )
    regions: dict[str, str] = Field(
        default_factory=dict
    )  # region name → base URL (a `region=` argument)
    presigned_uploads: dict[str, PresignedUploadConfig] = Field(
        default_factory=dict
    )  # operationId → upload
    link_helpers: tuple[LinkHelperConfig, ...] = ()

    @field_validator("package_version")
    @classmethod
    def _pep440(cls, value: str) -> str:
        from .versions import is_pep440

        if value and not is_pep440(value):
            raise ValueError(f"{value!r} is not a PEP 440 version (e.g. 1.4.0, 2.0.0rc1)")
        return value

    @field_validator("distribution")
    @classmethod
    def _distribution_name(cls, value: str) -> str:
        if value and not DIST_NAME.match(value):
            raise ValueError(
                f"{value!r} is not a valid distribution name (letters, digits, '.', '-', '_'; "
                "starting and ending with a letter or digit)"
            )
        return value


def validated(data: dict[str, Any], where: str, file: str) -> config_types.TargetConfig:
    """`data` validated by the schema: the plain target, or today's `bad-config` error for the first
    problem (`where` names the table: a command line flag or `[tool.clientgen.targets.NAME]`)."""
    try:
        model = TargetConfig.model_validate(data)
    except ValidationError as exc:
        raise config_error(exc, where, file) from None
    return plain(model)  # type: ignore[no-any-return]


def plain(value: Any) -> Any:
    """A validated model as the dataclass of the same name in `config_types` (values recursively)."""
    if isinstance(value, BaseModel):
        cls = getattr(config_types, type(value).__name__)
        return cls(**{k: plain(getattr(value, k)) for k in type(value).model_fields})
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    return value


def config_error(exc: ValidationError, where: str, file: str) -> SpecError:
    first = exc.errors()[0]
    # a union's member tags (`function-after[…]`, `literal[False]`) are not keys of the table
    loc = ".".join(str(p) for p in first["loc"] if "[" not in str(p))
    message = str(first["msg"]).removeprefix("Value error, ")
    return fatal(
        "bad-config", f"{where} {loc}: {message}", file=file, hint="see README.md, 'Configuration'"
    )
