"""Binary responses, streamed from the socket instead of loaded into memory."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import httpx

from ._body import aread_body, read_body
from ._download import Target, filename_of
from ._exceptions import APIConnectionError, APITimeoutError
from ._types import AsyncClosing, Closing

__all__ = ["AsyncBinaryResponse", "BinaryResponse"]

DEFAULT_CHUNK_SIZE = 64 * 1024


def _wrap_transport_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Timed out reading the response body: {exc}", request=request)
    return APIConnectionError(f"Connection lost reading the response body: {exc}", request=request)


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
        return filename_of(self.http_response.headers)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.status_code} content_type={self.content_type!r} "
            f"filename={self.filename!r}>"
        )


class BinaryResponse(_BinaryBase, Closing):
    """A binary body. Use ``content``, or ``iter_bytes()`` / ``write_to_file()`` to stream it.

    The connection stays open until the body is consumed or ``close()`` is called (also a
    context manager).
    """

    @property
    def content(self) -> bytes:
        """The whole body (read into memory on first access, within the client's
        ``max_response_bytes`` and read timeout; stream large files instead)."""
        try:
            return read_body(self.http_response)
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
        self,
        path: str | os.PathLike[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        overwrite: bool = False,
    ) -> int:
        """Stream the body to ``path`` and return the number of bytes written (not limited by
        ``max_response_bytes``).

        When ``path`` is a folder the file is named after the server's ``Content-Disposition``
        file name (reduced to a bare name, else ``download``) and an existing file of that name
        is never replaced unless ``overwrite=True`` (``FileExistsError``, nothing is read). A file
        path you name is replaced. Data goes to a new hidden temporary file next to the target
        (created exclusively, never through a symlink), renamed on success, so a failed download
        never leaves a truncated file under the final name.
        """
        try:
            target = Target(path, self.filename, overwrite=overwrite)
        except BaseException:
            self.close()
            raise
        written = 0
        try:
            with target.open() as file:
                for chunk in self.iter_bytes(chunk_size):
                    file.write(chunk)
                    written += len(chunk)
            target.commit()
        except BaseException:
            target.discard()
            raise
        return written

    def close(self) -> None:
        self.http_response.close()


class AsyncBinaryResponse(_BinaryBase, AsyncClosing):
    """Async twin of ``BinaryResponse``: ``await read()``, ``async for`` over ``iter_bytes()``."""

    @property
    def content(self) -> bytes:
        """The body; only available after ``await read()``."""
        return self.http_response.content

    async def read(self) -> bytes:
        """Read the whole body into memory (within ``max_response_bytes`` and the read timeout)."""
        try:
            return await aread_body(self.http_response)
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
        self,
        path: str | os.PathLike[str],
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        overwrite: bool = False,
    ) -> int:
        """Stream the body to ``path``; the same rules as ``BinaryResponse.write_to_file``."""
        import asyncio  # here, not at the top: importing the package does not import asyncio

        try:
            target = await asyncio.to_thread(Target, path, self.filename, overwrite=overwrite)
        except BaseException:
            await self.close()
            raise
        written = 0
        try:
            file = await asyncio.to_thread(target.open)
            try:
                async for chunk in self.iter_bytes(chunk_size):
                    await asyncio.to_thread(file.write, chunk)
                    written += len(chunk)
            finally:
                await asyncio.to_thread(file.close)
            await asyncio.to_thread(target.commit)
        except BaseException:
            target.discard()
            raise
        return written

    async def close(self) -> None:
        await self.http_response.aclose()
