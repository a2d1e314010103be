"""Target configuration: `[tool.clientgen.targets.<name>]` tables in pyproject.toml, or CLI flags."""

from __future__ import annotations

import hashlib
import json
import keyword
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
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

from .diagnostics import SpecError, fatal
from .naming import pascal, safe_identifier, snake, upper_snake

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def identifier_problem(value: str, what: str) -> str:
    """Why `value` cannot be the `what` (a package, a class, a method) of a generated package; "" if it
    can. The name becomes a folder under `src/` and Python source, so only ASCII identifiers that are
    not keywords pass (`../x` would leave the output folder, `my-client` and `class` cannot be imported)."""
    if _IDENTIFIER.match(value) and not keyword.iskeyword(value):
        return ""
    if what == "class":
        suggestion = safe_identifier(pascal(value), "Client")
    elif what == "environment variable prefix":
        suggestion = safe_identifier(upper_snake(value), "CLIENT")
    else:
        suggestion = safe_identifier(snake(value), "client" if what == "package" else "call")
    return (
        f"{value!r} is not a valid Python {what} name (ASCII letters, digits and _, not starting "
        f"with a digit, not a keyword); try {suggestion!r}"
    )


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


# Classes every generated package exports beside its clients (`templates/package/init.py.jinja`):
# the client class may not take one of these names, nor may its `Async…` twin.
PACKAGE_CLASSES = frozenset(
    {
        "APIResponse",
        "AsyncAPIResponse",
        "AsyncBinaryResponse",
        "AsyncHooks",
        "AsyncPage",
        "BinaryResponse",
        "ErrorEvent",
        "Hooks",
        "NotGiven",
        "RateLimit",
        "RequestEvent",
        "ResponseEvent",
        "SyncPage",
    }
)


def _client_class(value: str) -> str:
    if value in PACKAGE_CLASSES or f"Async{value}" in PACKAGE_CLASSES:
        raise ValueError(
            f"{value!r} is a class every generated package exports already; try {value + 'Client'!r}"
        )
    return value


PackageName = Annotated[str, _identifier("package")]
ClassName = Annotated[str, _identifier("class")]
ClientClassName = Annotated[str, _identifier("class"), AfterValidator(_client_class)]
MethodName = Annotated[str, _identifier("method")]
ResourceAttr = Annotated[str, _identifier("resource")]
EnvPrefix = Annotated[str, _identifier("environment variable prefix")]

