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
from dataclasses import dataclass, field

from .. import pointer
from ..diagnostics import DiagnosticSink
from ..ir import (
    Alias,
    Api,
    Enum,
    Model,
    Operation,
    Schema,
    TypeRef,
    walk_refs,
)
from ..parse.results import error_bodies
from ..render.safe import Name
from . import rules as naming
from .bodies import argument_fields, flat_body, param_schemas
from .hints import schema_hints
from .requests import NameKind, NameRequest
from .runtime import exception_names

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


# Class names `_client.py` imports from the runtime (resource classes are imported beside them).
CLIENT_IMPORTS = frozenset(
    {"SyncAPIClient", "AsyncAPIClient", "Hooks", "AsyncHooks", "NotGiven", "Timeout"}
)


@dataclass(frozen=True, slots=True)
class ResourceName:
    attr: Name  # client attribute: `sent_cases`
    cls: Name  # class: `SentCases`
    module: Name  # module under resources/: `sent_cases`
    tag: str  # the spec's tag (raw text)


@dataclass
class Names:
    schema_class: dict[str, Name] = field(default_factory=dict)
    schema_module: dict[str, Name] = field(default_factory=dict)
    param_class: dict[str, Name] = field(
        default_factory=dict
    )  # schema id → its `…Param` TypedDict (in the model's module), see naming/bodies.py
    module_members: dict[Name, list[str]] = field(
        default_factory=dict
    )  # module → schema ids, in order
    fields: dict[tuple[str, str], Name] = field(default_factory=dict)  # (schema id, wire) → attr
    members: dict[tuple[str, int], Name] = field(default_factory=dict)  # (enum id, index) → member
    resources: dict[str, ResourceName] = field(default_factory=dict)  # tag → names
    op_resource: dict[str, str] = field(default_factory=dict)  # op key → tag
    op_method: dict[str, Name] = field(default_factory=dict)  # op key → method name
    params: dict[tuple[str, str, str], Name] = field(
        default_factory=dict
    )  # (op key, in, wire) → arg
    body_fields: dict[tuple[str, str], Name] = field(
        default_factory=dict
    )  # (op key, wire) → argument of a flattened body property (JSON, multipart, form)
    requested: dict[tuple[str, ...], Name] = field(default_factory=dict)  # features' names by key
    extra_methods: dict[str, list[Name]] = field(default_factory=dict)  # tag → features' methods

    def resource_of(self, op: Operation) -> ResourceName:
        return self.resources[self.op_resource[op_key(op)]]


def op_key(op: Operation) -> str:
    return f"{op.method} {op.path}"


def plan_names(api: Api, sink: DiagnosticSink, requests: Iterable[NameRequest] = ()) -> Names:
    """Every name of the package: schemas, fields, members, resources, methods, arguments, and what
    the active features ask for (`requests`)."""
    names = Names()
    emitted = emitted_schemas(api)
    _schema_names(api, emitted, names, sink)
    _schema_modules(api, emitted, names)
    for sid in emitted:
        schema = api.schemas[sid]
        if isinstance(schema, Model):
            scope = naming.Scope(sep="_")
            for f in schema.fields:
                names.fields[(sid, f.wire_name)] = Name(scope.claim(naming.field_name(f.wire_name)))
        elif isinstance(schema, Enum):
            scope = naming.Scope()
            for i, m in enumerate(schema.members):
                names.members[(sid, i)] = Name(
                    scope.claim(naming.enum_member_name(m.name or m.value))
                )
    method_scopes, arg_scopes = _operation_names(api, names, sink)
    _requested(names, requests, method_scopes, arg_scopes, sink)
    return names


def emitted_schemas(api: Api) -> list[str]:
    """Schema ids that get a class, in `api.schemas` order: everything but the inline schemas of
    responses that no operation reaches as a success body, a declared JSON error body or a header."""
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
            roots += _deps(api.schemas[sid])
    return [sid for sid in api.schemas if sid in seen]


def _under_responses(sid: str) -> bool:
    tokens = pointer.split(sid)
    return tokens[:2] == ("components", "responses") or (
        tokens[:1] == ("paths",) and len(tokens) > 3 and tokens[3] == "responses"
    )


def _schema_names(api: Api, emitted: list[str], names: Names, sink: DiagnosticSink) -> None:
    scope = naming.Scope()
    scope.reserve(*CLASS_RESERVED)
    first_claim: dict[str, str] = {}
    hints = schema_hints(api.schemas)
    for sid in emitted:
        base = naming.class_name(hints[sid])
        got = Name(scope.claim(base))
        names.schema_class[sid] = got
        if got != base and sid.startswith("/components/schemas/"):
            sink.warn(
                "name-collision",
                sid,
                f"class name {base} is taken (by {first_claim.get(base, 'a reserved name')}); "
                f"this schema is generated as {got}",
            )
        first_claim.setdefault(base, sid)
    emitted_set = set(emitted)
    for sid in sorted(param_schemas(api) & emitted_set, key=emitted.index):
        wanted = f"{names.schema_class[sid]}Param"
        names.param_class[sid] = got = Name(scope.claim(wanted))
        if got != wanted:
            sink.warn(
                "name-collision",
                sid,
                f"class name {wanted} is taken (by {first_claim.get(wanted, 'a reserved name')}); "
                f"this schema's TypedDict is generated as {got}",
            )


