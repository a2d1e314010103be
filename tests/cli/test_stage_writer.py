"""The stage cache's snapshot is written by a forked child (`generator/stage/writer.py`): renamed into
place only when the run says its package is written, never half of one, invisible to nobody who waits
(`settle`), detached from the caller's streams, and never returning into the caller's code."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.stage import writer as stage_writer
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(stage_writer.inline(), reason="no fork here: written inline")


def _writer(out: Path) -> Callable[[Callable[[], bool]], None]:
    """A `write` that notes the child's pid and its standard output, then renames when ready."""

    def write(ready: Callable[[], bool]) -> None:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(f"{os.getpid()} {os.readlink('/proc/self/fd/1')}", encoding="utf-8")
        if ready():
            os.replace(tmp, out)
        else:
            tmp.unlink()

    return write


def test_a_committed_snapshot_is_renamed_into_place_by_a_child(tmp_path: Path) -> None:
    out = tmp_path / "stages" / "x.bin"
    prepared: list[bool] = []
    writer = stage_writer.start(out, lambda: prepared.append(True), _writer(out))
    assert writer.pid is not None and writer.pid != os.getpid()
    assert not prepared  # the child has the rendered texts as they are: nothing to keep for it
    writer.commit()
    stage_writer.settle(out)  # waits for the lock the child holds
    pid, stdout = out.read_text(encoding="utf-8").split(" ", 1)
    assert int(pid) == writer.pid
    assert stdout == os.devnull  # a caller reading the run's output does not wait for the child
    stage_writer.wait()


def test_a_run_that_does_not_commit_leaves_no_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "stages" / "x.bin"
    out.parent.mkdir()
    out.write_text("the last full run's", encoding="utf-8")
    writer = stage_writer.start(out, lambda: None, _writer(out))
    writer.close()  # the run failed: no word
    stage_writer.settle(out)
    stage_writer.wait()
    assert out.read_text(encoding="utf-8") == "the last full run's"
    assert sorted(p.name for p in out.parent.iterdir()) == ["x.bin", "x.bin.lock"]


def test_a_failing_writer_never_returns_into_the_caller(tmp_path: Path) -> None:
    """Whatever the child does, it leaves by `os._exit` (a child returning here would run the rest of
    this test process); the run goes on and its word to a gone child is no error."""
    out = tmp_path / "stages" / "x.bin"

    def boom(ready: Callable[[], bool]) -> None:
        raise RuntimeError("the child fails")

    writer = stage_writer.start(out, lambda: None, boom)
    assert writer.pid is not None
    _, status = os.waitpid(writer.pid, 0)
    stage_writer.wait()
    assert os.waitstatus_to_exitcode(status) == 1
    writer.commit()
    assert not out.exists()


def test_a_failing_writer_says_why_beside_the_snapshot_until_one_succeeds(tmp_path: Path) -> None:
    """The child's streams are /dev/null: its failure is written to `<snapshot>.failed` (how the
    compiled build's silent failure to pickle was found), and the next writer that succeeds removes it."""
    out = tmp_path / "stages" / "x.bin"

    def boom(ready: Callable[[], bool]) -> None:
        raise RuntimeError("cannot pickle this")

    writer = stage_writer.start(out, lambda: None, boom)
    writer.commit()
    stage_writer.settle(out)
    stage_writer.wait()
    failed = stage_writer.failure_file(out)
    assert failed.name == "x.bin.failed"
    text = failed.read_text(encoding="utf-8")
    assert "RuntimeError: cannot pickle this" in text and "Traceback" in text
    writer = stage_writer.start(out, lambda: None, _writer(out))
    writer.commit()
    stage_writer.settle(out)
    stage_writer.wait()
    assert out.exists() and not failed.exists()


def test_the_snapshot_outlives_a_run_that_exits_at_once(tmp_path: Path) -> None:
    """The CLI may leave with `os._exit` right after the package is written: the child finishes."""
    out = tmp_path / "stages" / "x.bin"
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        from generator.stage import writer as stage_writer
        out = Path({str(out)!r})
        def write(ready):
            time.sleep(0.2)  # still at work when the run has gone
            tmp = out.with_name("t")
            tmp.write_text("done")
            if ready():
                os.replace(tmp, out)
        stage_writer.start(out, lambda: None, write).commit()
        sys.stdout.flush()
        os._exit(0)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    stage_writer.settle(out)  # the child holds the lock until it is done
    assert out.read_text(encoding="utf-8") == "done"


def test_the_child_holds_what_it_is_handed_until_it_ends(tmp_path: Path) -> None:
    """A descriptor handed to the child (`keep`) stays referenced by it until it ends, even once
    its `write` closes it (the module cache it saves, `stage/rekey.py`): whatever the run closes,
    freeing the file (its blocks: 10 ms for GitHub's 11 MB module cache on ext4) is the child's."""
    out = tmp_path / "stages" / "x.bin"
    handed = tmp_path / "handed.bin"
    handed.write_bytes(b"x" * 4096)
    fd = os.open(handed, os.O_RDONLY)

    closed = tmp_path / "closed"

    def write(ready: Callable[[], bool]) -> None:
        os.close(fd)  # (as `Memo.save` closes the cache it read)
        closed.touch()
        ready()

    writer = stage_writer.start(out, lambda: None, write, (fd,))
    assert writer.pid is not None
    os.close(fd)  # the run's own
    handed.unlink()
    try:
        deadline = time.monotonic() + 30
        while not closed.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert closed.exists()  # the child closed what it was handed
        fds = f"/proc/{writer.pid}/fd"
        held = [os.readlink(f"{fds}/{n}") for n in os.listdir(fds)]
    finally:
        writer.commit()
        stage_writer.settle(out)
        stage_writer.wait()
    assert f"{handed} (deleted)" in held


def test_inline_writes_after_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTGEN_STAGE_WRITER", "inline")
    out = tmp_path / "stages" / "x.bin"
    out.parent.mkdir()
    prepared: list[bool] = []
    writer = stage_writer.start(out, lambda: prepared.append(True), _writer(out))
    assert writer.pid is None and prepared  # the texts are read before they are handed over
    assert not out.exists()
    writer.commit()
    assert out.read_text(encoding="utf-8").split(" ")[0] == str(os.getpid())
