"""Static description of one API operation, built once at import time by generated modules."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import pydantic

from ._constants import SSE_TERMINATOR

__all__ = [
    "AnyEndpoint",
    "Endpoint",
    "FieldPath",
    "LazyModel",
    "PageSpec",
    "PageStyle",
    "ResponseKind",
    "ResponseSpec",
]

_R_co = TypeVar("_R_co", covariant=True)
_AR_co = TypeVar("_AR_co", covariant=True)

ResponseKind = Literal["json", "binary", "text", "empty", "sse"]
PageStyle = Literal["page_number", "offset", "cursor", "starting_after", "next_link", "link_header"]
FieldPath = str | tuple[str, ...]
"""A field of the response body: one wire name, or a tuple of them from the body's root (``""``:
the body itself)."""


@dataclass(frozen=True, slots=True)
class PageSpec:
    """How one list operation pages, as the generator decided it from the spec: which strategy
    (`_pagination.STRATEGIES[style]`) and where each piece is. The runtime reads these fields; it
    never guesses a name."""

    style: PageStyle = "page_number"
    items_field: FieldPath = "data"
    """The items of a page (``""``: the body is the list)."""
    page_param: str | None = "page"
    """The request parameter that selects a page: its number, offset, cursor or starting id."""
    param_in: Literal["query", "body"] = "query"
    """Where the paging parameters are sent: the query, or the JSON request body."""
    limit_param: str | None = None
    """The page-size parameter, if the operation has one."""
    start: int = 1
    """The first page's number (``page_number``) or offset (``offset``), when none was asked for."""
    pagination_field: FieldPath | None = None
    """The object holding the counters (``page.pagination``), if the body has one."""
    has_more_field: FieldPath | None = None
    """A boolean: another page follows."""
    total_pages_field: FieldPath | None = None
    total_items_field: FieldPath | None = None
    page_field: FieldPath | None = None
    """The current page number, as the server says it."""
    limit_field: FieldPath | None = None
    """The page size, as the server says it."""
    next_cursor: FieldPath | None = None
    """``cursor``: the next page's cursor, sent back in ``page_param``."""
    next_link: FieldPath | None = None
    """``next_link``: the next page's URL (JSON:API ``links.next``, ``nextLink``, ``next``)."""
    before_param: str | None = None
    """``starting_after``: the parameter that pages backwards (``ending_before``)."""
    id_field: str = "id"
    """``starting_after``: the item field the next cursor is taken from (of the last item)."""
    attach_document: bool = False
    """Attach the page's body to every item (``get_envelope(item)``; JSON:API ``included``)."""


@dataclass(frozen=True, slots=True)
class LazyModel:
    """A model class imported on first use: ``module`` (relative to ``package``), attribute ``name``.

    Error responses name their models this way, so importing a resource does not import the
    classes of every error it may raise."""

    module: str
    name: str
    package: str | None = None

    def load(self) -> Any:
        return getattr(importlib.import_module(self.module, self.package), self.name)


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    """How to turn a response body into the method's return value.

    ``model`` describes the *whole* JSON body; ``unwrap`` names the field to return from it;
    ``page`` turns the body into a page object. ``load``, when given, returns ``model`` instead: the
    generated resource modules pass ``lambda: _types.X`` so that a model module is imported when a
    response of its operation is first parsed, not when the resource is first touched.
    For ``kind="sse"`` (``text/event-stream``) the
    method returns a stream of events: ``streams`` holds the ``(Stream, AsyncStream)`` classes of
    the package's server-sent events module (a runtime feature, shipped only by packages that have
    such operations), ``model`` is the type of one event's ``data`` (``None`` or ``str``: the text
    as sent, not JSON), and an event whose data is ``terminator`` ends the stream.
    """

    kind: ResponseKind
    model: Any = None
    unwrap: str | None = None
    page: PageSpec | None = None
    load: Callable[[], Any] | None = field(default=None, repr=False, compare=False)
    terminator: str | None = SSE_TERMINATOR
    streams: tuple[Any, Any] | None = None
    _adapter: pydantic.TypeAdapter[Any] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def body_type(self) -> Any:
        """``model`` (a ``LazyModel`` imported), or what ``load`` returns (called once, on first use)."""
        if self.model is None and self.load is not None:
            object.__setattr__(self, "model", self.load())
        elif isinstance(self.model, LazyModel):
            object.__setattr__(self, "model", self.model.load())
        return self.model

    @property
    def adapter(self) -> pydantic.TypeAdapter[Any]:
        """The ``TypeAdapter`` for ``model``, built on first use and cached on the spec."""
        adapter = self._adapter
        if adapter is None:
            model = self.body_type
            adapter = pydantic.TypeAdapter(Any if model is None else model)
            object.__setattr__(self, "_adapter", adapter)
        return adapter


def _empty_styles() -> Mapping[str, tuple[str, bool]]:
    return {}


def _no_errors() -> Mapping[str, ResponseSpec]:
    return {}


