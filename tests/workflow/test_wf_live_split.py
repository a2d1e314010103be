"""`fetch`'s comparison made apart (`workflow.split`): each side built in its own child, one after
the other, the committed side compared with the live side's summary and the pieces whose digests
differ, the documents read alone. Whatever the change, the report is the one the in-process
comparison (`live._compare`: both sides' documents, IR and names in one process) makes.

Every rule test of `test_wf_rules.py` and `test_wf_diff_accuracy.py` runs here again with its
comparison made both ways (the `compare` and `diff` fixtures below), and the vendor spec history's
pairs are compared both ways, so every change kind the differ knows goes through the pruned path.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

# every accuracy and rule test, collected here again: their `diff` and `compare` fixtures (below)
# also make each comparison apart
from test_wf_diff_accuracy import *
from test_wf_rules import *
from test_wf_rules import Doc, base
from wf_support import UPSTREAM, upstream

from generator.workflow import digests, isolated, lean, live, split
from generator.workflow.changes import Level, Report
from generator.workflow.diff import diff_files
from generator.workflow.fetch import Fetched, validate
from generator.workflow.markdown_json import render_json, render_markdown
from generator.workflow.sides import default_config
from generator.workflow.text import render_text

URL = "http://127.0.0.1:9/openapi.json"  # never contacted


@pytest.fixture(autouse=True)
def _single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads another test left running would keep the comparison from forking; the children here
    run only the comparison, which takes no lock those threads could hold."""
    monkeypatch.setattr(isolated, "other_threads", lambda: False)


def _rendered(report: Report) -> tuple[Any, ...]:
    """Everything the commands print of a report."""
    changes = [c.as_json() for c in report.changes]
    text = render_text(report, verbose=True, prose_is_drift=False)
    markdown = render_markdown(report, prose_is_drift=False)
    return (report.old, report.new, report.package, changes, text, render_json(report), markdown)


def both_ways(old: Path, new: Path) -> tuple[Report, Report]:
    """(in-process, apart) reports of the committed spec `old` against the live `new`."""
    target = replace(default_config(new), spec=str(old))
    body = new.read_bytes()
    fetched = Fetched(URL, body, validate(body, URL), False, "", 0.0)
    here = live._compare(target, fetched, str(old), URL, None, False)[0]
    apart = split.compare(target, replace(fetched, body=b"", document={}), new, str(old), URL, None)
    assert apart is not None, "a child did not deliver"
    return here, apart


def _same_both_ways(old: Path, new: Path) -> Report:
    here, apart = both_ways(old, new)
    assert _rendered(apart) == _rendered(here)
    return here


@pytest.fixture
def compare(tmp_path: Path) -> Callable[[Callable[[Doc], None]], Report]:
    """`test_wf_rules`' fixture, its comparison also made apart and found equal."""

    def _compare(edit: Callable[[Doc], None]) -> Report:
        old, new = base(), base()
        edit(new)
        return _pair(tmp_path, old, new)

    return _compare


@pytest.fixture
def diff(tmp_path: Path) -> Callable[[Doc, Doc], Report]:
    """`test_wf_diff_accuracy`'s fixture, its comparison also made apart and found equal."""

    def _diff(old: Doc, new: Doc) -> Report:
        return _pair(tmp_path, old, new)

    return _diff


def _pair(tmp_path: Path, old: Doc, new: Doc) -> Report:
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    expected = diff_files(tmp_path / "old.json", tmp_path / "new.json")  # what the test checks
    _same_both_ways(tmp_path / "old.json", tmp_path / "new.json")
    return expected


HISTORY = [
    "public-098db2b.yml",
    "public-2026-03-31.yml",
    "public-2026-04-01.yml",
    "public-2026-04-14.yml",
    "public-2026-04-15.yml",
]


@pytest.mark.slow
@pytest.mark.parametrize(("old", "new"), list(itertools.pairwise(HISTORY)))
def test_the_vendor_history_reports_the_same_apart(old: str, new: str) -> None:
    upstream(old), upstream(new)  # (skips where the history is not available)
    report = _same_both_ways(UPSTREAM / old, UPSTREAM / new)
    if (old, new) == ("public-2026-03-31.yml", "public-2026-04-15.yml"):
        assert len(report.changes) > 200


@pytest.mark.slow
def test_the_largest_history_step_reports_the_same_apart() -> None:
    """235 changes, every level and layer: the history test's pair."""
    old, new = UPSTREAM / "public-2026-03-31.yml", UPSTREAM / "public-2026-04-15.yml"
    upstream(old.name), upstream(new.name)
    report = _same_both_ways(old, new)
    assert len(report.changes) > 200 and {c.level for c in report.changes} == set(Level)


