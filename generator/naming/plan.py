"""The naming pass: one deterministic walk over the frozen IR that decides every Python name.

Produces a `Names` table (schema id → class name and module; operation id → resource and method;
parameter, field and enum member names). Collisions are resolved with numeric suffixes and reported;
schemas are visited in pointer order (components first), so a suffix never depends on document order.

Schemas of error responses get classes like any other (named by their place): the client parses a
declared error body into its model (`err.body`; `parse.results.error_bodies`). Inline schemas of
responses nothing uses, and of non-JSON error bodies, get none; they stay in the IR, where
`clientgen diff` compares them.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import pointer
from ..diagnostics import DiagnosticSink
from ..ir import (
    Alias,
    Api,
    Enum,
    Model,
    ModelRef,
    Primitive,
    Schema,
    TypeRef,
    walk_refs,
)
from ..parse.results import error_bodies
from ..render.safe import Name
from . import rules as naming
from .bodies import param_schemas
from .hints import schema_hints
from .names import Names, ResourceName, op_key
from .operations import operation_names
from .requests import NameKind, NameRequest
from .runtime import exception_names

__all__ = ["Names", "ResourceName", "emitted_schemas", "op_key", "plan_names"]

# Names the package itself uses at top level (runtime modules, client, resources, types).
PACKAGE_RESERVED = frozenset({"types", "resources", "pagination", "webhooks", "client"})
# Names the generated resource/client modules import from the runtime; a schema class must not shadow them.
CLASS_RESERVED = frozenset(
    {
        "BaseModel",
        "Field",
        "Any",
        "Literal",
        "Enum",
        "NotGiven",
        "Omit",
        "Page",
        "Endpoint",
        "ResponseSpec",
        "LazyModel",
        "PageSpec",
        "SyncPage",
        "AsyncPage",
        "BinaryResponse",
        "AsyncBinaryResponse",
        "Body",
        "Headers",
        "Query",
        "Timeout",
        "FileTypes",
        "SyncAPIResource",
        "AsyncAPIResource",
        "SyncAPIClient",
        "AsyncAPIClient",
        "APIResponse",
        "AsyncAPIResponse",
        "NOT_GIVEN",
        "RateLimit",
        "Stream",  # the sse feature's
        "AsyncStream",
        "ServerSentEvent",
    }
)


def plan_names(api: Api, sink: DiagnosticSink, requests: Iterable[NameRequest] = ()) -> Names:
    """Every name of the package: schemas, fields, members, resources, methods, arguments, and what
    the active features ask for (`requests`)."""
    names = Names()
    deps: dict[str, list[str]] = {}  # each schema's references, walked once for both passes below
    emitted = emitted_schemas(api, deps)
    _schema_names(api, emitted, names, sink)
    _schema_modules(api, emitted, names, deps)
    plain: dict[str, Name] = {}  # wire name → its field name (GitHub: 37,700 fields, 4,900 wires)
    for sid in emitted:
        schema = api.schemas[sid]
        if isinstance(schema, Model):
            wires = [f.wire_name for f in schema.fields]
            for wire, name in zip(wires, field_names(wires, plain), strict=True):
                names.fields[(sid, wire)] = name
        elif isinstance(schema, Enum):
            scope = naming.Scope()
            names.members[sid] = tuple(
                Name(scope.claim(naming.enum_member_name(m.name or m.value)))
                for m in schema.members
            )
    method_scopes, arg_scopes = operation_names(api, names, sink)
    _requested(names, requests, method_scopes, arg_scopes, sink)
    return names


def field_names(wires: list[str], plain: dict[str, Name]) -> list[Name]:
    """The attribute names of one model's fields (wire names in field order), claimed in one scope.
    `plain`: each wire name's field name, remembered across models. When the plain names are all
    distinct (nearly every model), each claim would return its name as asked: no scope is built."""
    wanted = [
        plain[w] if w in plain else plain.setdefault(w, Name(naming.field_name(w))) for w in wires
    ]
    if len(set(wanted)) == len(wanted):
        return wanted
    scope = naming.Scope(sep="_")
    return [Name(scope.claim(name)) for name in wanted]


def emitted_schemas(api: Api, deps: dict[str, list[str]] | None = None) -> list[str]:
    """Schema ids that get a class, in `api.schemas` order: everything but the inline schemas of
    responses that no operation reaches as a success body, a declared JSON error body or a header.
    `deps`: filled with the references (`schema_deps`) of each schema reached."""
    deps = {} if deps is None else deps
    roots: list[str] = [sid for sid in api.schemas if not _under_responses(sid)]
    for op in api.operations:
        types: list[TypeRef] = [t for _, t in error_bodies(op)]
        for r in op.responses:
            types += [h.type for h in r.headers]
            if r.is_success:
                types += [m.type for m in r.media]
        roots += [ref for t in types for ref in walk_refs(t)]
    seen: set[str] = set()
    while roots:
        sid = roots.pop()
        if sid not in seen and sid in api.schemas:
            seen.add(sid)
            roots += deps.setdefault(sid, schema_deps(api.schemas[sid]))
    return [sid for sid in api.schemas if sid in seen]


def _under_responses(sid: str) -> bool:
    # the first tokens of a plain pointer need no unescaping to be compared with these words (which
    # hold no `~` or `/`): no lookup in `pointer.split`'s cache for each of the 6,700 GitHub ids
    tokens = sid[1:].split("/", 4) if sid.startswith("/") else list(pointer.split(sid))
    return tokens[:2] == ["components", "responses"] or (
        tokens[:1] == ["paths"] and len(tokens) > 3 and tokens[3] == "responses"
    )


def _schema_names(api: Api, emitted: list[str], names: Names, sink: DiagnosticSink) -> None:
    """Class names from the schemas' hints, in pointer order; the names `class_names` configures
    (by component name, or by the class name the schema would get) are claimed first."""
    hints = schema_hints(api.schemas)
    wanted = {sid: naming.class_name(hints[sid]) for sid in emitted}
    renames = dict(api.target.class_names)
    configured: dict[str, str] = {}
    if renames:
        default, _ = _claim_classes(emitted, wanted, {}, [], None)
        for sid in emitted:
            tokens = pointer.split(sid)
            component = (
                tokens[2] if len(tokens) == 3 and tokens[:2] == ("components", "schemas") else ""
            )
            key = component if component in renames else default[sid]
            if key in renames:
                configured[sid] = renames[key]
        for key in sorted(
            set(renames) - {pointer.split(s)[-1] for s in emitted} - set(default.values())
        ):
            sink.warn(
                "unknown-name",
                "",
                f"class_names: no schema or class {key!r}; the name is not used",
                "use a name under components/schemas, or a class name as generated",
            )
    emitted_set = set(emitted)
    position = {sid: i for i, sid in enumerate(emitted)}  # not `emitted.index`: a walk per id
    param_ids = sorted(param_schemas(api) & emitted_set, key=position.__getitem__)
    classes, params = _claim_classes(emitted, wanted, configured, param_ids, sink)
    names.schema_class.update(classes)
    names.param_class.update(params)


def _claim_classes(
    emitted: list[str],
    wanted: dict[str, str],
    configured: dict[str, str],
    param_ids: list[str],
    sink: DiagnosticSink | None,
) -> tuple[dict[str, Name], dict[str, Name]]:
    """Class names of `emitted` (the `configured` ones claimed first), then the `…Param` TypedDict
    names of `param_ids`, all in one scope."""
    scope = naming.Scope()
    scope.reserve(*CLASS_RESERVED)
    out: dict[str, Name] = {}
    for sid, name in configured.items():
        out[sid] = Name(scope.claim(name))
        if out[sid] != name and sink is not None:
            sink.warn(
                "name-collision",
                sid,
                f"the configured class name {name!r} is taken; it is generated as {out[sid]!r}",
            )
    first_claim = {name: sid for sid, name in configured.items()}
    for sid in emitted:
        if sid in out:
            continue
        base = wanted[sid]
        got = Name(scope.claim(base))
        out[sid] = got
        if got != base and sid.startswith("/components/schemas/") and sink is not None:
            sink.warn(
                "name-collision",
                sid,
                f"class name {base} is taken (by {first_claim.get(base, 'a reserved name')}); "
                f"this schema is generated as {got}",
            )
        first_claim.setdefault(base, sid)
    classes = {sid: out[sid] for sid in emitted}
    params: dict[str, Name] = {}
    for sid in param_ids:  # `…Param` TypedDicts (naming/bodies.py), after every model's class
        want = f"{classes[sid]}Param"
        params[sid] = got = Name(scope.claim(want))
        if got != want and sink is not None:
            sink.warn(
                "name-collision",
                sid,
                f"class name {want} is taken (by {first_claim.get(want, 'a reserved name')}); "
                f"this schema's TypedDict is generated as {got}",
            )
    return classes, params


def _schema_modules(
    api: Api, emitted: list[str], names: Names, known: dict[str, list[str]]
) -> None:
    """Group schemas into modules. An inline schema's class (one minted for a place inside another
    emitted schema: a property's, an item's, a variant's) lives in its owner's module — the outermost
    emitted schema whose pointer contains its own (a component, or an operation's body, response or
    parameter schema). Owners are then grouped by strongly connected component of their members'
    references, so imports between modules never form a cycle. A module is named after its first
    owner's class, cut to a bounded file name (`rules.module_name`); the class keeps its whole name.
    Inside a module, schemas come dependencies first (then in `emitted` order). `known`: the
    references of the schemas `emitted_schemas` walked (each emitted one)."""
    emitted_set = set(emitted)
    owner = {sid: _owner(sid, emitted_set) for sid in emitted}
    deps = {
        sid: [
            r
            for r in (known[sid] if sid in known else schema_deps(api.schemas[sid]))
            if r in emitted_set
        ]
        for sid in emitted
    }
    members: dict[str, list[str]] = {}
    for sid in emitted:
        members.setdefault(owner[sid], []).append(sid)
    graph = {
        root: sorted({owner[r] for sid in group for r in deps[sid]} - {root})
        for root, group in members.items()
    }
    position = {sid: i for i, sid in enumerate(emitted)}
    scope = naming.Scope(casefold=True, sep="_")
    scope.reserve("__init__")
    for component in sccs(graph):
        roots = sorted(component, key=position.__getitem__)
        full = naming.safe_identifier(naming.snake(names.schema_class[roots[0]]), "model")
        module = Name(scope.claim(naming.module_name(full)))
        inside = [sid for root in roots for sid in members[root]]
        names.module_members[module] = ordered = _dependencies_first(inside, deps, position)
        for sid in ordered:
            names.schema_module[sid] = module


def _owner(sid: str, emitted: set[str]) -> str:
    """The outermost emitted schema whose pointer is a proper prefix of `sid`'s, else `sid`."""
    cut = sid.find("/", 1)
    while cut != -1:
        if sid[:cut] in emitted:
            return sid[:cut]
        cut = sid.find("/", cut + 1)
    return sid


