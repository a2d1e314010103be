"""Resources and methods: the operation half of the naming pass.

Where an operation lives:
- a tagged operation in the resource of its first tag, named from the tag's words without the prefix
  every tag shares and without versions (`ConversationsV1Conversation` → `conversations`; a tag naming
  one thing takes the plural its paths use);
- an untagged one in resources named from its path, nested where paths nest, as Stainless SDKs do
  (`/v1/customers/{customer}/sources` → `client.customers.sources`), without the prefix every path shares,
  `api`/`rest` and versions (`v1`, `2010-04-01`); a trailing verb segment (`/charges/{id}/capture`) is a
  method of its parent, not a resource;
- where `method_names` puts it (`"resource.method"`), under the name `resource_names` gives it.

Its method name: the operationId without the resource's words (`listMedReferrals` in `Med Cases` →
`list_referrals`), after FastAPI's appended route and verb (`read_item_items__item_id__get` → `read_item`)
and springfox's `Using<METHOD>` are cut; the CRUD verb of the method + path shape when the id says no
more than the route (`GetCustomersCustomer`, `fetchCalendarEvents`) or there is none; `method_names` wins.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, DiagnosticSink
from ..ir import Alias, Api, ListOf, ModelRef, Operation, TypeRef
from ..render.safe import Name
from . import rules as naming
from .bodies import argument_fields, flat_body
from .names import Names, ResourceName, op_key
from .routes import (
    READ_VERBS,
    RouteIndex,
    Shape,
    crud_verb,
    generated_function,
    is_plural,
    is_version,
    says_only_route,
    segments,
)

ROOT = "root"  # the resource of untagged operations whose path names nothing (`/`, `/{id}`)

# Class names `_client.py` imports from the runtime (resource classes are imported beside them).
CLIENT_IMPORTS = frozenset(
    {"SyncAPIClient", "AsyncAPIClient", "Hooks", "AsyncHooks", "NotGiven", "Timeout"}
)


@dataclass
class _Tree:
    """Claims resource attributes, classes and modules; one attribute scope per parent."""

    names: Names
    sink: DiagnosticSink
    schema_classes: frozenset[str]
    renames: dict[str, str]
    scopes: dict[str, naming.Scope] = field(default_factory=dict)  # parent key → attributes
    modules: naming.Scope = field(default_factory=lambda: naming.Scope(casefold=True, sep="_"))
    classes: naming.Scope = field(default_factory=naming.Scope)
    used: set[str] = field(default_factory=set)  # configured renames that matched
    defaults: dict[str, str] = field(default_factory=dict)  # dotted path before renames → key
    dotted: dict[str, str] = field(default_factory=dict)  # key → dotted path before renames

    def __post_init__(self) -> None:
        self.modules.reserve("__init__")
        self.classes.reserve(*self.schema_classes)

    def add(self, key: str, hint: str, *, tag: str = "", parent: str = "", route: str = "") -> str:
        if key in self.names.resources:
            return key
        up = self.names.resources.get(parent)
        reserved = naming.RESOURCE_RESERVED if up else naming.CLIENT_RESERVED
        default = naming.safe_identifier(naming.snake(hint), "api", reserved)
        dotted = f"{self.dotted[parent]}.{default}" if up else default
        self.dotted[key] = dotted
        self.defaults.setdefault(dotted, key)
        configured = next((self.renames[k] for k in (tag, dotted) if k and k in self.renames), "")
        self.used.update(k for k in (tag, dotted) if k in self.renames)
        wanted = configured or default
        scope = self.scopes.get(parent)
        if scope is None:
            scope = self.scopes[parent] = naming.Scope(sep="_")
            scope.reserve(*reserved)
        attr = scope.claim(wanted)
        if attr != wanted:
            where = f"resource {up.access!r}" if up else "the client"
            self.sink.warn(
                "name-collision",
                "",
                f"resource name {wanted!r} (from {tag or route!r}) is taken in {where}; "
                f"it is generated as {attr!r}",
            )
        words = configured or hint
        if up is not None and not configured:  # `CustomerSources`, `TestHelperIssuingCards`
            head = naming.words(up.cls.removesuffix("Resource")) or ("",)
            words = " ".join([*head[:-1], naming.singular(head[-1]), *naming.words(hint)])
        cls = naming.class_name(words)
        # a resource must not shadow a model it imports, nor a name `_client.py` imports (each
        # name looked up: not a union of the schema classes made for every resource)
        if any(c in self.schema_classes or c in CLIENT_IMPORTS for c in (cls, "Async" + cls)):
            cls += "Resource"
        access = f"{up.access}.{attr}" if up else attr
        self.names.resources[key] = ResourceName(
            Name(attr),
            Name(self.classes.claim(cls)),
            Name(self.modules.claim(naming.module_name(access.replace(".", "_")))),
            tag,
            Name(access),
            parent,
            route,
        )
        return key


class Renamed(Exception):
    """A method name `operation_names` was told to keep (`kept`) is taken in its scope: another
    method of the resource took it, so the methods after it may be named otherwise."""


def operation_names(
    api: Api,
    names: Names,
    sink: DiagnosticSink,
    argued: Container[str] | None = None,
    settled: Container[str] | None = None,
    kept: Mapping[str, Name] | None = None,
) -> tuple[dict[str, naming.Scope], dict[str, naming.Scope]]:
    """Resources, methods and arguments of every operation; returns the method scopes (by resource
    key) and argument scopes (by op key) the features' names are claimed in. `argued`: the op keys
    whose arguments are named (None: every operation's); the others' are left out of `names`, the
    scopes and `sink` — `_arguments` reads only the operation, its key and `api.schemas`, so an
    operation's arguments are the same in any API with the same schemas (`stage/structural.py`).

    `settled`: op keys whose methods another run of this pass named from the same inputs (`settled`
    below says when); a resource whose operations are all settled is not named again — its
    operations' methods are left out of `names.op_method`, its method scope and `sink` (their
    `METHOD_CODES` warnings). A method is named from its operation, its resource's scope (the
    methods of the resource's operations before it, the attributes of the resources nested in it),
    `api.schemas`, what the route index says of its path and the methods of its path only.

    `kept`: op key → the method another run of this pass gave it from the same inputs, where that
    method was the one it wanted (no `METHOD_CODES` warning in its resource: `kept_methods`); it
    claims that name in its scope instead of being named again — the same name, as long as no
    method before it in the new API took it, which the claim checks (`Renamed` when one did: the
    methods after it could be named otherwise; run the pass without `kept`)."""
    index = RouteIndex.of(op.path for op in api.operations)
    verbs_at: dict[str, set[str]] = {}
    for op in api.operations:
        verbs_at.setdefault(op.path, set()).add(op.method)
    schema_classes = frozenset(names.schema_class.values()) | frozenset(names.param_class.values())
    tree = _Tree(names, sink, schema_classes, dict(api.target.resource_names))
    hints = tag_hints(api, index)
    by_attr: dict[str, str] = {}  # a tag resource's default attribute → its key
    homes: dict[str, str] = {}
    for op in api.operations:
        if "." in op.name_override:
            continue
        if op.tags:
            homes[op_key(op)] = tree.add(op.tags[0], hints[op.tags[0]], tag=op.tags[0])
            by_attr.setdefault(naming.snake(hints[op.tags[0]]), op.tags[0])
    for op in api.operations:
        if "." not in op.name_override and not op.tags:
            homes[op_key(op)] = _path_home(tree, index, op, by_attr)
    for op in api.operations:
        if "." in op.name_override:
            homes[op_key(op)] = _override_home(tree, op.name_override.rsplit(".", 1)[0])
    for key in sorted(set(tree.renames) - tree.used):
        sink.warn(
            "unknown-name",
            "",
            f"resource_names: no tag or resource {key!r}; the name is not used",
            "use a tag of the spec, or a resource as generated (`customers.sources`)",
        )

    method_scopes = {key: naming.Scope(sep="_") for key in names.resources}
    for resource in names.resources.values():  # a method must not shadow a nested resource
        if resource.parent:
            method_scopes[resource.parent].reserve(resource.attr)
    named = set(homes.values())
    if settled is not None:  # (the resources with an operation not settled)
        named = {home for key, home in homes.items() if key not in settled}
    arg_scopes: dict[str, naming.Scope] = {}
    seen_ids: dict[str, str] = {}
    for op in api.operations:
        key = op_key(op)
        home = homes[key]
        names.op_resource[key] = home
        if op.id in seen_ids and op.has_operation_id:
            sink.warn(
                "duplicate-operation-id",
                op.pointer,
                f"operationId {op.id!r} is also used by "
                f"{seen_ids[op.id]}; method names are made unique",
            )
        seen_ids.setdefault(op.id, op.pointer)
        if home in named:
            scope = method_scopes[home]
            had = kept.get(key) if kept is not None else None
            if had is None:
                wanted = _method_of(api, op, index, verbs_at, scope, names.resources[home], sink)
                names.op_method[key] = Name(scope.claim(wanted))
            elif scope.claim(had) == had:  # (named as it was: the name must still be free)
                names.op_method[key] = had
            else:
                raise Renamed(key)
        if argued is None or key in argued:
            arg_scopes[key] = _arguments(api, op, names, sink, key)
    return method_scopes, arg_scopes


METHOD_CODES = frozenset({"method-name-collision"})  # what `_method_of` says


def _method_of(
    api: Api,
    op: Operation,
    index: RouteIndex,
    verbs_at: dict[str, set[str]],
    scope: naming.Scope,
    resource: ResourceName,
    sink: DiagnosticSink,
) -> str:
    """The method name the operation claims in its resource's scope."""
    wanted, fallback = _method(op, _shape(api, op, index, verbs_at), index)
    if scope.is_taken(wanted):
        others = (fallback, _by_param(wanted, index, op) if not op.name_override else "")
        wanted = next((n for n in others if n and not scope.is_taken(n)), wanted)
        sink.warn(
            "method-name-collision",
            op.pointer,
            f"method name for {op.id!r} collides in resource "
            f"{resource.access!r}; it is made unique",
        )
    return wanted


