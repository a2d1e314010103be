"""Wire conformance on the corpus (issue #13 §3): every operation of real specs, through the generated client,
against `prism mock --errors`.

One test per spec of `bench/wire_conformance.py`'s SPECS (minus BENCH_ONLY; the last one is not a corpus spec
but tests/fixtures/specs/wire_styles_30.yml, one operation per serialisation rule the sample does not
reach), each in its own worker process
(generate the client, start Prism, call every operation twice with strict response validation; see
tests/support/wire.py for what is checked and how findings are classified). A spec passes when the client
caused no request defect, rejected no valid response and refused no valid argument. Harness limitations
(values it cannot synthesise, Prism's own limits and crashes, mocked bodies that violate their spec) are
reported, not failed: `python bench/wire_conformance.py --report-only --doc` renders them with everything
else from the reports this test leaves in `.cache/wire-conformance/`.

Specs with defects known today are `xfail(strict=True, raises=KnownWireDefects)`: a finding of another
category or kind fails the test (AssertionError); once every known defect of the spec is fixed the XPASS
fails the run until its KNOWN entry goes. The defects have focused reproductions in
tests/e2e/test_wire_defects.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.prism import prism_executable

from tests.corpus.bench_modules import load_bench

pytestmark = pytest.mark.slow  # Prism, one worker process per real-world spec

wire = load_bench("wire_conformance")
corpora = load_bench("corpora")

FAILING = ("request", "response", "client")

# spec id → {"category:kind": the defect (tests/e2e/test_wire_defects.py)}
KNOWN: dict[str, dict[str, str]] = {}


class KnownWireDefects(AssertionError):
    """The spec's findings are exactly defects listed in KNOWN."""


def _key(finding: dict[str, Any]) -> str:
    return f"{finding['category']}:{finding['kind']}"


def _describe(findings: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  {_key(f)} {f['operation']} ({f['call']}, {f['mode']}): {f['detail']}"
        + (f"\n      wire: {f['wire'][:400]}" if f.get("wire") else "")
        for f in findings[:40]
    ) + (f"\n  … {len(findings) - 40} more" if len(findings) > 40 else "")


def _params() -> list[Any]:
    out = []
    for spec_id, why in wire.ci_specs():
        known = KNOWN.get(spec_id)
        marks = (
            [
                pytest.mark.xfail(
                    strict=True,
                    raises=KnownWireDefects,
                    reason="#13: " + "; ".join(sorted(set(known.values()))),
                )
            ]
            if known
            else []
        )
        out.append(pytest.param(spec_id, marks=marks, id=spec_id.replace(" ", "_")))
    return out


@pytest.fixture(scope="session")
def prism() -> str:
    executable = prism_executable()
    if executable is None:
        pytest.skip("Prism is not installed (CLIENTGEN_PRISM unset, no `prism` on PATH)")
    return executable


@pytest.fixture(scope="session")
def corpora_installed() -> None:
    try:
        corpora.install(quiet=True)
    except corpora.NpmMissing as exc:
        pytest.skip(str(exc))


def test_every_known_spec_is_run() -> None:
    """KNOWN names only specs the test runs (a renamed or dropped spec must not hide an entry)."""
    ids = {spec_id for spec_id, _ in wire.ci_specs()}
    assert set(KNOWN) <= ids, set(KNOWN) - ids
    assert len([i for i in ids if not wire.is_fixture(i)]) >= 30
    assert all(key.split(":", 1)[0] in FAILING for known in KNOWN.values() for key in known)


@pytest.mark.parametrize("spec_id", _params())
def test_wire_conformance(spec_id: str, prism: str, corpora_installed: None) -> None:
    report = wire.run_one(spec_id, out=wire.DEFAULT_OUT)
    assert not report.get("error"), f"{spec_id} was not run: {report['error']}"
    assert report["called"] > 0 and report["exchanges"] > 0, json.dumps(report)[:2000]
    failures = [f for f in report["findings"] if f["category"] in FAILING]
    known = KNOWN.get(spec_id, {})
    unexpected = [f for f in failures if _key(f) not in known]
    assert not unexpected, (
        f"{len(unexpected)} client defects on {spec_id} not in KNOWN:\n{_describe(unexpected)}"
    )
    if failures:
        raise KnownWireDefects(f"{spec_id}: known defects still there:\n{_describe(failures)}")
