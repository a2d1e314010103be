"""What a structural replay (`stage/structural.py`) notes beside the stage snapshot, keyed by the
snapshot's key so that another snapshot never reads it: the path items openapi-pydantic found nothing
in (`<snapshot>.valid`), and what the operation half of the naming pass said of the snapshot's API
(`<snapshot>.naming`). Both only spare later replays work; deleting them costs only that."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from ..ir import Api
    from ..naming.names import Names


def _valid_file(path: Path) -> Path:
    return path.with_name(path.name + ".valid")


def digest(openapi: Any, where: str, item: Any) -> str:
    """The path item's identity for validation: with its prose emptied (`keys._blanked`), as
    `validation_cache` keys a document (a `summary`'s or `description`'s string changes nothing
    openapi-pydantic finds)."""
    from .keys import _blanked

    text = json.dumps([openapi, where, _blanked(item)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def validated(path: Path, key: bytes) -> set[str]:
    """The digests (`_digest`) of the path items replays validated clean since the snapshot with
    `key` was made (beside it: its key's line first, then one digest a line)."""
    try:
        lines = _valid_file(path).read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return set()
    return set(lines[1:]) if lines[:1] == [key.hex()] else set()


def remember_valid(path: Path, key: bytes, digests: list[str]) -> None:
    """Note path items openapi-pydantic found nothing in (a later edit need not validate them)."""
    known = validated(path, key)
    try:
        with open(_valid_file(path), "a" if known else "w", encoding="ascii") as f:
            f.write("".join(f"{d}\n" for d in [*([] if known else [key.hex()]), *digests]))
    except OSError:
        pass


def _said_file(path: Path) -> Path:
    return path.with_name(path.name + ".naming")


def said_before(path: Path, key: bytes) -> list[Diagnostic] | None:
    """What the operation half of the naming pass said of the snapshot's API — when an earlier
    replay ran it and it gave the snapshot's names (beside the snapshot: its key, then the
    diagnostics pickled); None: run it."""
    found = said_and_singulars(path, key)
    return None if found is None else found[0]


def said_and_singulars(path: Path, key: bytes) -> tuple[list[Diagnostic], dict[str, str]] | None:
    """`said_before`, and the singular of each word the pass names the snapshot's API with
    (`naming.operations.api_singulars`, noted with it by the snapshot's writer: `said_now`;
    empty when a replay noted it)."""
    from .snapshot import _Unpickler

    try:
        data = _said_file(path).read_bytes()
    except OSError:
        return None
    if data[:32] != key or len(data) < 36:
        return None
    if zlib.crc32(data[36:]) != int.from_bytes(data[32:36], "big"):
        return None
    try:
        found = _Unpickler(io.BytesIO(data[36:])).load()
    except Exception:  # noqa: BLE001 - damaged: run the pass
        return None
    if not (isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], list)):
        return None
    said, singulars = found
    if not isinstance(singulars, dict) or not all(
        type(w) is str and type(s) is str for w, s in singulars.items()
    ):
        return None
    return said, singulars


def remember_said(
    path: Path, key: bytes, said: list[Diagnostic], singulars: dict[str, str] | None = None
) -> None:
    data = pickle.dumps((said, singulars or {}), protocol=5)
    tmp = path.with_name(f".{_said_file(path).name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(key + zlib.crc32(data).to_bytes(4, "big") + data)
        os.replace(tmp, _said_file(path))
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


# the largest API whose snapshot's writer runs the operation pass for `.naming` (`said_now`): the
# pass's tables are made again in the writer (graph-beta: 22,361 operations, its memory target)
SAID_UP_TO = 5000


def said_now(path: Path, key: bytes, api: Api, names: Names, label: str) -> bool:
    """Run the operation half of the naming pass on the snapshot's `api` (as a structural replay
    that adds or removes an operation would, `structural._added_or_removed`) and note what it said
    for the snapshot with `key` — only when it gives exactly `names`' tables, in their order; False
    when it does not (nothing noted)."""
    from dataclasses import replace

    from ..diagnostics import DiagnosticSink
    from ..naming.operations import api_singulars, operation_names
    from ..naming.rules import told_singulars

    fresh = replace(names, resources={}, op_resource={}, op_method={}, params={}, body_fields={})
    heard = DiagnosticSink(file=label)
    operation_names(api, fresh, heard)
    tables = ("resources", "op_resource", "op_method", "params", "body_fields")
    if any(list(getattr(fresh, t).items()) != list(getattr(names, t).items()) for t in tables):
        return False
    # (with as many of the words an earlier snapshot's notes told: the operations an edit removed,
    # which the next edit may add again — `edit_kinds`' operations come and go)
    answers = api_singulars(api)
    told = list(told_singulars().items())[: len(answers)]
    remember_said(path, key, heard.sorted(), {**dict(told), **answers})
    return True
