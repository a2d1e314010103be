"""`naming/runtime.py`: the runtime's status → exception table and exported exceptions, read from
`_exceptions.py`'s syntax tree once and kept beside the module's bytecode, keyed by the file's
SHA-256 (issue 18, cpu25: a replay renders the README, which reads the table)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import fingerprint_record
from generator.naming import runtime


def _clear() -> None:
    for name in ("_source", "_tree", "_read", "status_classes", "exception_names"):
        clear = getattr(getattr(runtime, name), "cache_clear", None)  # (`_tree` may be a stand-in)
        if clear is not None:
            clear()


@pytest.fixture
def prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The record goes below `tmp_path` (where bytecode would, with PYTHONPYCACHEPREFIX)."""
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    _clear()
    yield tmp_path
    _clear()


def _record() -> Path:
    where = fingerprint_record.location(runtime.__file__, runtime.RECORD)
    assert where is not None
    return Path(where)


def _unparsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the syntax tree fails: what is answered comes from the record."""

    def refuse() -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(runtime, "_tree", refuse)


def test_the_tables_equal_the_syntax_trees_and_are_recorded(
    prefix: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed, names = runtime._parsed_status_classes(), runtime._parsed_exception_names()
    assert list(runtime.status_classes().items()) == list(parsed.items())  # (the file's order)
    assert runtime.exception_names() == names
    assert 404 in parsed and "NotFoundError" in names
    assert _record().is_file() and str(_record()).startswith(str(prefix))
    _clear()
    _unparsed(monkeypatch)  # a later process: the record answers, in the same order
    assert list(runtime.status_classes().items()) == list(parsed.items())
    assert runtime.exception_names() == names


@pytest.mark.parametrize(
    "damage",
    ["another file", "not JSON", "a status as text", "no names", "a class not a string"],
)
def test_a_record_of_another_file_or_damaged_is_read_again(
    prefix: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    expected = list(runtime.status_classes().items()), runtime.exception_names()
    kept = json.loads(_record().read_text())
    if damage == "another file":
        kept["sha256"] = "0" * 64
        kept["status_classes"] = [[404, "Forged"]]
    elif damage == "a status as text":
        kept["status_classes"][0][0] = str(kept["status_classes"][0][0])
    elif damage == "no names":
        del kept["exception_names"]
    elif damage == "a class not a string":
        kept["status_classes"][0][1] = 7
    text = "{ not json" if damage == "not JSON" else json.dumps(kept)
    _record().write_text(text)
    _clear()
    assert (list(runtime.status_classes().items()), runtime.exception_names()) == expected
    _clear()
    _unparsed(monkeypatch)  # written again, whole
    assert (list(runtime.status_classes().items()), runtime.exception_names()) == expected


def test_nothing_is_recorded_when_bytecode_is_not_written(
    prefix: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert runtime.status_classes() == runtime._parsed_status_classes()
    assert not _record().exists()
