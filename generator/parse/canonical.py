"""The document in a canonical form, so nothing the generator decides depends on key order.

Every mapping of an OpenAPI document is a set of named members: `paths`, operations, `properties`,
`components`, `responses`, `content`, … Reordering them does not change what the API means, so the parser
reads a copy whose mappings are sorted by key (lists keep their order: `parameters`, `enum`, `allOf`,
`required`, `tags` are sequences). Sorting once here makes operation order, field order, which schema is met
first and therefore every collision suffix a function of the document's meaning only.

The copy is a tree (no object appears twice), so `origins` can tell, for any node the parser holds, the one
place in the document it comes from: inline schemas are identified by that place, never by their shape.

The copy's strings (keys and values) are fresh objects, one per distinct text: the IR keeps hundreds of
thousands of them (names, descriptions, enum values), and had it kept the parsed document's own, they would
hold the document's memory arenas after the document is let go (graph-beta: ≈ 190 MB of resident set that
could not be returned). Made here, they sit beside the copy, and repeated texts (graph-beta's `$select`
enums repeat the same property names per operation) are one object.

A JSON text of moderate size can instead be decoded straight into that form (`Canonical.decode`): each
object's members sorted as the decoder makes it, and the parent index noted then: the document as
written is not made at all (validation reads this form too: `validate.findings`). Its strings are
the decoder's; for a spec that size, the arenas they hold after the document goes are small.
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

    def __init__(
        self, document: dict[str, Any], parents: dict[int, tuple[Any, str | int]] | None = None
    ) -> None:
        """`parents`: given with a `document` that is already canonical (`decode`), its index."""
        # each mapping and list of the copy (by id) → its parent and its key there; pointers are
        # spelled only when asked for (`origin`: a few thousand of GitHub's 90,000 containers)
        if parents is None:
            self._parents: dict[int, tuple[Any, str | int]] = {}
            self.document: dict[str, Any] = self._copy(document)
        else:
            self._parents, self.document = parents, document
        # (`decode`) some mapping has a `$ref` that is a string not starting with `#`: the document
        # may refer to another file (`refs.bundle_external_refs`); a data key's value counts too
        self.refers_out = False
        # the pointers spelled so far, of the nodes asked about and their ancestors (siblings share
        # them: GitHub's 6,110 questions reach 2,500 more containers); by id, as the copy's nodes
        # live as long as this object
        self._pointers: dict[int, str] = {id(self.document): ""}

    @classmethod
    def decode(cls, text: str) -> tuple[Canonical | None, Any]:
        """JSON `text` decoded into the canonical form: (the copy, None) when the text is an object,
        else (None, what it is). Raises what `json.loads` raises (`JSONDecodeError`,
        `RecursionError`). The same copy `Canonical(json.loads(text))` makes: every object's
        members sorted by key (of a key given twice, the last value, as `json.loads` keeps it),
        lists in their order, and each container's parent."""
        parents: dict[int, tuple[Any, str | int]] = {}
        outside: list[str] = []
        data = json.loads(text, object_pairs_hook=_sorting(parents, outside))
        if not isinstance(data, dict):
            return None, data
        made = cls(data, parents)
        made.refers_out = bool(outside)
        return made, None

    def origin(self, node: object) -> str | None:
        """Where `node` sits in the document (a JSON pointer), when it is one of the document's own
        nodes."""
        pointers, parents = self._pointers, self._parents
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

    def _copy(self, root: dict[str, Any]) -> dict[str, Any]:
        # iterative: a JSON document may nest deeper than Python's recursion limit
        out: dict[str, Any] = {}
        parents = self._parents
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
                        parents[id(made)] = (target, made_key)
                        stack.append((value, made))
                        value = made
                    target[made_key] = value
            else:
                for index, value in enumerate(source):
                    if isinstance(value, str):
                        if (text := texts.get(value)) is None:
                            text = texts[value] = (value + " ")[:-1] if len(value) > 1 else value
                        value = text
                    elif isinstance(value, (dict, list)):
                        made = {} if isinstance(value, dict) else []
                        parents[id(made)] = (target, index)
                        stack.append((value, made))
                        value = made
                    target.append(value)
        return out


def _sorting(
    parents: dict[int, tuple[Any, str | int]], outside: list[str]
) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """The decoder's hook for each JSON object (its members, in the text's order): the mapping with
    its members sorted, its containers (and those of its lists) noted in `parents`, a `$ref` that is
    not a fragment in `outside`. The decoder makes a container before the object that holds it, so
    each is noted once, by its holder."""

    def under(items: list[Any]) -> None:
        for index, value in enumerate(items):
            kind = type(value)
            if kind is dict or kind is list:
                parents[id(value)] = (items, index)
                if kind is list:  # a list in a list: no object of its own notes its items
                    under(value)

    def made(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        pairs.sort(key=_FIRST)  # stable: of a key given twice, the dict keeps the last value
        mapping = dict(pairs)
        for key, value in mapping.items():  # (a value that lost to a later one is not noted)
            kind = type(value)
            if kind is dict:
                parents[id(value)] = (mapping, key)
            elif kind is list:
                parents[id(value)] = (mapping, key)
                if value:
                    under(value)
        ref = mapping.get("$ref")
        if type(ref) is str and not ref.startswith("#"):
            outside.append(ref)
        return mapping

    return made
