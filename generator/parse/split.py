"""Parse on two cores: the component schemas built in a forked child while this process builds the
operations (issue 18).

One process registers every component schema, builds the operations (which register the inline
schemas of their parameters, bodies and responses), then builds the bodies of all registered schemas
from a queue, first in, first out (`SchemaBuilder.drain`). What a body comes out as, and what it adds
to the shared state — the schemas it registers and the name hints it gives them, the memo of component
types, the warnings — can depend on what was registered before it. So the order of that serial run is
kept, and the child's work is used only where it is provably what this process would have done:

- after `register_components`, `Split` forks; the child drains the components' queue on its own
  (the components and every schema their bodies reach) with a builder that notes, for each body it
  builds, what the build asked of the shared state (is a schema registered? is a component type in
  the memo, and what is it?), what it read of its own registration (node, first name hint, component
  or not) and, in order, what it did (registered a schema with a hint, added an inheritance base's own
  model, stored a component type, warned). It sends these records, a few dozen at a time, pickled
  through a pipe, and leaves with `os._exit`;
- this process builds the operations and webhooks meanwhile, then drains its queue in the serial
  order. For each schema the child built, the record is checked against this process's state at that
  point (every question asked must get the same answer here, the registration must be the same); if
  it holds, the record's effects are applied here in its order (through the same `_register`, so the
  name hints merge in the serial order) and its body taken; else — and for every schema the child has
  not delivered yet, or did not build — the body is built here, as in one process.

So the output is the serial run's whatever the child did: a child that failed, died, was slow or sent
something that does not unpickle only means more is built here. Nodes travel as the `id()` of the
document copy's containers (the same in both processes after the fork: `Canonical.node`), a node made
up while parsing (an `allOf` merge) as its structure. Every wait is bounded: this process never waits
for the child's records (it builds what is not there), and the child is killed and reaped when the
queue is drained (or on any error). Only worth it on a spec with many component schemas; not above
`SPLIT_UP_TO` schemas + operations (a second process's pages: graph-beta's memory), nor where the
render's fan-out would not fork (`fanout.can_fork`: no fork, other threads, one CPU, turned off).
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import fcntl
import io
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from operator import attrgetter
from types import TracebackType
from typing import Any, Self

from .. import ir
from ..diagnostics import Diagnostic, DiagnosticSink, Severity
from ..ir import models as ir_models
from ..render.fanout import can_fork
from .canonical import Canonical
from .schemas import SchemaBuilder, _Pending

SPLIT_FROM = 300  # component schemas: fewer are built faster than handed over
SPLIT_UP_TO = 20_000  # component schemas + operations: a larger spec parses in one process
_CHUNK = 48  # records per message
_HEAD = 4  # bytes of a message's length
_PATIENCE = 4  # bodies built here between two looks at the pipe

# what a build asked (checked here) and did (applied here), in its order
_IN, _MEMO_IN, _MEMO_GET, _MEMO_SET, _REG, _BASE, _WARN = range(7)

Record = tuple[str, bool, Any, tuple[str, str | None], tuple[tuple[Any, ...], ...], ir.Schema]


def worth_it(schemas: SchemaBuilder) -> bool:
    """Fork for the components' bodies? (Called after `register_components`.)"""
    doc = schemas.resolver.document
    components = (doc.get("components") or {}).get("schemas")
    count = len(components) if isinstance(components, dict) else 0
    if count < SPLIT_FROM:
        return False
    paths = doc.get("paths")
    operations = sum(len(p) for p in paths.values() if isinstance(p, dict)) if paths else 0
    return count + operations <= SPLIT_UP_TO and can_fork()


