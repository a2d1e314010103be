"""Digests of one side's operations, schemas and Python names, so that two sides built in different
processes can tell what is the same without being held together (issue 18, `split`).

An operation's digest covers the operation itself (every field), its parameters' limits, and the
whole of every schema it reaches (each schema's every field and its naming hint, then what its
fields reach): equal digests mean the comparers read the same thing on both sides, so they report
nothing there. Schemas that reach each other (a cycle) get one digest for the group. Pickled bytes
are hashed: what differs only in how it was built (shared or equal objects) may hash apart, which
only means it is compared in full.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Mapping

from ..ir import Api, Operation, TypeRef, walk_refs
from ..naming.plan import sccs
from .wire_ops import Limits

PROTOCOL = pickle.HIGHEST_PROTOCOL


def digest(*parts: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


def schema_piece(api: Api, sid: str, hints: Mapping[str, str]) -> bytes:
    """A schema and its naming hint, pickled (the piece `split` stores and digests)."""
    return pickle.dumps((api.schemas[sid], hints.get(sid)), PROTOCOL)


def operation_piece(op: Operation, limits: Limits) -> bytes:
    """An operation and its parameters' limits, pickled."""
    return pickle.dumps((op, tuple(limits.of(p) for p in op.parameters)), PROTOCOL)


def operation_refs(op: Operation) -> list[str]:
    """The schema ids an operation's parameters, body, responses and results name."""
    types: list[TypeRef | None] = [p.type for p in op.parameters]
    types += [m.type for m in op.body.media] if op.body is not None else []
    for r in op.responses:
        types += [m.type for m in r.media] + [h.type for h in r.headers]
    for res in op.results:
        types += [res.body, res.returns, res.item]
    return [sid for t in types if t is not None for sid in walk_refs(t)]


def deep_digests(own: Mapping[str, bytes], refs: Mapping[str, list[str]]) -> dict[str, bytes]:
    """Each schema's digest with everything it reaches: the group of schemas that reach each other
    (strongly connected) hashed with the groups it leads to, which come first."""
    graph = {sid: [r for r in refs.get(sid, ()) if r in own] for sid in own}
    out: dict[str, bytes] = {}
    for group in sccs(graph):
        members = set(group)
        leads = sorted(
            {
                out[r] if r in out else b"missing:" + r.encode()
                for m in group
                for r in refs.get(m, ())
                if r not in members
            }
        )
        value = digest(*sorted(own[m] for m in group), b"|", *leads)
        for member in group:
            out[member] = value
    return out


def operation_digest(piece: bytes, refs: Iterable[str], deep: Mapping[str, bytes]) -> bytes:
    return digest(piece, *(deep.get(r, b"missing:" + r.encode()) for r in refs))


def object_digest(value: object) -> bytes:
    """A Python surface's method or class."""
    return digest(pickle.dumps(value, PROTOCOL))