_DIST_NAME = re.compile(r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$")  # PEP 508


PageStyleName = Literal[
    "page_number", "offset", "cursor", "starting_after", "next_link", "link_header"
]


class PageDeclaration(BaseModel):
    """How one operation pages, declared (checked against the spec when the target is generated)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    style: PageStyleName
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
        if self.style in ("page_number", "offset", "cursor", "starting_after") and not self.param:
            raise ValueError(f"style {self.style!r} needs `param` (the parameter selecting a page)")
        if self.style in ("cursor", "next_link") and not self.next:
            raise ValueError(f"style {self.style!r} needs `next` (the response field to follow)")
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
        if value and not _DIST_NAME.match(value):
            raise ValueError(
                f"{value!r} is not a valid distribution name (letters, digits, '.', '-', '_'; "
                "starting and ending with a letter or digit)"
            )
        return value

    def digest(self) -> str:
        """Hash of the settings that affect the output (recorded as provenance; `live_url` resolves
        relative server URLs)."""
        data = self.model_dump(mode="json", exclude={"spec", "output"})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def adhoc_target(
    spec: str,
    output: str,
    package: str | None,
    client_name: str | None,
    config_file: str | None = None,
    live_url: str = "",
) -> TargetConfig:
    """The target of `clientgen generate SPEC -o OUT [--package P] [--client-name C] [--config FILE]`.
    A package or client name given on the command line must be valid (a SpecError says why, with a
    suggestion); ones derived from the output folder's name are made valid. FILE holds one target
    table (see `target_file`); the command line's spec, output, package and client name win.
    `live_url`: where SPEC was downloaded from (relative server URLs resolve against it)."""
    for value, what, flag in (
        (package, "package", "--package"),
        (client_name, "class", "--client-name"),
    ):
        problem = identifier_problem(value, what) if value is not None else ""
        if problem:
            raise fatal("bad-name", f"{flag}: {problem}", file="command line")
    table = target_file(Path(config_file)) if config_file else {}
    stem = Path(output).name or Path(spec).stem
    given = table.get("package")
    pkg = package or (given if isinstance(given, str) else safe_identifier(snake(stem), "client"))
    data = {
        "client_name": _derived_client_name(pkg),
        "env_prefix": upper_snake(pkg) or "CLIENT",
        **table,
        "name": pkg,
        "spec": spec,
        "output": output,
        "package": pkg,
        "live_url": live_url or table.get("live_url", ""),
    }
    if client_name:
        data["client_name"] = client_name
    try:
        return TargetConfig.model_validate(data)
    except ValidationError as exc:
        where = f"--config {config_file}" if config_file else "command line"
        raise _config_error(exc, where, config_file or "") from None


def config_as_of(base: TargetConfig, path: Path) -> TargetConfig:
    """`base` as another configuration file has it (`clientgen diff --old-config FILE`): the table of the
    same target in a pyproject.toml (e.g. `git show main:pyproject.toml`), or the one target table of
    FILE (see `target_file`); the spec and output folder stay `base`'s."""
    data = read_toml(path)
    tables = data.get("tool", {}).get("clientgen", {}).get("targets")
    if isinstance(tables, dict) and base.name in tables:
        table = {k: v for k, v in tables[base.name].items() if k not in ("name", "spec", "output")}
    else:
        table = target_file(path)
    keep = {"name": base.name, "spec": base.spec, "output": base.output}
    defaults = {"package": base.package, "client_name": base.client_name}
    defaults["env_prefix"] = base.env_prefix
    try:
        return TargetConfig.model_validate({**defaults, **table, **keep})
    except ValidationError as exc:
        raise _config_error(exc, f"--old-config {path}", str(path)) from None


def target_file(path: Path) -> dict[str, Any]:
    """The target table of `--config FILE`: the file's top-level keys (`method_names = {...}`), or its
    one `[tool.clientgen.targets.NAME]` table when it is a pyproject.toml. The spec and output folder
    come from the command line, so the file may not name them."""
    data = read_toml(path)
    targets = data.get("tool", {}).get("clientgen", {}).get("targets")
    if isinstance(targets, dict):
        if len(targets) != 1:
            raise fatal(
                "bad-config",
                f"{path.name} configures {len(targets)} targets ({', '.join(targets) or 'none'}); "
                "--config takes a file with one target table",
                file=str(path),
                hint="write the keys of one target at the top level of a file of their own",
            )
        data = dict(next(iter(targets.values())))
    given = sorted(k for k in ("name", "spec", "output") if k in data)
    if given:
        raise fatal(
            "bad-config",
            f"{path.name} sets {', '.join(given)}: with --config the spec and the output folder "
            "come from the command line (`clientgen generate SPEC -o OUT --config FILE`)",
            file=str(path),
            hint=f"remove {', '.join(given)} from {path.name}",
        )
    return data


def _derived_client_name(package: str) -> str:
    name = pascal(package) or "Client"
    return name + "Client" if name in PACKAGE_CLASSES or f"Async{name}" in PACKAGE_CLASSES else name


def _config_error(exc: ValidationError, where: str, file: str) -> SpecError:
    first = exc.errors()[0]
    # a union's member tags (`function-after[…]`, `literal[False]`) are not keys of the table
    loc = ".".join(str(p) for p in first["loc"] if "[" not in str(p))
    message = str(first["msg"]).removeprefix("Value error, ")
    return fatal(
        "bad-config", f"{where} {loc}: {message}", file=file, hint="see README.md, 'Configuration'"
    )


def find_project_file(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.clientgen] table, in `start` or above. A pyproject.toml
    on the way that is not valid TOML is an error (it may be the one meant), never skipped."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            data = read_toml(candidate)
            if "clientgen" in data.get("tool", {}):
                return candidate
    return None


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's data; a syntax error is one clear `bad-config` error with its line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fatal("bad-config", f"cannot read {path}: {exc}", file=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fatal(
            "bad-config",
            f"{path.name} is not valid TOML: {exc}",
            file=str(path),
            hint="fix the TOML syntax at that line and column",
        ) from None


class TargetSelectionError(Exception):
    """No project, or a target name that is not configured (the CLI reports it as a usage error)."""


def select_targets(names: Sequence[str], start: Path) -> tuple[list[TargetConfig], Path]:
    """The configured targets named (all of them when `names` is empty), and the project folder.

    The project is the nearest pyproject.toml with a [tool.clientgen] table in `start` or above."""
    project = find_project_file(start)
    if project is None:
        raise TargetSelectionError(
            "no [tool.clientgen] table in a pyproject.toml here or above; "
            "use `clientgen generate SPEC -o OUT` for a single spec"
        )
    targets = load_targets(project)
    if names:
        known = {t.name: t for t in targets}
        missing = [n for n in names if n not in known]
        if missing:
            raise TargetSelectionError(
                f"unknown target(s) {', '.join(missing)}; configured: {', '.join(known)}"
            )
        targets = [known[n] for n in names]
    return targets, project.parent


def load_targets(project_file: Path) -> list[TargetConfig]:
    """Targets from `[tool.clientgen.targets.<name>]`; paths are relative to the project file."""
    return targets_from(read_toml(project_file), project_file)


def targets_from(data: dict[str, Any], project_file: Path) -> list[TargetConfig]:
    """`load_targets` of the project file's parsed TOML `data`."""
    tables = data.get("tool", {}).get("clientgen", {}).get("targets", {})
    root = project_file.parent
    targets = []
    for name, table in tables.items():
        try:
            cfg = TargetConfig.model_validate({"name": name, **table})
        except ValidationError as exc:
            raise _config_error(
                exc, f"[tool.clientgen.targets.{name}]", str(project_file)
            ) from None
        targets.append(
            cfg.model_copy(
                update={
                    "spec": str((root / cfg.spec).resolve()),
                    "output": str((root / cfg.output).resolve()),
                }
            )
        )
    return targets
