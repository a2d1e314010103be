"""`generator/prewrite.py`: a new output folder written through a pool of empty files made ahead by a
forked process; the package written is the same, nothing is left behind, no link is followed."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from generator import pipeline, prewrite, streamed, write_files
from generator.config import adhoc_target
from generator.diagnostics import SpecError
from generator.prewrite import Prewrite
from generator.render import fanout
from generator.write import read_tree

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "specs"
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")


@pytest.fixture(autouse=True)
def _forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads another test left running would keep the pool from being made (`fanout.can_fork`);
    at the lowest priority a busy machine (the test run's other worker) would starve it."""
    monkeypatch.setattr(fanout, "other_threads", lambda: False)
    monkeypatch.setattr(prewrite, "POOL_NICE", 0)


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def _pool_made(ahead: Prewrite, count: int) -> None:
    for _ in range(500):  # the forked process creates them meanwhile
        if len(os.listdir(ahead.pool)) == count:
            return
        time.sleep(0.01)
    raise AssertionError("the pool was not made")


def test_only_a_new_or_empty_folder_is_prepared(tmp_path: Path) -> None:
    assert Prewrite.for_output(tmp_path / "missing" / "out", 0) is None  # no parent folder
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    assert Prewrite.for_output(tmp_path / "full", 0) is None
    (tmp_path / "file").write_text("")
    assert Prewrite.for_output(tmp_path / "file", 0) is None
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "new", tmp_path / "empty"):
        ahead = Prewrite.for_output(out, 0)
        assert ahead is not None
        assert Path(ahead.fresh).parent == tmp_path and Path(ahead.fresh).name.startswith(".")
        ahead.discard()
        assert not Path(ahead.fresh).exists()


@needs_fork
def test_the_pool_is_as_large_as_the_spec_suggests(tmp_path: Path) -> None:
    ahead = Prewrite.for_output(tmp_path / "out", 3 * prewrite.SPEC_BYTES_PER_FILE)
    assert ahead is not None
    _pool_made(ahead, prewrite.POOL_MIN + 3)
    names = os.listdir(ahead.pool)
    assert all(os.path.getsize(os.path.join(ahead.pool, n)) == 0 for n in names)
    ahead.discard()
    assert _siblings(tmp_path / "out") == []


@needs_fork
@pytest.mark.parametrize("files", [3, prewrite.POOL_MIN + 5])  # fewer than the pool, or more
def test_create_through_the_pool_writes_the_same_tree(tmp_path: Path, files: int) -> None:
    new = {f"src/p/types/m{i}.py": f"m{i}\n".encode() for i in range(files)} | {"a.md": b"a\n"}
    plain = tmp_path / "plain" / "out"
    plain.parent.mkdir()
    write_files.create(plain, new)
    out = tmp_path / "ahead" / "out"
    out.parent.mkdir()
    ahead = Prewrite.for_output(out, 0)
    assert ahead is not None
    _pool_made(ahead, prewrite.POOL_MIN)
    write_files.create(out, new, ahead)
    assert read_tree(out) == read_tree(plain) == new
    assert not (out / prewrite.POOL).exists()
    for rel in new:
        assert stat.S_IMODE((out / rel).stat().st_mode) == stat.S_IMODE(
            (plain / rel).stat().st_mode
        )
    assert _siblings(out) == []


@needs_fork
@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="O_NOFOLLOW")
def test_a_link_planted_in_the_pool_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    ahead = Prewrite.for_output(out, 0)
    assert ahead is not None
    _pool_made(ahead, prewrite.POOL_MIN)
    for name in os.listdir(ahead.pool):
        os.unlink(os.path.join(ahead.pool, name))
        os.symlink(victim, os.path.join(ahead.pool, name))
    with pytest.raises(OSError):
        write_files.create(out, {"b.py": b"b\n"}, ahead)
    assert victim.read_text() == "keep me"
    assert not out.exists() and _siblings(out) == ["victim.txt"]


@needs_fork
def test_generate_into_a_new_folder_through_the_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []
    real = Prewrite.take

    def counted(self: Prewrite) -> None:
        if self._pid:  # let the pool be made whole, however busy the machine
            os.waitpid(self._pid, 0)
            self._pid = 0
        real(self)
        made.append(len(self._spare))

    monkeypatch.setattr(Prewrite, "take", counted)
    monkeypatch.setattr(prewrite, "SPEC_BYTES_PER_FILE", 20)  # a pool larger than the package
    trees = []
    for parallel in ("off", "on"):
        monkeypatch.setenv("CLIENTGEN_PARALLEL", parallel)
        out = tmp_path / parallel / "out"
        out.parent.mkdir()
        spec = str(FIXTURES / "surface_31.yml")
        pipeline.generate(adhoc_target(spec, str(out), "surface", "S"))
        assert _siblings(out) == []  # the hidden folder was renamed into place
        trees.append(read_tree(out))
    assert made[0] == 0 and made[1] > 0  # no pool without forking; one with it
    serial, pooled = trees
    assert serial == pooled


def test_a_failed_run_leaves_no_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"

    def fails(*args: object, **kwargs: object) -> None:
        raise SpecError.__new__(SpecError)

    monkeypatch.setattr(streamed, "apply_package", fails)  # generate's full path writes there
    with pytest.raises(SpecError):
        pipeline.generate(adhoc_target(str(FIXTURES / "surface_31.yml"), str(out), "s", "S"))
    assert list(tmp_path.iterdir()) == []


@needs_fork
def test_a_pool_file_that_is_not_empty_is_emptied_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ahead = Prewrite.for_output(out, 0)
    assert ahead is not None
    _pool_made(ahead, prewrite.POOL_MIN)
    for name in os.listdir(ahead.pool):
        Path(ahead.pool, name).write_bytes(b"something much longer than the file\n")
    new = {"a.py": b"a\n", "b/c.py": b"c\n"}
    write_files.create(out, new, ahead)
    assert read_tree(out) == new