def _dependencies_first(
    inside: list[str], deps: dict[str, list[str]], position: dict[str, int]
) -> list[str]:
    """`inside` in `emitted` order, each schema after the ones of this module it references (as far
    as cycles allow): classes are defined before they are used, so few need `model_rebuild`."""
    if len(inside) == 1:  # a module of one schema (most): nothing to order
        return list(inside)
    return _walk_dependencies(inside, deps, position)


def _walk_dependencies(
    inside: list[str], deps: dict[str, list[str]], position: dict[str, int]
) -> list[str]:
    members = set(inside)
    order: list[str] = []
    done: set[str] = set()
    for start in sorted(inside, key=position.__getitem__):
        if start in done:
            continue
        done.add(start)
        work = [(start, iter(sorted(members.intersection(deps[start]), key=position.__getitem__)))]
        while work:
            sid, pending = work[-1]
            nxt = next((r for r in pending if r not in done), None)
            if nxt is None:
                work.pop()
                order.append(sid)
            else:
                done.add(nxt)
                work.append(
                    (nxt, iter(sorted(members.intersection(deps[nxt]), key=position.__getitem__)))
                )

    return order


def schema_deps(schema: Schema) -> list[str]:
    """The schema ids a schema's fields, extra values or alias target name."""
    if isinstance(schema, Model):
        out: list[str] = []
        for f in schema.fields:  # a plain field (most) or one reference without `walk_refs`
            t = f.type
            if type(t) is ModelRef:
                out.append(t.id)
            elif type(t) is not Primitive:
                out += walk_refs(t)
        return out + (walk_refs(schema.extra) if schema.extra is not None else [])
    if isinstance(schema, Alias):
        return walk_refs(schema.target)
    return []


