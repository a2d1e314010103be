"""Binary responses, streamed from the socket instead of loaded into memory."""

from __future__ import annotations

import email.message
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from ._exceptions import APIConnectionError, APITimeoutError

__all__ = ["AsyncBinaryResponse", "BinaryResponse"]

DEFAULT_CHUNK_SIZE = 64 * 1024


def _wrap_transport_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Timed out reading the response body: {exc}", request=request)
    return APIConnectionError(f"Connection lost reading the response body: {exc}", request=request)


def _filename(headers: httpx.Headers) -> str | None:
    disposition = headers.get("content-disposition")
    if not disposition:
        return None
    message = email.message.Message()
    message["content-disposition"] = disposition
    name = message.get_filename()
    if not name:
        return None
    # Only ever a bare file name: a server must not be able to choose a directory.
    name = os.path.basename(name.replace("\\", "/")).strip()
    return name if name not in ("", ".", "..") else None


class _BinaryBase:
    def __init__(self, response: httpx.Response) -> None:
        self.http_response = response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content_type(self) -> str | None:
        """The media type, without parameters (``"application/pdf"``)."""
        value = self.http_response.headers.get("content-type")
        return value.split(";", 1)[0].strip() if value else None

    @property
    def content_length(self) -> int | None:
        value = self.http_response.headers.get("content-length")
        return int(value) if value and value.isdigit() else None

    @property
    def filename(self) -> str | None:
        """File name from ``Content-Disposition`` (``filename*`` preferred), as a base name."""
        return _filename(self.http_response.headers)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.status_code} content_type={self.content_type!r} "
            f"filename={self.filename!r}>"
        )


def _partial_path(path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    return target.with_name(target.name + ".part")


def _destination(path: str | os.PathLike[str], filename: str | None) -> Path:
    """A folder means: the file name the server sent (Content-Disposition), else "download"."""
    target = Path(path)
    return target / (filename or "download") if target.is_dir() else target


class BinaryResponse(_BinaryBase):
    """A binary body. Use ``content``, or ``iter_bytes()`` / ``write_to_file()`` to stream it.

    The connection stays open until the body is consumed or ``close()`` is called (also a
    context manager).
    """

    @property
    def content(self) -> bytes:
        """The whole body (read into memory on first access)."""
        try:
            return self.http_response.read()
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            self.http_response.close()

    def iter_bytes(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the body in chunks of ``chunk_size`` bytes as they arrive."""
        try:
            yield from self.http_response.iter_bytes(chunk_size)
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            self.http_response.close()

    def write_to_file(
        self, path: str | os.PathLike[str], *, chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> int:
        """Stream the body to ``path`` and return the number of bytes written.

        Data goes to ``<path>.part`` first, renamed on success, so a failed download never
        leaves a truncated file under the final name. When ``path`` is a folder the file is named
        after the server's ``Content-Disposition`` file name.
        """
        path = _destination(path, self.filename)
        partial = _partial_path(path)
        written = 0
        try:
            with open(partial, "wb") as file:
                for chunk in self.iter_bytes(chunk_size):
                    file.write(chunk)
                    written += len(chunk)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return written

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBinaryResponse(_BinaryBase):
    """Async twin of ``BinaryResponse``: ``await read()``, ``async for`` over ``iter_bytes()``."""

    @property
    def content(self) -> bytes:
        """The body; only available after ``await read()``."""
        return self.http_response.content

    async def read(self) -> bytes:
        """Read the whole body into memory."""
        try:
            return await self.http_response.aread()
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            await self.http_response.aclose()

    async def iter_bytes(self, chunk_size: int = DEFAULT_CHUNK_SIZE) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise _wrap_transport_error(exc, self.http_response.request) from exc
        finally:
            await self.http_response.aclose()

    async def write_to_file(
        self, path: str | os.PathLike[str], *, chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> int:
        """Stream the body to ``path`` (via ``<path>.part``; a folder: the server's file name)."""
        import asyncio  # here, not at the top: importing the package does not import asyncio

        path = _destination(path, self.filename)
        partial = _partial_path(path)
        written = 0
        file = await asyncio.to_thread(partial.open, "wb")
        try:
            try:
                async for chunk in self.iter_bytes(chunk_size):
                    await asyncio.to_thread(file.write, chunk)
                    written += len(chunk)
            finally:
                await asyncio.to_thread(file.close)
            await asyncio.to_thread(os.replace, partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return written

    async def close(self) -> None:
        await self.http_response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
