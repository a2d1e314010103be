"""The target configuration as the generator reads it: plain frozen dataclasses (no pydantic), and the
cheap reader that builds them from a TOML table.

`generator/config_schema.py` (pydantic) is the authority on what a valid table is and on the message a
bad one gets. Importing pydantic and building its validators costs about 0.1 s, so `read_target` first
tries the cheap reader here: it accepts only tables whose every key and value it recognises exactly
(right type, every check of the schema passing) and builds the same values pydantic would; anything
else — an unknown key, a wrong type, a value a check refuses, a value pydantic would coerce — is handed
to the schema, which either raises today's `bad-config` error or returns the validated target
(`tests/unit/test_config_reader.py` holds the two to the same answers on a table of configurations).
"""

from __future__ import annotations

import hashlib
import json
import keyword
import re
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any, Literal

from .naming import pascal, safe_identifier, snake, upper_snake

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
DIST_NAME = re.compile(r"^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$")  # PEP 508

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


def client_class_problem(value: str) -> str:
    if value in PACKAGE_CLASSES or f"Async{value}" in PACKAGE_CLASSES:
        return f"{value!r} is a class every generated package exports already; try {value + 'Client'!r}"
    return ""


PageStyle = Literal["page_number", "offset", "cursor", "starting_after", "next_link", "link_header"]
PAGE_STYLES = ("page_number", "offset", "cursor", "starting_after", "next_link", "link_header")


def page_declaration_problem(style: str, param: str, next_: str) -> str:
    if style in ("page_number", "offset", "cursor", "starting_after") and not param:
        return f"style {style!r} needs `param` (the parameter selecting a page)"
    if style in ("cursor", "next_link") and not next_:
        return f"style {style!r} needs `next` (the response field to follow)"
    return ""


# The field names, defaults and meanings are `config_schema.py`'s (a test holds them equal).
@dataclass(frozen=True)
class PageDeclaration:
    """One `[pagination]` declaration: an operation's page style and the fields it reads."""

    style: PageStyle
    param: str = ""
    param_in: Literal["", "query", "body"] = ""
    limit_param: str = ""
    items: str = ""
    next: str = ""
    has_more: str = ""
    total_items: str = ""
    total_pages: str = ""


@dataclass(frozen=True)
class PaginationConfig:
    """The `[pagination]` table: how pages are detected, and the operations declared by hand."""

    page_param: str = "page"
    limit_param: str = "limit"
    pagination_field: str = "pagination"
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    detect: bool = True
    extensions: bool = True
    default: PageDeclaration | None = None
    operations: dict[str, PageDeclaration | Literal[False]] = field(default_factory=dict)


@dataclass(frozen=True)
class ErrorCodeConfig:
    """An `error_codes` entry: the status, class name and detail fields of one `error.code`."""

    status: int | None = None
    name: str = ""
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionConfig:
    """The `[session]` table: the login (and refresh) operation and where their tokens are."""

    login_operation: str
    refresh_operation: str = ""
    access_token: str = "data.accessToken"
    refresh_token: str = "data.refreshToken"
    credentials: tuple[str, ...] = ()


@dataclass(frozen=True)
class PresignedUploadConfig:
    """A presigned-upload helper: the field holding the URL and the method it adds."""

    url_field: str
    method: str = "upload"
    max_bytes: int | None = None
    name_attribute: str = ""
    type_attribute: str = ""
    size_attribute: str = ""


@dataclass(frozen=True)
class LinkHelperConfig:
    """A link helper: one method relating two resources through both update operations."""

    method: str
    left_operation: str
    left_relationship: str
    right_operation: str
    right_relationship: str


