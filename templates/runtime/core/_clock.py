"""The runtime's only access to time: patch these functions to make retries instant in tests.

Every wait (retry backoff, ``Retry-After``, rate-limit pacing) goes through ``sleep`` (sync
clients) or ``async_sleep`` (async clients), looked up on this module at call time.
"""

from __future__ import annotations

import time

__all__ = ["async_sleep", "monotonic", "now", "sleep"]


def sleep(seconds: float) -> None:
    """Block the calling thread for ``seconds``."""
    if seconds > 0:
        time.sleep(seconds)


async def async_sleep(seconds: float) -> None:
    """Suspend the calling task for ``seconds``."""
    if seconds > 0:
        import asyncio  # here, not at the top: sync-only programs never import asyncio for it

        await asyncio.sleep(seconds)


def now() -> float:
    """Wall-clock Unix time (used to interpret ``Retry-After`` dates and reset timestamps)."""
    return time.time()


def monotonic() -> float:
    """Monotonic clock for measuring durations."""
    return time.monotonic()
