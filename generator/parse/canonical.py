"""The document in a canonical form, so nothing the generator decides depends on key order.

Every mapping of an OpenAPI document is a set of named members: `paths`, operations, `properties`,
`components`, `responses`, `content`, … Reordering them does not change what the API means, so the parser
reads a copy whose mappings are sorted by key (lists keep their order: `parameters`, `enum`, `allOf`,
`required`, `tags` are sequences). Sorting once here makes operation order, field order, which schema is met
first and therefore every collision suffix a function of the document's meaning only.

The copy is a tree (no object appears twice), so `origin` can tell, for any node the parser holds, the one
place in the document it comes from: inline schemas are identified by that place, never by their shape.
No index of the whole copy is made for that unless a question needs one (issue 18, parse26): the parser
says where it met the node, which is the answer when the node is there; a merge says which nodes it
copied members from, and only their subtrees are walked; a mapping the parser made is known as such.

The copy's strings (keys and values) are fresh objects, one per distinct text: the IR keeps hundreds of
thousands of them (names, descriptions, enum values), and had it kept the parsed document's own, they would
hold the document's memory arenas after the document is let go (graph-beta: ≈ 190 MB of resident set that
could not be returned). Made here, they sit beside the copy, and repeated texts (graph-beta's `$select`
enums repeat the same property names per operation) are one object.

A JSON text of moderate size can instead be decoded straight into that form (`Canonical.decode`): each
object's members sorted as the decoder makes it: the document as written is not made at all
(validation reads this form too: `validate.findings`). Its strings are the decoder's; for a spec that
size, the arenas they hold after the document goes are small.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from .. import pointer as jp

_FIRST = itemgetter(0)


class Canonical:
    """A key-sorted copy of a document, and where each of its mappings and lists sits in it."""

    def __init__(self, document: dict[str, Any], *, sorted_already: bool = False) -> None:
        """`sorted_already`: `document` is already canonical (`decode`): it is taken, not copied."""
        self.document: dict[str, Any] = document if sorted_already else _copy(document)
        # (`decode`) some mapping has a `$ref` that is a string not starting with `#`: the document
        # may refer to another file (`refs.bundle_external_refs`); a data key's value counts too
        self.refers_out = False
        # `origin`'s answers without a parent index (issue 18, parse26): the containers at the
        # pointers walked so far (canonical spellings only), by pointer
        self._nodes: dict[str, Any] = {"": document if sorted_already else self.document}
        # the pointers of containers found another way (the places merges copy from, the index),
        # by id: the copy's nodes live as long as this object, so an id is never another node's
        self._pointers: dict[int, str] = {id(self.document): ""}
        # containers whose subtrees a merge copies from (`copied_from`), not yet walked
        self._sources: list[tuple[Any, str]] = []
        # the same, by the place of the mapping made of their members: a node met below that place
        # is first looked for at the same place below each of them
        self._copies: dict[str, list[tuple[Any, str]]] = {}
        self._walked: set[int] = set()
        # the ids of mappings made while parsing (`made_up`): never the copy's own (those were all
        # made before and are alive), so such an id is answered at once
        self._made_up: set[int] = set()
        # each mapping and list of the copy (by id) → its parent and its key there: made only when
        # a question is answered by none of the above
        self._parents: dict[int, tuple[Any, str | int]] | None = None

    @classmethod
    def decode(cls, text: str) -> tuple[Canonical | None, Any]:
        """JSON `text` decoded into the canonical form: (the copy, None) when the text is an object,
        else (None, what it is). Raises what `json.loads` raises (`JSONDecodeError`,
        `RecursionError`). The same copy `Canonical(json.loads(text))` makes: every object's
        members sorted by key (of a key given twice, the last value, as `json.loads` keeps it),
        lists in their order."""
        outside: list[str] = []
        data = json.loads(text, object_pairs_hook=_sorting(outside))
        if not isinstance(data, dict):
            return None, data
        made = cls(data, sorted_already=True)
        made.refers_out = bool(outside)
        return made, None

    def origin(self, node: object, where: str | None = None) -> str | None:
        """Where `node` sits in the document (a JSON pointer), when it is one of the document's own
        nodes; None for a node made up while parsing. `where`: the place the parser met it, which
        is its answer when the node is there (GitHub: 5,811 of 6,110 questions)."""
        if where is not None and self.at(where) is node:
            return where
        key = id(node)
        known = self._pointers.get(key)
        if known is not None:
            return known
        if key in self._made_up:
            return None
        if where is not None and self._copies:
            known = self._copied(node, where)
            if known is not None:
                return known
        if self._sources:
            self._walk_sources()
            known = self._pointers.get(key)
            if known is not None:
                return known
        return self._indexed(node)

    def at(self, pointer: str) -> Any:
        """The container at `pointer` when it is spelled as `origin` spells it (RFC 6901 tokens,
        `~` and `/` escaped, list indices in decimal without leading zeros), else None."""
        nodes = self._nodes
        node = nodes.get(pointer)
        if node is not None:
            return node
        tail: list[str] = []
        prefix = pointer
        while (node := nodes.get(prefix)) is None:
            prefix, slash, token = prefix.rpartition("/")
            if not slash:
                return None
            tail.append(token)
        for token in reversed(tail):
            if type(node) is dict:
                if "~" in token:
                    name = jp.unescape(token)
                    if jp.escape(name) != token:
                        return None
                    child = node.get(name)
                else:
                    child = node.get(token)
            elif token.isascii() and token.isdigit() and (token == "0" or token[0] != "0"):
                index = int(token)
                child = node[index] if index < len(node) else None
            else:
                return None
            if type(child) is not dict and type(child) is not list:
                return None
            prefix = f"{prefix}/{token}"
            nodes[prefix] = node = child
        return node

    def copied_from(self, node: object, pointer: str, into: str) -> None:
        """A merge made a mapping of `node`'s members (`node` at `pointer`, the copy's own when it
        is there), which the parser reads at `into`: the nodes below it may be asked about at the
        same places below `into`."""
        self._sources.append((node, pointer))
        self._copies.setdefault(into, []).append((node, pointer))

    def _copied(self, node: object, where: str) -> str | None:
        """`node`'s pointer when it is a node a merge copied, at the place below its source that
        `where` is below the merged mapping's."""
        prefix = where
        while True:
            prefix, slash, _ = prefix.rpartition("/")
            if not slash:
                return None
            sources = self._copies.get(prefix)
            if sources:
                rest = where[len(prefix) :]
                for source, pointer in sources:
                    if self.at(pointer + rest) is node:
                        return pointer + rest

    def made_up(self, node: object) -> None:
        """`node` was made while parsing: it is not the copy's."""
        self._made_up.add(id(node))

    def _walk_sources(self) -> None:
        """The pointers of every container below the sources noted so far (GitHub: 375 sources,
        10,000 containers, against 90,000 in the document)."""
        pointers, walked = self._pointers, self._walked
        sources, self._sources = self._sources, []
        for source, pointer in sources:
            if id(source) in walked or self.at(pointer) is not source:
                continue
            walked.add(id(source))
            stack: list[tuple[Any, str]] = [(source, pointer)]
            while stack:
                container, at = stack.pop()
                pointers[id(container)] = at
                items = container.items() if type(container) is dict else enumerate(container)
                for key, value in items:
                    kind = type(value)
                    if kind is dict or kind is list:
                        token = jp.escape(key) if type(key) is str else key
                        stack.append((value, f"{at}/{token}"))

    def _indexed(self, node: object) -> str | None:
        """`node`'s pointer through the parent index of the whole copy (made once, when first
        needed): the answer for any node, the copy's own or not."""
        parents = self._parents
        if parents is None:
            parents = self._parents = _parent_index(self.document)
        pointers = self._pointers
        below: list[tuple[object, str | int]] = []  # from `node` up to the first spelled ancestor
        while (known := pointers.get(id(node))) is None:
            up = parents.get(id(node))
            if up is None:  # not the copy's: made up while parsing
                return None
            below.append((node, up[1]))
            node = up[0]
        for child, key in reversed(below):
            known = f"{known}/{jp.escape(key) if isinstance(key, str) else key}"
            pointers[id(child)] = known
        return known