@dataclass(frozen=True)
class TargetConfig:
    """Everything that shapes one generated package (every key is documented in docs/configuration.md)."""

    name: str
    spec: str
    output: str
    package: str
    client_name: str
    env_prefix: str
    package_version: str = ""
    distribution: str = ""
    envelope_field: str = "data"
    envelope_meta: tuple[str, ...] = ("meta", "pagination", "links")
    pagination: PaginationConfig = PaginationConfig()
    method_names: dict[str, str] = field(default_factory=dict)
    resource_names: dict[str, str] = field(default_factory=dict)
    class_names: dict[str, str] = field(default_factory=dict)
    error_codes: dict[str, int | ErrorCodeConfig] = field(default_factory=dict)
    live_url: str = ""
    upload_limits: dict[str, int] = field(default_factory=dict)
    session: SessionConfig | None = None
    webhook_signature_header: str = ""
    jsonapi: bool = False
    regions: dict[str, str] = field(default_factory=dict)
    presigned_uploads: dict[str, PresignedUploadConfig] = field(default_factory=dict)
    link_helpers: tuple[LinkHelperConfig, ...] = ()

    def digest(self) -> str:
        """Hash of the settings that affect the output (recorded as provenance; `live_url` resolves
        relative server URLs) — the JSON pydantic's `model_dump(mode="json")` gives, as before."""
        data = {f.name: as_json(getattr(self, f.name)) for f in fields(self)}
        del data["spec"], data["output"]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def as_json(value: Any) -> Any:
    """A configuration value as JSON data: a dataclass as the object of its fields, a tuple a list."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    return value


# -- the cheap reader -----------------------------------------------------------------------------


class Unsure(Exception):
    """The cheap reader does not vouch for this table: the schema decides."""


Read = Callable[[Any], Any]


def _str(value: Any) -> str:
    if type(value) is not str:
        raise Unsure
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise Unsure
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise Unsure
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _strs(value: Any) -> tuple[str, ...]:
    if type(value) not in (list, tuple):
        raise Unsure
    return tuple(_str(v) for v in value)


def _name(what: str, optional: bool = False) -> Read:
    def read(value: Any) -> str:
        text = _str(value)
        if (text or not optional) and identifier_problem(text, what):
            raise Unsure
        return text

    return read


def _client_class(value: Any) -> str:
    text: str = _name("class")(value)
    if client_class_problem(text):
        raise Unsure
    return text


def _dotted(value: Any) -> str:
    text = _str(value)
    if any(identifier_problem(part, "method") for part in text.split(".")):
        raise Unsure
    return text


def _one_of(*allowed: str) -> Read:
    def read(value: Any) -> str:
        if _str(value) not in allowed:
            raise Unsure
        return value  # type: ignore[no-any-return]

    return read


def _map(item: Read) -> Read:
    def read(value: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise Unsure
        return {_str(k): item(v) for k, v in value.items()}

    return read


def _table(cls: type, readers: dict[str, Read], check: Callable[[Any], str] | None = None) -> Read:
    required = {
        f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
    }

    def read(value: Any) -> Any:
        if type(value) is not dict or not required <= value.keys():
            raise Unsure
        built = cls(**{k: readers[k](v) if k in readers else _unknown() for k, v in value.items()})
        if check is not None and check(built):
            raise Unsure
        return built

    return read


def _unknown() -> Any:
    raise Unsure


def _page(value: Any) -> PageDeclaration:
    return _PAGE(value)  # type: ignore[no-any-return]


def _page_or_false(value: Any) -> PageDeclaration | Literal[False]:
    return False if value is False else _page(value)


def _error_code(value: Any) -> int | ErrorCodeConfig:
    return value if type(value) is int else _ERROR_CODE(value)


def _optional(read: Read) -> Read:
    return lambda value: None if value is None else read(value)


def _link_helpers(value: Any) -> tuple[LinkHelperConfig, ...]:
    if type(value) not in (list, tuple):
        raise Unsure
    return tuple(_LINK(v) for v in value)


def _version(value: Any) -> str:
    text = _str(value)
    if text:
        from .versions import is_pep440

        if not is_pep440(text):
            raise Unsure
    return text


def _distribution(value: Any) -> str:
    text = _str(value)
    if text and not DIST_NAME.match(text):
        raise Unsure
    return text


_PAGE = _table(
    PageDeclaration,
    {
        "style": _one_of(*PAGE_STYLES),
        "param_in": _one_of("", "query", "body"),
        **dict.fromkeys(
            ("param", "limit_param", "items", "next", "has_more", "total_items", "total_pages"),
            _str,
        ),
    },
    lambda d: page_declaration_problem(d.style, d.param, d.next),
)
_PAGINATION = _table(
    PaginationConfig,
    {
        **dict.fromkeys(("page_param", "limit_param", "pagination_field"), _str),
        "exclude": _strs,
        "include": _strs,
        "detect": _bool,
        "extensions": _bool,
        "default": _optional(_page),
        "operations": _map(_page_or_false),
    },
)
_ERROR_CODE = _table(
    ErrorCodeConfig, {"status": _opt_int, "name": _name("class", optional=True), "details": _strs}
)
_SESSION = _table(
    SessionConfig,
    {
        **dict.fromkeys(
            ("login_operation", "refresh_operation", "access_token", "refresh_token"), _str
        ),
        "credentials": _strs,
    },
)
_UPLOAD = _table(
    PresignedUploadConfig,
    {
        "method": _name("method"),
        "url_field": _str,
        "max_bytes": _opt_int,
        **dict.fromkeys(("name_attribute", "type_attribute", "size_attribute"), _str),
    },
)
_LINK = _table(
    LinkHelperConfig,
    {
        "method": _name("method"),
        **dict.fromkeys(
            ("left_operation", "left_relationship", "right_operation", "right_relationship"), _str
        ),
    },
)
_TARGET = _table(
    TargetConfig,
    {
        **dict.fromkeys(
            ("name", "spec", "output", "envelope_field", "live_url", "webhook_signature_header"),
            _str,
        ),
        "package": _name("package"),
        "client_name": _client_class,
        "env_prefix": _name("environment variable prefix"),
        "package_version": _version,
        "distribution": _distribution,
        "envelope_meta": _strs,
        "pagination": _PAGINATION,
        "method_names": _map(_dotted),
        "resource_names": _map(_name("resource")),
        "class_names": _map(_name("class")),
        "error_codes": _map(_error_code),
        "upload_limits": _map(_int),
        "session": _optional(_SESSION),
        "jsonapi": _bool,
        "regions": _map(_str),
        "presigned_uploads": _map(_UPLOAD),
        "link_helpers": _link_helpers,
    },
)


def cheap_target(data: dict[str, Any]) -> TargetConfig | None:
    """The target of `data` when the cheap reader vouches for it (the schema would accept it and
    build the same values); None when the schema must decide."""
    try:
        return _TARGET(data)  # type: ignore[no-any-return]
    except Unsure:
        return None
