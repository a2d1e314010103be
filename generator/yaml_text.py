"""Reading YAML spec text (`load.parse_text`): safe loaders only, dates kept as strings, aliases counted
and the expanded size bounded (a "billion laughs" document fails at once). Its own module so that a JSON
spec's generation never imports PyYAML (issue 18: imports off the serial path before rendering)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from .spec_bytes import MAX_NODES

YAMLError = yaml.YAMLError
MarkedYAMLError = yaml.MarkedYAMLError


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates and timestamps as strings (specs are JSON data models)."""


_RESOLVERS = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_SafeLoader.yaml_implicit_resolvers = _RESOLVERS


class _Bounds:
    """What a document may hold, checked on the composed node graph before any Python object is
    built: at most `max_aliases` alias uses, at most `MAX_NODES` values once every alias is expanded
    (so a "billion laughs" document fails at once, whichever loader composed it)."""

    max_aliases = 10_000

    @classmethod
    def check(cls, root: yaml.Node) -> None:
        if _alias_uses(root) > cls.max_aliases:
            raise yaml.YAMLError(f"more than {cls.max_aliases} YAML aliases (anchor bomb?)")
        if _expanded_size(root) > MAX_NODES:
            raise yaml.YAMLError(
                f"the document expands to more than {MAX_NODES:,} values (a YAML alias bomb?)"
            )


# An anchor (`&name`) where YAML allows one: at the start of a node, after indentation, `-`, `:`, `?`,
# `,`, `[` or `{`. Quoted text that merely looks like one only costs the graph's check. Without an
# anchor there is no alias: the composed graph is a tree, nothing to check.
_ANCHOR = re.compile(r"(?:^|[\s\[{,:?-])&[^\s,\[\]{}]", re.MULTILINE)

_FastLoader: type | None = None
_FastBounded: type | None = None
if hasattr(yaml, "CSafeLoader"):  # libyaml: several times faster

    class _CLoader(yaml.CSafeLoader):
        pass

    class _CBounded(_CLoader):
        """libyaml composes the whole graph (linear in the text: an alias is a second reference to
        its anchor's node, never a copy); the graph is checked before it is constructed."""

        def get_single_data(self) -> Any:
            return _checked_data(self)

    _CLoader.yaml_implicit_resolvers = _RESOLVERS
    _FastLoader, _FastBounded = _CLoader, _CBounded


class _BoundedComposer(_SafeLoader):
    """The pure-Python reader (no libyaml): counts aliases while composing, so a document with too
    many fails before it is composed, then checks the graph as libyaml's reader does."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > _Bounds.max_aliases:
                raise yaml.YAMLError(f"more than {_Bounds.max_aliases} YAML aliases (anchor bomb?)")
        return super().compose_node(parent, index)

    def get_single_data(self) -> Any:
        return _checked_data(self)


def _checked_data(loader: Any) -> Any:
    """The one document `loader` reads, its composed graph checked before it is constructed."""
    node = loader.get_single_node()
    if node is None:
        return None
    _Bounds.check(node)
    return loader.construct_document(node)


def _alias_uses(root: yaml.Node) -> int:
    """How many aliases the document uses: every reference to a node beyond its first (a composer
    makes an alias a second reference to its anchor's node), over the distinct nodes once."""
    seen = {id(root)}
    stack = [root]
    uses = 0
    while stack:
        for child in _children(stack.pop()):
            if id(child) in seen:
                uses += 1
            else:
                seen.add(id(child))
                stack.append(child)
    return uses


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document has once every alias is expanded (shared nodes counted once
    per use), computed over the composed graph in time linear in its distinct nodes. A node that
    contains itself (`&a [*a]`) expands without end."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
            open_nodes.discard(id(node))
            continue
        if id(node) in open_nodes:
            return MAX_NODES + 1
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_yaml(text: str) -> Any:
    """The YAML document `text` as plain data; raises `yaml.YAMLError` (`MarkedYAMLError` with a
    position) for text that is not YAML or expands too far."""
    if _FastLoader is None or _FastBounded is None:
        return yaml.load(text, Loader=_BoundedComposer)  # safe loaders only
    return yaml.load(text, Loader=_FastBounded if _ANCHOR.search(text) else _FastLoader)