class Split:
    """The child that builds the component schemas' bodies, and their use here (see the module)."""

    def __init__(self, schemas: SchemaBuilder, *, enabled: bool) -> None:
        self._pid = 0
        self._fd = -1  # the records (read here)
        self._claims = -1  # the schemas built here (the child need not build them)
        self._claimed: list[str] = []
        self._buffer = bytearray()
        self._records: dict[str, Record] = {}
        # (for tests and measurements) bodies taken from the child; records that did not hold here
        self.replayed = self.refused = self.built_here = 0
        if enabled:
            self._fork(schemas)

    @property
    def forked(self) -> bool:
        return self._pid > 0

    def _fork(self, schemas: SchemaBuilder) -> None:
        fds: list[int] = []
        try:
            read, write = os.pipe()  # the records
            fds += (read, write)
            claims_read, claims_write = os.pipe()  # the schemas built here
            fds += (claims_read, claims_write)
        except OSError:
            for fd in fds:
                os.close(fd)
            return
        with contextlib.suppress(OSError, AttributeError):  # fewer waits for a slow reader
            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 1 << 20)
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: built here
            for fd in fds:
                os.close(fd)
            return
        if pid == 0:  # the child: never returns
            code = 1
            try:
                with contextlib.suppress(BaseException):
                    os.close(read)
                    os.close(claims_write)
                    _child(schemas, write, claims_read)
                    code = 0
            finally:
                os._exit(code)
        os.close(write)
        os.close(claims_read)
        os.set_blocking(read, False)
        os.set_blocking(claims_write, False)  # a claim that would wait is dropped: only a hint
        self._pid, self._fd, self._claims = pid, read, claims_write

    # ---- here: the serial drain, with the child's records where they hold ------------------------
    def drain(self, schemas: SchemaBuilder) -> None:
        """`schemas.drain()`, taking each body the child built when its record holds here."""
        queue, built, pending = schemas._queue, schemas.built, schemas.pending
        while queue:
            sid = queue.pop(0)
            if sid in built:
                continue
            record = self._records.pop(sid, None)
            if record is None and self._fd >= 0 and self.built_here % _PATIENCE == 0:
                self._receive()
                record = self._records.pop(sid, None)
            if record is not None and (events := _holds(schemas, record)) is not None:
                _apply(schemas, record, events)
                self.replayed += 1
            else:
                self.refused += record is not None
                built[sid] = schemas._build_named(pending[sid])
                self.built_here += 1
                if self._claims >= 0:
                    self._claim(sid)
        self.close()

    def _claim(self, sid: str) -> None:
        """Tell the child (a few at a time) that `sid` is built here: it need not build it."""
        self._claimed.append(sid)
        if len(self._claimed) >= _PATIENCE:
            message = "\0".join(self._claimed).encode("utf-8", "surrogatepass") + b"\0"
            self._claimed.clear()
            with contextlib.suppress(OSError):  # full: the child builds them too (no matter)
                os.write(self._claims, message)

    def settle(self, timeout: float) -> None:
        """(For tests.) Take all the child sends, waiting at most `timeout` seconds for its end."""
        deadline = time.monotonic() + timeout
        while self._fd >= 0 and (left := deadline - time.monotonic()) > 0:
            poller = select.poll()
            poller.register(self._fd, select.POLLIN)
            poller.poll(left * 1000)
            self._receive()

    def _receive(self) -> None:
        """The records the child has sent so far (without waiting)."""
        try:
            while chunk := os.read(self._fd, 1 << 20):
                self._buffer += chunk
            self._close_pipe()  # the end: the child is done (or gone)
        except BlockingIOError:
            pass
        except OSError:
            self._close_pipe()
        buffer, at, whole = self._buffer, 0, False
        with contextlib.suppress(Exception):  # a damaged message: nothing more is taken from it
            while len(buffer) - at >= _HEAD:
                size = int.from_bytes(buffer[at : at + _HEAD], "little")
                if len(buffer) - at - _HEAD < size:
                    break
                records: list[Record] = pickle.loads(buffer[at + _HEAD : at + _HEAD + size])
                at += _HEAD + size
                for record in records:
                    self._records[record[0]] = record
            whole = True
        if not whole:
            self._close_pipe()
            at = len(buffer)
        del buffer[:at]

    def _close_pipe(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._claims >= 0:
            os.close(self._claims)
            self._claims = -1

    def close(self) -> None:
        """Stop and reap the child (idempotent); its records are not wanted any more."""
        self._close_pipe()
        self._records.clear()
        self._buffer.clear()
        pid, self._pid = self._pid, 0
        if pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _holds(schemas: SchemaBuilder, record: Record) -> list[tuple[Any, ...]] | None:
    """Would this build ask the same questions and get the same answers here, now? Its events as
    they would happen here (None: it would not be the same build)."""
    sid, component, node, hint, events, _ = record
    own = schemas.pending[sid]
    if own.component != component or not own.hints or own.hints[0] != hint:
        return None
    if not _same(own.node, node, schemas.canonical):
        return None
    pending, memo = schemas.pending, schemas._component_types
    added: set[str] = set()
    stored: dict[Any, Any] = {}
    kept: list[tuple[Any, ...]] = []
    at, count = 0, len(events)
    while at < count:
        event = events[at]
        at += 1
        kind = event[0]
        if kind == _MEMO_IN and not event[2] and (event[1] in memo or event[1] in stored):
            # the child computed a component type this process already knows: here the build
            # takes it from the memo, without the computation's events, when it is the same type
            end = _computed(events, at, event[1])
            key = event[1]
            if end < 0 or (stored[key] if key in stored else memo[key]) != events[end][2]:
                return None
            at = end + 1
            continue
        kept.append(event)
        if kind == _IN:
            if (event[1] in pending or event[1] in added) != event[2]:
                return None
        elif kind == _REG or kind == _BASE:
            added.add(event[1])
        elif kind == _MEMO_IN:
            if (event[1] in memo or event[1] in stored) != event[2]:
                return None
        elif kind == _MEMO_GET:
            key = event[1]
            if (stored[key] if key in stored else memo.get(key)) != event[2]:
                return None
        elif kind == _MEMO_SET:
            stored[event[1]] = event[2]
    return kept


def _computed(events: tuple[tuple[Any, ...], ...], start: int, key: Any) -> int:
    """The index of the event that stores the type computed from `start` on (-1: none)."""
    depth = 0
    for at in range(start, len(events)):
        event = events[at]
        if event[0] == _MEMO_IN and event[1] == key and not event[2]:
            depth += 1
        elif event[0] == _MEMO_SET and event[1] == key:
            if depth == 0:
                return at
            depth -= 1
    return -1


def _apply(schemas: SchemaBuilder, record: Record, events: list[tuple[Any, ...]]) -> None:
    """The build's effects here, in its order, and its body."""
    sid, body = record[0], record[5]
    pending, canonical, sink = schemas.pending, schemas.canonical, schemas.sink
    for event in events:
        kind = event[0]
        if kind == _REG:
            _, target, node, hint, component, at = event
            made = {} if target in pending else _decode(node, canonical)
            schemas._register(target, made, hint, component, at)
        elif kind == _MEMO_SET:
            schemas._component_types[event[1]] = event[2]
        elif kind == _WARN:
            found: Diagnostic = event[1]
            add = sink.error if found.severity is Severity.ERROR else sink.warn
            add(found.code, found.pointer, found.message, found.hint)
        elif kind == _BASE:
            _, base, node, hint, model = event
            pending[base] = _Pending(base, _decode(node, canonical), [(hint, None)])
            schemas.built[base] = model
    schemas.built[sid] = body


# ---- nodes between the two processes -------------------------------------------------------------
def _encode(node: Any, canonical: Canonical) -> Any:
    """A node as the other process can find it: one of the document copy's containers by its id,
    a container made up while parsing by its structure, anything else as itself."""
    if isinstance(node, dict):
        if canonical.node(id(node)) is node:
            return ("d", id(node))
        return ("m", tuple((k, _encode(v, canonical)) for k, v in node.items()))
    if isinstance(node, list):
        if canonical.node(id(node)) is node:
            return ("d", id(node))
        return ("l", tuple(_encode(v, canonical) for v in node))
    return node


def _decode(encoded: Any, canonical: Canonical) -> Any:
    if not isinstance(encoded, tuple):
        return encoded
    kind, value = encoded
    if kind == "d":
        return canonical.node(value)
    if kind == "m":
        return {k: _decode(v, canonical) for k, v in value}
    return [_decode(v, canonical) for v in value]


def _same(node: Any, encoded: Any, canonical: Canonical) -> bool:
    """Is `node` what `encoded` describes: the same document containers, made-up ones alike?"""
    if isinstance(encoded, tuple):
        kind, value = encoded
        if kind == "d":
            return id(node) == value and canonical.node(value) is node
        if canonical.node(id(node)) is node:
            return False
        if kind == "m":
            return (
                isinstance(node, dict)
                and len(node) == len(value)
                and all(k in node and _same(node[k], v, canonical) for k, v in value)
                and list(node) == [k for k, _ in value]
            )
        return (
            isinstance(node, list)
            and len(node) == len(value)
            and all(_same(n, v, canonical) for n, v in zip(node, value, strict=True))
        )
    return type(node) is type(encoded) and node == encoded


# ---- the child -----------------------------------------------------------------------------------
class _Asked(dict[Any, Any]):
    """(In the child.) The registered schemas: whether one is there is noted (not for one registered
    before the fork: it is there in every later state)."""

    events: list[tuple[Any, ...]]
    before: frozenset[str]

    def __contains__(self, key: object) -> bool:
        found = dict.__contains__(self, key)
        if key not in self.before:
            self.events.append((_IN, key, found))
        return found


class _Memo(dict[Any, Any]):
    """(In the child.) The component types' memo: each question and each stored type noted."""

    events: list[tuple[Any, ...]]

    def __contains__(self, key: object) -> bool:
        found = dict.__contains__(self, key)
        self.events.append((_MEMO_IN, key, found))
        return found

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        self.events.append((_MEMO_GET, key, value))
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        self.events.append((_MEMO_SET, key, value))
        dict.__setitem__(self, key, value)


class _Noted(DiagnosticSink):
    """(In the child.) Warnings noted in the build's record, to be given to the real sink there."""

    events: list[tuple[Any, ...]]

    def _add(self, diagnostic: Diagnostic) -> None:
        self.events.append((_WARN, diagnostic))


class _Recording(SchemaBuilder):
    """(In the child.) The builder, noting what each build registers."""

    events: list[tuple[Any, ...]]
    before: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]]  # hints, own hints at the fork

    def _register(
        self,
        sid: str,
        node: dict[str, Any],
        hint: tuple[str, str | None],
        component: bool,
        at: str = "",
    ) -> str:
        known = self.before.get(sid)
        if known is None or hint not in known[0] or (at or sid) == sid and hint not in known[1]:
            # (a hint a schema registered before the fork had then changes nothing, in any state)
            self.events.append((_REG, sid, _encode(node, self.canonical), hint, component, at))
        return super()._register(sid, node, hint, component, at)

    def _add_base(self, sid: str, node: dict[str, Any], hint: str, model: ir.Model) -> None:
        self.events.append((_BASE, sid, _encode(node, self.canonical), hint, model))
        super()._add_base(sid, node, hint, model)


