"""A structural edit of one or a few operations, served from the last full run's snapshot (issue 18):
"a partial full path" — only the changed operations are validated, parsed, shaped and named; every
other operation, every schema and every name comes from the snapshot.

Served (anything else, or any doubt, is None: the full path):

- a JSON spec whose text differs from the snapshot's kept text (`stage/edit.py`'s comparison from
  both ends) only inside the values of `paths` entries (`layout.py` says where each sits), the same
  path items before and after, each with the same members but its operations' (the same methods);
- each changed operation keeps its path, method, operationId, tags and security, and its method's
  naming inputs (`naming.operations`: whether it returns a list), so no method, resource or other
  operation's name can change; its arguments are named again by `naming.operations._arguments`;
- the changed operations create no schema: every schema they reach is a component the snapshot
  already has, and they reach no more and no fewer response schemas nor `…Param` models;
- nothing reports anything: openapi-pydantic says nothing of the changed path items (validated alone,
  as `validate.piecewise_errors` validates `paths` a few entries at a time: the same errors),
  parse, shape and argument naming warn of nothing, and the snapshot had no diagnostic inside those
  path items; so the diagnostics are the snapshot's;
- no feature is active (the snapshot's, and none the new API would make active), and none shapes
  the changed operations.

Each changed operation's old text is parsed and shaped the same way, and must give the snapshot's
operation exactly (the same IR, the same argument names): the per-operation entry points are checked
against the whole pass on every replay. The snapshot is not rewritten: the next edit is compared with
the same full run's text again (a stale snapshot cannot serve: its kept text is what is compared).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import pointer as jp
from ..common_ends import common_head, common_tail
from .keys import key_of
from .layout import Layout, members
from .prose import PROSE_KEYS
from .snapshot import Snapshot, load, peek, text_of

if TYPE_CHECKING:
    from ..config import TargetConfig
    from ..diagnostics import DiagnosticSink
    from ..escape import Made
    from ..ir import Api, Operation, TypeRef
    from ..naming.names import Names
    from ..validate import Validation
    from .cache import Replay

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_CHANGED = 16  # operations changed at most (more: the full path)


@dataclass(frozen=True)
class Changed:
    """One operation whose object differs: its path, method and both objects as decoded."""

    path: str
    method: str
    old: dict[str, Any]
    new: dict[str, Any]


@dataclass(frozen=True)
class Region:
    """The path items the edit is inside, as they were and as they are."""

    old: dict[str, Any]
    new: dict[str, Any]
    changed: list[Changed]


def region(old: str, new: str, layout: Layout) -> Region | None:
    """The path items holding everything that differs between the two texts, or None."""
    start = common_head(old, new)
    if start == len(old) == len(new):
        return None
    end = len(old) - common_tail(old, new, start)
    top = layout.top.get("paths")
    if top is None or not (top[1] < start and end < top[2]):
        return None  # (outside `paths`' braces)
    items = layout.paths
    first = next((i for i in range(len(items) - 1, -1, -1) if items[i][1][0] <= start), None)
    last = next((i for i, (_, span) in enumerate(items) if span[2] >= end), None)
    if first is None or last is None or last < first:
        return None  # (before the first path item's key, or after the last one's value)
    lo, hi = items[first][1][0], items[last][1][2]
    if not (lo <= start and end <= hi):
        return None
    before = members(old[lo:hi])
    after = members(new[lo : hi + len(new) - len(old)])
    if before is None or after is None or list(before) != list(after):
        return None  # (another path item added, removed or renamed, or a key given twice)
    if len(before) != last - first + 1:
        return None
    changed: list[Changed] = []
    for path, item in before.items():
        now = after[path]
        if item == now:
            continue
        if (
            not isinstance(item, dict)
            or not isinstance(now, dict)
            or "$ref" in item
            or "$ref" in now
        ):
            return None
        if {k: v for k, v in item.items() if k not in _METHODS} != {
            k: v for k, v in now.items() if k not in _METHODS
        }:
            return None  # (the path item's own parameters, servers, …: every operation of it)
        if [m for m in _METHODS if m in item] != [m for m in _METHODS if m in now]:
            return None  # (an operation added or removed)
        for method in _METHODS:
            if method in item and item[method] != now[method]:
                if not isinstance(item[method], dict) or not isinstance(now[method], dict):
                    return None
                changed.append(Changed(path, method, item[method], now[method]))
    if not changed or len(changed) > MAX_CHANGED:
        return None
    touched = {c.path for c in changed}
    return Region(
        {p: v for p, v in before.items() if p in touched},
        {p: v for p, v in after.items() if p in touched},
        changed,
    )


def _refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            ref = node.get("$ref")
            if type(ref) is str:
                yield ref
            stack += [v for v in node.values() if type(v) is dict or type(v) is list]
        elif type(node) is list:
            stack += [v for v in node if type(v) is dict or type(v) is list]


def components(text: str, layout: Layout, roots: list[Any]) -> dict[str, Any] | None:
    """The `components` entries the nodes `roots` reach through `$ref`s (and those reach), decoded
    from the kept text; None for a `$ref` that leaves `components` or the document (the full path
    reads it: a dangling one is its warning)."""
    out: dict[str, dict[str, Any]] = {}
    seen: set[tuple[str, str]] = set()
    stack = [ref for root in roots for ref in _refs(root)]
    while stack:
        ref = stack.pop()
        if not ref.startswith("#/components/"):
            return None
        try:
            tokens = jp.split(ref)
        except ValueError:
            return None
        if len(tokens) < 3:
            return None
        entry = (tokens[1], tokens[2])
        if entry in seen:
            continue
        seen.add(entry)
        span = layout.components.get(entry)
        if span is None:
            return None
        found = members(text[span[0] : span[2]])
        if found is None:
            return None
        value = found[entry[1]]
        out.setdefault(entry[0], {})[entry[1]] = value
        stack += _refs(value)
    return out


def _top(text: str, layout: Layout, key: str) -> Any:
    span = layout.top.get(key)
    if span is None:
        return None
    found = members(text[span[0] : span[2]])
    return None if found is None else found.get(key)


def parsed(
    items: dict[str, Any],
    methods: dict[str, set[str]],
    shared: dict[str, Any],
    snapshot: Snapshot,
    file: str,
    sink: DiagnosticSink,
) -> dict[tuple[str, str], Operation] | None:
    """The operations of `items` (path → path item; `methods`: those of each asked for) parsed as
    `parse.build_api` parses them, in a
    document of these path items and the `components` they reach (`shared`: its other members);
    None when parse would make a schema the snapshot lacks (an inline object, enum, …)."""
    from ..parse.canonical import Canonical
    from ..parse.defaults import checked_operation
    from ..parse.operations import OperationBuilder
    from ..parse.results import with_results
    from ..parse.schemas import SchemaBuilder
    from ..refs import Resolver

    canonical = Canonical({**shared, "paths": items})
    doc = canonical.document
    resolver = Resolver(doc, file, sink)
    schemas = SchemaBuilder(resolver, sink, snapshot.api.openapi_version, canonical)
    schemas.register_components()  # (those reached: `$ref`s to them are read as the full run's)
    builder = OperationBuilder(resolver, schemas, sink)
    ops = [
        op
        for path, item in doc["paths"].items()
        for op in builder.build_item(path, item, methods[path])
    ]
    known = snapshot.api.schemas
    for sid in schemas.pending:
        if not sid.startswith("/components/schemas/") or sid not in known:
            return None  # a schema of the changed operations' own: a new class
    return {(op.path, op.method): with_results(checked_operation(op, known, sink)) for op in ops}


def shaped(
    ops: dict[tuple[str, str], Operation], api: Api, config: TargetConfig, sink: DiagnosticSink
) -> dict[tuple[str, str], Operation] | None:
    """`ops` shaped as `shape.stage.shape` shapes each; None when a feature shapes any of them."""
    from ..diagnostics import DiagnosticSink
    from ..features import features
    from ..shape.pagination import Pages
    from ..shape.servers import resolve_servers
    from ..shape.stage import shape_operation

    alone = resolve_servers(dataclasses.replace(api, operations=tuple(ops.values())), config)
    for feature in features():
        if feature.shape(alone, config, sink).operations != alone.operations:
            return None
    pages = Pages(config.pagination, dict(api.extensions), DiagnosticSink())  # (the full run's)
    return {
        key: shape_operation(op, alone.schemas, config, pages)
        for key, op in zip(ops, alone.operations, strict=True)
    }


def _emitted_roots(op: Operation) -> set[str]:
    """The response schemas `naming.plan.emitted_schemas` starts from for this operation."""
    from ..ir import walk_refs
    from ..naming.plan import _under_responses
    from ..parse.results import error_bodies

    types: list[TypeRef] = [t for _, t in error_bodies(op)]
    for r in op.responses:
        types += [h.type for h in r.headers]
        if r.is_success:
            types += [m.type for m in r.media]
    return {ref for t in types for ref in walk_refs(t) if _under_responses(ref)}


def _same_home(old: Operation, new: Operation, api: Api) -> bool:
    """Nothing `naming.operations` names the resource and method from differs."""
    from ..naming.operations import _returns_list

    fields = ("id", "has_operation_id", "tags", "name_override", "path", "method")
    if any(getattr(old, f) != getattr(new, f) for f in fields):
        return False
    auth = ("security", "security_requirements", "requires_auth")  # (`auth_views.used_schemes`)
    if any(getattr(old, f) != getattr(new, f) for f in auth):
        return False
    return _returns_list(api, old) == _returns_list(api, new)


def _arguments(api: Api, op: Operation, names: Names, sink: DiagnosticSink) -> dict[Any, Any]:
    """The operation's argument names, as the naming pass gives them."""
    from ..naming.names import Names, op_key
    from ..naming.operations import _arguments as arguments

    key = op_key(op)
    fresh = Names(schema_class=names.schema_class, param_class=names.param_class)
    arguments(api, op, fresh, sink, key)
    return {"params": fresh.params, "body_fields": fresh.body_fields}


