"""Two-step uploads: create a record, then PUT the file to the pre-signed URL from its response.

The file is checked against the size limit before any request. The PUT goes to the storage service
(e.g. S3) with the file's ``Content-Type`` and **without** this API's credentials; the signed URL is
treated as a secret (its query string never appears in messages).
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, cast

import httpx

from ._exceptions import FileTooLargeError, make_status_error
from ._models import get_envelope, get_field

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


def _redact(url: str) -> str:
    return url.split("?", 1)[0] + ("?[signature redacted]" if "?" in url else "")


def _request(upload: PendingUpload, url: str) -> tuple[str, str, dict[str, str]]:
    return "PUT", url, {"Content-Type": upload.content_type}


def _raise_for(response: httpx.Response, url: str) -> None:
    if response.is_success:
        return
    raise make_status_error(
        response,
        error_codes={},
        redact=lambda text: text.replace(url, _redact(url)),
        note=f"uploading to {_redact(url)} failed",
    )


def put(http: httpx.Client, upload: PendingUpload, url: str, timeout: Any = None) -> None:
    method, target, headers = _request(upload, url)
    kwargs: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    response = http.request(
        method, target, content=upload.data, headers=headers, auth=None, **kwargs
    )
    response.read()
    _raise_for(response, url)


async def async_put(
    http: httpx.AsyncClient, upload: PendingUpload, url: str, timeout: Any = None
) -> None:
    method, target, headers = _request(upload, url)
    kwargs: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
    response = await http.request(
        method, target, content=upload.data, headers=headers, auth=None, **kwargs
    )
    await response.aread()
    _raise_for(response, url)
