"""The render child's types modules written and formatted apart (issue 18, full25): the child writes
what it rendered into a tree of its own (`staging.Apart.write`, run by `fanout.Worklist`'s `then`),
ruff formats that tree in the background while the parent renders on, and the parent stages those
files as they are — the package's bytes are those of one ruff run over everything."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline, provenance, staging
from generator.config import adhoc_target
from generator.diagnostics import SpecError
from generator.memo import Memo
from generator.render import fanout, plan
from generator.write import read_tree
from tests.conftest import FIXTURES

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
PARENT = os.getpid()
# texts ruff changes (quotes, spacing, a long call wrapped)
UNFORMATTED = {
    "src/p/types/a.py": "x = {'a':1}\n",
    "src/p/types/b.py": "def f( a,b ):\n  return a+b\n",
    "src/p/types/c.py": "y = g(" + ", ".join(f"'argument_{i}'" for i in range(12)) + ")\n",
}
OTHERS = {"src/p/other.py": "z=[1,2 ,3]\n", "README.md": "# P\n\n```python\nq=1\n```\n"}


@pytest.fixture(autouse=True)
def _single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads another test left running would keep the plan from forking (see test_fanout.py)."""
    monkeypatch.setattr(fanout, "other_threads", lambda: False)


def _where(item: int) -> tuple[int, bool]:
    return item * item, os.getpid() == PARENT


@needs_fork
def test_then_runs_in_the_child_on_what_it_computed() -> None:
    def then(items: Any, results: list[tuple[int, bool]]) -> tuple[bool, list[int], list[Any]]:
        return os.getpid() != PARENT, list(items), results

    with fanout.Worklist(range(5), _where, enabled=True, then=then) as job:
        while not job.ready():
            time.sleep(0.01)
        got = job.results()
    assert got == [(i * i, False) for i in range(5)]
    assert job.after == (True, list(range(5)), got)  # in the child, on its items and results
    assert job.theirs == frozenset(range(5))


@needs_fork
def test_ready_only_once_then_is_done(tmp_path: Path) -> None:
    marker = tmp_path / "then-done"

    def then(items: Any, results: Any) -> None:
        time.sleep(0.2)
        marker.write_text("done")

    with fanout.Worklist(range(3), _where, enabled=True, then=then) as job:
        assert not job.ready()
        while not job.ready():
            time.sleep(0.01)
        assert marker.read_text() == "done"
        assert job.results() == [(i * i, False) for i in range(3)]


@needs_fork
def test_a_failing_then_still_delivers_the_results() -> None:
    def then(items: Any, results: Any) -> None:
        raise OSError("disk full")

    with fanout.Worklist(range(4), _where, enabled=True, then=then) as job:
        while not job.ready():
            time.sleep(0.01)
        assert job.results() == [(i * i, False) for i in range(4)]  # the child's
    assert job.after is None and job.theirs == frozenset(range(4))


@needs_fork
def test_the_items_taken_from_the_back_are_not_the_childs() -> None:
    def slow(item: int) -> tuple[int, bool]:
        time.sleep(0.002)
        return _where(item)

    with fanout.Worklist(range(300), slow, enabled=True, then=lambda i, r: len(r)) as job:
        got = job.results()
    here = {i for i, (_, in_parent) in enumerate(got) if in_parent}
    assert here and job.theirs == frozenset(range(300)) - here


def test_no_then_without_a_child() -> None:
    job = fanout.Worklist(range(3), _where, enabled=False, then=lambda i, r: 1 / 0)
    assert not job.ready() and job.results() == [(0, True), (1, True), (4, True)]
    assert job.after is None and not job.theirs


def _staged(tmp_path: Path, name: str, apart: bool) -> dict[str, bytes]:
    """The finished tree of UNFORMATTED and OTHERS, the first written apart or not."""
    with staging.Staging.open(tmp_path / name, None, None, 100) as st:
        job = st.apart()
        assert job is not None
        if apart:
            assert job.write(UNFORMATTED.items()) == frozenset(UNFORMATTED)
            job.start()
        for rel, text in {**UNFORMATTED, **OTHERS}.items():
            if apart and rel in UNFORMATTED:
                job.add(rel, len(text))
            else:
                st.add(rel, text)
        tree = st.finish(provenance.current("x", "0" * 64, "c"))
        if apart:  # read from the tree apart, the rest from the staging tree
            assert {p for r, p in tree._paths.items() if r in UNFORMATTED} == {
                os.path.join(job.root, r) for r in UNFORMATTED
            }
        return dict(tree)


def test_texts_written_apart_finish_as_one_ruff_run_formats_them(tmp_path: Path) -> None:
    apart, together = _staged(tmp_path, "a", True), _staged(tmp_path, "b", False)
    assert apart == together
    assert apart["src/p/types/a.py"].endswith(b'x = {"a": 1}\n')  # formatted


def test_what_is_not_python_or_too_large_is_left_to_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging, "READ_CHUNK", 20)
    with staging.Staging.open(tmp_path / "out", None, None, 100) as st:
        job = st.apart()
        assert job is not None
        files = [("src/p/types/a.py", "x = 1\n"), ("api.md", "# A\n"), ("src/p/big.py", "y" * 40)]
        assert job.write(files) == {"src/p/types/a.py"}