def _own(names: Names, key: str) -> dict[Any, Any]:
    return {
        "params": {k: v for k, v in names.params.items() if k[0] == key},
        "body_fields": {k: v for k, v in names.body_fields.items() if k[0] == key},
    }


@dataclass(frozen=True)
class Located:
    """An edit `locate` found inside `paths`: the snapshot's key, its kept text, the path items."""

    key: bytes
    old: str
    layout: Layout
    region: Region

    @property
    def prose_only(self) -> bool:
        """Every changed operation differs only in `summary`/`description` strings: the prose
        replay's (`stage/cache.py`), which costs less."""
        return all(_prose_only(c.old, c.new) for c in self.region.changed)


def locate(path: Path, text: str, spec: str, label: str, config: str) -> Located | None:
    """Where a JSON `text` (the spec's, decoded as `keys.read_spec` decodes it) differs from the
    text the snapshot at `path` was made with (`config`: the target's configuration digest), when
    that is inside some operations of `paths` (see the module); else None."""
    if not text.lstrip().startswith("{"):
        return None
    head = peek(path)
    if head is None or head.key != key_of(b"json", head.shape, spec, label, config):
        return None
    kept = text_of(path, head)
    if kept is None or kept.layout is None:
        return None
    try:
        old = kept.text.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    found = region(old, text, kept.layout)
    return None if found is None else Located(head.key, old, kept.layout, found)


