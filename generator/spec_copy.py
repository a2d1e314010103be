"""The copy of its spec every package ships at its root (`openapi.yml` / `openapi.json`): what its
generated tests mock with Prism, and the API's description for its users.

The copy is the spec's own text, unchanged but for clientgen's header: a comment line in YAML, an
`x-clientgen` member first in JSON (Prism and other tools ignore `x-` members). A spec whose relative
`$ref`s were bundled into one document is written as that document (JSON), since the files it names
are not shipped. It is data: nothing in it is escaped or interpreted."""

from __future__ import annotations

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


def copy_text(name: str, text: str, document: dict[str, Any]) -> str:
    """The copy's content for `copy_name`'s `name`: `text` (the spec's source) with the header."""
    if name.endswith(".yml"):
        return f"# {HEADER}\n{text}" + ("" if text.endswith("\n") else "\n")
    stripped = text.lstrip()
    if BUNDLED not in document and stripped.startswith("{"):
        rest = stripped[1:]
        separator = "" if rest.lstrip().startswith("}") else ","
        member = escape.json_document({MEMBER: HEADER})[1:-3].strip()  # `"x-clientgen": "…"`
        return "{\n  " + member + separator + rest + ("" if rest.endswith("\n") else "\n")
    return escape.json_document({MEMBER: HEADER, **document})