def settled(
    old: Api, new: Api, touched: Container[str], homes: Mapping[str, str]
) -> set[str] | None:
    """The op keys of `new` whose methods a run of `operation_names` on `old` named from the same
    inputs (its `settled`), given that the two APIs have the same schemas and every operation but
    the `touched` (op keys, of either API) is the same object; `homes`: `old`'s `op_resource`.
    Settled: a `steady` operation in a resource that held no touched operation (a method removed
    from a scope frees its name for the next). None when the route index's shared prefix changed
    (every path's facts may)."""
    found = steady(old, new, touched, homes)
    if found is None:
        return None
    held = {homes[key] for key in homes if key in touched}
    return {key for key in found if homes[key] not in held}


def steady(
    old: Api, new: Api, touched: Container[str], homes: Mapping[str, str]
) -> set[str] | None:
    """The op keys of `new` whose wanted method (`_method_of`'s, before its scope is looked at)
    a run of `operation_names` on `old` made from the same inputs, in any resource: an untouched
    operation whose path's route facts and methods did not change (`settled`'s conditions). None
    when the route index's shared prefix changed."""
    before = RouteIndex.of(op.path for op in old.operations)
    after = RouteIndex.of(op.path for op in new.operations)
    moved = before.moved(after)
    if moved is None:
        return None
    # (a touched operation's path: the methods of the path differ)
    moved |= {op.path for api in (old, new) for op in api.operations if op_key(op) in touched}
    return {
        key
        for key, path in ((op_key(op), op.path) for op in new.operations)
        if key not in touched and path not in moved and key in homes
    }


