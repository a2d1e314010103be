"""The render's two processes balanced (issue 18, bal27): the render child forks once the schemas
are named (`naming.plan.name_schemas`), before the operations are (`name_operations`), and
`types/__init__.py` is its last item, which the parent takes from the back when it is done first.
Whoever renders what, and when the child dies, the package is the one rendered in one process."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import pipeline, staging
from generator.config import adhoc_target
from generator.diagnostics import DiagnosticSink
from generator.load import load_spec
from generator.naming import plan as naming_plan
from generator.parse import build_api
from generator.render import contribution, fanout, model_views, plan
from generator.shape.stage import shape
from generator.write import read_tree
from tests.conftest import FIXTURES

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
PARENT = os.getpid()
SPEC = FIXTURES / "specs" / "surface_31.yml"
INIT = "src/surface/types/__init__.py"


@pytest.fixture(autouse=True)
def _forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small spec forks too; threads another test left running would keep the plan from forking."""
    monkeypatch.setattr(fanout, "other_threads", lambda: False)
    monkeypatch.setattr(plan, "FORK_FROM", 1)


def _jobs(monkeypatch: pytest.MonkeyPatch) -> list[fanout.Worklist[Any, Any]]:
    """Every worklist whose results are asked for (after they are)."""
    jobs: list[fanout.Worklist[Any, Any]] = []
    real = fanout.Worklist.results

    def results(self: fanout.Worklist[Any, Any]) -> list[Any]:
        got = real(self)
        jobs.append(self)
        return got

    monkeypatch.setattr(fanout.Worklist, "results", results)
    return jobs


def _generate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> dict[str, bytes]:
    """A fresh full generation (streamed, the child's modules written apart): its tree."""
    monkeypatch.setenv("CLIENTGEN_PARALLEL", "off" if name == "serial" else "on")
    target = adhoc_target(str(SPEC), str(tmp_path / name / "out"), "surface", "S")
    pipeline.generate(target, full=True)
    return read_tree(tmp_path / name / "out")


def _in_child(monkeypatch: pytest.MonkeyPatch, owner: Any, attr: str, do: Callable[[], None]) -> None:
    """`owner.attr` does `do()` first when called in a forked child."""
    real = getattr(owner, attr)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != PARENT:
            do()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, attr, wrapped)


def test_the_child_forks_before_the_operations_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    for owner, attr in (
        (naming_plan, "name_schemas"),
        (naming_plan, "name_operations"),
        (fanout.Worklist, "_fork"),
    ):
        real = getattr(owner, attr)

        def spy(*args: Any, _real: Any = real, _attr: str = attr, **kwargs: Any) -> Any:
            if os.getpid() == PARENT:
                events.append(_attr)
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner, attr, spy)
    jobs = _jobs(monkeypatch)
    _generate(tmp_path, monkeypatch, "on")
    assert events == ["name_schemas", "_fork", "name_operations"]
    assert len(jobs) == 1 and jobs[0]._items[-1] is None  # types/__init__.py: the last item


def test_types_init_is_the_childs_when_it_gets_there_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _generate(tmp_path, monkeypatch, "serial")
    jobs = _jobs(monkeypatch)
    real = fanout.Worklist.results

    def patient(self: fanout.Worklist[Any, Any]) -> list[Any]:
        while self.forked and not self.ready():  # (nothing taken from the back)
            time.sleep(0.01)
        return real(self)

    monkeypatch.setattr(fanout.Worklist, "results", patient)
    assert _generate(tmp_path, monkeypatch, "child") == serial
    (job,) = jobs
    assert job.taken == 0 and job.theirs == frozenset(range(len(job._items)))
    assert INIT in serial


def test_types_init_is_taken_from_the_back_when_the_parent_is_done_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _generate(tmp_path, monkeypatch, "serial")
    jobs = _jobs(monkeypatch)
    here: list[int] = []
    real_init = plan._types_init

    def types_init(names: Any) -> str:
        here.append(os.getpid())
        return real_init(names)

    monkeypatch.setattr(plan, "_types_init", types_init)
    # the child is slow on each types module: the parent is done first and takes from the back
    _in_child(monkeypatch, model_views, "types_module_view", lambda: time.sleep(0.2))
    assert _generate(tmp_path, monkeypatch, "parent") == serial
    (job,) = jobs
    last = len(job._items) - 1
    assert job.taken >= 1 and last not in job.theirs
    assert PARENT in here  # (a list in this process: the child's calls are its own)


def test_a_child_that_dies_leaves_the_same_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _generate(tmp_path, monkeypatch, "serial")
    jobs = _jobs(monkeypatch)
    adopted: list[int] = []
    real_adopt = staging.Apart.adopt
    monkeypatch.setattr(
        staging.Apart, "adopt", lambda self, pid: adopted.append(pid) or real_adopt(self, pid)
    )
    _in_child(monkeypatch, model_views, "types_module_view", lambda: os._exit(3))
    assert _generate(tmp_path, monkeypatch, "dead") == serial
    (job,) = jobs
    assert job.theirs == frozenset() and adopted == [0]  # everything computed here


class _Bases:
    """A feature that gives every model a base class (as JSON:API's does) and nothing else."""

    name = "bases"

    def analyse(self, api: Any, sink: DiagnosticSink) -> object:
        return True

    def names(self, facts: object, api: Any) -> list[Any]:
        return []

    def prepare(self, facts: object, ctx: contribution.Context) -> contribution.Preparation:
        return contribution.Preparation(
            model_bases={sid: ("..x_base", "_XBase") for sid in ctx.names.schema_class}
        )

    def contribute(self, facts: object, ctx: Any, resources: Any) -> contribution.Contribution:
        return contribution.Contribution()


def test_model_bases_known_after_the_fork_send_the_child_off_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The early child renders without model bases (a feature's `prepare` gives them after the
    operations are named): when there are some, it is stopped and a child forked with them."""
    forks: list[int] = []
    real_fork = fanout.Worklist._fork

    def fork(self: fanout.Worklist[Any, Any]) -> None:
        forks.append(1)
        real_fork(self)

    monkeypatch.setattr(fanout.Worklist, "_fork", fork)
    out = []
    for parallel in ("off", "on"):
        monkeypatch.setenv("CLIENTGEN_PARALLEL", parallel)
        sink = DiagnosticSink(file=str(SPEC))
        target = adhoc_target(str(SPEC), "unused", "surface", "S")
        api = shape(build_api(load_spec(SPEC, sink), sink), target, sink)
        files, _ = plan.plan_files(api, sink, features=[_Bases()])
        out.append(files)
    assert len(forks) == 2  # (the early child, then the one with the bases)
    assert out[1] == out[0]
    assert any("_XBase" in text for path, text in out[0].items() if "/types/" in path)
