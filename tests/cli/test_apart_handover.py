"""Full generation's tail (issue 18, tail26): the render child's types modules are not sent back
once it wrote them apart (`fanout.Sent`: only their sizes and what they import), the child becomes
their ruff as soon as they are written (`fanout.Worklist(hand_over=)`, `staging.Apart.exec`), the
parent adopts that process instead of starting one at its next checkpoint, and `Staging.finish`
reads the parent's own formatted files before it waits for that ruff. On any failure the bytes are
those of one ruff run over the whole package."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from generator import provenance, staging
from generator.diagnostics import SpecError
from generator.render import fanout

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
PARENT = os.getpid()
UNFORMATTED = {
    "src/p/types/a.py": "x = {'a':1}\n",
    "src/p/types/b.py": "def f( a,b ):\n  return a+b\n",
}
OTHERS = {"src/p/other.py": "z=[1,2 ,3]\n", "README.md": "# P\n\n```python\nq=1\n```\n"}
PROV = provenance.current("x", "0" * 64, "c")


@pytest.fixture(autouse=True)
def _single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads another test left running would keep the plan from forking (see test_fanout.py)."""
    monkeypatch.setattr(fanout, "other_threads", lambda: False)


def _square(item: int) -> int:
    return item * item


def _wait_for(path: Path, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


@needs_fork
def test_a_then_that_returns_sent_has_its_results_sent() -> None:
    def then(items: Any, results: list[int]) -> fanout.Sent[int]:
        return fanout.Sent(("sizes", len(results)), [-r for r in results])

    with fanout.Worklist(range(5), _square, enabled=True, then=then) as job:
        while not job.ready():
            time.sleep(0.01)
        got = job.results()
    assert got == [0, -1, -4, -9, -16]  # the child's results, as `then` sent them
    assert job.after == ("sizes", 5)


@needs_fork
def test_sent_results_of_another_length_are_not_used() -> None:
    def then(items: Any, results: list[int]) -> fanout.Sent[int]:
        return fanout.Sent("after", [1])

    with fanout.Worklist(range(4), _square, enabled=True, then=then) as job:
        while not job.ready():
            time.sleep(0.01)
        assert job.results() == [0, 1, 4, 9]
    assert job.after == "after"


@needs_fork
def test_hand_over_runs_once_the_result_is_sent_before_it_is_read(tmp_path: Path) -> None:
    """The child goes on at once, even with a result larger than a pipe holds by default (64 KiB),
    which it would otherwise wait to write until this process reads it."""
    marker = tmp_path / "handed"

    def big(item: int) -> str:
        return "x" * 50_000 + str(item)

    def hand_over() -> None:
        marker.write_text(str(os.getpid()))
        os._exit(7)

    with fanout.Worklist(range(6), big, enabled=True, hand_over=hand_over) as job:
        assert _wait_for(marker)  # (before `results()` reads anything)
        got = job.results()
        pid = job.handed()
    assert got == [big(i) for i in range(6)]
    assert pid == int(marker.read_text()) and pid != PARENT
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 7  # the caller's to wait for


@needs_fork
def test_a_handed_over_child_nobody_asked_for_is_stopped(tmp_path: Path) -> None:
    marker = tmp_path / "handed"

    def hand_over() -> None:
        marker.write_text("x")
        time.sleep(60)

    with fanout.Worklist(range(3), _square, enabled=True, hand_over=hand_over) as job:
        assert job.results() == [0, 1, 4]
        pid = job._handed
        assert pid > 0
    with pytest.raises(ChildProcessError):  # killed and reaped by `close`
        os.waitpid(pid, os.WNOHANG)


@needs_fork
def test_a_hand_over_that_returns_ends_the_child_with_its_status() -> None:
    with fanout.Worklist(range(3), _square, enabled=True, hand_over=lambda: None) as job:
        assert job.results() == [0, 1, 4]
        pid = job.handed()
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == fanout.HANDED_OVER_FAILED


def _child_execs(job: staging.Apart, texts: dict[str, str] = UNFORMATTED) -> int:
    """Fork a child that writes `texts` apart and becomes their ruff (as the render child)."""
    pid = os.fork()
    if pid == 0:
        try:
            job.write(texts.items())
            job.exec()
        finally:
            os._exit(fanout.HANDED_OVER_FAILED)
    return pid


def _finished(tmp_path: Path, name: str, how: str) -> dict[str, bytes]:
    """The finished tree of UNFORMATTED (written apart: formatted by an adopted child that execs
    ruff, or by one that could not, or staged as usual) and OTHERS."""
    with staging.Staging.open(tmp_path / name, None, None, 100) as st:
        job = st.apart()
        assert job is not None
        if how == "exec":
            job.adopt(_child_execs(job))
        elif how == "no exec":
            job._command = [str(tmp_path / "no-such-ruff")]
            job.adopt(_child_execs(job))
        for rel, text in {**UNFORMATTED, **OTHERS}.items():
            if how != "staged" and rel in UNFORMATTED:
                job.add(rel, len(text))
            else:
                st.add(rel, text)
        return dict(st.finish(PROV))


@needs_fork
def test_a_child_that_becomes_the_ruff_apart_gives_one_ruff_runs_bytes(tmp_path: Path) -> None:
    staged = _finished(tmp_path, "s", "staged")
    assert _finished(tmp_path, "e", "exec") == staged
    assert staged["src/p/types/a.py"].endswith(b'x = {"a": 1}\n')  # (formatted)


@needs_fork
def test_a_child_that_cannot_exec_ruff_is_replaced_by_one_started_here(tmp_path: Path) -> None:
    assert _finished(tmp_path, "n", "no exec") == _finished(tmp_path, "s", "staged")


@needs_fork
def test_the_adopted_ruffs_failure_is_the_runs_with_its_message(tmp_path: Path) -> None:
    broken = {"src/p/types/a.py": "def (:\n"}
    with staging.Staging.open(tmp_path / "out", None, None, 100) as st:
        job = st.apart()
        assert job is not None
        job.adopt(_child_execs(job, broken))
        job.add("src/p/types/a.py", len(broken["src/p/types/a.py"]))
        with pytest.raises(SpecError, match="ruff could not format the generated code: .+"):
            st.finish(PROV)


@needs_fork
def test_an_adopted_ruff_whose_texts_were_not_taken_is_stopped(tmp_path: Path) -> None:
    with staging.Staging.open(tmp_path / "out", None, None, 100) as st:
        job = st.apart()
        assert job is not None
        pid = _child_execs(job)
        job.adopt(pid)
        for rel, text in UNFORMATTED.items():  # (staged here: the child's result not taken)
            st.add(rel, text)
        st.finish(PROV)
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_finish_reads_this_processs_files_before_it_waits_for_the_ruff_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    real_read = staging._read
    monkeypatch.setattr(staging, "_read", lambda path: order.append(path) or real_read(path))
    real_wait = staging.Apart.wait
    monkeypatch.setattr(staging.Apart, "wait", lambda self: order.append("wait") or real_wait(self))
    with staging.Staging.open(tmp_path / "out", None, None, 100) as st:
        job = st.apart()
        assert job is not None
        job.write(UNFORMATTED.items())
        job.start()
        for rel, text in UNFORMATTED.items():
            job.add(rel, len(text))
        for rel, text in OTHERS.items():
            st.add(rel, text)
        st.finish(PROV)
    at = order.index("wait")
    assert sorted(p.removeprefix(st.tree + "/") for p in order[:at]) == sorted(OTHERS)
    assert sorted(p.removeprefix(job.root + "/") for p in order[at + 1 :]) == sorted(UNFORMATTED)


@needs_fork
def test_the_child_becomes_a_ruff_on_one_thread_below_this_processs_priority(
    tmp_path: Path,
) -> None:
    """What `exec` runs: the command `start` runs, in the tree apart, on one thread, at `NICER`
    above this process's niceness, its standard error kept for the run's message."""
    seen = tmp_path / "seen"
    fake = tmp_path / "fake-ruff"
    fake.write_text(
        f'#!/bin/sh\necho "$RAYON_NUM_THREADS $(nice) $(pwd) $*" > {seen}\necho oops >&2\nexit 3\n'
    )
    fake.chmod(0o755)
    with staging.Staging.open(tmp_path / "out", None, None, 100) as st:
        job = st.apart()
        assert job is not None
        real = job._command
        job._command = [str(fake), *real[1:]]
        job.adopt(_child_execs(job))
        job.add("src/p/types/a.py", 1)
        with pytest.raises(SpecError, match="oops"):
            st.finish(PROV)
        threads, nice, cwd, *args = seen.read_text().split()
    assert threads == "1"
    assert int(nice) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + staging.NICER)
    assert cwd == job.root and args == real[1:]