def test_no_process_builds_both_sides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The live side's IR, the committed side's IR and the documents' comparison are each made in
    a child of their own; the process that compares the IR never holds a document; no child
    holds the live side whole together with the committed one."""
    log = tmp_path / "where.log"

    def record(module: Any, name: str) -> None:
        real = getattr(module, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            with log.open("a") as file:
                file.write(f"{name} {os.getpid()}\n")
            return result

        monkeypatch.setattr(module, name, recorded)

    for module, name in (
        (lean, "live"),
        (lean, "committed"),
        (split, "compare_pruned"),
        (split, "_documents"),
        (live, "_compare"),
    ):
        record(module, name)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    doc = base()
    old.write_text(json.dumps(doc))
    doc["paths"]["/pets"]["get"]["summary"] = "List every pet"
    new.write_text(json.dumps(doc))
    target = replace(default_config(new), spec=str(old))
    body = new.read_bytes()
    light = Fetched(URL, b"", {}, False, "", 0.0)
    report = split.compare(target, light, new, str(old), URL, None)
    assert report is not None and report.changes
    seen = [line.split() for line in log.read_text().splitlines()]
    assert [name for name, _ in seen] == ["live", "committed", "compare_pruned", "_documents"]
    pids = [pid for _, pid in seen]
    assert str(os.getpid()) not in pids
    assert len({pids[0], pids[1], pids[3]}) == 3 and pids[1] == pids[2]
    assert body  # (the download was never parsed in this process)


def test_the_documents_are_compared_without_the_equal_path_items() -> None:
    old = lean.PathDigests({"/a": b"1", "/b/{x}": b"2", "/c/{x}": b"3", "/c/{y}": b"4"}, False)
    new = lean.PathDigests({"/a": b"1", "/b/{x}": b"9", "/c/{x}": b"3", "/d": b"5"}, False)
    # /a: equal; /b/{x}: changed; /c/{x}: equal but /c/{y} has its template (prose pairs them)
    assert split._same_paths(old, new) == {"/a"}
    assert split._same_paths(replace(old, referenced=True), new) == frozenset()
    document = {"paths": {"/a": {"get": {"summary": "x"}}, "/b/{x}": {}}}
    assert split._without(document, frozenset({"/a"})) == {"paths": {"/a": {}, "/b/{x}": {}}}


def test_what_points_into_paths_is_seen() -> None:
    assert not lean.path_digests({"paths": {"/a": {"$ref": "#/components/x"}}}).referenced
    assert lean.path_digests({"components": {"x": {"$ref": "#/paths/~1a"}}}).referenced
    assert lean.path_digests({"paths": {"/b": {"$ref": "#/paths/~1a"}}}).referenced
    first = lean.path_digests({"paths": {"/a": {"get": {"x": 1}}}}).items["/a"]
    assert lean.path_digests({"paths": {"/a": {"get": {"x": True}}}}).items["/a"] != first


def test_a_side_that_cannot_be_summarised_is_compared_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that does not deliver (here: the summary cannot be made) → `compare` gives None and
    `live_check` compares in-process, with the same report."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise lean.Unsummarised("no")

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    doc = base()
    old.write_text(json.dumps(doc))
    doc["paths"]["/pets"]["get"]["summary"] = "List every pet"
    new.write_text(json.dumps(doc))
    here, apart = both_ways(old, new)
    monkeypatch.setattr(split, "summarise", refuse)
    target = replace(default_config(new), spec=str(old))
    light = Fetched(URL, b"", {}, False, "", 0.0)
    assert split.compare(target, light, new, str(old), URL, None) is None
    assert _rendered(apart) == _rendered(here)


def test_a_parameter_given_by_several_media_types_keeps_the_specs_order() -> None:
    """The key-sorted copy puts `application/json` before `text/plain`; the limits are read from
    the media type the spec lists first, as `ParameterLimits` reads the document."""
    doc = base()
    doc["paths"]["/pets"]["get"]["parameters"] = [
        {
            "name": "q",
            "in": "query",
            "content": {
                "text/plain": {"schema": {"type": "string", "maxLength": 3}},
                "application/json": {"schema": {"type": "string", "maxLength": 9}},
            },
        }
    ]
    orders = lean._content_orders(doc)
    assert orders == {"/paths/~1pets/get/parameters/0": ["text/plain", "application/json"]}


def test_a_parameter_given_by_several_media_types_is_compared_the_same_apart(
    tmp_path: Path,
) -> None:
    def spec(limit: int) -> Doc:
        doc = base()
        doc["paths"]["/pets"]["get"]["parameters"] = [
            {
                "name": "q",
                "in": "query",
                "content": {
                    "text/plain": {"schema": {"type": "string", "maxLength": limit}},
                    "application/json": {"schema": {"type": "string", "maxLength": 9}},
                },
            }
        ]
        return doc

    (tmp_path / "old.json").write_text(json.dumps(spec(3)))
    (tmp_path / "new.json").write_text(json.dumps(spec(2)))
    report = _same_both_ways(tmp_path / "old.json", tmp_path / "new.json")
    assert [c.message for c in report.changes if c.code == "request-constraint-changed"] == [
        "maxLength 3 → 2"
    ]


def test_a_schema_digest_covers_everything_it_reaches() -> None:
    own = {"A": b"a", "B": b"b", "C": b"c", "D": b"d"}
    refs = {"A": ["B"], "B": ["C", "A"], "C": ["X"], "D": []}  # A ↔ B, C → a missing X
    deep = digests.deep_digests(own, refs)
    assert deep["A"] == deep["B"] != deep["C"]
    changed = digests.deep_digests({**own, "C": b"c2"}, refs)
    assert changed["A"] != deep["A"] and changed["C"] != deep["C"] and changed["D"] == deep["D"]
    assert digests.deep_digests(own, {**refs, "C": ["Y"]})["A"] != deep["A"]
