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
from collections.abc import Iterable, Iterator, Mapping

from ..ir import Alias, Api, Model, Operation, TypeRef, walk_refs
from .lean import KnownLimits

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


def operation_piece(op: Operation, limits: KnownLimits) -> bytes:
    """An operation and its parameters' limits, pickled."""
    return pickle.dumps((op, tuple(limits.of(p) for p in op.parameters)), PROTOCOL)


def schema_refs(schema: object) -> list[str]:
    """The schema ids a schema's fields, extra values or alias target name."""
    if isinstance(schema, Model):
        out = [r for f in schema.fields for r in walk_refs(f.type)]
        return out + (walk_refs(schema.extra) if schema.extra is not None else [])
    if isinstance(schema, Alias):
        return walk_refs(schema.target)
    return []


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
    (strongly connected, Tarjan's algorithm without recursion) hashed with the groups it leads to."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: dict[str, bytes] = {}
    for root in own:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(refs.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in own:
                    continue  # a missing schema: hashed by its id below
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(refs.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
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