def kept_methods(
    old: Api, steady_keys: set[str], names: Names, said: list[Diagnostic]
) -> dict[str, Name]:
    """The methods `operation_names(kept=)` may keep: of each `steady` operation (its key in
    `steady_keys`) in a resource none of whose methods collided in the run of the pass on `old`
    that gave `names` and said `said` (no `METHOD_CODES` warning there): each such method is the
    one it wanted and took no other's place."""
    homes = names.op_resource
    warned = {d.pointer for d in said if d.code in METHOD_CODES}
    loud = {homes[op_key(op)] for op in old.operations if op.pointer in warned} if warned else set()
    return {key: names.op_method[key] for key in steady_keys if homes[key] not in loud}


def api_singulars(api: Api) -> dict[str, str]:
    """The singular (`rules.singular`) of every word this pass may make singular naming `api` —
    its tags', its paths' segments', its operationIds' — as `rules.tell_singulars` takes them
    (a later process naming an API edited from this one asks for these, or a few more)."""
    found: set[str] = set()
    for op in api.operations:
        found.update(naming.words(op.id))
        for tag in op.tags[:1]:
            found.update(naming.words(tag))
        for seg in segments(op.path):
            found.update(naming.words(seg.text))
    return {word: naming.singular(word) for word in sorted(found)}