def _child(parent: SchemaBuilder, out: int, claims: int) -> None:
    """Drain the components' queue with a noting builder, sending the records as they are made;
    what the parent has built (`claims`) is not built."""
    events: list[tuple[Any, ...]] = []
    sink = _Noted(file=parent.sink.file)
    pending, memo = _Asked(parent.pending), _Memo(parent._component_types)
    for noting in (sink, pending, memo):
        noting.events = events
    pending.before = frozenset(pending)
    builder = _Recording.__new__(_Recording)
    builder.__dict__.update(parent.__dict__)
    builder.before = {sid: (tuple(p.hints), tuple(p.own)) for sid, p in parent.pending.items()}
    builder.events, builder.sink, builder.pending, builder._component_types = (
        events,
        sink,
        pending,
        memo,
    )
    parent.resolver.sink = sink  # (the child's copy)
    queue, built = builder._queue, builder.built
    records: list[Record] = []
    dump = _dumper()
    pipe = _Pipe(out)
    claimed = _Claims(claims)
    while queue:  # a level at a time, from its end: the parent drains from the front
        level = queue[::-1]
        del queue[:]
        for sid in level:
            if sid in built or sid in claimed.read():
                continue
            own = dict.__getitem__(pending, sid)
            head = (sid, own.component, _encode(own.node, builder.canonical), own.hints[0])
            del events[:]
            body = built[sid] = builder._build_named(own)
            records.append((*head, tuple(events), body))
            if len(records) >= _CHUNK:
                pipe.send(dump(records))
                records = []
    if records:
        pipe.send(dump(records))
    pipe.finish()


