"""A spec that is cut short must not be compared: a truncated file looks like an API that lost half its
operations ("197 breaking"), a document without paths like one that changed nothing."""

from __future__ import annotations

from typing import Any

from ..diagnostics import fatal
from .fetch import incomplete
from .sides import SpecSide

_HINT = "the file looks truncated or unfinished; compare complete documents"


def check_complete(old: SpecSide, new: SpecSide) -> None:
    """Raise SpecError (naming the file) when either side is incomplete."""
    for side, other in ((old, new), (new, old)):
        problem = incomplete(side.document) or cut_short(side.document, other.document)
        if problem:
            raise fatal(
                "incomplete-spec",
                f"the spec looks incomplete: {problem}",
                file=side.label,
                hint=_HINT,
            )


def cut_short(doc: dict[str, Any], other: dict[str, Any]) -> str:
    """Why `doc` reads like the start of `other`'s file cut off, or "".

    The evidence: `doc`'s top-level sections are the first ones of `other`, in the same order, some that
    follow are missing, and the last section `doc` has stops inside its last member (that member's keys,
    at some depth, are the first of `other`'s). An edit that drops the final section, even with the
    last member of the one before, does not look like that; a file cut exactly between two members is
    not caught (nothing in it is unfinished).
    """
    keys, others = list(doc), list(other)
    if not keys or len(keys) >= len(others) or others[: len(keys)] != keys:
        return ""
    last = keys[-1]
    a, b = doc[last], other[last]
    if not isinstance(a, dict) or not isinstance(b, dict) or not a:
        return ""
    member = list(a)[-1]
    if member not in b or not _stops_early(a[member], b[member]):
        return ""
    missing = ", ".join(f"'{k}'" for k in others[len(keys) :])
    return f"it stops inside '{last}' (in {member!r}) and has none of the sections after it ({missing})"


def _stops_early(a: Any, b: Any) -> bool:
    """`a` is `b` with its last members missing, here or inside its last member."""
    if isinstance(a, dict) and isinstance(b, dict):
        ka, kb = list(a), list(b)
        if not ka or kb[: len(ka)] != ka:
            return False
        return len(ka) < len(kb) or _stops_early(a[ka[-1]], b[kb[-1]])
    if isinstance(a, list) and isinstance(b, list):
        if not a or len(a) > len(b):
            return False
        return len(a) < len(b) or _stops_early(a[-1], b[-1])
    return False
