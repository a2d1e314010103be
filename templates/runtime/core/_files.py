"""Request bodies made of files: multipart forms and raw uploads, streamed from disk.

Bodies are re-iterable (files are rewound to where they started), so a retried request sends
the same bytes again; a body that cannot be rewound is marked as not replayable.
"""

from __future__ import annotations

import io
import json
import mimetypes
import os
import stat
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import ExitStack
from typing import IO, Any

import httpx

from ._serialize import scalar_to_str, to_jsonable
from ._types import NotGiven

__all__ = ["FileStream", "MultipartStream", "is_file_content", "is_file_types", "open_content"]

CHUNK_SIZE = 64 * 1024


def is_file_content(value: object) -> bool:
    return isinstance(value, (bytes, bytearray, os.PathLike)) or (
        hasattr(value, "read") and not isinstance(value, (str, io.TextIOBase))
    )


def is_file_types(value: object) -> bool:
    """True for ``FileTypes``: content, or ``(filename, content[, content_type])``."""
    if isinstance(value, tuple):
        return (
            len(value) in (2, 3)
            and (value[0] is None or isinstance(value[0], str))
            and is_file_content(value[1])
            and (len(value) == 2 or value[2] is None or isinstance(value[2], str))
        )
    return is_file_content(value)


class _Source:
    """One file's bytes: in memory, or a file object read in chunks from its start offset."""

    __slots__ = ("data", "file", "length", "start")

    def __init__(self, content: object, stack: ExitStack) -> None:
        self.data: bytes | None = None
        self.file: IO[bytes] | None = None
        self.start = 0
        self.length: int | None = None
        if isinstance(content, (bytes, bytearray)):
            self.data = bytes(content)
            self.length = len(self.data)
            return
        if isinstance(content, os.PathLike):
            file: IO[bytes] = stack.enter_context(open(os.fspath(content), "rb"))  # noqa: SIM115
        elif isinstance(content, io.TextIOBase):
            raise TypeError("Files must be opened in binary mode ('rb'), not text mode")
        else:
            file = content  # type: ignore[assignment]
        self.file = file
        try:
            self.start = file.tell()
            info = os.fstat(file.fileno())
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            self.length = _seekable_length(file, self.start)
        else:  # only a regular file's size is its length (not a FIFO's or a device's)
            regular = stat.S_ISREG(info.st_mode)
            self.length = info.st_size - self.start if regular else None

    @property
    def replayable(self) -> bool:
        if self.file is None:
            return True
        try:
            return self.file.seekable()
        except (AttributeError, ValueError):
            return False

    def chunks(self) -> Iterator[bytes]:
        if self.data is not None:
            yield self.data
            return
        assert self.file is not None
        if self.replayable:
            self.file.seek(self.start)
        while chunk := self.file.read(CHUNK_SIZE):
            yield chunk


def _seekable_length(file: IO[bytes], start: int) -> int | None:
    try:
        if not file.seekable():
            return None
        end = file.seek(0, io.SEEK_END)
        file.seek(start)
        return end - start
    except (AttributeError, OSError, ValueError):
        return None


def _filename(content: object) -> str | None:
    if isinstance(content, os.PathLike):
        return os.path.basename(str(os.fspath(content)))
    name: object = getattr(content, "name", None)
    if isinstance(name, str) and name and not name.startswith("<"):
        return os.path.basename(name)
    return None


class _ReplayableStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    def _chunks(self) -> Iterator[bytes]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks():
            yield chunk


class FileStream(_ReplayableStream):
    """A raw upload body (``application/octet-stream`` etc.)."""

    def __init__(self, content: object, stack: ExitStack) -> None:
        self._source = _Source(content, stack)
        self.length = self._source.length
        self.replayable = self._source.replayable

    def _chunks(self) -> Iterator[bytes]:
        return self._source.chunks()


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartStream(_ReplayableStream):
    """``multipart/form-data``: file parts for ``FileTypes`` values, form fields otherwise."""

    def __init__(
        self,
        fields: Mapping[str, object] | Iterable[tuple[str, object]],
        stack: ExitStack,
        part_types: Mapping[str, str] | None = None,
    ) -> None:
        self.boundary = uuid.uuid4().hex
        self.content_type = f"multipart/form-data; boundary={self.boundary}"
        self._parts: list[tuple[bytes, _Source]] = []
        self._types = part_types or {}
        self.file_sizes: list[tuple[str, int | None]] = []
        """(field name, size in bytes or None when unknown) of every file part."""
        items = fields.items() if isinstance(fields, Mapping) else fields
        for name, value in items:
            if value is None or isinstance(value, NotGiven):
                continue
            if isinstance(value, list) and value and all(is_file_types(v) for v in value):
                for item in value:
                    self._add_file(name, item, stack)
            elif is_file_types(value):
                self._add_file(name, value, stack)
            elif isinstance(value, list):
                for item in value:
                    self._add_field(name, item, stack)
            else:
                self._add_field(name, value, stack)
        self.replayable = all(source.replayable for _, source in self._parts)
        lengths = [source.length for _, source in self._parts]
        self.length: int | None = None
        if all(length is not None for length in lengths):
            self.length = sum(
                len(head) + (length or 0) + 2
                for (head, _), length in zip(self._parts, lengths, strict=True)
            ) + len(self._closing)

    @property
    def _closing(self) -> bytes:
        return f"--{self.boundary}--\r\n".encode()

    def _head(self, disposition: str, content_type: str | None) -> bytes:
        lines = [f"--{self.boundary}", f"Content-Disposition: form-data; {disposition}"]
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def _add_field(self, name: str, value: object, stack: ExitStack) -> None:
        content_type = _concrete(self._types.get(name))
        if _is_json(content_type) or (
            content_type is None
            and (isinstance(value, (dict, list)) or hasattr(value, "model_dump"))
        ):
            text = json.dumps(to_jsonable(value))
            content_type = content_type or "application/json"
        else:
            text = scalar_to_str(value)
        head = self._head(f'name="{_quote(name)}"', content_type)
        self._parts.append((head, _Source(text.encode(), stack)))

    def _add_file(self, name: str, value: Any, stack: ExitStack) -> None:
        filename: str | None
        content_type: str | None = None
        if isinstance(value, tuple):
            filename, content = value[0], value[1]
            if len(value) == 3:
                content_type = value[2]
        else:
            filename, content = _filename(value), value
        filename = filename or "upload"
        if content_type is None:
            content_type = _concrete(self._types.get(name))
        if content_type is None:
            content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        disposition = f'name="{_quote(name)}"; filename="{_quote(filename)}"'
        source = _Source(content, stack)
        self._parts.append((self._head(disposition, content_type), source))
        self.file_sizes.append((name, source.length))

    def _chunks(self) -> Iterator[bytes]:
        for head, source in self._parts:
            yield head
            yield from source.chunks()
            yield b"\r\n"
        yield self._closing


def _concrete(declared: str | None) -> str | None:
    """The one media type an ``encoding`` ``contentType`` names (not a range or a list), else None."""
    if declared is None or "," in declared or "*" in declared:
        return None
    return declared.strip() or None


def _is_json(media: str | None) -> bool:
    if media is None:
        return False
    media = media.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def open_content(content: object, stack: ExitStack) -> bytes | FileStream:
    """A raw body: bytes as they are, ``str`` as UTF-8, files/paths streamed."""
    if isinstance(content, str):
        return content.encode()
    if isinstance(content, (bytes, bytearray)):
        return bytes(content)
    if is_file_content(content):
        return FileStream(content, stack)
    raise TypeError(f"Cannot send a {type(content).__name__} as a raw request body")
