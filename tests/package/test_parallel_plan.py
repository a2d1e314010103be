"""The file plan renders the types modules in a forked child (`render/fanout.py`, issue 18): the files,
their order and the diagnostics are the same as a plan rendered in one process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.config import TargetConfig, adhoc_target, select_targets
from generator.diagnostics import DiagnosticSink
from generator.features import FEATURES
from generator.load import load_spec
from generator.parse import build_api
from generator.render import fanout, plan
from generator.shape.stage import shape

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "specs"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")


def _plans(
    target: TargetConfig, monkeypatch: pytest.MonkeyPatch, *, forks: bool = True
) -> tuple[tuple[list[tuple[str, str]], list[str]], ...]:
    """(files in plan order, diagnostics) rendered serially and with the child; asserts it forked
    (unless the child has nothing to do: `forks`)."""
    forked: list[bool] = []
    real = fanout.Worklist.results
    # threads another test left running (a loopback server) would keep the plan from forking; the
    # child renders templates only and takes no lock such a thread could hold
    monkeypatch.setattr(fanout, "other_threads", lambda: False)

    def spy(self: fanout.Worklist[object, object]) -> list[object]:
        forked.append(self.forked)
        return real(self)

    monkeypatch.setattr(fanout.Worklist, "results", spy)
    out = []
    for parallel in ("off", "on"):
        monkeypatch.setenv("CLIENTGEN_PARALLEL", parallel)
        sink = DiagnosticSink(file=target.spec)
        api = shape(build_api(load_spec(Path(target.spec), sink), sink), target, sink)
        files, _ = plan.plan_files(api, sink, features=FEATURES)
        out.append((list(files.items()), [d.render() for d in sink.sorted()]))
    assert forked == [False, forks]
    return tuple(out)


def test_a_fixture_plans_the_same_with_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan, "FORK_FROM", 1)  # a small spec forks too
    target = adhoc_target(str(FIXTURES / "surface_31.yml"), str(tmp_path / "out"), "surface", "S")
    serial, parallel = _plans(target, monkeypatch)
    assert parallel == serial
    assert any(path.startswith("src/surface/types/") for path, _ in serial[0])


def test_large_or_small_specs_render_in_one_process() -> None:
    class Sized:
        def __init__(self, n: int) -> None:
            self.schemas = dict.fromkeys(range(n))
            self.operations = ()

    assert plan.worth_forking(Sized(1_000), 100)  # type: ignore[arg-type]
    assert not plan.worth_forking(Sized(plan.FORK_UP_TO + 1), 100)  # type: ignore[arg-type]
    assert not plan.worth_forking(Sized(1_000), plan.FORK_FROM - 1)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["casexchange", "casexchange_internal", "casebook"])
def test_the_committed_clients_plan_the_same_with_the_child(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (target,), _ = select_targets([name], REPO)
    serial, parallel = _plans(target, monkeypatch)
    assert parallel == serial


def test_the_child_takes_the_first_share_of_the_types_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child renders a leading run of the types modules (so the texts join in plan order); the
    parent renders the rest after its own part. Both shares plan the same files as one process."""
    target = adhoc_target(str(FIXTURES / "surface_31.yml"), str(tmp_path / "out"), "surface", "S")
    sink = DiagnosticSink(file=target.spec)
    api = shape(build_api(load_spec(Path(target.spec), sink), sink), target, sink)
    from generator.naming.plan import plan_names

    names = plan_names(api, sink, [])
    modules = list(names.module_members)
    assert len(modules) > 2
    monkeypatch.setattr(plan, "CHILD_SHARE", 0.5)
    cut = plan.child_share(api, names, modules)
    assert 0 < cut < len(modules)
    monkeypatch.setattr(plan, "CHILD_SHARE", 0.0)
    assert plan.child_share(api, names, modules) == 0
    monkeypatch.setattr(plan, "CHILD_SHARE", 1.0)
    assert plan.child_share(api, names, modules) == len(modules)
    monkeypatch.setattr(plan, "FORK_FROM", 1)
    for share in (0.0, 0.5, 1.0):  # the whole run to one side, or split
        monkeypatch.setattr(plan, "CHILD_SHARE", share)
        serial, parallel = _plans(target, monkeypatch, forks=share > 0)
        assert parallel == serial
