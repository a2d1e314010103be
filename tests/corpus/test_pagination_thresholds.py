"""Issue #14's bar for pagination detection on the hand-labelled operations of real specs
(`tests/fixtures/pagination_labels.yaml`): precision >= 95 % and recall >= 90 %, and the style the
generator names agrees with the label (or one of its `also` styles) on most true positives.

The decision is read where the generator makes it (parse + the shape stage, in process, no rendering);
`bench/pagination_eval.py` scores the same decision through the generated `operations.json` and
prints the figures `docs/coverage.md` reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.config import adhoc_target
from generator.diagnostics import DiagnosticSink
from generator.load import load_spec
from generator.parse import build_api
from generator.render.manifest import style_name
from generator.shape.stage import shape
from tests.corpus.bench_modules import load_bench

pytestmark = pytest.mark.slow

pe = load_bench("pagination_eval")
manifests = load_bench("manifests")
corpora = load_bench("corpora")

PRECISION, RECALL, STYLE = 0.95, 0.90, 0.90


@pytest.fixture(scope="module")
def predictions(tmp_path_factory: pytest.TempPathFactory) -> dict[Any, Any]:
    try:
        corpora.install(quiet=True)
    except corpora.NpmMissing as exc:
        pytest.skip(str(exc))
    out = tmp_path_factory.mktemp("pages")
    found: dict[Any, Any] = {}
    for spec_id in dict.fromkeys(label.spec for label in pe.load_labels()):
        path: Path = manifests.resolve_spec(spec_id)
        target = adhoc_target(str(path), str(out / "p"), "p", "P")
        sink = DiagnosticSink(file=str(path))
        api = shape(build_api(load_spec(path, sink), sink), target, sink)
        for op in api.operations:
            page = next((r.pagination for r in op.results if r.pagination is not None), None)
            style = style_name(page) if page is not None else None
            found[(spec_id, op.method.upper(), op.path)] = pe.Prediction(page is not None, style)
    return found


def test_precision_and_recall_on_the_labelled_set(predictions: dict[Any, Any]) -> None:
    labels = pe.load_labels()
    s = pe.score(labels, predictions)
    wrong = [f"{kind}: {label.name}" for kind, label, _ in s.errors]
    assert s.missing == 0, "labelled operations the generator does not see"
    assert s.precision is not None and s.precision >= PRECISION, wrong
    assert s.recall is not None and s.recall >= RECALL, wrong
    assert s.style_accuracy_lenient is not None and s.style_accuracy_lenient >= STYLE, s.style_pairs


def test_every_style_is_found_at_least_once(predictions: dict[Any, Any]) -> None:
    named = {p.style for p in predictions.values() if p.paginated}
    assert set(pe.STYLES) - {"none"} <= named
