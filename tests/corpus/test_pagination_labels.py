"""The hand-labelled pagination data set (`tests/fixtures/pagination_labels.yaml`) and its scorer.

Fast: the label file is well-formed (closed list of styles, consistent fields, at least 150 operations
from at least 12 specs, every style present) and the scorer of `bench/pagination_eval.py` computes
precision, recall and style accuracy correctly on a tiny synthetic case. Slow (corpora from npm): every
labelled operation exists in its spec with that method, path and operationId, its knobs are request
parameters or JSON body properties, and its items path is an array of the 2xx response; and the bench
script runs end to end on one small spec. The precision/recall thresholds of issue #14 are asserted by
the implementation, not here.
"""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import pytest

from tests.corpus.bench_modules import load_bench

pe = load_bench("pagination_eval")
corpora = load_bench("corpora")

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "pagination_labels.yaml"


@pytest.fixture(scope="module")
def labels() -> list[Any]:
    return pe.load_labels(LABELS)  # type: ignore[no-any-return]


def test_label_file_is_well_formed() -> None:
    assert pe.label_problems(pe.read_labels(LABELS)) == []


def test_label_file_size_and_coverage(labels: list[Any]) -> None:
    specs = {label.spec for label in labels}
    assert len(labels) >= 150
    assert len(specs) >= 12
    styles = collections.Counter(label.style for label in labels)
    assert set(styles) == set(pe.STYLES), (
        f"styles without an example: {set(pe.STYLES) - set(styles)}"
    )
    # the vendors issue #14 names, and negatives of several kinds
    assert {"github", "stripe.com", "slack.com"} <= specs
    assert any(s.startswith("twilio.com/") for s in specs)
    assert styles["none"] >= 30
    assert sum(label.ambiguous for label in labels) >= 1
    keys = [label.key for label in labels]
    assert len(keys) == len(set(keys))


def _doc(**op: Any) -> dict[str, Any]:
    entry = {
        "op": "GET /things",
        "id": "listThings",
        "paginated": True,
        "style": "cursor_query",
        "reason": "r",
    }
    entry.update(op)
    return {"styles": list(pe.STYLES), "specs": {"x": {"operations": [entry]}}}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"style": "cursor"}, "is not one of"),
        ({"style": "none"}, "contradicts"),
        ({"paginated": False}, "contradicts"),
        ({"paginated": "yes"}, "must be true or false"),
        ({"op": "/things"}, "'METHOD /path'"),
        ({"also": ["none"]}, "`also` must list"),
        ({"also": ["cursor_query"]}, "repeats the style"),
        ({"ambiguous": True}, "conservative"),
        ({"colour": "red"}, "unknown fields"),
        ({"reason": " "}, "empty reason"),
    ],
)
def test_label_problems_are_reported(change: dict[str, Any], expected: str) -> None:
    assert pe.label_problems(_doc()) == []
    problems = pe.label_problems(_doc(**change))
    assert any(expected in p for p in problems), problems


def test_duplicate_labels_are_reported() -> None:
    doc = _doc()
    ops = doc["specs"]["x"]["operations"]
    ops.append(dict(ops[0]))
    assert any("labelled twice" in p for p in pe.label_problems(doc))


def _label(path: str, paginated: bool, style: str, **kw: Any) -> Any:
    return pe.Label(
        spec="s", operation_id=None, method="GET", path=path, paginated=paginated, style=style, **kw
    )


