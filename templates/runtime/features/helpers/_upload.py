"""Two-step uploads: create a record, then PUT the file to the pre-signed URL from its response.

The file is checked against the size limit before any request. The PUT goes to the storage service
(e.g. S3) with the file's ``Content-Type`` and **without** this API's credentials, headers or cookies,
within the call's timeout; the signed URL is treated as a secret (its query string never appears in
messages or in the ``httpx`` logger's records). A redirect from the storage service is an error.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, cast

import httpx

from ._body import aread_body, read_body
from ._exceptions import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    FileTooLargeError,
    make_status_error,
)
from ._limits import LIMITS_KEY, CallLimits
from ._logs import Redactor, hidden_from_httpx_logs
from ._models import get_envelope, get_field
from ._redirects import where
from ._types import NOT_GIVEN, NotGiven

__all__ = ["PendingUpload", "async_put", "put", "upload_url"]

_DEFAULT_TYPE = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """A file read and checked, ready to upload."""

    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @classmethod
    def open(
        cls, file: object, *, content_type: str | None = None, max_bytes: int | None = None
    ) -> PendingUpload:
        """Read ``file`` (a path, bytes, a binary file or ``(name, content[, type])``), refusing big ones."""
        name: str | None = None
        if isinstance(file, tuple):
            name, file, *rest = file
            if rest and rest[0] and content_type is None:
                content_type = str(rest[0])
        if isinstance(file, (str, os.PathLike)):
            path = os.fspath(file)
            _check(os.path.getsize(path), max_bytes, path)
            with open(path, "rb") as handle:
                data = handle.read()
            name = name or os.path.basename(path)
        elif isinstance(file, (bytes, bytearray, memoryview)):
            data = bytes(file)
        elif hasattr(file, "read"):
            reader = cast("IO[bytes]", file)
            data = reader.read((max_bytes + 1) if max_bytes is not None else -1)
            name = name or os.path.basename(str(getattr(file, "name", "") or "")) or None
        else:
            raise TypeError(
                f"Cannot upload a {type(file).__name__}: pass a path, bytes or a binary file"
            )
        _check(len(data), max_bytes, name or "file")
        name = name or "upload"
        guessed = mimetypes.guess_type(name)[0]
        return cls(name, content_type or guessed or _DEFAULT_TYPE, data)

    def attributes(
        self, names: Mapping[str, str], extra: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """Record attributes describing the file (``names``: name/type/size → attribute), plus ``extra``."""
        values = {"name": self.name, "type": self.content_type, "size": self.size}
        out: dict[str, Any] = {attr: values[key] for key, attr in names.items()}
        out.update(extra or {})
        return out


def _check(size: int, limit: int | None, name: str) -> None:
    if limit is not None and size > limit:
        raise FileTooLargeError(
            f"{name!r} is larger than the {limit:,}-byte limit of this upload. Nothing was sent.",
            size=size,
            limit=limit,
        )


def upload_url(record: object, dotted: str) -> str:
    """The pre-signed URL at ``dotted`` in the response the record came from."""
    holder: Any = get_envelope(record)
    if holder is None:
        holder = {"data": record}
    for part in dotted.split("."):
        holder = get_field(holder, part)
    if not isinstance(holder, str) or not holder.startswith(("https://", "http://")):
        raise ValueError(f"The response has no upload URL at {dotted!r}; nothing was uploaded")
    return holder


def _url_secrets(url: httpx.URL) -> list[str]:
    """The query string of a pre-signed URL and each of its values: its signature and credentials."""
    secrets = [url.query.decode("ascii", "replace")]
    for _, value in url.params.multi_items():
        secrets.append(value)
    return [secret for secret in secrets if len(secret) >= 4]


def _prepare(
    client: Any, upload: PendingUpload, url: str, timeout: Any
) -> tuple[httpx.Request, Redactor]:
    """The PUT (no client headers, cookies or auth: only the file and its type), with the client's
    timeout (or ``timeout``) and limits."""
    target = httpx.URL(url)
    limits = CallLimits.start(
        total_timeout=client.total_timeout, max_bytes=client.max_response_bytes, max_redirects=0
    )
    chosen = client.timeout if isinstance(timeout, NotGiven) else timeout
    chosen = chosen if isinstance(chosen, httpx.Timeout) else httpx.Timeout(chosen)
    request = httpx.Request(
        "PUT",
        target,
        content=upload.data,
        headers={"Content-Type": upload.content_type},
        extensions={"timeout": limits.capped(chosen).as_dict(), LIMITS_KEY: limits},
    )
    return request, Redactor(_url_secrets(target))


def _shown(url: httpx.URL) -> str:
    """The URL for messages: its query string (signature, credential) replaced by a marker."""
    return where(url) + ("?[signature redacted]" if url.query else "")


def _failed(exc: httpx.RequestError, request: httpx.Request, redact: Redactor) -> APIError:
    message = f"Uploading to {_shown(request.url)} failed: {redact(str(exc)) or type(exc).__name__}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out: {message}", request=request)
    return APIConnectionError(f"Connection error: {message}", request=request)


def _raise_for(response: httpx.Response, redact: Redactor) -> None:
    if response.is_success:
        return
    raise make_status_error(
        response,
        error_codes={},
        redact=redact,
        note=f"uploading to {_shown(response.request.url)} failed",
    )


def put(client: Any, upload: PendingUpload, url: str, timeout: Any = NOT_GIVEN) -> None:
    """PUT the file to the pre-signed ``url`` through ``client``'s connection pool. The URL's query
    string (its signature) never appears in logs or messages."""
    request, redact = _prepare(client, upload, url, timeout)
    http: httpx.Client = client._http
    with hidden_from_httpx_logs(redact.secrets):
        try:
            response = http.send(request, stream=True, auth=None, follow_redirects=False)
            read_body(response)
        except httpx.RequestError as exc:
            raise _failed(exc, request, redact) from None
    _raise_for(response, redact)


async def async_put(client: Any, upload: PendingUpload, url: str, timeout: Any = NOT_GIVEN) -> None:
    """Async twin of ``put``."""
    request, redact = _prepare(client, upload, url, timeout)
    http: httpx.AsyncClient = client._http
    with hidden_from_httpx_logs(redact.secrets):
        try:
            response = await http.send(request, stream=True, auth=None, follow_redirects=False)
            await aread_body(response)
        except httpx.RequestError as exc:
            raise _failed(exc, request, redact) from None
    _raise_for(response, redact)
