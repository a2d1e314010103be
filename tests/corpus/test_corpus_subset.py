"""A fast, diverse subset of real-world specs from the shared corpus sample, run in the normal test suite.

Each spec goes through the corpus harness (`bench/corpus.py`): the generator runs in a worker process under a
time-out, then a fresh interpreter imports every module of the generated package. For each spec we assert:
generation succeeds (no traceback, no fatal diagnostic), every module imports, and the package emits every
operation of the spec. Known generator bugs are `xfail(strict=True)` with the precise bug, so a fix shows up
as an XPASS failure: then remove the mark.

The corpora come from the npm registry (`bench/corpora.py`, pinned versions, into `.cache/corpora/`); the
session fixture installs them, and the tests skip only when npm itself is missing. The full sample run is
`python bench/corpus.py` (see bench/README.md and docs/coverage.md).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.format import ruff_binary
from tests.corpus.bench_modules import load_bench

pytestmark = pytest.mark.slow  # real-world corpus specs (npm install, many generations)

REPO = Path(__file__).resolve().parents[2]
RUFF_CONFIG = REPO / "generator" / "ruff_generated.toml"


corpora = load_bench("corpora")
corpus = load_bench("corpus")

# (spec id, why it is in the subset, known bug or None)
SUBSET: list[tuple[str, str, str | None]] = [
    # tiny specs
    ("nic.at/domainfinder", "1 operation", None),
    ("trapstreet.com", "1 operation", None),
    ("hydramovies.com", "tiny", None),
    ("shop.app", "tiny", None),
    ("iva-api.com", "no operations at all", None),
    # odd names: ids with spaces/parentheses, quotes in names, keywords, builtins
    ("hubapi.com/business units", "space in the spec id", None),
    ("vtex.local/VTEX_TEMPLATE", "upper-case id", None),
    ("vtex.local/Orders-API-(PII-version)", "parentheses in the id", None),
    ("netatmo.net", 'property name `wind_timeutc"`', None),
    ("scideas.net/regression", 'property name `calls"`, oneOf', None),
    ("contract-p.fit", "property named `list`; allOf; multipart", None),
    ("mcw.edu", "100 operations, many additionalProperties maps", None),
    # OpenAPI 3.1
    ("adyen.com/DisputeService-v30", "3.1", None),
    ("codat.io/banking", "3.1, allOf, nullable", None),
    ("listennotes.com", "3.1, oneOf, form bodies", None),
    ("adyen.com/PaymentService", "3.1, oneOf/anyOf, 236 KB", None),
    ("adyen.com/BalancePlatformReportNotification-v1", "3.1 webhooks only", None),
    # composition: allOf / oneOf / anyOf / discriminators
    ("betfair.com", "allOf + discriminator", None),
    ("nytimes.com/most_popular_api", "oneOf, nullable", None),
    ("amazonaws.com/elastic-inference", "allOf", None),
    ("azure.com/security-locations", "allOf, readOnly", None),
    ("whatsapp.local", "allOf, oneOf, multipart", None),
    ("lgtm.com", "allOf, oneOf", None),
    ("cpy.re/peertube", "discriminator, anyOf, multipart, 186 operations", None),
    # request bodies: multipart and form
    ("facecheck.id", "multipart", None),
    ("nexmo.com/media", "multipart", None),
    ("zeno.fm", "multipart", None),
    ("presalytics.io/story", "multipart, allOf", None),
    ("digitallocker.gov.in/authpartner", "oneOf, multipart, form", None),
    ("twilio.com/twilio_routes_v2", "form bodies, nullable", None),
    ("nexmo.com/sms", "oneOf, form", None),
    ("nexmo.com/verify", "oneOf, form", None),
    ("rev.ai", "multipart, allOf; percent-encoded $ref", None),
]


def _params() -> list[Any]:
    out = []
    for spec_id, _why, bug in SUBSET:
        marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
        out.append(pytest.param(spec_id, id=spec_id, marks=marks))
    return out


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    """Install the pinned corpora from the npm registry (idempotent, quiet); skip only without npm."""
    try:
        return corpora.install(quiet=True)  # type: ignore[no-any-return]
    except corpora.NpmMissing as exc:
        pytest.skip(str(exc))


def test_sample_file_holds_the_subset(corpora_dir: Path) -> None:
    """Every id of the subset is in the shared sample (when it is there) and resolves to a spec file."""
    for spec_id, _, _ in SUBSET:
        assert corpora.spec_path(spec_id).is_file(), spec_id
    if corpora.SAMPLE.is_file():
        sample = set(corpora.sample_ids())
        assert not [s for s, _, _ in SUBSET if s not in sample]


@pytest.mark.parametrize("spec_id", _params())
def test_corpus_spec(spec_id: str, corpora_dir: Path, tmp_path: Path) -> None:
    record = corpus.run_spec(spec_id, tmp_path, timeout=180, import_timeout=120)
    status, error = record.get("status"), record.get("error", "")
    # 1. generation: no traceback, no fatal diagnostic, no hang
    assert status not in ("gen-crash", "gen-error", "timeout", "worker-died", "running"), (
        f"{spec_id}: {status}: {error}\n{record.get('traceback', '') or record.get('stderr', '')}"
    )
    # 2. a fresh interpreter imports every module (and every name of types/)
    assert record.get("import_ok") is True, f"{spec_id}: {record.get('import_error')}"
    assert record.get("modules", 0) > 10
    # 3. every path-item method of the spec is an operation of the client
    assert record.get("ops_out") == record.get("ops_in"), (
        f"{spec_id}: missing {record.get('ops_missing')}, extra {record.get('ops_extra')}"
    )
    assert status == "ok", record
    # 4. the import blocks are emitted in ruff's order, without unused names (no `ruff check --fix` runs)
    lint = subprocess.run(
        [
            ruff_binary(),
            "check",
            "--no-cache",
            "--config",
            str(RUFF_CONFIG),
            "--output-format",
            "concise",
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout[-2000:]