def _prose_only(old: Any, new: Any) -> bool:
    if type(old) is not type(new):
        return False
    if type(old) is dict:
        if old.keys() != new.keys():
            return False
        return all(
            (k in PROSE_KEYS and type(v) is str and type(new[k]) is str) or _prose_only(v, new[k])
            for k, v in old.items()
        )
    if type(old) is list:
        return len(old) == len(new) and all(_prose_only(a, b) for a, b in zip(old, new))
    return bool(old == new)


def structural(
    path: Path, located: Located, spec: str, config: TargetConfig, memo: Any
) -> Replay | None:
    """The replay's inputs for the edit `locate` found, or None (see the module)."""
    snapshot = load(path, located.key, lambda at, places, offsets, tokens: True)
    if snapshot is None:
        return None
    found, old, layout = located.region, located.old, located.layout
    api = snapshot.api
    inside = tuple(jp.join("/paths", p) for p in found.new)
    if any(
        d.pointer == w or d.pointer.startswith(w + "/")
        for d in snapshot.diagnostics
        for w in inside
    ):
        return None  # the full run said something there: let the full path say it again
    # openapi-pydantic's findings of the changed path items, in a forked child while this process
    # parses and renders (`replay._replay` waits for them before anything is written)
    validation = _validation(found.new, _top(old, layout, "openapi"), api.openapi_version)
    inputs = None
    try:
        inputs = _served(snapshot, found, old, layout, spec, config, memo)
    finally:
        if inputs is None:
            validation.cancel()
    if inputs is not None:
        inputs.validation = validation
    return inputs


