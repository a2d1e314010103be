"""How an operation's parameters and form fields are serialised: the style tables of its `Endpoint`.

Each table names only what differs from its location's default (`form`/explode for query, cookie and
form fields, `simple` for path and header parameters), so most endpoints print none of them. A parameter
with a JSON `content` (instead of a `schema`) is the runtime style `json`: one JSON text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Location, MediaKind, Operation, Parameter

StyleRow = tuple[str, str, bool]  # (wire name, style, explode)

_DEFAULTS = {
    Location.QUERY: ("form", True),
    Location.COOKIE: ("form", True),
    Location.PATH: ("simple", False),
    Location.HEADER: ("simple", False),
}
_JSON = ("json", False)


@dataclass(frozen=True, slots=True)
class WireStyles:
    """How a method serialises each parameter and form property that needs a rule."""

    query: tuple[StyleRow, ...] = ()
    cookie: tuple[StyleRow, ...] = ()
    path: tuple[StyleRow, ...] = ()
    header: tuple[StyleRow, ...] = ()
    form: tuple[StyleRow, ...] = ()  # form/multipart body properties (their `encoding`)
    part_types: tuple[tuple[str, str], ...] = ()  # multipart property -> declared `contentType`
    allow_reserved: tuple[str, ...] = ()  # query parameters and form properties


def is_json_media(media: str) -> bool:
    media = media.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _style(p: Parameter) -> tuple[str, bool]:
    if p.content_media and p.location is not Location.COOKIE:
        return _JSON if is_json_media(p.content_media) else _DEFAULTS[p.location]
    return (p.style, p.explode)


def wire_styles(op: Operation) -> WireStyles:
    rows: dict[Location, list[StyleRow]] = {loc: [] for loc in Location}
    for p in op.parameters:
        style = _style(p)
        if style != _DEFAULTS[p.location]:
            rows[p.location].append((p.wire_name, *style))
    reserved = [
        p.wire_name for p in op.parameters if p.location is Location.QUERY and p.allow_reserved
    ]
    form: list[StyleRow] = []
    part_types: list[tuple[str, str]] = []
    media = op.body.sent if op.body is not None and op.body.media else None
    if media is not None and media.kind in (MediaKind.FORM, MediaKind.MULTIPART):
        for e in media.encoding:
            style = (e.style or "form", e.explode)
            if style != ("form", True):
                form.append((e.property, *style))
            elif media.kind is MediaKind.FORM and is_json_media(e.content_type):
                form.append((e.property, *_JSON))
            if media.kind is MediaKind.MULTIPART and e.content_type:
                part_types.append((e.property, e.content_type))
            if e.allow_reserved and media.kind is MediaKind.FORM:
                reserved.append(e.property)
    return WireStyles(
        query=tuple(rows[Location.QUERY]),
        cookie=tuple(rows[Location.COOKIE]),
        path=tuple(rows[Location.PATH]),
        header=tuple(rows[Location.HEADER]),
        form=tuple(form),
        part_types=tuple(part_types),
        allow_reserved=tuple(dict.fromkeys(reserved)),
    )
