"""The generator fingerprint kept beside the bytecode (`generator/fingerprint_record.py`, issue 18,
imp24): taken from the record only while every file it hashes has the stat data recorded, the same
as hashing them; never recorded inside the racy window or when bytecode is not written."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import fingerprint_record, provenance


def _tree(tmp_path: Path) -> tuple[str, str]:
    root, tpl = tmp_path / "generator", tmp_path / "generator" / "templates"
    (root / "naming").mkdir(parents=True)
    tpl.mkdir()
    (root / "__init__.py").write_text("x = 1\n")
    (root / "naming" / "rules.py").write_text("y = 2\n")
    (root / "ruff_generated.toml").write_text("line-length = 100\n")
    (tpl / "client.py.jinja").write_text("{{ name }}\n")
    return str(root), str(tpl)


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the record goes; records written (bytecode is), the racy window long past."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(fingerprint_record, "_now", lambda: 2**62)
    return tmp_path / "pycache" / fingerprint_record.NAME


def _hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files `fingerprint_of` reads to hash them, from now on."""
    read: list[str] = []
    real = open

    def spy(path: Any, *args: Any, **kwargs: Any) -> Any:
        read.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    return read


def _plain(root: str, tpl: str) -> str:
    """The fingerprint as `generator_fingerprint` computed it before records (same inputs, order)."""
    files = provenance._files(root, skip=tpl)
    code = [f for f in files if f.endswith(".py")] + [f for f in files if f.endswith(".toml")]
    digest = hashlib.sha256()
    for base, rels in ((root, code), (tpl, provenance._files(tpl))):
        for rel in rels:
            digest.update(rel.encode() + b"\0" + Path(base, rel).read_bytes() + b"\0")
    digest.update(b"ruff " + provenance._ruff_version().encode())
    return digest.hexdigest()


def test_the_record_gives_the_hash_without_reading(
    tmp_path: Path, kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, tpl = _tree(tmp_path)
    first = provenance.fingerprint_of(root, tpl, str(kept))
    assert first == _plain(root, tpl) == provenance.fingerprint_of(root, tpl, None)
    assert kept.is_file()
    read = _hashed(monkeypatch)
    assert provenance.fingerprint_of(root, tpl, str(kept)) == first
    assert not [p for p in read if p.startswith(root)]  # no file of the tree read: the record's


@pytest.mark.parametrize(
    "change",
    ["rewritten, same bytes", "edited, same size and mtime", "added", "removed", "template"],
)
def test_a_changed_file_is_hashed_again(
    tmp_path: Path, kept: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    root, tpl = _tree(tmp_path)
    before = provenance.fingerprint_of(root, tpl, str(kept))
    rules = Path(root, "naming", "rules.py")
    if change == "rewritten, same bytes":
        rules.write_text("y = 2\n")  # (a new ctime: hashed again, the same hash)
    elif change == "edited, same size and mtime":
        st = rules.stat()
        rules.write_text("y = 3\n")
        os.utime(rules, ns=(st.st_atime_ns, st.st_mtime_ns))  # (ctime cannot be put back)
    elif change == "added":
        Path(root, "naming", "plan.py").write_text("z = 3\n")
    elif change == "removed":
        rules.unlink()
    else:
        Path(tpl, "client.py.jinja").write_text("{{ other }}\n")
    read = _hashed(monkeypatch)
    after = provenance.fingerprint_of(root, tpl, str(kept))
    assert [p for p in read if p.startswith(root)]  # hashed again
    assert after == _plain(root, tpl)
    assert (after == before) == (change == "rewritten, same bytes")


def test_nothing_is_recorded_inside_the_racy_window(
    tmp_path: Path, kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, tpl = _tree(tmp_path)
    newest = max(max(p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in Path(root).rglob("*"))
    monkeypatch.setattr(fingerprint_record, "_now", lambda: newest + 1)
    provenance.fingerprint_of(root, tpl, str(kept))
    assert not kept.exists()


def test_nothing_is_recorded_without_bytecode(
    tmp_path: Path, kept: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    root, tpl = _tree(tmp_path)
    provenance.fingerprint_of(root, tpl, str(kept))
    assert not kept.exists()


@pytest.mark.parametrize("damage", ["garbage", "another key", "no fingerprint", "not a string"])
def test_a_damaged_record_is_none(
    tmp_path: Path, kept: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    root, tpl = _tree(tmp_path)
    provenance.fingerprint_of(root, tpl, str(kept))
    record = json.loads(kept.read_text())
    if damage == "garbage":
        kept.write_bytes(b"\x00\xff")
    else:
        if damage == "another key":
            record["key"][0] = "/elsewhere"
        elif damage == "no fingerprint":
            del record["fingerprint"]
        else:
            record["fingerprint"] = 7
        kept.write_text(json.dumps(record))
    read = _hashed(monkeypatch)
    assert provenance.fingerprint_of(root, tpl, str(kept)) == _plain(root, tpl)
    assert [p for p in read if p.startswith(root)]


def test_only_a_python_source_has_a_record() -> None:
    assert (
        fingerprint_record.location("/x/generator/provenance.cpython-311-x86_64-linux-gnu.so")
        is None
    )
    found = fingerprint_record.location(provenance.__file__)
    assert found is not None and found.endswith(fingerprint_record.NAME)
