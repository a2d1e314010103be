"""`generator/render/fanout.py`: a list of pure jobs done by a forked child from the front and by this
process from the back until they meet — the results in the list's order, whoever computed them; the
same values and the same (first) exception as computing them in order here; no child left behind."""

from __future__ import annotations

import os
import sys
import time

import pytest

from generator.render import fanout
from generator.render.fanout import Worklist

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
PARENT = os.getpid()


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


def _where(item: int) -> tuple[int, bool]:
    return item * item, os.getpid() == PARENT


@needs_fork
def test_the_results_are_in_order_and_computed_by_both() -> None:
    """Items that take a while: this process takes items from the back while the child works."""

    def slow(item: int) -> tuple[int, bool]:
        time.sleep(0.002)
        return _where(item)

    with Worklist(range(400), slow, enabled=True) as job:
        assert job.forked
        pid = job._pid
        got = job.results()
    assert [value for value, _ in got] == [i * i for i in range(400)]
    here = [i for i, (_, in_parent) in enumerate(got) if in_parent]
    assert here and len(here) == job.taken  # this process computed some …
    assert here == list(range(400 - len(here), 400))  # … from the back, none twice
    assert got[0] == (0, False)  # the child the front
    assert _reaped(pid)


@needs_fork
def test_a_large_result_comes_back_whole() -> None:
    with Worklist([1, 2], lambda item: "x" * 300_000 * item, enabled=True) as job:
        job.ready = lambda: True  # type: ignore[method-assign]  # (nothing taken from the back)
        assert job.results() == ["x" * 300_000, "x" * 600_000]


@needs_fork
def test_a_child_done_first_leaves_nothing_to_take() -> None:
    with Worklist(range(5), _where, enabled=True) as job:
        while not job.ready():
            time.sleep(0.01)
        got = job.results()
    assert got == [(i * i, False) for i in range(5)] and job.taken == 0


@needs_fork
def test_the_first_error_in_order_is_raised_here() -> None:
    """Items 3 and 7 fail: the error of item 3 is raised, in this process, as in one process."""

    def work(item: int) -> int:
        if item in (3, 7):
            where = "this process" if os.getpid() == PARENT else "the child"
            raise ValueError(f"item {item} failed in {where}")
        return item

    with Worklist(range(10), work, enabled=True) as job:
        assert job.forked
        with pytest.raises(ValueError, match="item 3 failed in this process"):
            job.results()


@needs_fork
def test_a_child_that_dies_is_replaced_by_computing_here() -> None:
    def work(item: int) -> tuple[int, bool]:
        if os.getpid() != PARENT and item == 2:
            os._exit(3)
        return _where(item)

    with Worklist(range(6), work, enabled=True) as job:
        job.ready = lambda: True  # type: ignore[method-assign]
        assert job.results() == [(i * i, True) for i in range(6)]


@needs_fork
def test_an_unpicklable_result_is_computed_here() -> None:
    def work(item: int) -> object:
        return (lambda: item) if os.getpid() != PARENT else item

    with Worklist(range(3), work, enabled=True) as job:
        job.ready = lambda: True  # type: ignore[method-assign]
        assert job.results() == [0, 1, 2]


@needs_fork
def test_close_stops_a_running_child() -> None:
    job = Worklist(range(3), lambda item: time.sleep(30), enabled=True)
    pid = job._pid
    job.close()
    job.close()
    assert _reaped(pid)


def test_not_forked_when_disabled_or_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not Worklist(range(3), _where, enabled=False).forked
    assert not Worklist([], _where, enabled=True).forked
    monkeypatch.setenv("CLIENTGEN_PARALLEL", "off")
    job = Worklist(range(3), _where, enabled=True)
    assert not job.forked
    assert job.results() == [(0, True), (1, True), (4, True)]


@needs_fork
def test_no_fork_with_other_threads_running(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.undo()  # the real check
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not fanout.can_fork()
        assert not Worklist([1], _where, enabled=True).forked
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_the_child_flushes_nothing_of_the_parent(capfd: pytest.CaptureFixture[str]) -> None:
    sys.stdout.write("pending once")  # buffered, not yet flushed, when the child is forked
    with Worklist([1], _where, enabled=True) as job:
        assert job.forked
        job.ready = lambda: True  # type: ignore[method-assign]
        assert job.results() == [(1, False)]
    sys.stdout.flush()
    assert capfd.readouterr().out.count("pending once") == 1


def test_no_fork_on_one_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanout, "cores", lambda: 1)
    assert not fanout.can_fork()
    job = Worklist([2], _where, enabled=True)
    assert not job.forked and job.results() == [(4, True)]
