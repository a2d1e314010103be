"""Exceptions raised by generated clients, and mapping of error responses onto them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx
import pydantic

from ._error_body import ErrorInfo, parse_error_body
from ._error_detail import ErrorDetail
from ._ratelimit import RateLimit, parse_rate_limit

if TYPE_CHECKING:
    from ._endpoint import ResponseSpec

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ErrorDetail",
    "FileTooLargeError",
    "InternalServerError",
    "MethodNotAllowedError",
    "MissingCredentialsError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "ServiceUnavailableError",
    "UnprocessableEntityError",
    "make_status_error",
]


class APIError(Exception):
    """Base class of every error raised by the client."""

    message: str
    request: httpx.Request | None
    body: object
    attempts: int

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        body: object = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        self.attempts = attempts

    def __str__(self) -> str:
        return self.message


class FileTooLargeError(APIError, ValueError):
    """A file is larger than the operation accepts; raised before anything is sent."""

    def __init__(self, message: str, *, size: int, limit: int) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


class MissingCredentialsError(APIError):
    """The client was built without the credentials an operation needs."""


class APIConnectionError(APIError):
    """The request could not be completed (DNS, refused/reset connection, protocol error)."""

    def __init__(
        self,
        message: str = "Connection error.",
        *,
        request: httpx.Request | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message, request=request, attempts=attempts)


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool timeout)."""

    def __init__(
        self,
        message: str = "Request timed out.",
        *,
        request: httpx.Request | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message, request=request, attempts=attempts)


class RedirectError(APIError):
    """A redirect the client refuses to follow (see "Redirects" in the package README): a login,
    refresh or token endpoint redirecting to another origin, a request body that would be re-sent to
    another origin (307/308), a non-HTTP ``Location``, or more hops than ``max_redirects``."""

    def __init__(self, message: str, *, response: httpx.Response, location: str | None) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code
        self.location = location
        """The redirect target, without its query string."""


class ResponseTooLargeError(APIError):
    """A body read into memory would exceed the client's ``max_response_bytes`` (decoded)."""

    def __init__(self, message: str, *, response: httpx.Response, limit: int) -> None:
        super().__init__(message, request=response.request)
        self.response = response
        self.status_code = response.status_code
        self.limit = limit


class APIResponseValidationError(APIError):
    """A successful response whose body is not valid JSON or does not match the schema."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        errors: list[dict[str, Any]] | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message, request=response.request, body=body, attempts=attempts)
        self.response = response
        self.status_code = response.status_code
        self.errors: list[dict[str, Any]] = errors or []


class APIStatusError(APIError):
    """The server answered with a non-success status code.

    ``body`` is the error body: parsed into the model the spec declares for the status when it
    matches it, else the JSON as sent (or the text of a non-JSON body). ``details`` lists the
    problems the body names (``ErrorDetail``: location, message, type) when it lists any; an
    ``error.details`` object is kept as sent.
    """

    response: httpx.Response
    status_code: int
    code: str | None
    details: object
    request_id: str | None
    rate_limit: RateLimit | None
    errors: list[Any]
    """The entries of the error document, as the client's error formats read them (a JSON:API
    client: each object of ``errors[]`` with status, code, title, detail, ``source.pointer``);
    empty when no format applies."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object,
        code: str | None = None,
        details: object = None,
        request_id: str | None = None,
        rate_limit: RateLimit | None = None,
        attempts: int = 1,
        errors: Sequence[Any] = (),
    ) -> None:
        super().__init__(message, request=response.request, body=body, attempts=attempts)
        self.response = response
        self.status_code = response.status_code
        self.errors = list(errors)
        self.code = code
        self.details = details
        self.request_id = request_id
        self.rate_limit = (
            rate_limit if rate_limit is not None else parse_rate_limit(response.headers)
        )


class BadRequestError(APIStatusError):
    """400"""


class AuthenticationError(APIStatusError):
    """401"""


class PermissionDeniedError(APIStatusError):
    """403"""


class NotFoundError(APIStatusError):
    """404"""


class MethodNotAllowedError(APIStatusError):
    """405"""


class ConflictError(APIStatusError):
    """409"""


class PayloadTooLargeError(APIStatusError):
    """413"""


class UnprocessableEntityError(APIStatusError):
    """422"""


class RateLimitError(APIStatusError):
    """429"""


class InternalServerError(APIStatusError):
    """5xx"""


class ServiceUnavailableError(InternalServerError):
    """503: the server did not process the request (overloaded or down for maintenance); it was
    retried for every method, and this is raised once the retries ran out."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: ConflictError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    cls = _STATUS_CLASSES.get(status_code)
    if cls is not None:
        return cls
    return InternalServerError if status_code >= 500 else APIStatusError


def _format_message(response: httpx.Response, info: ErrorInfo, attempts: int) -> str:
    status = f"{response.status_code} {response.reason_phrase}".strip()
    text = f"{status}: {info.message}" if info.message else status
    extras = []
    if info.code:
        extras.append(f"code={info.code}")
    if info.request_id:
        extras.append(f"request_id={info.request_id}")
    if extras:
        text = f"{text} ({', '.join(extras)})"
    if attempts > 1:
        text = f"{text} [after {attempts} attempts]"
    return text


ErrorEntries = Callable[[object], Sequence[Any]]
"""Reads the entries of an error body (a feature's error format: JSON:API's ``errors[]``)."""


def make_status_error(
    response: httpx.Response,
    *,
    error_codes: Mapping[str, type[APIStatusError]],
    attempts: int = 1,
    redact: Callable[[str], str] = str,
    note: str | None = None,
    error_entries: Sequence[ErrorEntries] = (),
    spec: ResponseSpec | None = None,
) -> APIStatusError:
    """Build the exception for a non-success response whose body has been read.

    ``spec``: the error response the operation declares for this status; a JSON body that matches
    its model becomes the exception's ``body`` as that model (one that does not stays as sent).
    """
    info = parse_error_body(response)
    body = info.body
    if (
        spec is not None
        and spec.kind == "json"
        and (spec.model is not None or spec.load is not None)
        and body is not None
        and not isinstance(body, str)
    ):
        try:
            body = spec.adapter.validate_python(body)
        except pydantic.ValidationError:
            pass  # the server's error does not match its declaration: keep it as sent
    cls = status_error_class(response.status_code)
    if info.code is not None and info.code in error_codes:
        cls = error_codes[info.code]
    message = redact(_format_message(response, info, attempts))
    if note:
        message = f"{message}; {note}"
    return cls(
        message,
        response=response,
        body=body,
        code=info.code,
        details=info.details,
        request_id=info.request_id,
        attempts=attempts,
        errors=[entry for read in error_entries for entry in read(info.body)],
    )