def sccs(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components come out dependencies-first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            edges = graph[node]
            while i < len(edges):
                nxt = edges[i]
                i += 1
                if nxt not in index:
                    work.append((node, i))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def _requested(
    names: Names,
    requests: Iterable[NameRequest],
    methods: dict[str, naming.Scope],
    arguments: dict[str, naming.Scope],
    sink: DiagnosticSink,
) -> None:
    classes = naming.Scope()
    classes.reserve(*CLASS_RESERVED, *names.schema_class.values(), *names.param_class.values())
    errors = naming.Scope()
    errors.reserve(*exception_names())
    constructor = naming.Scope(sep="_")  # the client's: its own options are taken
    constructor.reserve(*naming.CLIENT_OPTIONS)
    scopes: dict[tuple[NameKind, str], naming.Scope] = {(NameKind.ARGUMENT, "client"): constructor}
    for req in requests:
        words = req.hint
        if req.singular:
            *head, last = naming.words(words) or ("",)
            words = " ".join([*head, naming.singular(last)])
        if req.suffix:
            words = f"{words} {req.suffix}"
        if req.after_class:
            words = f"{names.schema_class[req.after_class]} {words}"
        if req.kind is NameKind.CLASS:
            scope, wanted = classes, naming.class_name(words)
        elif req.kind is NameKind.ERROR_CLASS:
            wanted = req.hint if req.exact else naming.error_class_name(words, exception_names())
            scope = errors
        elif req.kind is NameKind.METHOD:
            tag = names.op_resource[req.scope]
            scope = methods.setdefault(tag, naming.Scope(sep="_"))
            wanted = req.hint if req.exact else naming.safe_identifier(naming.snake(words), "call")
        else:
            own = arguments.get(req.scope) if req.kind is NameKind.ARGUMENT else None
            scope = own or scopes.setdefault((req.kind, req.scope), naming.Scope(sep="_"))
            rule = naming.field_name if req.kind is NameKind.ATTRIBUTE else naming.param_name
            wanted = rule(words)
        got = Name(scope.claim(wanted))
        if got != wanted and req.exact:
            sink.warn(
                "name-collision",
                "",
                f"the configured name {wanted!r} is taken; it is generated as {got!r}",
            )
        names.requested[req.key] = got
        if req.kind is NameKind.METHOD:
            names.extra_methods.setdefault(names.op_resource[req.scope], []).append(got)
