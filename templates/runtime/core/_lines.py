"""Split a byte stream into text lines incrementally, with a bound on the length of a line.

Lines end at CR LF, LF or CR (a CR at the end of one chunk and an LF at the start of the next are
one line end). Bytes are decoded as UTF-8, invalid sequences replaced (U+FFFD), as the WHATWG
server-sent events parser and ``httpx``'s ``iter_lines`` do. Unlike ``str.splitlines``, no other
character (form feed, U+2028, …) ends a line.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["LineDecoder", "LineTooLong"]

_LINE_END = r"\r\n|\r|\n"  # compiled on first use (`re` keeps it), not on import


class LineTooLong(Exception):
    """A line grew past the decoder's ``max_line`` characters before it ended."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"a line is longer than {limit:,} characters")
        self.limit = limit


class LineDecoder:
    """``feed(bytes) -> complete lines``; ``finish() -> the unterminated rest`` ("" if none).

    ``strip_bom``: drop one U+FEFF at the very start of the stream (server-sent events).
    ``max_line``: longest line held, in characters (``None``: unbounded).
    """

    def __init__(self, *, max_line: int | None = None, strip_bom: bool = False) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._parts: list[str] = []  # the current unterminated line, in pieces
        self._size = 0
        self._skip_lf = (
            False  # the last chunk ended in CR: an LF first in the next one goes with it
        )
        self._bom = strip_bom
        self.max_line = max_line

    @property
    def pending(self) -> bool:
        """Whether part of a line (not yet ended) has been received."""
        return self._size > 0

    def feed(self, data: bytes) -> list[str]:
        return self._split(self._decoder.decode(data))

    def finish(self) -> str:
        """The text after the last line end (the stream ended without one)."""
        self._split(self._decoder.decode(b"", final=True))  # at most a U+FFFD: no line end
        rest = "".join(self._parts)
        self._parts, self._size = [], 0
        return rest

    def _split(self, text: str) -> list[str]:
        if not text:
            return []
        if self._bom:
            self._bom = False
            if text[0] == "\ufeff":
                text = text[1:]
        if self._skip_lf:
            self._skip_lf = False
            if text[:1] == "\n":
                text = text[1:]
        if not text:
            return []
        pieces = re.split(_LINE_END, text)
        if len(pieces) == 1:
            self._keep(text)
            return []
        self._skip_lf = text[-1] == "\r"
        rest = pieces.pop()
        first = pieces[0]
        if self._parts:
            self._keep(first)
            first = "".join(self._parts)
        elif self.max_line is not None and len(first) > self.max_line:
            raise LineTooLong(self.max_line)
        pieces[0] = first
        limit = self.max_line
        if limit is not None and any(len(line) > limit for line in pieces):
            raise LineTooLong(limit)
        self._parts, self._size = [], 0
        if rest:
            self._keep(rest)
        return pieces

    def _keep(self, text: str) -> None:
        self._size += len(text)
        if self.max_line is not None and self._size > self.max_line:
            raise LineTooLong(self.max_line)
        self._parts.append(text)
