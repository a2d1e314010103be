"""The stage cache's key of a spec (`stage/cache.py`): its text with the prose emptied, and the
generator, library and configuration it was made with."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .prose import PROSE_KEYS, Places, prose_of


# ---- keys --------------------------------------------------------------------------------------------
@dataclass
class Scan:
    """A spec as the snapshot sees it: the key, and its prose values in order — for a JSON text
    their offsets and JSON tokens (`validation_cache.scan_prose`); for a YAML one (`places` set)
    their holders and keys and the values themselves, read from the parsed document."""

    key: bytes
    offsets: list[int]
    tokens: list[str]
    places: Places | None = None
    shape: bytes = b""  # the SHA-256 of the text (or document) with the prose emptied: in `key`


def scan(text: str, spec: str, label: str, config: str) -> Scan | None:
    """`spec`: the spec's path as configured; `label`: the name diagnostics give it. A JSON text is
    scanned as text; any other is parsed (`scan_document`)."""
    from ..validation_cache import scan_prose

    if not text.lstrip().startswith("{"):
        return scan_document(text, spec, label, config)
    blanked, offsets, tokens = scan_prose(text)
    shape = hashlib.sha256(blanked.encode("utf-8", "surrogatepass")).digest()
    del blanked
    return Scan(key_of(b"json", shape, spec, label, config), offsets, tokens, shape=shape)


def scan_document(text: str, spec: str, label: str, config: str) -> Scan | None:
    """A YAML spec: parsed as the full path parses it; the key covers the document with every prose
    value emptied (in the document's own key order), None when it cannot serve (unreadable, `$ref`s
    into `/paths` or out of the document, a structure JSON cannot spell)."""
    from ..diagnostics import SpecError
    from ..load import parse_text

    try:
        document = parse_text(text, spec)
    except SpecError:
        return None
    return scan_parsed(document, spec, label, config)


def scan_parsed(document: Any, spec: str, label: str, config: str) -> Scan | None:
    if not isinstance(document, dict):
        return None
    prose, alone, _ = prose_of(document)
    if not alone:
        return None
    try:
        shape = json.dumps(
            _blanked(document), ensure_ascii=False, separators=(",", ":"), default=repr
        )
    except (ValueError, RecursionError):  # a cycle (YAML aliases) or nesting JSON cannot spell
        return None
    digest = hashlib.sha256(shape.encode("utf-8", "surrogatepass")).digest()
    key = key_of(b"document", digest, spec, label, config)
    return Scan(key, [], [v for _, _, v in prose], [(w, k) for w, k, _ in prose], digest)


def _blanked(node: Any) -> Any:
    if type(node) is dict:
        return {
            k: "" if k in PROSE_KEYS and type(v) is str else _blanked(v) for k, v in node.items()
        }
    if type(node) is list:
        return [_blanked(v) for v in node]
    return node


def key_of(mode: bytes, shape: bytes, spec: str, label: str, config: str) -> bytes:
    """The snapshot's key: `shape` (the SHA-256 of the text, or document, with the prose emptied)
    and what else decides the IR, names and diagnostics — the generator, Python, pydantic and
    openapi-pydantic, the target's configuration, the spec's path and label."""
    from ..provenance import dist_version, generator_fingerprint

    digest = hashlib.sha256(mode + b"\0" + shape)
    for part in (
        generator_fingerprint(),
        sys.version,
        dist_version("pydantic", "pydantic"),
        dist_version("openapi_pydantic", "openapi_pydantic"),
        config,
        spec,
        label,
    ):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.digest()


def read_spec(spec: Path, again: bytes | None = None) -> tuple[bytes, str] | None:
    """The spec file's bytes and text, or None for anything `spec_bytes.read_bytes` would refuse or
    report (the full path then says what is wrong). `again`: its bytes as just read (a regular file,
    `tree_index.read_again`), read again only when over the size limit."""
    raw = read_raw(spec, again)
    text = None if raw is None else decoded(raw)
    return None if raw is None or text is None else (raw, text)


def read_raw(spec: Path, again: bytes | None = None) -> bytes | None:
    """`read_spec`'s bytes (their text not decoded: `decoded`)."""
    from ..diagnostics import SpecError
    from ..spec_bytes import MAX_SPEC_BYTES, read_bytes

    try:
        return again if again is not None and len(again) <= MAX_SPEC_BYTES else read_bytes(spec)
    except (SpecError, OSError):
        return None


def decoded(raw: bytes) -> str | None:
    """`read_spec`'s text of these bytes (None: not UTF-8)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
