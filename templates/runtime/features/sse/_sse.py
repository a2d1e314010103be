"""Server-sent events: the event type and the parser (WHATWG HTML, "Parsing an event stream").

The parser takes the lines ``_lines.LineDecoder`` splits (UTF-8, one leading BOM dropped, CR LF /
LF / CR line ends) and follows the standard: a blank line dispatches the event; a line starting
with ``:`` is a comment; ``field: value`` (one space after the colon dropped), ``field`` alone has
an empty value; ``data`` lines are joined with LF; ``event`` sets the type (default
``"message"``); ``id`` sets the last event ID unless it contains NUL, and the ID persists for
later events; ``retry`` is kept only when it is ASCII digits (at most ``_MAX_RETRY_DIGITS``);
other fields are ignored; an event without ``data`` lines is not dispatched (its ``id``/``retry``
still count); an event the stream ends in the middle of (no blank line after it) is discarded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

__all__ = ["EventTooLarge", "SSEDecoder", "ServerSentEvent"]

T = TypeVar("T")

_MAX_RETRY_DIGITS = 15  # about 31,700 years in milliseconds; longer values are ignored


@dataclass(frozen=True, slots=True)
class ServerSentEvent(Generic[T]):
    """One event of a ``text/event-stream`` response.

    ``data`` is the event's data parsed into the operation's declared type (JSON), or the text
    itself when the declared type is a string. In lenient mode (the client's default) data that is
    not valid JSON, or JSON that does not match the schema, is kept as the raw text or as data
    built without validation, and ``validation_errors`` says what was wrong.
    """

    data: T
    event: str = "message"
    """The ``event:`` field (``"message"`` when the event has none)."""
    id: str | None = None
    """The last event ID as of this event (IDs persist across events; ``None`` until the stream
    sends one). Send it as ``Last-Event-ID`` to resume a stream the server can resume."""
    retry: int | None = None
    """The reconnection time in milliseconds this event's ``retry:`` field asked for, if any."""
    raw_data: str = ""
    """The data lines exactly as received, joined with ``\\n``."""
    validation_errors: list[dict[str, Any]] = field(default_factory=list)
    """Why ``data`` did not validate (lenient mode); empty when it did."""


class EventTooLarge(Exception):
    """An event's field lines together grew past the decoder's ``max_size`` characters."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"an event is larger than {limit:,} characters")
        self.limit = limit


class SSEDecoder:
    """Feed it lines; it returns each event (``ServerSentEvent[str]``) when a blank line ends it."""

    def __init__(self, *, max_size: int | None = None) -> None:
        self.max_size = max_size
        self.last_event_id: str | None = None
        """The last event ID string (persists across events)."""
        self.retry: int | None = None
        """The latest reconnection time (ms) the stream asked for."""
        self._id: str | None = None  # the "last event ID buffer"
        self._data: list[str] = []
        self._event = ""
        self._event_retry: int | None = None
        self._size = 0

    @property
    def pending(self) -> bool:
        """Whether fields of an event not yet ended by a blank line have been received."""
        return self._size > 0

    def line(self, line: str) -> ServerSentEvent[str] | None:
        if not line:
            return self._dispatch()
        if line[0] == ":":
            return None  # a comment (often a keep-alive)
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        self._size += len(line) + 1
        if self.max_size is not None and self._size > self.max_size:
            raise EventTooLarge(self.max_size)
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and _is_retry(value):
            self.retry = self._event_retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent[str] | None:
        self.last_event_id = self._id
        data, event, retry = self._data, self._event, self._event_retry
        self._data, self._event, self._event_retry, self._size = [], "", None, 0
        if not data:
            return None
        text = "\n".join(data)
        return ServerSentEvent(
            data=text, event=event or "message", id=self._id, retry=retry, raw_data=text
        )


def _is_retry(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= _MAX_RETRY_DIGITS