def _parent_index(root: dict[str, Any]) -> dict[int, tuple[Any, str | int]]:
    """Each mapping and list below `root` (by id) → its parent and its key there."""
    parents: dict[int, tuple[Any, str | int]] = {}
    stack: list[Any] = [root]
    while stack:
        container = stack.pop()
        items = container.items() if type(container) is dict else enumerate(container)
        for key, value in items:
            kind = type(value)
            if kind is dict or kind is list:
                parents[id(value)] = (container, key)
                stack.append(value)
    return parents


def _copy(root: dict[str, Any]) -> dict[str, Any]:
    """`root` with its mappings sorted by key, as fresh containers and strings."""
    # iterative: a JSON document may nest deeper than Python's recursion limit
    out: dict[str, Any] = {}
    # each distinct text → its one fresh copy: slicing a longer string never returns the same
    # object; a string of one character or none is the interpreter's own when it is Latin-1
    texts: dict[str, str] = {}
    stack: list[tuple[Any, Any]] = [(root, out)]
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict):
            for key in sorted(source):  # keys are strings (load.py makes them so)
                value = source[key]
                if (made_key := texts.get(key)) is None:
                    made_key = texts[key] = (key + " ")[:-1] if len(key) > 1 else key
                if isinstance(value, str):
                    if (text := texts.get(value)) is None:
                        text = texts[value] = (value + " ")[:-1] if len(value) > 1 else value
                    value = text
                elif isinstance(value, (dict, list)):
                    made: Any = {} if isinstance(value, dict) else []
                    stack.append((value, made))
                    value = made
                target[made_key] = value
        else:
            for value in source:
                if isinstance(value, str):
                    if (text := texts.get(value)) is None:
                        text = texts[value] = (value + " ")[:-1] if len(value) > 1 else value
                    value = text
                elif isinstance(value, (dict, list)):
                    made = {} if isinstance(value, dict) else []
                    stack.append((value, made))
                    value = made
                target.append(value)
    return out


def _sorting(outside: list[str]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """The decoder's hook for each JSON object (its members, in the text's order): the mapping with
    its members sorted, a `$ref` that is not a fragment in `outside`."""

    def made(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        pairs.sort(key=_FIRST)  # stable: of a key given twice, the dict keeps the last value
        mapping = dict(pairs)
        ref = mapping.get("$ref")
        if type(ref) is str and not ref.startswith("#"):
            outside.append(ref)
        return mapping

    return made
