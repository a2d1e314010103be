"""The comparison of two sides that are never held together (issue 18, `split`).

The new side is summarised where it is built (`summarise`): digests of its operations, schemas and
Python names, its operations reduced to stubs (method, path, id, deprecation: what an added or
removed operation's message reads), and every operation, schema, method and class stored as a
pickled piece. The old side is built in another process, which compares (`compare`): only the
operations whose digests differ are compared in full, from the new side's pieces (those operations,
the schemas they and the webhooks reach, their limits and naming hints); every other pair is a pair
of equal stubs, which the comparers find nothing in — as they find nothing in two equal
operations. The Python surfaces lose the methods and classes equal on both sides (a method only when
no other method performs the same endpoint, so renames are matched as before). Everything else the
comparers read (API version, servers, security schemes, resources, webhook payloads) is kept whole.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, replace

from ..ir import Api, Constraints, Operation, Schema, TypeRef, walk_refs
from ..naming.plan import schema_deps
from .changes import Collector, Side
from .digests import (
    deep_digests,
    digest,
    object_digest,
    operation_digest,
    operation_piece,
    operation_refs,
    schema_piece,
)
from .lean import Built, KnownLimits, PathDigests, Unsummarised
from .pieces import PieceReader, PieceWriter
from .py_diff import PythonComparer
from .sides import package_name
from .surface import Method, PyClass, Surface, surface_classes, surface_methods
from .wire_hooks import WebhookComparer
from .wire_ops import OperationComparer, match_key

PROTOCOL = pickle.HIGHEST_PROTOCOL


@dataclass
class NewSummary:
    """What the comparing process needs of the new side besides its pieces."""

    side: Side
    package: str  # `package_name` of the new side: both surfaces are built with it
    shell: Api  # the Api with every operation a stub and no schemas
    operations: list[bytes]  # each operation's digest, by its place in `shell.operations`
    methods: dict[str, bytes]  # call → digest, in the surface's order
    shared: frozenset[str]  # calls whose endpoint another method performs too
    classes: dict[str, bytes]  # class name → digest, in the surface's order
    resources: dict[str, list[str]]
    str_enums: frozenset[str]
    payloads: dict[str, TypeRef]
    index: dict[tuple[str, str], tuple[int, int]]
    paths: PathDigests


def stub(op: Operation) -> Operation:
    """An operation with only what names it (a pair of equal stubs compares equal)."""
    return replace(
        op,
        tags=(),
        summary="",
        description="",
        parameters=(),
        body=None,
        responses=(),
        results=(),
        requires_auth=False,
        security=(),
        extensions=(),
        servers=(),
        security_requirements=(),
    )


def _operation_digests(built: Built, writer: PieceWriter | None) -> list[bytes]:
    api = built.api
    own: dict[str, bytes] = {}
    refs: dict[str, list[str]] = {}
    for sid, schema in api.schemas.items():
        piece = schema_piece(api, sid, built.hints)
        if writer is not None:
            writer.put("schema", sid, piece)
        own[sid], refs[sid] = digest(piece), schema_deps(schema)
    deep = deep_digests(own, refs)
    out: list[bytes] = []
    for i, op in enumerate(api.operations):
        piece = operation_piece(op, built.limits)
        if writer is not None:
            writer.put("op", str(i), piece)
        out.append(operation_digest(piece, operation_refs(op), deep))
    return out


def summarise(built: Built, writer: PieceWriter) -> NewSummary:
    """(The new side's process.) Its digests, its pieces written; the surface is made, stored and
    digested one method and class at a time (never held whole)."""
    package = package_name(built.side())
    operations = _operation_digests(built, writer)
    resources: dict[str, list[str]] = {}
    methods: dict[str, bytes] = {}
    endpoint: dict[str, str] = {}
    for call, method in surface_methods(built.side(), resources):
        _once(call, methods)
        piece = pickle.dumps(method, PROTOCOL)
        writer.put("method", call, piece)
        methods[call], endpoint[call] = digest(piece), method.endpoint
    classes: dict[str, bytes] = {}
    str_enums: set[str] = set()
    for name, cls in surface_classes(built.side()):
        _once(name, classes)
        piece = pickle.dumps(cls, PROTOCOL)
        writer.put("class", name, piece)
        classes[name] = digest(piece)
        if cls.kind == "enum" and cls.value_kind == "string":
            str_enums.add(name)
    writer.close()
    endpoints = Counter(endpoint.values())
    return NewSummary(
        side=Side(built.label, built.api.version, built.package_version),
        package=package,
        shell=replace(built.api, schemas={}, operations=tuple(map(stub, built.api.operations))),
        operations=operations,
        methods=methods,
        shared=frozenset(c for c, e in endpoint.items() if endpoints[e] > 1),
        classes=classes,
        resources=resources,
        str_enums=frozenset(str_enums),
        payloads=built.payloads,
        index=writer.index,
        paths=built.paths,
    )


def compare(old: Built, new: NewSummary, pieces: PieceReader, out: Collector) -> None:
    """(The old side's process.) What `diff.diff_sides` finds in the IR and Python surfaces."""
    old_digests = _operation_digests(old, None)
    old_keys = {match_key(op): i for i, op in enumerate(old.api.operations)}
    new_keys = {match_key(op): i for i, op in enumerate(new.shell.operations)}
    differ = [
        k
        for k, i in old_keys.items()
        if k in new_keys and old_digests[i] != new.operations[new_keys[k]]
    ]
    old_full = {old_keys[k] for k in differ}
    old_api = replace(
        old.api,
        operations=tuple(
            op if i in old_full else stub(op) for i, op in enumerate(old.api.operations)
        ),
    )
    new_api, new_limits, new_hints = _new_api(new, {new_keys[k] for k in differ}, pieces)
    operations = OperationComparer(
        old_api,
        new_api,
        out,
        limits=(old.limits, new_limits),
        hints=(old.hints, new_hints),
    )
    operations.run()
    WebhookComparer(old.payloads, new.payloads, operations.schemas, out).run()
    old_surface, new_surface = _surfaces(old, new, pieces)
    PythonComparer(old_surface, new_surface, out).run()


def _new_api(
    new: NewSummary, full: set[int], pieces: PieceReader
) -> tuple[Api, KnownLimits, dict[str, str]]:
    """The new side's Api: the operations in `full` whole, the others stubs; the schemas those and
    the webhooks reach; their limits and naming hints."""
    ops = list(new.shell.operations)
    limits: dict[str, tuple[Constraints, Constraints]] = {}
    todo = [r for t in new.payloads.values() for r in walk_refs(t)]
    for i in sorted(full):
        op, op_limits = pieces.get("op", str(i))
        ops[i] = op
        limits.update((p.pointer, lim) for p, lim in zip(op.parameters, op_limits, strict=True))
        todo += operation_refs(op)
    schemas: dict[str, Schema] = {}
    hints: dict[str, str] = {}
    while todo:
        sid = todo.pop()
        if sid in schemas or ("schema", sid) not in pieces:
            continue
        schema, hint = pieces.get("schema", sid)
        schemas[sid] = schema
        if hint is not None:
            hints[sid] = hint
        todo += schema_deps(schema)
    api = replace(new.shell, operations=tuple(ops), schemas=schemas)
    return api, KnownLimits(limits), hints


def _surfaces(old: Built, new: NewSummary, pieces: PieceReader) -> tuple[Surface, Surface]:
    """Both surfaces without what is equal on both sides (see the module's doc); the old one made a
    method and a class at a time, the equal ones never kept."""
    resources: dict[str, list[str]] = {}
    methods: dict[str, Method] = {}
    same_methods: set[str] = set()
    for call, m in surface_methods(old.side(), resources):
        _once(call, methods, same_methods)
        if call in new.methods and call not in new.shared and object_digest(m) == new.methods[call]:
            same_methods.add(call)
        else:
            methods[call] = m
    classes: dict[str, PyClass] = {}
    same_classes: set[str] = set()
    str_enums: set[str] = set()
    for name, c in surface_classes(old.side()):
        _once(name, classes, same_classes)
        if c.kind == "enum" and c.value_kind == "string":
            str_enums.add(name)
        if name in new.classes and object_digest(c) == new.classes[name]:
            same_classes.add(name)
        else:
            classes[name] = c
    old_kept = Surface(new.package, resources, methods, classes, frozenset(str_enums))
    new_kept = Surface(
        new.package,
        new.resources,
        {c: pieces.get("method", c) for c in new.methods if c not in same_methods},
        {n: pieces.get("class", n) for n in new.classes if n not in same_classes},
        new.str_enums,
    )
    return old_kept, new_kept


def _once(name: str, *seen: Container[str]) -> None:
    """A surface's names are unique (the naming pass makes them so); were one made twice, the
    pruned surfaces could not keep the whole one's order: the caller compares in-process."""
    if any(name in names for names in seen):
        raise Unsummarised(f"{name} is in the surface twice")
