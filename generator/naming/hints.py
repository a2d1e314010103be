"""Which words a schema's class name is made from, when several places use it (parse records them all:
`ir.NameHints`). A component is named by its key; an inline schema by the place that defines it, the
places that merely reach it deciding only between equally good names."""

from __future__ import annotations

from collections.abc import Mapping

from ..ir import NameHints, Schema
from .rules import pascal, words


def schema_hints(schemas: Mapping[str, Schema]) -> dict[str, str]:
    """Schema id → the words of its class name."""
    components = {pascal(h.hints[0][0]) for h in _all(schemas) if h.component}
    contested = _contested_shorts(schemas)
    return {
        sid: s.name_hint if s.hints is None else _choose(s.hints, components, contested)
        for sid, s in schemas.items()
    }


def _all(schemas: Mapping[str, Schema]) -> list[NameHints]:
    return [s.hints for s in schemas.values() if s.hints is not None]


def _choose(h: NameHints, components: set[str], contested: set[str]) -> str:
    if h.component:
        return h.hints[0][0]
    hints = h.own or h.hints
    if len(hints) == 1:
        return hints[0][0]
    shorts = {s for _, s in hints}
    if len(shorts) == 1 and None not in shorts:
        short = next(iter(shorts))
        assert short is not None
        if pascal(short) not in components:
            prefix = _common_words([full for full, _ in hints])
            if pascal(short) not in contested or not prefix:
                return short
            return f"{' '.join(prefix)} {short}"
    if h.data:
        return h.data
    return min(full for full, _ in hints)


def _contested_shorts(schemas: Mapping[str, Schema]) -> set[str]:
    """Short names (e.g. `type`) that several multiply-used inline schemas would all take."""
    counts: dict[str, int] = {}
    for h in _all(schemas):
        hints = h.own or h.hints
        shorts = {s for _, s in hints}
        if not h.component and len(hints) > 1 and len(shorts) == 1 and None not in shorts:
            key = pascal(next(iter(shorts)) or "")
            counts[key] = counts.get(key, 0) + 1
    return {k for k, n in counts.items() if n > 1}


def _common_words(hints: list[str]) -> list[str]:
    """Leading words every hint shares (`Person type`, `Person create data type` → `Person`)."""
    split = [list(words(h)) for h in hints]
    out: list[str] = []
    for group in zip(*split, strict=False):
        if len(set(group)) != 1:
            break
        out.append(group[0])
    return out[: min(len(w) for w in split) - 1] if split else []
