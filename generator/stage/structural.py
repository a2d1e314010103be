"""A structural edit of one or a few operations, served from the last full run's snapshot (issue 18):
"a partial full path" — only the changed operations are validated, parsed, shaped and named; every
other operation, every schema and every name comes from the snapshot. docs/performance.md ("A
structural one-operation edit served from the snapshot") says why each step equals the full path's.

Served (anything else, or any doubt, is None: the full path, which says what is wrong):

- a JSON spec whose text differs from the snapshot's kept text (compared from both ends, as
  `stage/edit.py` does) only inside the values of `paths` entries (`layout.py` says where each
  sits): operations changed, added or removed (at most `MAX_CHANGED`), each path item's own members
  the same, no path item `$ref`, no key given twice;
- openapi-pydantic finds nothing in the changed path items (validated alone in a forked child, as
  `validate.piecewise_errors` validates `paths` a few entries at a time), and the snapshot had no
  diagnostic inside them;
- parse, run on a document of the changed path items and the components they reach, makes no schema
  the snapshot lacks (no new class), warns of nothing, and gives each changed or removed operation's
  old object exactly the snapshot's operation (the per-operation entry points checked against the
  whole pass on every replay); the shape stage's per-operation step likewise, no feature shaping them;
- naming: the same operations in place whose resource and method names cannot change get their
  arguments named by the naming pass's own per-operation code, silently; otherwise the operation
  half of the naming pass runs on the whole API (its run on the snapshot's API reproducing the
  snapshot's names, noted once a snapshot; on the new API naming only the touched operations'
  arguments, the others' being the snapshot's), keeping the resources and every other operation's
  names, its diagnostics exchanged for the old run's;
- the same classes (response schemas and `…Param` models reached), the same active features (facts
  and name requests), the same client credentials.

Once the package is written, `generate` re-keys the snapshot to the new text (`stage/rekey.py`: a
forked writer, as a full run's), so the next edit is compared with this one's text. Beside it, a
replay notes the path items it validated (`.valid`) and what the operation pass said of the
snapshot's API (`.naming`), both keyed by the snapshot's key; `check` notes and re-keys nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import pointer as jp
from .edit import Text
from .layout import Layout
from .notes import digest, remember_said, remember_valid, said_and_singulars, validated
from .region import METHODS, Located, Region, components, prose_only, top
from .snapshot import Snapshot, load

if TYPE_CHECKING:
    from ..config import TargetConfig
    from ..diagnostics import Diagnostic, DiagnosticSink
    from ..escape import Made
    from ..ir import Api, Operation, TypeRef
    from ..naming.names import Names
    from ..render.safe import Name
    from ..validate import Validation
    from .cache import Replay


def parsed(
    items: dict[str, Any],
    methods: dict[str, set[str]],
    shared: dict[str, Any],
    snapshot: Snapshot,
    file: str,
    sink: DiagnosticSink,
) -> tuple[dict[tuple[str, str], Operation], Callable[[Operation], int]] | None:
    """The operations of `items` (path → path item; `methods`: those of each asked for) parsed as
    `parse.build_api` parses them, in a
    document of these path items and the `components` they reach (`shared`: its other members);
    None when parse would make a schema the snapshot lacks (an inline object, enum, …). With them,
    the rank `parse` sorts operations by (where their first tag is in the document's `tags`)."""
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
        for op in builder.build_item(path, item, methods.get(path, ()))
    ]
    known = snapshot.api.schemas
    for sid in schemas.pending:
        if not sid.startswith("/components/schemas/") or sid not in known:
            return None  # a schema of the changed operations' own: a new class
    return {
        (op.path, op.method): with_results(checked_operation(op, known, sink)) for op in ops
    }, builder.tag_rank


def shaped(
    ops: dict[tuple[str, str], Operation], api: Api, config: TargetConfig, sink: DiagnosticSink
) -> dict[tuple[str, str], Operation] | None:
    """`ops` shaped as `shape.stage.shape` shapes each; None when a feature shapes any of them."""
    from ..features import features
    from ..shape.pagination import Pages
    from ..shape.servers import resolve_servers
    from ..shape.stage import shape_operation

    alone = resolve_servers(dataclasses.replace(api, operations=tuple(ops.values())), config)
    for feature in features():
        if feature.shape(alone, config, sink).operations != alone.operations:
            return None
    pages = Pages(config.pagination, dict(api.extensions), sink)  # (its warnings: the full path's)
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


