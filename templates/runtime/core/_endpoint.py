"""Static description of one API operation, built once at import time by generated modules."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pydantic

__all__ = [
    "Endpoint",
    "FieldPath",
    "LazyModel",
    "PageSpec",
    "PageStyle",
    "ResponseKind",
    "ResponseSpec",
]

ResponseKind = Literal["json", "binary", "text", "empty"]
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
    ``page`` turns the body into a page object.
    """

    kind: ResponseKind
    model: Any = None
    unwrap: str | None = None
    page: PageSpec | None = None
    _adapter: pydantic.TypeAdapter[Any] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def adapter(self) -> pydantic.TypeAdapter[Any]:
        """The ``TypeAdapter`` for ``model``, built on first use and cached on the spec."""
        adapter = self._adapter
        if adapter is None:
            model = self.model.load() if isinstance(self.model, LazyModel) else self.model
            adapter = pydantic.TypeAdapter(Any if model is None else model)
            object.__setattr__(self, "_adapter", adapter)
        return adapter


def _empty_styles() -> Mapping[str, tuple[str, bool]]:
    return {}


def _no_errors() -> Mapping[str, ResponseSpec]:
    return {}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One operation: HTTP method, path template, response specs and serialization details."""

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
    streams: bool = field(default=False, init=False, repr=False, compare=False)
    """True when some response is binary: the body is then streamed instead of read eagerly."""
    accept: str = field(default="", repr=False, compare=False)
    """``Accept`` header: the operation's declared media types (``application/vnd.amadeus+json,
    application/problem+json``); when not given, ``json_media`` unless some response is binary or
    text (then ``*/*``)."""
    errors: Mapping[str, ResponseSpec] = field(default_factory=_no_errors)
    """The declared error responses with a JSON schema, by status (``"404"``, ``"4XX"``,
    ``"default"``): such an error body is parsed into ``model`` (the exception's ``body``)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        kinds = {spec.kind for spec in self.responses.values()}
        object.__setattr__(self, "streams", "binary" in kinds)
        if not self.accept:
            default = "*/*" if kinds - {"json", "empty"} else self.json_media
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


_EMPTY = ResponseSpec("empty")
