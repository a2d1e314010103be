"""Operations in the IR: parameters, bodies, responses and the derived result shape."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .media import MediaKind
from .models import MISSING, _Missing
from .servers import Server
from .types import JsonValue, TypeRef


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
    kind: MediaKind  # what the media type is, decided once in parse


_SENT_FIRST = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True, slots=True)
class RequestBody:
    required: bool
    media: tuple[MediaType, ...]
    doc: str = ""

    @property
    def sent(self) -> MediaType:
        """The body a generated method sends, of those the operation accepts: JSON, then multipart,
        then a form, then the first listed."""
        return min(
            self.media,
            key=lambda m: (
                _SENT_FIRST.index(m.media_type) if m.media_type in _SENT_FIRST else len(_SENT_FIRST)
            ),
        )


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


class PageStyle(enum.Enum):
    """How a list operation pages (the generated client's runtime has one strategy per style)."""

    PAGE_NUMBER = "page_number"  # `?page=N`: has-more flag, total pages, or a full page
    NEXT_LINK = "next_link"  # a next-page URL in the body (JSON:API `links.next`)


@dataclass(frozen=True, slots=True)
class Pagination:
    """Decided by the shape stage from the response schema; written into the generated `PageSpec`."""

    page_param: str
    limit_param: str | None
    items_field: str
    pagination_field: str
    next_link: str | None = (
        None  # dotted path of a next-page URL in the body (JSON:API `links.next`)
    )
    attach_document: bool = False  # items keep the page's body (JSON:API `included`)
    style: PageStyle = PageStyle.PAGE_NUMBER
    # fields of the pagination object, when its schema has them
    has_more_field: str | None = None  # a boolean: another page follows
    total_pages_field: str | None = None
    page_field: str | None = None  # the current page number
    limit_field: str | None = None  # the page size


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
    # ^ the `security` that applies, as the spec states it: alternatives (any one suffices), each the
    #   scheme names that all apply together; `()` in it: no credentials needed; `()`: none at all
    # set by the shape stage from the target's configuration
    max_file_bytes: int | None = None  # largest file (each part) the operation accepts
    name_override: str = ""  # "resource.method" or "method": the generated method's name