def structural(
    path: Path, located: Located, spec: str, config: TargetConfig, memo: Any
) -> Replay | None:
    """The replay's inputs for the edit `locate` found, or None (see the module)."""
    snapshot = load(path, located.key, with_prose=False)  # (its prose is not compared here)
    if snapshot is None:
        return None
    found, old, layout = located.region, located.old, located.layout
    api = snapshot.api
    if _said_there(snapshot, found):
        return None  # the full run said something there: let the full path say it again
    # openapi-pydantic's findings of the changed path items, in a forked child while this process
    # parses and renders (`replay._replay` waits for them before anything is written); not of a
    # path item that differs from the full run's in prose only (any string is valid there: what
    # `validation_cache` rests on too), nor of one an earlier replay validated (`notes.validated`)
    openapi = top(old, layout, "openapi")
    known = validated(path, located.key)
    todo: dict[str, Any] = {}
    digests = []
    for where, item in found.new.items():
        made = digest(openapi, where, item)
        if not prose_only(found.old.get(where), item) and made not in known:
            todo[where] = item
            digests.append(made)
    validation = _validation(todo, openapi, api.openapi_version) if todo else None
    inputs = None
    learnt: list[Callable[[], None]] = []  # what the replay notes once it is served
    try:
        inputs = _served(
            snapshot, found, old, layout, spec, config, memo, (path, located.key, learnt)
        )
    finally:
        if inputs is None and validation is not None:
            validation.cancel()
    if inputs is not None:
        inputs.validation = validation
        if validation is not None:
            learnt.append(partial(remember_valid, path, located.key, digests))
        inputs.learnt = learnt
    return inputs


def _said_there(snapshot: Snapshot, found: Region) -> bool:
    """Whether a diagnostic of the full run lies inside a changed path item, but outside its
    operations the edit leaves as they are (their own diagnostics stay theirs)."""
    changed = {(c.path, c.method) for c in found.changed}
    inside = [jp.join("/paths", p) for p in {**found.old, **found.new}]
    kept = [
        jp.join("/paths", p, m)
        for p, item in found.new.items()
        for m in METHODS
        if m in item and (p, m) not in changed
    ]

    def under(pointer: str, places: list[str]) -> bool:
        return any(pointer == w or pointer.startswith(w + "/") for w in places)

    return any(
        under(d.pointer, inside) and not under(d.pointer, kept) for d in snapshot.diagnostics
    )


def _served(
    snapshot: Snapshot,
    found: Region,
    old: Text,
    layout: Layout,
    spec: str,
    config: TargetConfig,
    memo: Any,
    notes: tuple[Path, bytes, list[Callable[[], None]]],
) -> Replay | None:
    """`structural`'s inputs once the edit is located (see the module); `notes`: the snapshot's
    file and key, and what to note beside it once the replay is served."""
    from ..diagnostics import DiagnosticSink
    from ..naming.names import op_key
    from .cache import reused

    api = snapshot.api
    shared: dict[str, Any] = {}
    for key in ("security", "tags"):  # (the default security; the operations' order)
        value = top(old, layout, key)
        if value is not None:
            shared[key] = value
    reached = components(old, layout, [*found.old.values(), *found.new.values()])
    if reached is None:
        return None
    if reached:
        shared["components"] = reached
    sink = DiagnosticSink(file=spec)
    sides = []
    for items, side in ((found.old, "old"), (found.new, "new")):
        methods: dict[str, set[str]] = {}
        for c in found.changed:
            if getattr(c, side) is not None:
                methods.setdefault(c.path, set()).add(c.method)
        got = parsed(items, methods, shared, snapshot, spec, sink)
        if got is None or sink.items:
            return None
        ops = shaped(got[0], api, config, sink)
        if ops is None or sink.items:
            return None
        sides.append((ops, got[1]))
    (before, _), (after, rank) = sides
    at = {op_key(op): i for i, op in enumerate(api.operations)}
    for was in before.values():
        i = at.get(op_key(was))
        if i is None or api.operations[i] != was:
            return None  # the per-operation path does not give the full run's operation
    # the same operations, whose names cannot change: their arguments named alone; else (or when
    # that says anything) the operation half of the naming pass on the whole API
    changed = None
    if before.keys() == after.keys():
        changed = _changed(snapshot, before, after, DiagnosticSink(), at)
    in_place = changed is not None
    if changed is None:
        changed = _added_or_removed(snapshot, before, after, rank, config, sink, notes, at)
    if changed is None:
        return None
    new_api, names, diagnostics = changed
    touched = {op_key(op) for side in (before, after) for op in side.values()}
    if not _same_features(api, new_api, snapshot.features, touched, in_place):
        return None
    if not _same_schemas(snapshot.names, api, new_api, before, after):
        return None
    if not _same_auth(api, new_api):
        return None
    package = api.target.package.name
    again = {"operations.json"}
    for key in touched:
        for table in (snapshot.names, names):
            if key in table.op_resource:
                module = table.resources[table.op_resource[key]].module
                again |= {
                    f"src/{package}/resources/{module}.py",
                    f"tests/api_resources/test_{module}.py",
                }
    kept = _manifest(snapshot, memo)
    if kept is None:
        return None
    inputs = reused(snapshot, new_api, names, again, touched, len(found.changed), memo)
    if inputs is not None:
        inputs.manifest = {k: v for k, v in kept.items() if k not in touched}
        if diagnostics is not None:
            inputs.diagnostics = diagnostics
    return inputs


