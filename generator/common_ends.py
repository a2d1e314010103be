"""How much two long strings (or byte strings) share at their start and at their end, found by
comparing a block at a time (linear, no copy larger than a block), then halving the block where
they part. `clientgen check`'s short diff (`bounded_diff.py`) and the stage cache's edited text
(`stage/edit.py`) use them."""

from __future__ import annotations

from typing import AnyStr

BLOCK = 64 * 1024


def common_head(a: AnyStr, b: AnyStr) -> int:
    """How many leading items `a` and `b` share."""
    end, at = min(len(a), len(b)), 0
    while at < end and a[at : at + BLOCK] == b[at : at + BLOCK]:
        at += BLOCK
    if at >= end:
        return end
    hi = min(at + BLOCK, end)  # the first difference is in [at, hi): halve it
    while hi - at > 1:
        mid = (at + hi) // 2
        if a[at:mid] == b[at:mid]:
            at = mid
        else:
            hi = mid
    return at


def common_tail(a: AnyStr, b: AnyStr, head: int) -> int:
    """How many trailing items `a` and `b` share, not reaching back into the first `head`."""
    most, n = min(len(a), len(b)) - head, 0
    la, lb = len(a), len(b)
    while n < most:
        step = min(BLOCK, most - n)
        if a[la - n - step : la - n] != b[lb - n - step : lb - n]:
            lo, hi = n, n + step  # the tail ends in (lo, hi]: halve it
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if a[la - mid : la - n] == b[lb - mid : lb - n]:
                    lo = mid
                else:
                    hi = mid
            return lo
        n += step
    return most