def _served(
    snapshot: Snapshot,
    found: Region,
    old: str,
    layout: Layout,
    spec: str,
    config: TargetConfig,
    memo: Any,
) -> Replay | None:
    """`structural`'s inputs once the edit is located (see the module)."""
    from ..diagnostics import DiagnosticSink
    from ..naming.bodies import param_roots, reachable_params
    from ..naming.names import op_key
    from .cache import reused

    api = snapshot.api
    shared: dict[str, Any] = {}
    security = _top(old, layout, "security")
    if security is not None:
        shared["security"] = security
    reached = components(old, layout, [*found.old.values(), *found.new.values()])
    if reached is None:
        return None
    if reached:
        shared["components"] = reached
    sink = DiagnosticSink(file=spec)
    methods: dict[str, set[str]] = {}
    for c in found.changed:
        methods.setdefault(c.path, set()).add(c.method)
    both = [
        parsed(items, methods, shared, snapshot, spec, sink) for items in (found.old, found.new)
    ]
    if both[0] is None or both[1] is None or sink.items:
        return None
    keys = [(c.path, c.method) for c in found.changed]
    before = shaped({k: both[0][k] for k in keys}, api, config, sink)
    after = shaped({k: both[1][k] for k in keys}, api, config, sink)
    if before is None or after is None or sink.items:
        return None
    at = {op_key(op): i for i, op in enumerate(api.operations)}
    operations = list(api.operations)
    for key in keys:
        was, now = before[key], after[key]
        i = at.get(op_key(was))
        if i is None or operations[i] != was:
            return None  # the per-operation path does not give the full run's operation
        if not _same_home(was, now, api):
            return None
        if _arguments(api, was, snapshot.names, sink) != _own(snapshot.names, op_key(was)):
            return None
        emitted_old, emitted_new = _emitted_roots(was), _emitted_roots(now)
        if not emitted_old <= emitted_new or not emitted_new <= snapshot.names.schema_class.keys():
            return None
        operations[i] = now
    new_api = dataclasses.replace(api, operations=tuple(operations))
    names = dataclasses.replace(
        snapshot.names,
        params=dict(snapshot.names.params),
        body_fields=dict(snapshot.names.body_fields),
    )
    params_old: set[str] = set()
    params_new: set[str] = set()
    for key in keys:
        was, now = before[key], after[key]
        params_old |= reachable_params(api, param_roots(api, was))
        params_new |= reachable_params(new_api, param_roots(new_api, now))
        for table, values in _own(snapshot.names, op_key(was)).items():
            for k in values:
                del getattr(names, table)[k]
        for table, values in _arguments(new_api, now, names, sink).items():
            getattr(names, table).update(values)
    if sink.items:
        return None  # an argument's name collides (a warning the full path gives)
    emitted = snapshot.names.schema_class.keys()
    if not (params_old & emitted) <= params_new or not (params_new & emitted) <= set(
        names.param_class
    ):
        return None
    if not _same_features(api, new_api, snapshot.features, {op_key(after[k]) for k in keys}):
        return None
    package = api.target.package.name
    again = {"operations.json"}
    for key in keys:
        module = names.resources[names.op_resource[op_key(after[key])]].module
        again |= {f"src/{package}/resources/{module}.py", f"tests/api_resources/test_{module}.py"}
    edited = {op_key(after[key]) for key in keys}
    kept = _manifest(snapshot, memo)
    if kept is None:
        return None
    inputs = reused(snapshot, new_api, names, again, edited, len(keys), memo)
    if inputs is not None:
        inputs.manifest = {k: v for k, v in kept.items() if k not in edited}
    return inputs


def _manifest(snapshot: Snapshot, memo: Any) -> dict[str, Made] | None:
    """Each operation's piece of the full run's `operations.json` (from the module cache)."""
    from ..render.manifest import pieces

    found = snapshot.files.get("operations.json")
    if found is None or not memo.find(found[1]):
        return None
    try:
        text = memo.read(found[1]).decode("utf-8")
    except (OSError, UnicodeDecodeError, KeyError):
        return None
    return pieces(snapshot.api, text)


def _same_features(api: Api, new: Api, found: tuple[str, ...], touched: set[str]) -> bool:
    """The same features active in the new API as in the full run, asking the naming pass for the
    same names, none of them an argument or method of a changed operation (claimed in its scope)."""
    from ..diagnostics import DiagnosticSink
    from ..features import NAMES, active, features
    from ..naming.requests import NameKind

    sink = DiagnosticSink()
    if active(new, sink) != found or sink.items:
        return False
    for feature in features(found):
        requests = [list(feature.names(feature.analyse(a, sink), a)) for a in (api, new)]
        if requests[0] != requests[1] or sink.items:
            return False
        if any(
            r.scope in touched
            for r in requests[1]
            if r.kind in (NameKind.ARGUMENT, NameKind.METHOD)
        ):
            return False
    return set(found) <= set(NAMES)


def _validation(items: dict[str, Any], openapi: Any, version: str) -> Validation:
    """openapi-pydantic's validation of these path items (`validate.findings` of a document of them
    alone: `paths` is validated a few entries at a time, each the same alone), begun in a forked
    child; `valid` says what it found."""
    from ..validate import Validation

    document = {"openapi": openapi, "info": {"title": "", "version": ""}, "paths": items}
    return Validation(document, version, background=True)


def valid(validation: Validation) -> bool:
    """The validation `structural` began found nothing in the changed path items."""
    from ..diagnostics import DiagnosticSink

    sink = DiagnosticSink()
    validation.wait(sink)
    return not [d for d in sink.items if d.pointer.startswith("/paths")]