Ops = dict[tuple[str, str], "Operation"]


def _changed(
    snapshot: Snapshot, before: Ops, after: Ops, sink: DiagnosticSink, at: dict[str, int]
) -> tuple[Api, Names, list[Diagnostic] | None] | None:
    """Operations changed in place: the same resource and method names (`_same_home`), their
    arguments named again by the naming pass's own per-operation code; None when that cannot
    be shown or says anything (`sink`). `at`: each operation's index by its key (the snapshot's)."""
    from ..naming.names import op_key

    api = snapshot.api
    operations = list(api.operations)
    for key, was in before.items():
        now = after[key]
        if not _same_home(was, now, api):
            return None  # (its method may be named otherwise: `_added_or_removed`)
        if _arguments(api, was, snapshot.names, sink) != _own(snapshot.names, op_key(was)):
            return None
        operations[at[op_key(was)]] = now
    new_api = dataclasses.replace(api, operations=tuple(operations))
    names = dataclasses.replace(
        snapshot.names,
        params=dict(snapshot.names.params),
        body_fields=dict(snapshot.names.body_fields),
    )
    for key, was in before.items():
        for table, values in _own(snapshot.names, op_key(was)).items():
            for k in values:
                del getattr(names, table)[k]
        for table, values in _arguments(new_api, after[key], names, sink).items():
            getattr(names, table).update(values)
    if sink.items:
        return None  # an argument's name collides (a warning the full path gives)
    return new_api, names, None


