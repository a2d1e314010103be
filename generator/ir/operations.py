"""Operations in the IR: parameters, bodies, responses and the derived result shape."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .media import MediaKind
from .models import MISSING, NO_CONSTRAINTS, Constraints, Field, _Missing
from .quick_init import quick_init
from .servers import Server
from .types import JsonValue, TypeRef


class Location(enum.Enum):
    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"


@quick_init
@dataclass(frozen=True, slots=True)
class Parameter:
    """An operation's parameter: where it goes, how it is serialised, its type and doc."""

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
    constraints: Constraints = NO_CONSTRAINTS  # its schema's limits (pattern, length, range)
    # `example`, the first `examples` value, else its schema's
    example: JsonValue | _Missing = MISSING
    content_media: str = ""  # a parameter with `content` instead of `schema`: its media type
    allow_reserved: bool = False  # query: RFC 3986 reserved characters are sent unencoded


@dataclass(frozen=True, slots=True)
class Encoding:
    """One property's entry in a form or multipart body's `encoding` (the OpenAPI Encoding Object)."""

    property: str
    content_type: str = ""  # "" = not given (the default for the property's type)
    style: str = ""  # "" = not given (`form`)
    explode: bool = True
    allow_reserved: bool = False


@quick_init
@dataclass(frozen=True, slots=True)
class MediaType:
    """One media type of a body or response: its type, kind and form encoding."""

    media_type: str
    type: TypeRef
    kind: MediaKind  # what the media type is, decided once in parse
    encoding: tuple[Encoding, ...] = ()  # form and multipart bodies: per-property serialisation
    # form and multipart bodies: properties only a `oneOf`/`anyOf` member of the body schema (or of one
    # of its `allOf` parts) declares, which the body's model does not type; optional, since a member
    # applies or not
    member_fields: tuple[Field, ...] = ()
    example: JsonValue | _Missing = MISSING  # `example`, else the first `examples` value


_SENT_FIRST = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")


@quick_init
@dataclass(frozen=True, slots=True)
class RequestBody:
    """An operation's request body: the media types it accepts."""

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


@quick_init
@dataclass(frozen=True, slots=True)
class Header:
    """A response header the spec declares."""

    wire_name: str
    type: TypeRef
    required: bool = False
    doc: str = ""


@quick_init
@dataclass(frozen=True, slots=True)
class Response:
    """A declared response: its status, media types and headers."""

    status: str  # "200", "2XX", "default"
    doc: str
    media: tuple[MediaType, ...]
    headers: tuple[Header, ...] = ()

    @property
    def is_success(self) -> bool:
        return self.status.startswith("2")


class ResultKind(enum.Enum):
    JSON = "json"
    EVENTS = "sse"  # server-sent events: `body` is the type of one event's data
    BINARY = "binary"
    TEXT = "text"
    EMPTY = "empty"


class PageStyle(enum.Enum):
    """How a list operation pages: the generated client's runtime has one strategy per style
    (`templates/runtime/core/_pagination.py` `STRATEGIES`)."""

    PAGE_NUMBER = "page_number"  # `page=N` → N+1: has-more flag, total pages or items, a full page
    OFFSET = "offset"  # `offset=N` → N + the items received: total, has-more flag, a full page
    CURSOR = "cursor"  # the response's next cursor is sent back in `page_param`
    STARTING_AFTER = "starting_after"  # `page_param` = the last item's id, while `has_more`
    NEXT_LINK = "next_link"  # a next-page URL in the body (`next`, `links.next`, `nextLink`)
    LINK_HEADER = "link_header"  # the RFC 8288 `Link` response header, `rel="next"`


class PageSource(enum.Enum):
    """What said that an operation pages (the manifest records it)."""

    DETECTED = "detected"  # a request knob and a response signal of the spec agree
    JSONAPI = "jsonapi"  # a JSON:API collection with `page[...]` parameters
    MS_PAGEABLE = "x-ms-pageable"
    SPEAKEASY = "x-speakeasy-pagination"
    FERN = "x-fern-pagination"
    CONFIG = "config"  # the target's configuration declares it


FieldPath = tuple[str, ...]  # wire names from the response body's root; () = the body itself


@quick_init
@dataclass(frozen=True, slots=True)
class Pagination:
    """Decided by the shape stage (`generator/shape/pagination/`); written into the generated
    `PageSpec`. Every field is a path of wire names from the body's root: the runtime never guesses."""

    style: PageStyle
    items_field: FieldPath  # the items; () = the body is the list
    page_param: str | None = None  # the knob that selects a page: its number, offset, cursor, id
    param_in: str = "query"  # where the knobs are sent: "query" or "body" (a JSON body)
    limit_param: str | None = None  # the page-size knob, if the operation has one
    start: int = 1  # the first page's number (page_number) or offset (offset)
    pagination_field: FieldPath | None = None  # the object of counters (`page.pagination`)
    has_more_field: FieldPath | None = None  # a boolean: another page follows
    total_pages_field: FieldPath | None = None
    total_items_field: FieldPath | None = None
    page_field: FieldPath | None = None  # the current page number
    limit_field: FieldPath | None = None  # the page size
    next_cursor: FieldPath | None = None  # cursor: the next page's cursor
    next_link: FieldPath | None = None  # next_link: the next page's URL
    before_param: str | None = None  # starting_after: the knob that pages backwards
    id_field: str = "id"  # starting_after: the item field the cursor is taken from
    attach_document: bool = False  # items keep the page's body (JSON:API `included`)
    source: PageSource = PageSource.DETECTED


@quick_init
@dataclass(frozen=True, slots=True)
class Result:
    """What a successful call returns, for one success status."""

    status: str
    kind: ResultKind
    body: TypeRef | None  # the whole response body (JSON kind); one event's data (EVENTS kind)
    unwrap: str | None = None  # envelope field that holds the result
    returns: TypeRef | None = None  # what the method returns (the unwrapped type)
    pagination: Pagination | None = None
    item: TypeRef | None = None  # page item type when paginated
    media_type: str = ""
    jsonapi: bool = False  # a JSON:API document (`application/vnd.api+json`, or the target says so)


@quick_init
@dataclass(frozen=True, slots=True)
class Operation:
    """One operation (path and method): its parameters, body, responses and results."""

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