def test_score_on_a_synthetic_case() -> None:
    labels = [
        _label("/a", True, "cursor_query"),
        _label("/b", True, "link_header", also=("page_number",)),
        _label("/c", False, "none"),
        _label("/d", True, "offset_limit_query"),  # absent from the manifest
        _label("/e", False, "none", ambiguous=True),
        _label("/f", True, "page_number"),  # predicted, but no style given
        _label("/g", True, "jsonapi"),
    ]
    P = pe.Prediction
    predictions = {
        ("s", "GET", "/a"): P(True, "cursor_query"),
        ("s", "GET", "/b"): P(True, "page_number"),
        ("s", "GET", "/c"): P(True, "offset_limit_query"),
        ("s", "GET", "/e"): P(False),
        ("s", "GET", "/f"): P(True),
        ("s", "GET", "/g"): P(False),
    }
    s = pe.score(labels, predictions)
    assert (s.labelled, s.tp, s.fp, s.fn, s.tn, s.missing) == (7, 3, 1, 2, 1, 1)
    assert s.precision == pytest.approx(3 / 4)
    assert s.recall == pytest.approx(3 / 5)
    assert s.styled == 2
    assert s.style_accuracy == pytest.approx(1 / 2)  # /b said page_number, labelled link_header
    assert s.style_accuracy_lenient == pytest.approx(1.0)  # … which its `also` allows
    kinds = collections.Counter(kind for kind, _, _ in s.errors)
    assert kinds == {"false-positive": 1, "absent": 1, "missed": 1}

    strict = pe.score(labels, predictions, include_ambiguous=False)
    assert (strict.labelled, strict.tn) == (6, 0)

    by_spec = pe.score_by_spec(
        [*labels, pe.Label("t", None, "GET", "/a", False, "none")], predictions
    )
    assert set(by_spec) == {"s", "t"}
    assert by_spec["t"].precision is None and by_spec["t"].recall is None
    assert by_spec["t"].tn == 1


def test_score_without_predictions() -> None:
    s = pe.score([_label("/a", True, "cursor_query")], {})
    assert (s.fn, s.missing, s.precision, s.recall) == (1, 1, None, 0.0)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"paginated": True}, (True, None)),
        ({"paginated": False}, (False, None)),
        ({"paginated": True, "pagination": {"style": "link_header"}}, (True, "link_header")),
        ({"pagination": {"style": "cursor_body"}}, (True, "cursor_body")),
        ({"paginated": True, "pagination_style": "jsonapi"}, (True, "jsonapi")),
        ({"paginated": False, "pagination_style": "none"}, (False, None)),
        ({"paginated": "starting_after"}, (True, "starting_after")),
        ({"paginated": "none"}, (False, None)),
        ({"paginated": False, "pagination": None}, (False, None)),
    ],
)
def test_prediction_from_manifest_entry(entry: dict[str, Any], expected: tuple[bool, Any]) -> None:
    pred = pe.prediction_from_operation(entry)
    assert (pred.paginated, pred.style) == expected


def test_predictions_from_manifest_are_keyed_by_method_and_path() -> None:
    manifest = {
        "operations": [
            {"method": "get", "path": "/x", "paginated": True},
            {"method": "POST", "path": "/x/search", "paginated": False},
        ]
    }
    preds = pe.predictions_from_manifest("spec", manifest)
    assert preds == {
        ("spec", "GET", "/x"): pe.Prediction(True),
        ("spec", "POST", "/x/search"): pe.Prediction(False),
    }


@pytest.fixture(scope="module")
def corpora_dir() -> Path:
    try:
        return corpora.install(quiet=True)  # type: ignore[no-any-return]
    except corpora.NpmMissing as exc:
        pytest.skip(str(exc))


@pytest.mark.slow
def test_every_label_matches_its_spec(labels: list[Any], corpora_dir: Path) -> None:
    assert pe.spec_mismatches(labels) == []


@pytest.mark.slow
def test_spec_mismatches_are_reported(labels: list[Any], corpora_dir: Path) -> None:
    import dataclasses

    stripe = next(label for label in labels if label.spec == "stripe.com" and label.paginated)
    wrong = [
        dataclasses.replace(stripe, path=stripe.path + "/nope"),
        dataclasses.replace(stripe, operation_id="Other"),
        dataclasses.replace(stripe, knobs=("query:nope",), items="nope"),
    ]
    problems = pe.spec_mismatches(wrong)
    assert len(problems) == 4, problems
    assert "no such operation" in problems[0]
    assert f"operationId is {stripe.operation_id!r}" in problems[1]
    assert "knob query:nope" in problems[2] and "items nope" in problems[3]


@pytest.mark.slow
def test_eval_script_end_to_end(corpora_dir: Path, tmp_path: Path) -> None:
    """One small labelled spec through the real CLI: the figures land in --json and --markdown."""
    out, md = tmp_path / "eval.json", tmp_path / "eval.md"
    code = pe.main(["--ids", "azure.com/compute-skus", "--json", str(out), "--markdown", str(md)])
    assert code == 0
    doc = json.loads(out.read_text())
    overall = doc["overall"]
    assert overall["labelled"] == 1
    assert overall["tp"] + overall["fn"] == 1
    assert doc["failed"] == {}
    assert "azure.com/compute-skus" in md.read_text()
