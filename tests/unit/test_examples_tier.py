"""tests/support/examples.py: property tests draw their named example count in the full suite and a
quarter of it (at least 10, never more than named) in the fast tier; `bash scripts/test` says which."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.support.examples import examples


def test_the_full_suite_draws_every_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENTGEN_TEST_TIER", "full")
    assert [examples(n) for n in (2, 30, 400)] == [2, 30, 400]


@pytest.mark.parametrize("tier", ["fast", None])
def test_the_fast_tier_draws_a_quarter(monkeypatch: pytest.MonkeyPatch, tier: str | None) -> None:
    if tier is None:
        monkeypatch.delenv("CLIENTGEN_TEST_TIER", raising=False)
    else:
        monkeypatch.setenv("CLIENTGEN_TEST_TIER", tier)
    assert [examples(n) for n in (2, 30, 400)] == [2, 10, 100]


def test_the_test_script_names_the_tier() -> None:
    script = (REPO / "scripts" / "test").read_text(encoding="utf-8")
    full, fast = script.index("CLIENTGEN_TEST_TIER=full"), script.index("CLIENTGEN_TEST_TIER=fast")
    assert full < script.index('"--fast"') < fast  # full by default, fast only under --fast
