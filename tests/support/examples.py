"""How many examples a Hypothesis property test draws: the count the test names in the full suite (CI,
`bash scripts/test`, which sets CLIENTGEN_TEST_TIER=full), a quarter of it (at least 10, never more
than named) in the fast tier and in a bare `pytest`, so the tier for constant use stays quick while
CI keeps every example."""

from __future__ import annotations

import os


def full_tier() -> bool:
    return os.environ.get("CLIENTGEN_TEST_TIER") == "full"


def examples(count: int) -> int:
    return count if full_tier() else min(count, max(10, count // 4))
