"""A formatted text in pieces, as a regeneration splices it (`splice.py`, `manifest.pieces`), and
the form the module cache keeps one in (edit26): a text a replay put together from pieces carries
its cut, which the snapshot's writer keeps beside the text (`stage/rekey.py`), so the next replay
takes it instead of looking for every piece again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

# the entries the module cache keeps a made text's cut in (`cut_key`); another format, another name
_KEPT_CUT = b"clientgen kept cut 1\0"


def cut_key(text_key: bytes, signature: str) -> bytes:
    """The module-cache key of the cut, for `signature`, of the text whose key is `text_key`."""
    return hashlib.sha256(_KEPT_CUT + text_key + b"\0" + signature.encode()).digest()


@dataclass(frozen=True, slots=True)
class Cut:
    """A formatted module in pieces: `leads[i]` precedes group i (the last one ends the text),
    `groups[i]` holds one piece per method (each ending with one newline), joined by `seps[i]`."""

    leads: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    seps: tuple[str, ...]

    def text(self) -> str:
        """The text it is the cut of."""
        out = [self.leads[0]]
        for g, sep in enumerate(self.seps):
            out.append(sep.join(self.groups[g]))
            out.append(self.leads[g + 1])
        return "".join(out)

    def encode(self) -> bytes:
        """Its lengths and separators, as the module cache keeps them (plain JSON)."""
        return Cut.encoded(
            [len(x) for x in self.leads], [[len(p) for p in g] for g in self.groups], self.seps
        )

    @staticmethod
    def encoded(leads: list[int], groups: list[list[int]], seps: Sequence[str]) -> bytes:
        """`encode` of the cut with these lengths and separators."""
        return json.dumps([leads, groups, list(seps)], separators=(",", ":")).encode()

    @classmethod
    def of(cls, text: str, data: bytes) -> Cut | None:
        """The cut `encode` gave `data` of, applied to `text`; None when it does not fit it."""
        try:
            leads, groups, seps = json.loads(data)
        except (ValueError, TypeError):
            return None
        if not (
            isinstance(leads, list)
            and isinstance(groups, list)
            and isinstance(seps, list)
            and len(leads) == len(groups) + 1 == len(seps) + 1
            and all(isinstance(s, str) for s in seps)
            and all(isinstance(g, list) for g in groups)
            and all(type(n) is int and n >= 0 for n in leads)
            and all(type(n) is int and n >= 0 for g in groups for n in g)
        ):
            return None
        seps_size = sum(len(s) * max(len(g) - 1, 0) for s, g in zip(seps, groups, strict=True))
        if sum(leads) + sum(map(sum, groups)) + seps_size != len(text):
            return None
        at = 0
        out_leads: list[str] = []
        out_groups: list[tuple[str, ...]] = []
        for lead, sizes, sep in zip(leads, groups, seps, strict=False):
            out_leads.append(text[at : at + lead])
            at += lead
            pieces = []
            for i, size in enumerate(sizes):
                if i:
                    if not text.startswith(sep, at):
                        return None
                    at += len(sep)
                pieces.append(text[at : at + size])
                at += size
            out_groups.append(tuple(pieces))
        out_leads.append(text[at:])
        return cls(tuple(out_leads), tuple(out_groups), tuple(seps))
