"""Writing an output folder file by file (`generator/write_files.py`): what an update holds of the
files it replaces or removes (`hold`)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from generator import write_files

pytestmark = pytest.mark.skipif(not hasattr(os, "O_PATH"), reason="O_PATH is Linux's")


def test_an_update_holds_each_file_it_replaces_or_removes_without_opening_it(
    tmp_path: Path,
) -> None:
    """Each file an update replaces or removes is held (an `O_PATH` descriptor: its old inode, no
    longer linked once replaced), so freeing its blocks waits for whoever closes the last one; a
    FIFO a user put where a changed file was is held without being opened (which would wait for
    a writer) and replaced; an added file has nothing to hold."""
    out = tmp_path / "out"
    out.mkdir()
    for rel, data in {"a.py": b"old a", "gone.py": b"old gone", "GENERATION.toml": b"old"}.items():
        (out / rel).write_bytes(data)
    os.mkfifo(out / "fifo.py")
    before = {
        rel: (out / rel).lstat().st_ino for rel in ["a.py", "gone.py", "GENERATION.toml", "fifo.py"]
    }
    new = {"a.py": b"new a", "fifo.py": b"new fifo", "added.py": b"new", "GENERATION.toml": b"new"}
    hold: list[int] = []
    signal.alarm(20)  # (a FIFO opened for reading would wait here for a writer)
    try:
        write_files.update(
            out, new, ["a.py", "fifo.py", "GENERATION.toml"], ["added.py"], ["gone.py"], hold
        )
    finally:
        signal.alarm(0)
    try:
        held = [os.fstat(fd) for fd in hold]
        assert sorted(st.st_ino for st in held) == sorted(before.values())
        assert all(st.st_nlink == 0 for st in held)
    finally:
        for fd in hold:
            os.close(fd)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == new


def test_an_update_without_hold_holds_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.py").write_bytes(b"old")
    opened = len(os.listdir("/proc/self/fd"))
    write_files.update(
        out, {"a.py": b"new", "GENERATION.toml": b"x"}, ["a.py"], ["GENERATION.toml"], []
    )
    assert len(os.listdir("/proc/self/fd")) == opened
    assert (out / "a.py").read_bytes() == b"new"


def test_an_update_holds_a_bounded_number_of_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Descriptors are a limited resource the write itself needs: past `HOLD_AT_MOST` files, the
    rest are replaced without being held (their rename frees them, as before)."""
    monkeypatch.setattr(write_files, "HOLD_AT_MOST", 2)
    out = tmp_path / "out"
    out.mkdir()
    names = [f"m{i}.py" for i in range(5)]
    for rel in names:
        (out / rel).write_bytes(b"old")
    hold: list[int] = []
    new = {rel: b"new" for rel in names} | {"GENERATION.toml": b"new"}
    write_files.update(out, new, names, ["GENERATION.toml"], [], hold)
    for fd in hold:
        os.close(fd)
    assert len(hold) == 2
    assert all((out / rel).read_bytes() == b"new" for rel in names)
