"""The validation findings of the last run, reused when the spec changed only in its prose.

openapi-pydantic validation (`validate.py`) costs a third of a second of CPU for GitHub's spec, in a
forked child. Its findings do not depend on the text of `summary` and `description` strings: every
such field of openapi-pydantic's models is a plain `str` (no pattern, length or validator), the mappings
a key of that name can appear in take any string (`scopes`, `mapping`) or no string at all (`properties`,
`responses`: the same error whatever the string says), and `example`/`default`/extensions take anything.
An error message never quotes a string's value. So a document that differs from the last validated one
only in the *string values* of keys named `summary` or `description` has the same findings.

The key (`prose_free_key`) is the SHA-256 of the JSON text with every such string value emptied, the
OpenAPI version read, the generator fingerprint (this code and `validate.py`) and the pydantic and
openapi-pydantic versions. It is computed on the spec's own JSON text only — a YAML spec, or one whose
relative-file `$ref`s were bundled in, is validated as before. The scan is exact for valid JSON (the
text was just parsed): a quote that is not escaped and is followed by `summary"` or `description"` opens
that key (a closing quote cannot be followed by a letter), and the value is matched as one JSON string
token; a value that is not a string, or a key spelled with escapes, is left as it is (a different key,
so the spec is validated). One entry per output folder in `.cache/clientgen/validation/` (outside the
output folder); missing or damaged = no entry; `CLIENTGEN_CACHE=off` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from .cache_files import cache_file

FOLDER = Path(".cache") / "clientgen" / "validation"  # below the project root
_KEYS = ('"summary"', '"description"')
_VALUE = re.compile(r'[ \t\n\r]*:[ \t\n\r]*("[^"\\]*(?:\\.[^"\\]*)*")', re.DOTALL)

Finding = tuple[str, str, str]  # validate.Finding: pointer, message, hint


def prose_free_key(text: str, version: str) -> str:
    """The validation key of a JSON spec's text (see the module docstring)."""
    from .provenance import dist_version, generator_fingerprint

    digest = hashlib.sha256(blank_prose(text).encode("utf-8", "surrogatepass"))
    for part in (
        version,
        generator_fingerprint(),
        dist_version("pydantic", "pydantic"),
        dist_version("openapi_pydantic", "openapi_pydantic"),
    ):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def blank_prose(text: str) -> str:
    """The JSON `text` with the string value of every `summary` and `description` key emptied."""
    return scan_prose(text)[0]


def scan_prose(text: str) -> tuple[str, list[int], list[str]]:
    """`blank_prose`'s text, and where in it each emptied value was (the offset of its `""`) with
    the JSON string token it held, in text order."""
    starts = []
    for key in _KEYS:
        at = text.find(key)
        while at != -1:
            if at == 0 or text[at - 1] != "\\":  # an escaped quote is inside a string
                starts.append(at + len(key))
            at = text.find(key, at + 1)
    parts = []
    offsets: list[int] = []
    tokens: list[str] = []
    size = 0
    last = 0
    for after in sorted(starts):
        value = _VALUE.match(text, after)
        if value is None or value.start(1) < last:
            continue  # not followed by `: "…"`: a key whose value is no string, or inside a string
        kept = text[last : value.start(1)]
        size += len(kept)
        parts += [kept, '""']
        offsets.append(size)
        tokens.append(value.group(1))
        size += 2
        last = value.end(1)
    parts.append(text[last:])
    return "".join(parts), offsets, tokens


class FindingsCache:
    """The last validated key of one output folder and its findings."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._pending: tuple[str, list[Finding]] | None = None

    @classmethod
    def for_output(cls, root: Path | None, out: Path) -> FindingsCache:
        return cls(cache_file(root, out, FOLDER.name, ".json"))

    @property
    def kept(self) -> bool:
        """Is there a file to keep findings in (a project, caches on)? Without one the key (a scan
        of the whole spec text: 0.15 s for GitHub's) would serve nothing."""
        return self.path is not None

    def get(self, key: str) -> list[Finding] | None:
        if self.path is None:
            return None
        try:
            data = json.loads(self.path.read_bytes())
            if not isinstance(data, dict) or data.get("key") != key:
                return None
            found = [(str(p), str(m), str(h)) for p, m, h in data["findings"]]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return found

    def put(self, key: str, found: list[Finding]) -> None:
        """Note `found` as the findings of `key`; `save` keeps them (after a run that succeeded)."""
        self._pending = (key, list(found))

    def save(self) -> None:
        """Keep the noted findings (a cache: failures cost only speed)."""
        if self.path is None or self._pending is None:
            return
        key, found = self._pending
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            record = {"key": key, "findings": [list(f) for f in found]}
            tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass
