"""Exception subclasses for documented `error.code` values (spec `x-known-values` + target config)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import naming
from ..config import ErrorCodeConfig, TargetConfig
from ..ir import Api
from .safe import Doc, Name, doc

_STATUS_BASES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    413: "PayloadTooLargeError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}
RUNTIME_ERRORS = frozenset(
    {
        *_STATUS_BASES.values(),
        "APIError",
        "APIStatusError",
        "APIConnectionError",
        "APITimeoutError",
        "InternalServerError",
        "ServiceUnavailableError",
        "APIResponseValidationError",
        "MissingCredentialsError",
        "FileTooLargeError",
        "RedirectError",
        "ResponseTooLargeError",
    }
)


@dataclass(frozen=True, slots=True)
class DetailView:
    name: Name
    key: str  # raw (printed with `py`)
    doc: Doc


@dataclass(frozen=True, slots=True)
class ErrorClassView:
    name: Name
    base: Name
    code: str  # raw (printed with `py`)
    status: int | None
    details: tuple[DetailView, ...]
    doc: Doc


def base_class(status: int | None) -> str:
    if status is None:
        return "APIStatusError"
    if status == 503:
        return "ServiceUnavailableError"
    if status >= 500:
        return "InternalServerError"
    return _STATUS_BASES.get(status, "APIStatusError")


def _class_name(code: str) -> str:
    base = naming.class_name(code)
    name = base if base.endswith("Error") else base + "Error"
    return base.removesuffix("Error") + "CodeError" if name in RUNTIME_ERRORS else name


def error_views(api: Api, config: TargetConfig) -> tuple[ErrorClassView, ...]:
    codes = list(dict.fromkeys([*api.error_codes, *config.error_codes]))
    scope = naming.Scope()
    scope.reserve(*RUNTIME_ERRORS)
    out = []
    for code in codes:
        raw = config.error_codes.get(code)
        cfg = raw if isinstance(raw, ErrorCodeConfig) else ErrorCodeConfig(status=raw)
        name = Name(scope.claim(cfg.name or _class_name(code)))
        details = tuple(
            DetailView(
                Name(naming.field_name(k)),
                k,
                doc(f"`error.details.{k}` (None when absent)."),
            )
            for k in cfg.details
        )
        status = f" (HTTP {cfg.status})" if cfg.status else ""
        out.append(
            ErrorClassView(
                name,
                Name(base_class(cfg.status)),
                code,
                cfg.status,
                details,
                doc(f"`error.code == {code!r}`{status}."),
            )
        )
    return tuple(out)