def test_a_failure_of_ruff_apart_is_the_runs_when_used(tmp_path: Path) -> None:
    broken = {"src/p/types/a.py": "def (:\n"}
    for used in (True, False):
        with staging.Staging.open(tmp_path / f"out{used}", None, None, 100) as st:
            job = st.apart()
            assert job is not None
            job.write(broken.items())
            job.start()
            if used:
                job.add("src/p/types/a.py", len(broken["src/p/types/a.py"]))
                with pytest.raises(SpecError, match="ruff could not format"):
                    st.finish(provenance.current("x", "0" * 64, "c"))
            else:  # (the child's result was not taken: the parent staged its own texts)
                st.add("src/p/types/a.py", "x = 1\n")
                st.finish(provenance.current("x", "0" * 64, "c"))


def test_a_claimed_file_is_not_staged_from_apart(tmp_path: Path) -> None:
    class Claims:
        def claimed(self, rel: str) -> bool:
            return rel == "src/p/types/a.py"

    with staging.Staging.open(tmp_path / "out", None, None, 100) as st:
        st._owner = Claims()  # type: ignore[assignment]
        job = st.apart()
        assert job is not None
        job.write(UNFORMATTED.items())
        for rel, text in UNFORMATTED.items():
            job.add(rel, len(text))
        tree = st.finish(provenance.current("x", "0" * 64, "c"))
        assert set(tree) == {*UNFORMATTED, provenance.FILE} - {"src/p/types/a.py"}


def test_no_apart_with_the_module_cache(tmp_path: Path) -> None:
    memo = Memo(tmp_path / "m.bin", "salt")
    with staging.Staging.open(tmp_path / "out", None, memo, 100) as st:
        assert st.apart() is None


def test_a_stopped_run_leaves_no_ruff_running(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), staging.Staging.open(tmp_path / "o", None, None, 100) as st:
        job = st.apart()
        assert job is not None
        job.write(UNFORMATTED.items())
        job.start()
        proc = job._proc
        raise RuntimeError("rendering failed")
    assert proc is not None and proc.returncode is not None


@needs_fork
def test_a_forked_generation_stages_the_childs_modules_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full generation whose plan forks: the child's types modules are staged from the tree
    apart, reach this process as sizes and imports only (empty texts: tail26), the child became
    their ruff (adopted here), and the package equals one rendered in one process."""
    monkeypatch.setattr(plan, "FORK_FROM", 1)  # a small spec forks too
    added: list[str] = []
    real_add = staging.Apart.add

    def add(self: staging.Apart, rel: str, size: int) -> None:
        added.append(rel)
        real_add(self, rel, size)

    monkeypatch.setattr(staging.Apart, "add", add)
    apart_texts: list[str] = []
    real_planned = plan.Planned.add

    def planned(self: plan.Planned, rel: str, text: Any, **kw: Any) -> None:
        if kw.get("apart") is not None:
            assert kw.get("facts") is not None
            apart_texts.append(text)
        real_planned(self, rel, text, **kw)

    monkeypatch.setattr(plan.Planned, "add", planned)
    adopted: list[int] = []
    real_adopt = staging.Apart.adopt
    monkeypatch.setattr(
        staging.Apart, "adopt", lambda self, pid: adopted.append(pid) or real_adopt(self, pid)
    )
    real_results = fanout.Worklist.results

    def results(self: fanout.Worklist[Any, Any], *args: Any) -> list[Any]:
        while self.forked and not self.ready():  # (the child takes all: none from the back)
            time.sleep(0.01)
        return real_results(self, *args)

    monkeypatch.setattr(fanout.Worklist, "results", results)
    trees = {}
    for parallel in ("off", "on"):
        monkeypatch.setenv("CLIENTGEN_PARALLEL", parallel)
        spec = FIXTURES / "specs" / "surface_31.yml"
        target = adhoc_target(str(spec), str(tmp_path / parallel / "out"), "surface", "S")
        pipeline.generate(target, full=True)
        trees[parallel] = read_tree(tmp_path / parallel / "out")
    types = {r for r in trees["on"] if r.startswith("src/surface/types/") and "__init__" not in r}
    assert types and set(added) == types
    assert apart_texts and set(apart_texts) == {""}
    assert len([pid for pid in adopted if pid > 0]) == 1  # (the forked run's)
    assert trees["on"] == trees["off"]


def test_the_ruff_apart_runs_on_one_thread_below_this_processs_priority(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from generator import format as fmt

    set_to: list[tuple[int, int, int]] = []
    envs: list[dict[str, str] | None] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> Any:
        envs.append(kwargs.get("env"))
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(fmt.subprocess, "Popen", popen)
    monkeypatch.setattr(fmt.os, "setpriority", lambda *a: set_to.append(a))
    with staging.Staging.open(tmp_path / "out", None, None, 100) as st:
        job = st.apart()
        assert job is not None
        job.write(UNFORMATTED.items())
        job.start()
        assert job._proc is not None
        pid = job._proc.pid
        job.stop()
    now = os.getpriority(os.PRIO_PROCESS, 0)
    assert set_to == [(os.PRIO_PROCESS, pid, min(19, now + staging.NICER))]
    assert envs[0] is not None and envs[0]["RAYON_NUM_THREADS"] == "1"
