"""A hand-written stand-in for a generated package, using the runtime as generated code does."""

from ._auth import ApiKeyAuth, Auth, BearerAuth
from ._binary import AsyncBinaryResponse, BinaryResponse
from ._client import ERROR_CODES, AsyncFakeAPI, FakeAPI, ReferralExistsError
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorDetail,
    InternalServerError,
    MethodNotAllowedError,
    MissingCredentialsError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    ResponseTooLargeError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)
from ._models import BaseModel, get_envelope, get_validation_errors
from ._pagination import AsyncPage, SyncPage
from ._ratelimit import RateLimit
from ._response import APIResponse, AsyncAPIResponse
from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "ERROR_CODES",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ApiKeyAuth",
    "AsyncAPIResponse",
    "AsyncBinaryResponse",
    "AsyncFakeAPI",
    "AsyncPage",
    "Auth",
    "AuthenticationError",
    "BadRequestError",
    "BaseModel",
    "BearerAuth",
    "BinaryResponse",
    "ConflictError",
    "ErrorDetail",
    "FakeAPI",
    "InternalServerError",
    "MethodNotAllowedError",
    "MissingCredentialsError",
    "NotFoundError",
    "NotGiven",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitError",
    "RedirectError",
    "ReferralExistsError",
    "ResponseTooLargeError",
    "ServiceUnavailableError",
    "SyncPage",
    "UnprocessableEntityError",
    "get_envelope",
    "get_validation_errors",
]
