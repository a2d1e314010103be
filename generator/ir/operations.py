"""Operations in the IR: parameters, bodies, responses and the derived result shape."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import MISSING, _Missing
from .types import JsonValue, TypeRef

if TYPE_CHECKING:
    from .api import Server


class Location(enum.Enum):
    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"


@dataclass(frozen=True, slots=True)
class Parameter:
    wire_name: str
    location: Location
    type: TypeRef
    required: bool
    doc: str = ""
    style: str = "form"
    explode: bool = True
    default: JsonValue | _Missing = MISSING
    deprecated: bool = False
    pointer: str = ""
    sort_fields: tuple[str, ...] = ()  # a sort parameter's fields (`x-sortable-fields` or the enum)


@dataclass(frozen=True, slots=True)
class MediaType:
    media_type: str
    type: TypeRef


@dataclass(frozen=True, slots=True)
class RequestBody:
    required: bool
    media: tuple[MediaType, ...]
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Header:
    wire_name: str
    type: TypeRef
    required: bool = False
    doc: str = ""


@dataclass(frozen=True, slots=True)
class Response:
    status: str  # "200", "2XX", "default"
    doc: str
    media: tuple[MediaType, ...]
    headers: tuple[Header, ...] = ()

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")


class ResultKind(enum.Enum):
    JSON = "json"
    BINARY = "binary"
    TEXT = "text"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Pagination:
    page_param: str
    limit_param: str | None
    items_field: str
    pagination_field: str
    next_link: str | None = (
        None  # dotted path of a next-page URL in the body (JSON:API `links.next`)
    )
    attach_document: bool = False  # items keep the page's body (JSON:API `included`)


@dataclass(frozen=True, slots=True)
class Result:
    """What a successful call returns, for one success status."""

    status: str
    kind: ResultKind
    body: TypeRef | None  # the whole response body (JSON kind)
    unwrap: str | None = None  # envelope field that holds the result
    returns: TypeRef | None = None  # what the method returns (the unwrapped type)
    pagination: Pagination | None = None
    item: TypeRef | None = None  # page item type when paginated
    media_type: str = ""
    jsonapi: bool = False  # a JSON:API document (`application/vnd.api+json`, or the target says so)


@dataclass(frozen=True, slots=True)
class Operation:
    id: str  # operationId, or one derived from method + path
    method: str  # lower case
    path: str
    tags: tuple[str, ...]
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    responses: tuple[Response, ...]
    results: tuple[Result, ...]
    requires_auth: bool
    security: tuple[str, ...]  # names of the security schemes that apply
    deprecated: bool = False
    extensions: tuple[tuple[str, JsonValue], ...] = ()
    pointer: str = ""
    servers: tuple[
        Server, ...
    ] = ()  # the operation's own (or its path item's); () = the document's
    has_operation_id: bool = True
    security_requirements: tuple[tuple[str, ...], ...] = ()
    """The `security` that applies, as the spec states it: alternatives (any one suffices), each the
    scheme names that all apply together; `()` in it: no credentials needed. `()`: none at all."""
