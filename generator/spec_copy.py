"""The copy of its spec every package ships at its root (`openapi.yml` / `openapi.json`): what its
generated tests mock with Prism, and the API's description for its users.

The copy is the spec's own text, unchanged but for clientgen's header: a comment line in YAML, an
`x-clientgen` member first in JSON (Prism and other tools ignore `x-` members). A spec whose relative
`$ref`s were bundled into one document is written as that document (JSON), since the files it names
are not shipped. It is data: nothing in it is escaped or interpreted."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from . import escape
from .paths import HEADER

BUNDLED = "x-clientgen-bundled"  # refs.py marks a document it bundled so
MEMBER = "x-clientgen"


def copy_name(spec: Path, document: dict[str, Any]) -> str:
    """`openapi.json` for a JSON spec (by its file name) or a bundled one, else `openapi.yml`."""
    if BUNDLED in document or spec.suffix.lower() == ".json":
        return "openapi.json"
    return "openapi.yml"


def copy_bytes(name: str, raw: bytes, document: dict[str, Any]) -> bytes:
    """The copy's content for `copy_name`'s `name`: the spec's bytes with the header. Bytes, not text,
    and one new buffer: a 13 MB spec costs about as much again, not several decoded copies."""
    return b"".join(copy_parts(name, raw, document))


Parts = tuple[bytes | memoryview, ...]


def copy_parts(name: str, raw: bytes, document: dict[str, Any]) -> Parts:
    """`copy_bytes` as the pieces that make it, views of `raw` where it is kept as it is (the
    staging folder writes them one after the other: graph-beta's 47 MB are not copied again)."""
    raw = raw.removeprefix(codecs.BOM_UTF8)
    end = b"" if raw.endswith(b"\n") else b"\n"
    if name.endswith(".yml"):
        return f"# {HEADER}\n".encode(), memoryview(raw), end
    start = _SPACE.match(raw)
    at = start.end() if start else 0
    if BUNDLED not in document and raw.startswith(b"{", at):
        separator = "" if _EMPTY.match(raw, at + 1) else ","
        member = escape.json_document({MEMBER: HEADER})[1:-3].strip()  # `"x-clientgen": "…"`
        view = memoryview(raw)
        opened = ("{\n  " + member + separator).encode()
        return view[:at], opened, view[at + 1 :], end
    return (escape.json_document({MEMBER: HEADER, **document}).encode(),)


_SPACE = re.compile(rb"\s*")
_EMPTY = re.compile(rb"\s*\}")