def tag_hints(api: Api, index: RouteIndex) -> dict[str, str]:
    """The words each tag's resource is named with: without versions and the word prefix every tag
    shares (`ConversationsV1Conversation`, `ConversationsV1Role` → `conversation`, `role`), and a tag
    that names one thing in the plural its paths use (`conversation` → `conversations` for
    /v1/Conversations/{Sid}). Tags that only their versions tell apart keep them (`apps`, `apps_v1`)."""
    tags = list(dict.fromkeys(op.tags[0] for op in api.operations if op.tags))
    split = {
        t: [w for w in naming.words(t) if not is_version(w)] or list(naming.words(t)) for t in tags
    }
    n = _shared_prefix(list(split.values()))
    paths: dict[str, list[str]] = {}
    for op in api.operations:
        if op.tags:
            paths.setdefault(op.tags[0], []).append(op.path)
    out = {}
    for tag, ws in split.items():
        rest = ws[n:]
        out[tag] = " ".join(_plural_like_paths(rest, paths[tag], index)) or tag
    alike: dict[str, list[str]] = {}
    for tag, hint in out.items():
        alike.setdefault(naming.snake(hint), []).append(tag)
    for same in alike.values():
        if len(same) > 1:  # `apps`, `apps_v1`, `apps_v1beta1`: their versions tell them apart
            for tag in same:
                have = naming.words(out[tag])
                versions = [w for w in naming.words(tag) if is_version(w) and w not in have]
                out[tag] = " ".join([out[tag], *versions])
    return out


def _shared_prefix(all_words: list[list[str]]) -> int:
    """Leading words every tag shares, when there are two tags or more and each keeps a word."""
    if len(all_words) < 2:
        return 0
    n = 0
    first = all_words[0]
    while n < len(first) and all(len(w) > n + 1 and w[n] == first[n] for w in all_words):
        n += 1
    return n


def _plural_like_paths(ws: list[str], paths: list[str], index: RouteIndex) -> list[str]:
    if not ws or is_plural(ws[-1]):
        return ws
    for path in paths:
        for seg in index.significant(path):
            seg_words = list(naming.words(seg.text))
            if seg.param or not seg_words or not is_plural(seg_words[-1]):
                continue
            head, last = seg_words[:-1], seg_words[-1]
            if naming.singular(last) == ws[-1] and ws[len(ws) - 1 - len(head) : -1] == head:
                return [*ws[:-1], last]
    return ws


def _path_home(tree: _Tree, index: RouteIndex, op: Operation, by_attr: dict[str, str]) -> str:
    segs = index.significant(op.path)
    if index.is_action(op.path, op.method, segs):
        segs = segs[:-1]
    chain = [s for s in segs if not s.param]
    if not chain:
        return tree.add("/", ROOT, route="/")
    parent = ""
    for i, seg in enumerate(chain):
        key = "/" + "/".join(s.text for s in chain[: i + 1])
        if not parent and naming.snake(seg.text) in by_attr:
            parent = by_attr[naming.snake(seg.text)]
            continue
        parent = tree.add(key, seg.text, parent=parent, route=op.path[: seg.end])
    return parent


def _override_home(tree: _Tree, part: str) -> str:
    """`method_names` "resource.method": an existing resource by tag, attribute or dotted path (also
    the path before a `resource_names` rename), else a new one: nested in its parent when the name is
    dotted (`customers.refunds`), else a resource of the client."""
    for key, r in tree.names.resources.items():
        if part in (r.tag, r.access) or (r.tag and naming.snake(r.tag) == naming.snake(part)):
            return key
    if part in tree.defaults:
        return tree.defaults[part]
    head, _, leaf = part.rpartition(".")
    if head:
        return tree.add(part, leaf, parent=_override_home(tree, head))
    return tree.add(part, part, tag=part)


def _returns_list(api: Api, op: Operation) -> bool:
    # (a stage snapshot's schemas name their aliases: a schema that is none is not read)
    aliases: Container[str] | None = getattr(api.schemas, "aliases", None)
    for r in op.results:
        if r.pagination is not None:
            return True
        t: TypeRef | None = r.returns
        if (
            isinstance(t, ModelRef)
            and (aliases is None or t.id in aliases)
            and isinstance(api.schemas.get(t.id), Alias)
        ):
            alias = api.schemas[t.id]
            assert isinstance(alias, Alias)
            t = alias.target
        if isinstance(t, ListOf):
            return True
    return False