@dataclass(frozen=True, slots=True)
class Endpoint(Generic[_R_co, _AR_co]):
    """One operation: HTTP method, path template, response specs and serialization details.

    ``Endpoint[R, AR]``: what the operation returns, ``R`` from the sync client's ``request()`` and
    ``AR`` from the async client's (they differ for pages and downloads: ``SyncPage[T]`` /
    ``AsyncPage[T]``, ``BinaryResponse`` / ``AsyncBinaryResponse``). Generated modules declare it on
    each constant (``_GET: Endpoint[Referral, Referral] = Endpoint(...)``), so a method's return type
    is checked against its endpoint instead of cast.
    """

    method: str
    path: str
    responses: Mapping[str, ResponseSpec]
    body_media: str | None = None
    query_styles: Mapping[str, tuple[str, bool]] = field(default_factory=_empty_styles)
    cookie_styles: Mapping[str, tuple[str, bool]] = field(default_factory=_empty_styles)
    """Cookie parameters whose style is not ``("form", True)`` (i.e. ``explode: false``)."""
    path_styles: Mapping[str, tuple[str, bool]] = field(default_factory=_empty_styles)
    """Path parameters whose style is not ``("simple", False)``: ``label``, ``matrix``, exploded, or
    ``("json", False)`` for a parameter with a JSON ``content``."""
    header_styles: Mapping[str, tuple[str, bool]] = field(default_factory=_empty_styles)
    """Header parameters whose style is not ``("simple", False)`` (exploded objects, JSON ``content``)."""
    form_styles: Mapping[str, tuple[str, bool]] = field(default_factory=_empty_styles)
    """The form (or multipart) body's ``encoding``: property → style for the properties that declare a
    style, or ``("json", False)`` for a JSON ``contentType``; the others are ``("form", True)``."""
    part_types: Mapping[str, str] = field(default_factory=dict)
    """Multipart: property → the ``contentType`` its ``encoding`` declares for its parts."""
    allow_reserved: frozenset[str] = frozenset()
    """Query parameters and form properties declared ``allowReserved`` (reserved characters unencoded)."""
    auth: bool = True
    """False for operations with ``security: []`` (no credentials sent)."""
    security: tuple[tuple[str, ...], ...] | None = None
    """The operation's security requirements by scheme name (alternatives, each a set of schemes
    applied together; ``()`` in it: no credentials needed), for a client whose auth is
    ``Credentials``. ``None``: the client's default when ``auth``, else none."""
    operation_id: str = ""
    nulls: frozenset[tuple[str, str]] = frozenset()
    """``(location, wire name)`` of the nullable query, header and cookie parameters: ``None`` is sent
    as the spec's null form (``name=`` in a query or cookie, an empty header); for the others ``None`` is
    not sent."""
    server: str | None = None
    """The operation's own server URL (``servers`` on the operation or path item), absolute or
    relative to the client's base URL; used while the client's base URL is the spec's default."""
    max_file_bytes: int | None = None
    """Largest file (each part) the operation accepts; a larger one fails before anything is sent."""
    json_media: str = "application/json"
    """Media type of the JSON responses (e.g. ``application/vnd.api+json``), sent as ``Accept``."""
    body_type: Callable[[], Any] | None = None
    """Returns the JSON body's type (a model, ``list[Model]``, …) when dicts in it are ``…Param``
    TypedDicts whose Python keys differ from the wire names: ``_wire.to_wire`` renames them before the
    body is sent. A function, so the models load at the first call, not when the resource is touched."""
    flat_body: bool = False
    """The body is the method's keyword arguments, one per property, keyed by wire name already."""
    body_required: bool = True
    """False for an optional body built from keyword arguments: when every one was left out
    (``NOT_GIVEN``) and there is no ``extra_body``, no body is sent."""
    streams: bool = field(default=False, init=False, repr=False, compare=False)
    """True when some response is binary or an event stream: the body is then streamed instead
    of read eagerly."""
    accept: str = field(default="", repr=False, compare=False)
    """``Accept`` header: the operation's declared media types (``application/vnd.amadeus+json,
    application/problem+json``); when not given, ``json_media`` unless some response is binary or
    text (then ``*/*``) or every one an event stream (then ``text/event-stream``)."""
    errors: Mapping[str, ResponseSpec] = field(default_factory=_no_errors)
    """The declared error responses with a JSON schema, by status (``"404"``, ``"4XX"``,
    ``"default"``): such an error body is parsed into ``model`` (the exception's ``body``)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        kinds = {spec.kind for spec in self.responses.values()}
        object.__setattr__(self, "streams", bool(kinds & {"binary", "sse"}))
        if not self.accept:
            if kinds - {"empty"} == {"sse"}:
                default = "text/event-stream"
            elif kinds - {"json", "empty"}:
                default = "*/*"
            else:
                default = self.json_media
            object.__setattr__(self, "accept", default)

    def response_spec(self, status_code: int) -> ResponseSpec:
        """The spec for a status: exact code, then ``"2XX"``-style range, ``"default"``, first."""
        responses = self.responses
        spec = responses.get(str(status_code))
        if spec is None:
            family = status_code // 100
            spec = (
                responses.get(f"{family}XX")
                or responses.get(f"{family}xx")
                or responses.get("default")
            )
            if spec is None:
                spec = next(iter(responses.values()), _EMPTY)
        return spec

    def error_spec(self, status_code: int) -> ResponseSpec | None:
        """The declared error body of a status: exact code, then ``"4XX"``-style, ``"default"``."""
        errors = self.errors
        if not errors:
            return None
        family = status_code // 100
        return (
            errors.get(str(status_code))
            or errors.get(f"{family}XX")
            or errors.get(f"{family}xx")
            or errors.get("default")
        )


AnyEndpoint = Endpoint[Any, Any]
"""An endpoint whatever it returns (what the runtime's machinery takes)."""

_EMPTY = ResponseSpec("empty")