def _schema_modules(api: Api, emitted: list[str], names: Names) -> None:
    """Group schemas into modules. An inline schema's class (one minted for a place inside another
    emitted schema: a property's, an item's, a variant's) lives in its owner's module — the outermost
    emitted schema whose pointer contains its own (a component, or an operation's body, response or
    parameter schema). Owners are then grouped by strongly connected component of their members'
    references, so imports between modules never form a cycle. A module is named after its first
    owner's class, cut to a bounded file name (`rules.module_name`); the class keeps its whole name.
    Inside a module, schemas come dependencies first (then in `emitted` order)."""
    emitted_set = set(emitted)
    owner = {sid: _owner(sid, emitted_set) for sid in emitted}
    deps = {sid: [r for r in _deps(api.schemas[sid]) if r in emitted_set] for sid in emitted}
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
    for component in _sccs(graph):
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


def _deps(schema: Schema) -> list[str]:
    if isinstance(schema, Model):
        out = [r for f in schema.fields for r in walk_refs(f.type)]
        return out + (walk_refs(schema.extra) if schema.extra is not None else [])
    if isinstance(schema, Alias):
        return walk_refs(schema.target)
    return []


def _sccs(graph: dict[str, list[str]]) -> list[list[str]]:
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


def _operation_names(
    api: Api, names: Names, sink: DiagnosticSink
) -> tuple[dict[str, naming.Scope], dict[str, naming.Scope]]:
    res_scope = naming.Scope(sep="_")
    res_scope.reserve(*naming.CLIENT_RESERVED)
    mod_scope = naming.Scope(casefold=True, sep="_")
    mod_scope.reserve("__init__")
    cls_scope = naming.Scope()
    schema_classes = set(names.schema_class.values()) | set(names.param_class.values())
    cls_scope.reserve(*schema_classes)
    method_scopes: dict[str, naming.Scope] = {}
    arg_scopes: dict[str, naming.Scope] = {}
    seen_ids: dict[str, str] = {}
    for op in api.operations:
        key = op_key(op)
        override = op.name_override
        tag = (
            override.split(".")[0]
            if "." in override
            else (op.tags[0] if op.tags else _path_tag(op.path))
        )
        if "." in override:  # "people.create" names the resource by its attribute or by its tag
            tag = next(
                (t for t in [*op.tags, *names.resources] if naming.snake(t) == naming.snake(tag)),
                tag,
            )
        if tag not in names.resources:
            attr = res_scope.claim(naming.safe_identifier(naming.snake(tag), "api"))
            cls = naming.class_name(tag)
            # a resource must not shadow a model it imports, nor a name `_client.py` imports
            if {cls, "Async" + cls} & (schema_classes | CLIENT_IMPORTS):
                cls += "Resource"
            names.resources[tag] = ResourceName(
                Name(attr),
                Name(cls_scope.claim(cls)),
                Name(mod_scope.claim(naming.module_name(attr))),
                tag,
            )
            method_scopes[tag] = naming.Scope(sep="_")
        names.op_resource[key] = tag
        if op.id in seen_ids and op.has_operation_id:
            sink.warn(
                "duplicate-operation-id",
                op.pointer,
                f"operationId {op.id!r} is also used by "
                f"{seen_ids[op.id]}; method names are made unique",
            )
        seen_ids.setdefault(op.id, op.pointer)
        wanted = override.split(".", 1)[1] if "." in override else naming.method_name(op.id, tag)
        scope = method_scopes[tag]
        if wanted in scope.taken:  # prefer the full operationId before a numeric suffix
            full = naming.safe_identifier(naming.snake(op.id), "call", naming.METHOD_RESERVED)
            wanted = full if full not in scope.taken else wanted
            sink.warn(
                "method-name-collision",
                op.pointer,
                f"method name for {op.id!r} collides in resource "
                f"{names.resources[tag].attr!r}; it is made unique",
            )
        names.op_method[key] = Name(scope.claim(wanted))
        pscope = naming.Scope(sep="_")
        pscope.reserve(*naming.METHOD_RESERVED)
        for p in op.parameters:
            names.params[(key, p.location.value, p.wire_name)] = Name(
                pscope.claim(naming.param_name(p.wire_name))
            )
        _body_arguments(api, op, names, pscope, sink)
        arg_scopes[key] = pscope
    return method_scopes, arg_scopes


def _body_arguments(
    api: Api, op: Operation, names: Names, scope: naming.Scope, sink: DiagnosticSink
) -> None:
    """One keyword argument per property of a flattened body (naming/bodies.py), after the operation's
    parameters. A property whose name a parameter or a per-call option (`timeout`, `extra_body`, …)
    already has becomes `body_<name>` (then a numeric suffix), with a warning."""
    model = flat_body(api, op)
    if model is None:
        return
    key = op_key(op)
    taken_by: dict[str, str] = {
        names.params[(key, p.location.value, p.wire_name)]: f"the {p.location.value} parameter "
        f"{p.wire_name!r}"
        for p in op.parameters
    }
    for f in argument_fields(api, op, model):
        plain = naming.safe_identifier(naming.snake(f.wire_name), "param")
        if scope.is_taken(plain):
            got = Name(scope.claim(naming.param_name(f"body {plain}")))
            what = taken_by.get(plain) or (
                f"the per-call option {plain!r}"
                if plain in naming.METHOD_RESERVED
                else "taken by another argument"
            )
            sink.warn(
                "argument-name-collision",
                op.pointer,
                f"request body property {f.wire_name!r} of {op.id!r} is the argument {got!r}: "
                f"the name {plain!r} is {what}",
            )
        else:
            got = Name(scope.claim(naming.param_name(f.wire_name)))
        names.body_fields[(key, f.wire_name)] = got
        taken_by[got] = f"the body property {f.wire_name!r}"


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


def _path_tag(path: str) -> str:
    for segment in path.split("/"):
        if segment and not segment.startswith("{"):
            return segment
    return "default"