def _added_or_removed(
    snapshot: Snapshot,
    before: Ops,
    after: Ops,
    rank: Callable[[Operation], int],
    config: TargetConfig,
    sink: DiagnosticSink,
    notes: tuple[Path, bytes, list[Callable[[], None]]],
    at: dict[str, int],
) -> tuple[Api, Names, list[Diagnostic] | None] | None:
    """Operations added, removed or changed otherwise: the operation half of the naming pass run on
    the whole API, as it ran on the full run's (checked: the snapshot's names and its
    diagnostics among the snapshot's); every operation the edit did not touch keeps its names,
    and the resources are the same. The diagnostics: the snapshot's, the pass's own exchanged.
    `at`: the snapshot's operations' indexes by key (its keys in the API's order)."""
    from ..diagnostics import DiagnosticSink
    from ..naming.names import op_key
    from ..naming.operations import METHOD_CODES, Renamed, kept_methods, operation_names, steady
    from ..naming.rules import tell_singulars
    from ..shape.pagination import Pages

    api, names = snapshot.api, snapshot.names
    order = {m: i for i, m in enumerate(METHODS)}

    def place(op: Operation) -> tuple[int, str, int]:
        return rank(op), op.path, order[op.method]  # (`OperationBuilder.build_all`'s order)

    if sorted(api.operations, key=place) != list(api.operations):
        return None  # (not the order this rank gives: the snapshot's is the truth)
    gone = {op_key(op) for op in before.values()}
    old_keys = list(at)  # (each operation's key, once: `op_key` of 1,223 operations ×2 less)
    operations = [op for op, key in zip(api.operations, old_keys, strict=True) if key not in gone]
    new_api = dataclasses.replace(
        api, operations=tuple(sorted([*operations, *after.values()], key=place))
    )
    said = []
    for ids in ({op.id for op in api.operations}, {op.id for op in new_api.operations}):
        heard = DiagnosticSink()  # (`shape.stage.shape`'s: an unknown operation configured)
        Pages(config.pagination, dict(api.extensions), heard).unknown_operations(ids)
        said.append(heard.sorted())
    if said[0] != said[1]:
        return None

    def run(
        each: Api,
        argued: set[str] | None = None,
        same: set[str] | None = None,
        kept: dict[str, Name] | None = None,
    ) -> tuple[Names, list[Diagnostic]]:
        fresh = dataclasses.replace(
            names, resources={}, op_resource={}, op_method={}, params={}, body_fields={}
        )
        heard = DiagnosticSink(file=sink.file)
        operation_names(each, fresh, heard, argued, same, kept)
        return fresh, heard.sorted()

    tables = ("resources", "op_resource", "op_method", "params", "body_fields")
    # (an earlier replay, or the snapshot's writer, ran it on this snapshot; the writer noted the
    # singular of each word the pass names its API with: taken, not worked out by the rules)
    noted = said_and_singulars(notes[0], notes[1])
    old_said = None
    if noted is not None:
        old_said = noted[0]
        tell_singulars(noted[1])
    if old_said is None:
        again, old_said = run(api)
        if any(getattr(again, t) != getattr(names, t) for t in tables):
            return None  # the pass does not give the full run's names
        notes[2].append(partial(remember_said, notes[0], notes[1], old_said))
    touched = gone | {op_key(op) for op in after.values()}
    # the new API's arguments: the touched operations' named by the pass, every other's the
    # snapshot's (`operation_names`' `argued`: an operation's arguments depend on it, its key and
    # the schemas only, the same here), and so their warnings the snapshot's too
    # … and its methods: those of the resources holding a touched operation or one whose path's
    # route facts changed named by the pass, every other resource's the snapshot's
    # (`naming.operations.settled`: the same inputs), and so their warnings the snapshot's too
    # (… and of those resources, each method the pass on the snapshot's API named as it wanted
    # is kept while its name stays free: `naming.operations.kept_methods`; else named again)
    found = steady(api, new_api, touched, names.op_resource)
    same: set[str] | None = None
    keep: dict[str, Name] | None = None
    if found is not None:
        held = {names.op_resource[key] for key in touched if key in names.op_resource}
        same = {key for key in found if names.op_resource[key] not in held}
        keep = kept_methods(api, found, names, old_said)
    try:
        made, new_said = run(new_api, touched, same, keep)
    except Renamed:  # (a kept name taken: the methods after it may be named otherwise)
        made, new_said = run(new_api, touched, same)
    if list(made.resources.items()) != list(names.resources.items()):
        return None  # a resource added, removed or named otherwise
    new_keys = [op_key(op) for op in new_api.operations]
    unnamed = {
        op.pointer
        for op, key in zip(new_api.operations, new_keys, strict=True)
        if key not in made.op_method
    }
    made.op_method = {
        key: made.op_method[key] if key in made.op_method else names.op_method[key]
        for key in new_keys
    }
    made.params, made.body_fields = (
        _arguments_in(new_keys, touched, getattr(made, t), getattr(names, t))
        for t in ("params", "body_fields")
    )
    kept = {
        op.pointer for op, key in zip(api.operations, old_keys, strict=True) if key not in touched
    }
    old_said = [
        d
        for d in old_said
        if not (d.code in ARGUMENT_CODES and d.pointer in kept)
        and not (d.code in METHOD_CODES and d.pointer in unnamed)
    ]
    for table in ("op_resource", "op_method"):
        mine, theirs = getattr(made, table), getattr(names, table)
        if {k: v for k, v in mine.items() if k not in touched} != {
            k: v for k, v in theirs.items() if k not in touched
        }:
            return None  # another operation's method or resource changed
    for table in ("params", "body_fields"):
        mine, theirs = getattr(made, table), getattr(names, table)
        if {k: v for k, v in mine.items() if k[0] not in touched} != {
            k: v for k, v in theirs.items() if k[0] not in touched
        }:
            return None
    known = set(snapshot.diagnostics)
    if not set(old_said) <= known:
        return None
    diagnostics = sorted(
        (known - set(old_said)) | set(new_said), key=lambda d: (d.pointer, d.code, d.message)
    )
    return new_api, made, diagnostics


