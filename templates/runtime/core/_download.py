"""Where a binary download goes: the server's file name made safe, and no-clobber file creation."""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

import httpx

__all__ = ["Target", "filename_of", "safe_filename"]

_MAX_DISPOSITION = 4096
_MAX_NAME_BYTES = 200


def _disposition_params(value: str) -> dict[str, str]:
    """The parameters of a ``Content-Disposition`` value (lower-case names, first one wins), in one
    pass over at most its first 4 KiB."""
    value = value[:_MAX_DISPOSITION]
    params: dict[str, str] = {}
    size = len(value)
    index = value.find(";")
    while 0 <= index < size:
        equals = value.find("=", index + 1)
        following = value.find(";", index + 1)
        if equals < 0:
            break
        if 0 <= following < equals:  # a parameter without a value
            index = following
            continue
        name = value[index + 1 : equals].strip().lower()
        position = equals + 1
        while position < size and value[position] in " \t":
            position += 1
        if position < size and value[position] == '"':  # quoted-string with backslash escapes
            chars: list[str] = []
            position += 1
            while position < size and value[position] != '"':
                if value[position] == "\\" and position + 1 < size:
                    position += 1
                chars.append(value[position])
                position += 1
            text = "".join(chars)
            index = value.find(";", position)
        else:
            index = value.find(";", position)
            text = value[position : size if index < 0 else index].strip()
        params.setdefault(name, text)
    return params


def _extended(value: str) -> str | None:
    """An RFC 8187 ext-value (``UTF-8''na%C3%AFve.txt``); None if it cannot be decoded."""
    charset, _, rest = value.partition("'")
    _, _, encoded = rest.partition("'")
    if charset.strip().lower() not in ("utf-8", "iso-8859-1") or not encoded:
        return None
    try:
        return unquote(encoded, encoding=charset.strip().lower(), errors="strict")
    except (UnicodeDecodeError, LookupError):
        return None


def safe_filename(name: str | None) -> str | None:
    """A bare file name: no folder part, no control characters, not ``.``/``..``, at most 200
    bytes; None when nothing usable is left."""
    if not name:
        return None
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    if name in ("", ".", "..") or len(name.encode("utf-8", "replace")) > _MAX_NAME_BYTES:
        return None
    return name


def filename_of(headers: httpx.Headers) -> str | None:
    """The ``Content-Disposition`` file name, ``filename*`` preferred (RFC 6266)."""
    disposition = headers.get("content-disposition")
    if not disposition:
        return None
    params = _disposition_params(disposition)
    extended = params.get("filename*")
    name = _extended(extended) if extended is not None else None
    return safe_filename(name if name is not None else params.get("filename"))


_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL  # a new file, never one that exists (or a symlink planted in its place)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _exists_error(path: Path) -> FileExistsError:
    return FileExistsError(
        errno.EEXIST,
        "A file with the server's file name exists; pass overwrite=True to replace it",
        str(path),
    )


class Target:
    """The final path of a download and the temporary file it is written to first.

    ``path`` a folder: the file is named ``filename`` (the server's, already made safe) or
    ``download``, and replaces an existing file only with ``overwrite``. Otherwise ``path`` is the
    caller's choice and is replaced. The temporary file is a new hidden file next to the target.
    """

    def __init__(self, path: str | os.PathLike[str], filename: str | None, *, overwrite: bool):
        target = Path(path)
        if target.is_dir():
            self.path = target / (filename or "download")
            self.replace = overwrite
        else:
            self.path = target
            self.replace = True
        if not self.replace and os.path.lexists(self.path):
            raise _exists_error(self.path)
        self.partial = self.path.with_name(f".{self.path.name}.{secrets.token_hex(8)}.part")

    def open(self) -> BinaryIO:
        """The temporary file, created exclusively without following symlinks."""
        return os.fdopen(os.open(self.partial, _CREATE_FLAGS, 0o666), "wb")

    def commit(self) -> None:
        """Move the finished file into place (atomically refusing an existing file unless
        replacing is allowed)."""
        if self.replace:
            os.replace(self.partial, self.path)
            return
        try:
            os.link(self.partial, self.path)
        except FileExistsError:
            raise _exists_error(self.path) from None
        except OSError:  # a file system without hard links: check, then rename
            if os.path.lexists(self.path):
                raise _exists_error(self.path) from None
            os.replace(self.partial, self.path)
            return
        os.unlink(self.partial)

    def discard(self) -> None:
        try:
            os.unlink(self.partial)
        except FileNotFoundError:
            pass
