"""`fetch --update` compares the two specs in forked children (`workflow.isolated`, `workflow.split`):
the sides' documents, IR and names never enter the command's own process, and what comes back — the
report, or the error — is what the comparison gives in-process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from wf_support import UPSTREAM, Project, upstream

from generator.config import load_targets
from generator.diagnostics import SpecError
from generator.workflow import isolated, lean, live
from generator.workflow.changes import Level, Report
from generator.workflow.diff import diff_files
from generator.workflow.fetch import Fetched, FetchError, validate
from generator.workflow.markdown_json import render_json, render_markdown
from generator.workflow.text import render_text

FIXTURES = Path(__file__).parent / "fixtures"
OLD = (FIXTURES / "shop_old.yml").read_bytes()
NEW = (FIXTURES / "shop_new.yml").read_bytes()
URL = "http://127.0.0.1:9/openapi.yml"  # never contacted: the download is given


@pytest.fixture(autouse=True)
def _single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads another test left running (its servers) would keep the comparison from forking; the
    children here run only the comparison, which takes no lock those threads could hold."""
    monkeypatch.setattr(isolated, "other_threads", lambda: False)


def _serve(monkeypatch: pytest.MonkeyPatch, body: bytes) -> None:
    """The download, without a server (whose thread would keep the command from forking)."""
    document = validate(body, URL)
    fetched = Fetched(URL, body, document, False, "", 0.0)
    monkeypatch.setattr(live, "fetch_spec", lambda *args, **kwargs: fetched)


def _check(project: Project, *, update: bool = False) -> live.LiveResult:
    (target,) = load_targets(project.root / "pyproject.toml")
    return live.live_check(target, project.root, url=URL, update=update, cache=False)


def _rendered(report: Report) -> tuple[Any, ...]:
    """Everything the commands print of a report."""
    changes = [c.as_json() for c in report.changes]
    text = render_text(report, verbose=True, prose_is_drift=False)
    markdown = render_markdown(report, prose_is_drift=False)
    return (report.old, report.new, report.package, changes, text, render_json(report), markdown)


def _outcome(result: live.LiveResult) -> tuple[Any, ...]:
    return (*_rendered(result.report), result.drift)


def _where(monkeypatch: pytest.MonkeyPatch, name: str, log: Path, module: Any = live) -> None:
    """Record the process each call of `<module>.<name>` runs in."""
    real = getattr(module, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        with log.open("a") as file:
            file.write(f"{name} {os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, recorded)


def test_the_comparison_runs_in_children_and_reports_what_it_reports_in_process(
    make_project: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert isolated.can_fork()
    _serve(monkeypatch, NEW)
    log = tmp_path / "where.log"
    _where(monkeypatch, "read_side", log)
    _where(monkeypatch, "diff_sides", log)
    _where(monkeypatch, "live", log, lean)
    _where(monkeypatch, "committed", log, lean)
    project: Project = make_project(OLD, generated=True)
    forked = _check(project)
    seen = log.read_text().split()
    assert seen[0::2] == ["live", "committed"]  # each side built apart (`split`)
    assert str(os.getpid()) not in seen[1::2] and seen[1] != seen[3]
    log.unlink()
    monkeypatch.setenv("CLIENTGEN_PARALLEL", "off")
    here = _check(project)
    assert log.read_text().split()[0::2] == ["read_side", "diff_sides"]
    assert log.read_text().split()[1::2] == [str(os.getpid())] * 2
    assert _outcome(forked) == _outcome(here)
    assert forked.drift and forked.report.changes  # the fixtures differ in meaning


def test_update_regenerates_in_this_process_after_the_childrens_comparison(
    make_project: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _serve(monkeypatch, NEW)
    log = tmp_path / "where.log"
    _where(monkeypatch, "committed", log, lean)
    _where(monkeypatch, "take", log)
    project: Project = make_project(OLD, generated=True)
    result = _check(project, update=True)
    (compared, in_child), (taken, here) = (line.split() for line in log.read_text().splitlines())
    assert (compared, taken) == ("committed", "take")
    assert in_child != str(os.getpid()) and here == str(os.getpid())
    assert result.generated is not None and project.spec.read_bytes() == NEW


def test_errors_come_back_as_the_comparison_raised_them(
    make_project: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    unreadable: Project = make_project(b"openapi: 3.0.3\npaths: [unclosed\n")
    committed = make_project(OLD)
    broken = NEW.replace(b"openapi: 3.0.3", b"openapi: 2.0.0")
    raised: dict[str, list[Any]] = {"spec": [], "fetch": []}
    for parallel in ("on", "off"):
        monkeypatch.setenv("CLIENTGEN_PARALLEL", parallel)
        _serve(monkeypatch, NEW)
        with pytest.raises(SpecError) as spec_error:
            _check(unreadable)  # the committed spec cannot be read
        raised["spec"].append(spec_error.value.diagnostic)
        _serve(monkeypatch, broken)
        with pytest.raises(FetchError) as fetch_error:
            _check(committed)  # the live document cannot be used
        raised["fetch"].append((fetch_error.value.message, fetch_error.value.hint))
    (forked, here), (forked_fetch, here_fetch) = raised["spec"], raised["fetch"]
    assert forked == here and forked.code == "invalid-yaml"
    assert forked_fetch == here_fetch and "not supported" in forked_fetch[0]


@pytest.mark.slow
def test_a_large_report_comes_back_from_the_child_as_it_prints_in_process() -> None:
    """A vendor spec's history (235 changes of every level and layer): the report sent back from the
    child prints, in every format, what the comparison made here prints."""
    old, new = UPSTREAM / "public-2026-03-31.yml", UPSTREAM / "public-2026-04-15.yml"
    upstream(old.name), upstream(new.name)  # (skips where the history is not available)
    forked = isolated.run(lambda: (os.getpid(), diff_files(old, new)))
    assert forked[0] != os.getpid()
    here = diff_files(old, new)
    assert len(here.changes) > 200 and {c.level for c in here.changes} == set(Level)
    assert _rendered(forked[1]) == _rendered(here)


class _Odd(Exception):
    """An error the child does not send back (its pickled form could lose what it carries)."""


def test_run_gives_the_childs_value_or_error_and_otherwise_works_here() -> None:
    me = os.getpid()
    assert isolated.run(lambda: os.getpid()) != me  # computed in the child
    assert isolated.run(lambda: {"a": [1, 2]}) == {"a": [1, 2]}
    with pytest.raises(KeyError, match="'missing'"):
        isolated.run(lambda: {}["missing"])  # one of the parser's errors: sent back

    def dies() -> int:
        if os.getpid() != me:
            os._exit(3)  # the child delivers nothing
        return 42

    assert isolated.run(dies) == 42
    places: list[int] = []

    def odd() -> None:
        places.append(os.getpid())  # (the child's append stays in the child)
        raise _Odd("only here")

    with pytest.raises(_Odd, match="only here"):
        isolated.run(odd)
    assert places == [me]  # not sent back: raised by the work done here


def test_off_or_with_other_threads_it_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTGEN_PARALLEL", "off")
    assert not isolated.can_fork()
    assert isolated.run(lambda: os.getpid()) == os.getpid()
    monkeypatch.delenv("CLIENTGEN_PARALLEL")
    monkeypatch.setattr(isolated, "other_threads", lambda: True)
    assert isolated.run(lambda: os.getpid()) == os.getpid()
