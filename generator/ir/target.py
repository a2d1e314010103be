"""What the target configuration says about one generated package, as IR facts (set by the shape stage).

Parse builds the IR from the spec alone; `generator/shape/` is the one place that reads the target's
configuration, and what it decides lands here (and in `Operation`/`Result` fields), so naming, views
and templates never read the configuration themselves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Package:
    """The generated package's identity."""

    name: str = "client"  # import name
    client: str = "Client"  # client class (and `Async<client>`)
    env_prefix: str = "CLIENT"  # prefix of the environment variables the client reads
    version: str = ""  # the package's version; "" = the spec's info.version (PEP 440)
    distribution: str = ""  # what users pip install; "" = name with "-" for "_"
    folder: str = "client"  # the output folder's name (the README's `pip install ./<folder>`)


@dataclass(frozen=True, slots=True)
class SessionLogin:
    """Bearer tokens from a login operation, renewed through a refresh operation."""

    login_operation: str  # operationId
    refresh_operation: str = ""
    access_token: str = "data.accessToken"  # dotted path in the login/refresh response
    refresh_token: str = "data.refreshToken"
    credentials: tuple[str, ...] = ()  # login body fields; () = the body model's required fields


@dataclass(frozen=True, slots=True)
class PresignedUpload:
    """A create operation whose response carries a pre-signed URL the file is then PUT to."""

    operation: str  # operationId of the create operation
    method: str  # the helper method's name
    url_field: str  # dotted path of the URL in the response body
    max_bytes: int | None = None
    file_attributes: tuple[tuple[str, str], ...] = ()  # ("name" | "type" | "size", attribute)


@dataclass(frozen=True, slots=True)
class LinkHelper:
    """A method that links two JSON:API resources both ways (one update of each side)."""

    method: str
    left_operation: str
    left_relationship: str
    right_operation: str
    right_relationship: str


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """A documented `error.code` value and the exception class it gets."""

    code: str
    status: int | None = None  # the HTTP status it comes with; picks the base class
    name: str = ""  # the class name the configuration asks for ("" = from the code)
    details: tuple[str, ...] = ()  # keys of `error.details` exposed as typed properties


@dataclass(frozen=True, slots=True)
class Target:
    """Everything the configuration adds to the spec's IR beyond per-operation facts."""

    package: Package = Package()
    regions: tuple[tuple[str, str], ...] = ()  # region name → base URL
    session: SessionLogin | None = None
    uploads: tuple[PresignedUpload, ...] = ()
    links: tuple[LinkHelper, ...] = ()
    error_codes: tuple[ErrorCode, ...] = ()  # the spec's codes first, then the configured ones
    webhook_signature_header: str = ""  # header carrying `t=…,v1=…` HMAC signatures ("" = default)
    resource_names: tuple[
        tuple[str, str], ...
    ] = ()  # tag or resource (`customers.sources`) → attribute
    class_names: tuple[tuple[str, str], ...] = ()  # component schema or class name → class name