ARGUMENT_CODES = frozenset({"argument-name-collision"})  # what `naming.operations._arguments` says


def _arguments_of(
    api: Api, touched: set[str], made: dict[Any, Any], known: dict[Any, Any]
) -> dict[Any, Any]:
    """An argument table (keyed by op key first) of `api` as the whole pass orders it: the touched
    operations' entries from `made`, every other's from `known` (the snapshot's)."""
    from ..naming.names import op_key

    return _arguments_in([op_key(op) for op in api.operations], touched, made, known)


def _arguments_in(
    keys: list[str], touched: set[str], made: dict[Any, Any], known: dict[Any, Any]
) -> dict[Any, Any]:
    """`_arguments_of` the API whose operations' keys are `keys`, in its order."""
    by_op: dict[str, list[tuple[Any, Any]]] = {}
    for table in (made, known):
        for k, v in table.items():
            if (k[0] in touched) == (table is made):
                by_op.setdefault(k[0], []).append((k, v))
    return dict(kv for key in keys for kv in by_op.get(key, ()))


def _same_auth(api: Api, new: Api) -> bool:
    """The client's credentials are the same: the security schemes the operations use, their roles
    and the default requirements (`render.auth_views`, as `plan_files` makes them without a
    feature of its own: one that has one is compared by `_same_features`), and what it says."""
    from ..diagnostics import DiagnosticSink
    from ..render.auth_views import plain_auth, with_schemes

    said = [DiagnosticSink(), DiagnosticSink()]
    plans = [with_schemes(plain_auth(a, s), a) for a, s in zip((api, new), said, strict=True)]
    return plans[0] == plans[1] and said[0].sorted() == said[1].sorted()


def _same_schemas(names: Names, api: Api, new: Api, before: Ops, after: Ops) -> bool:
    """The edit makes no class appear or go: the response schemas the changed operations reach
    (`naming.plan.emitted_schemas`' roots) and the `…Param` models their bodies reach
    (`naming.bodies.param_schemas`) were reached before and still are."""
    from ..naming.bodies import param_roots, reachable_params

    emitted = names.schema_class.keys()
    roots_old = {r for op in before.values() for r in _emitted_roots(op)}
    roots_new = {r for op in after.values() for r in _emitted_roots(op)}
    if not roots_old <= roots_new or not roots_new <= emitted:
        return False
    params_old = {p for op in before.values() for p in reachable_params(api, param_roots(api, op))}
    params_new = {p for op in after.values() for p in reachable_params(new, param_roots(new, op))}
    return (params_old & emitted) <= params_new and (params_new & emitted) <= set(names.param_class)


def _manifest(snapshot: Snapshot, memo: Any) -> dict[str, Made] | None:
    """Each operation's piece of the full run's `operations.json` (from the module cache)."""
    from ..render.cuts import cut_key
    from ..render.manifest import PIECES_SIGNATURE, pieces

    found = snapshot.files.get("operations.json")
    if found is None or not memo.find(found[1]):
        return None
    try:
        text = memo.read(found[1]).decode("utf-8")
    except (OSError, UnicodeDecodeError, KeyError):
        return None
    # (its cut, when the replay that wrote it kept it: `stage/rekey.py`)
    return pieces(snapshot.api, text, memo.get(cut_key(found[1], PIECES_SIGNATURE)))


def _same_features(
    api: Api, new: Api, found: tuple[str, ...], touched: set[str], in_place: bool = True
) -> bool:
    """The same features active in the new API as in the full run, asking the naming pass for the
    same names, none of them an argument or method of a changed operation (claimed in its scope);
    with operations added or removed (not `in_place`), none a method or an argument at all."""
    from ..diagnostics import DiagnosticSink
    from ..features import NAMES, active, features
    from ..naming.requests import NameKind

    sink = DiagnosticSink()
    if active(new, sink) != found or sink.items:
        return False
    for feature in features(found):
        facts = [feature.analyse(a, sink) for a in (api, new)]
        if facts[0] != facts[1]:
            return False  # (what it renders from them could differ)
        requests = [list(feature.names(f, a)) for f, a in zip(facts, (api, new), strict=True)]
        if requests[0] != requests[1] or sink.items:
            return False
        if any(
            r.scope in touched or not in_place
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
