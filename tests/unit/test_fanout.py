"""`generator/render/fanout.py`: a pure function computed by a forked child, or here when the child
does not deliver (the same value, the same exception), and no child left behind."""

from __future__ import annotations

import os
import sys

import pytest

from generator.render import fanout

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")


@pytest.fixture(autouse=True)
def _single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads another test left running (a loopback server) would keep the child from forking; the
    children here run pure functions that take no lock such a thread could hold."""
    monkeypatch.setattr(fanout, "other_threads", lambda: False)


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@needs_fork
def test_the_child_computes_the_value() -> None:
    parent = os.getpid()
    job = fanout.in_child(lambda: (os.getpid(), {"a": "x" * 300_000}))
    assert job.forked
    pid = job._pid
    where, value = job.result()
    assert where not in (parent, 0)  # computed in another process …
    assert value == {"a": "x" * 300_000}  # … and sent back whole (larger than a pipe's buffer)
    assert _reaped(pid)


@needs_fork
def test_an_error_in_the_child_is_raised_here() -> None:
    parent = os.getpid()

    def work() -> int:
        raise ValueError(f"failed in {'this process' if os.getpid() == parent else 'the child'}")

    job = fanout.in_child(work)
    assert job.forked
    with pytest.raises(ValueError, match="failed in this process"):
        job.result()


@needs_fork
def test_a_child_that_dies_is_replaced_by_computing_here() -> None:
    parent = os.getpid()

    def work() -> str:
        if os.getpid() != parent:
            os._exit(3)  # the child dies without a word
        return "here"

    assert fanout.in_child(work).result() == "here"


@needs_fork
def test_an_unpicklable_result_is_computed_here() -> None:
    parent = os.getpid()
    job = fanout.in_child(lambda: (lambda: None) if os.getpid() != parent else "here")
    assert job.result() == "here"


def test_disabled_computes_here_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    job = fanout.in_child(lambda: calls.append(os.getpid()) or 7, enabled=False)
    assert not job.forked and calls == []
    assert job.result() == 7 and calls == [os.getpid()]
    monkeypatch.setenv("CLIENTGEN_PARALLEL", "off")
    assert not fanout.can_fork()
    assert not fanout.in_child(lambda: 1).forked


@needs_fork
def test_close_stops_and_reaps_a_child_not_waited_for() -> None:
    with fanout.in_child(lambda: __import__("time").sleep(30)) as job:
        pid = job._pid
        assert job.forked
    assert _reaped(pid)
    job.close()  # idempotent


@needs_fork
def test_no_fork_with_other_threads_running(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.undo()  # the real check
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not fanout.can_fork()
        assert not fanout.in_child(lambda: 1).forked
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_the_child_flushes_nothing_of_the_parent(capfd: pytest.CaptureFixture[str]) -> None:
    sys.stdout.write("pending once")  # buffered, not yet flushed, when the child is forked
    job = fanout.in_child(lambda: 1)
    assert job.result() == 1
    sys.stdout.flush()
    assert capfd.readouterr().out.count("pending once") == 1


def test_no_fork_on_one_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanout, "cores", lambda: 1)
    assert not fanout.can_fork()
    job = fanout.in_child(lambda: os.getpid())
    assert not job.forked and job.result() == os.getpid()
