"""Names the runtime defines, read from its own source: one table, shared by generator and runtime.

`templates/runtime/core/_exceptions.py` holds the status → exception table (`_STATUS_CLASSES`) and the
exceptions every client exports (`__all__`); the generator reads both from that file's syntax tree (never
by importing it), so the error-code classes, the names they must not take and the README's table can
never drift from what the runtime raises."""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from functools import cache
from typing import Any

from ..paths import templates_dir

EXCEPTIONS = ("runtime", "core", "_exceptions.py")
SERVER_ERROR = "InternalServerError"  # what 5xx statuses without a class of their own raise
# both tables as read from one text of the file, kept beside this module's bytecode (`_read`)
RECORD = "clientgen-runtime-names.json"


@cache
def _source() -> bytes:
    return templates_dir().joinpath(*EXCEPTIONS).read_bytes()


@cache
def _tree() -> ast.Module:
    return ast.parse(_source().decode("utf-8"))


def _assigned(name: str) -> ast.expr:
    for node in _tree().body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == name:
            return value
    raise LookupError(f"{'/'.join(EXCEPTIONS)} assigns no {name}")


@cache
def status_classes() -> dict[int, str]:
    """HTTP status → the exception class the runtime raises for it (5xx without one: SERVER_ERROR)."""
    return {int(k): v for k, v in _read()["status_classes"]}


@cache
def exception_names() -> frozenset[str]:
    """Every exception class a generated package exports from the runtime."""
    return frozenset(_read()["exception_names"])


@cache
def _read() -> dict[str, Any]:
    """Both tables: the record's when it was made from the file's very bytes (its SHA-256), else
    read from the syntax tree (≈ 2–3 ms: a replay renders the README, which reads the first) and
    recorded where this module's bytecode goes, when Python writes bytecode there."""
    from .. import fingerprint_record

    digest = hashlib.sha256(_source()).hexdigest()
    where = fingerprint_record.location(__file__, RECORD)
    if where is not None:
        try:
            with open(where, "rb") as f:
                kept = json.loads(f.read())
            if kept["sha256"] == digest and _well_formed(kept):
                return dict(kept)
        except (OSError, ValueError, TypeError, KeyError):
            pass
    made = {
        "sha256": digest,
        "status_classes": list(_parsed_status_classes().items()),  # (in the file's order)
        "exception_names": sorted(_parsed_exception_names()),
    }
    if where is not None and not sys.dont_write_bytecode:
        from ..dataclass_code import write_whole

        write_whole(where, json.dumps(made).encode())
    return made


def _well_formed(kept: Any) -> bool:
    pairs, names = kept.get("status_classes"), kept.get("exception_names")
    return (
        isinstance(pairs, list)
        and all(
            isinstance(p, list) and len(p) == 2 and type(p[0]) is int and isinstance(p[1], str)
            for p in pairs
        )
        and isinstance(names, list)
        and all(isinstance(n, str) for n in names)
    )


def _parsed_status_classes() -> dict[int, str]:
    table = _assigned("_STATUS_CLASSES")
    assert isinstance(table, ast.Dict)
    return {
        k.value: v.id
        for k, v in zip(table.keys, table.values, strict=True)
        if isinstance(k, ast.Constant) and isinstance(k.value, int) and isinstance(v, ast.Name)
    }


def _parsed_exception_names() -> frozenset[str]:
    listed = _assigned("__all__")
    assert isinstance(listed, ast.List)
    return frozenset(
        e.value
        for e in listed.elts
        if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value[:1].isupper()
    )


def status_class(status: int | None) -> str:
    """The class a response of `status` raises (the base of an error-code class)."""
    if status is None:
        return "APIStatusError"
    classes = status_classes()
    if status in classes:
        return classes[status]
    return SERVER_ERROR if status >= 500 else "APIStatusError"