def _shape(api: Api, op: Operation, index: RouteIndex, verbs_at: dict[str, set[str]]) -> Shape:
    segs = index.significant(op.path)
    action = ""
    if index.is_action(op.path, op.method, segs):
        action = naming.safe_identifier(naming.snake(segs[-1].text), "call")
        segs = segs[:-1]
    last = next((s for s in reversed(segs) if not s.param), None)
    ends_in_param = bool(segs) and segs[-1].param
    listed = op.path in index.collections or _returns_list(api, op)
    collection = listed or (last is not None and is_plural(last.text))
    siblings = frozenset(verbs_at.get(op.path, ()))
    nouns: tuple[str, ...] = ()
    if op.tags:  # a tag's resource does not hold the route's other nouns: they follow the verb
        own = naming.resource_words(op.tags[0])
        found = [w for s in segs if not s.param for w in naming.words(s.text)]
        kept = list(
            dict.fromkeys(
                w
                for w in found
                if w not in own and naming.singular(w) not in own and not is_version(w)
            )
        )
        if kept and (ends_in_param or op.method != "get" or not collection):
            kept[-1] = naming.singular(kept[-1])
        nouns = tuple(kept)
    return Shape(
        method=op.method,
        ends_in_param=ends_in_param,
        action=action,
        collection=collection,
        listed=listed,
        singleton=not ends_in_param and not collection and "get" in siblings,
        nouns=nouns,
        siblings=siblings,
    )


def _method(op: Operation, shape: Shape, index: RouteIndex) -> tuple[str, str]:
    """The method name wanted, and the one to try when it is taken ("" = a numeric suffix)."""
    reserved = naming.METHOD_RESERVED | naming.RESOURCE_RESERVED
    if op.name_override:
        return op.name_override.rsplit(".", 1)[-1], ""
    inferred = naming.safe_identifier(crud_verb(shape), "call", reserved)
    if not op.has_operation_id:
        return inferred, ""
    base = generated_function(op.id, op.method, op.path) or op.id
    if op.tags:
        own = naming.resource_words(op.tags[0])
    else:  # named from its path: the words of the resources it sits in
        if says_only_route(base, op.path):
            return inferred, ""
        segs = index.significant(op.path)[: -1 if shape.action else None]
        own = naming.resource_words(*(s.text for s in segs if not s.param))
    kept = naming.method_words(base, own)
    full = naming.safe_identifier(naming.snake(base), "call", reserved)
    if not kept:
        return inferred, full
    if (
        len(kept) == 1
        and kept[0] in READ_VERBS
        and op.method == "get"
        and shape.listed
        and not shape.ends_in_param
        and not shape.action
    ):
        return "list", full
    return naming.safe_identifier("_".join(kept), "call", reserved), full


def _by_param(name: str, index: RouteIndex, op: Operation) -> str:
    """A taken name told apart by the parameter its path ends in (`get_mapping` for
    `GET /map/{rgdId}` beside `POST /map` → `get_mapping_by_rgd_id`); "" when it ends in none."""
    segs = index.significant(op.path)
    if not segs or not segs[-1].param:
        return ""
    reserved = naming.METHOD_RESERVED | naming.RESOURCE_RESERVED
    return naming.safe_identifier(f"{name}_by_{naming.snake(segs[-1].text)}", "call", reserved)


def _arguments(
    api: Api, op: Operation, names: Names, sink: DiagnosticSink, key: str
) -> naming.Scope:
    """`key`: the operation's key, one string for every table it keys (`op_key`)."""
    pscope = naming.Scope(sep="_")
    pscope.reserve(*naming.METHOD_RESERVED)
    for p in op.parameters:
        names.params[(key, p.location.value, p.wire_name)] = Name(
            pscope.claim(naming.param_name(p.wire_name))
        )
    _body_arguments(api, op, names, pscope, sink, key)
    return pscope


def _body_arguments(
    api: Api, op: Operation, names: Names, scope: naming.Scope, sink: DiagnosticSink, key: str
) -> None:
    """One keyword argument per property of a flattened body (naming/bodies.py), after the operation's
    parameters. A property whose name a parameter or a per-call option (`timeout`, `extra_body`, …)
    already has becomes `body_<name>` (then a numeric suffix), with a warning."""
    model = flat_body(api, op)
    if model is None:
        return
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