class _Claims:
    """(In the child.) The schemas the parent has built so far."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._sids: set[str] = set()
        self._rest = b""
        os.set_blocking(fd, False)

    def read(self) -> set[str]:
        while self._fd >= 0:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                break
            except OSError:
                data = b""
            if not data:  # the parent is done
                os.close(self._fd)
                self._fd = -1
                break
            *sids, self._rest = (self._rest + data).split(b"\0")
            self._sids.update(s.decode("utf-8", "surrogatepass") for s in sids)
        return self._sids


class _Pipe:
    """(In the child.) Messages written as the pipe takes them, so building never waits on a reader
    that is still busy with the operations; the rest at the end."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._waiting = bytearray()
        os.set_blocking(fd, False)

    def send(self, message: bytes) -> None:
        self._waiting += len(message).to_bytes(_HEAD, "little")
        self._waiting += message
        with contextlib.suppress(BlockingIOError):
            while self._waiting:
                del self._waiting[: os.write(self._fd, self._waiting)]

    def finish(self) -> None:
        os.set_blocking(self._fd, True)
        data = memoryview(bytes(self._waiting))
        while data:
            data = data[os.write(self._fd, data) :]
        os.close(self._fd)


def _dumper() -> Callable[[list[Record]], bytes]:
    """Pickling for the records: each IR object as its class called with its fields (the dataclasses'
    own `__setstate__` is a Python loop over `fields()`: 2-3 times slower to load), the IR's
    singletons as themselves."""
    table = copyreg.dispatch_table.copy()
    for module in (ir, ir_models):
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value):
                table[value] = _reducer(value)
    table[type(ir.MISSING)] = lambda value: "MISSING"
    constraints = _reducer(ir.Constraints)
    table[ir.Constraints] = lambda value: (
        "NO_CONSTRAINTS" if value is ir_models.NO_CONSTRAINTS else constraints(value)
    )

    def dump(records: list[Record]) -> bytes:
        out = io.BytesIO()
        pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = table
        pickler.dump(records)
        return out.getvalue()

    return dump


def _reducer(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    if len(names) < 2:
        one = attrgetter(*names) if names else None
        return lambda value: (cls, (one(value),) if one else ())
    fields = attrgetter(*names)
    return lambda value: (cls, fields(value))
