"""Where two documents differ in meaning: the fallback for changes no rule of the differ itemises.

Equal in meaning, so never a difference here: key order, prose (`strip_prose`), a `$ref` and the schema
it points to (an inline schema moved into `components`, a component renamed), members of named lists in
another order (parameters by name and location, tags and security schemes by name, servers by URL,
webhook events by event name), set-like lists in another order (`enum`, `required`, `type`, `oneOf`,
`anyOf`, `allOf`, `security`, an operation's `tags`), and a reusable component that is added or removed
(what uses it is compared where it is used).
"""

from __future__ import annotations

import json
from typing import Any

from .. import pointer as jp
from ..refs import Resolver
from .members import by_identity
from .prose import strip_prose

SET_LISTS = frozenset({"enum", "required", "type", "oneOf", "anyOf", "allOf", "security", "tags"})
_REUSABLE = frozenset(
    {
        "schemas",
        "responses",
        "parameters",
        "examples",
        "requestBodies",
        "headers",
        "links",
        "callbacks",
        "pathItems",
    }
)


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def semantic_differences(old: Any, new: Any, limit: int = 5) -> list[str]:
    """JSON pointers where the documents differ in meaning (at most `limit`)."""
    differ = _Differ(old, new, limit)
    differ.run()
    return differ.out


class _Differ:
    def __init__(self, old: Any, new: Any, limit: int) -> None:
        self.old, self.new = strip_prose(old), strip_prose(new)
        self.old_refs, self.new_refs = Resolver(self.old), Resolver(self.new)
        self.limit = limit
        self.out: list[str] = []
        self._seen: set[tuple[str, str]] = set()

    def run(self) -> None:
        o, n = self.old, self.new
        if not isinstance(o, dict) or not isinstance(n, dict):
            self._diff(o, n, "", "")
            return
        for key in [*o, *(k for k in n if k not in o)]:
            if (
                key == "components"
                and isinstance(o.get(key), dict)
                and isinstance(n.get(key), dict)
            ):
                self._components(o[key], n[key])
            else:
                self._member(o, n, key, "")

    def _components(self, o: dict[str, Any], n: dict[str, Any]) -> None:
        for section in [*o, *(k for k in n if k not in o)]:
            where = jp.join("/components", section)
            a, b = o.get(section), n.get(section)
            if section in _REUSABLE and isinstance(a, dict) and isinstance(b, dict):
                for name in (k for k in a if k in b):  # added/removed ones count where used
                    self._diff(a[name], b[name], jp.join(where, name), name)
            else:
                self._member(o, n, section, "/components")

    def _member(self, o: dict[str, Any], n: dict[str, Any], key: str, where: str) -> None:
        if key not in o or key not in n:
            self._found(jp.join(where, key))
        else:
            self._diff(o[key], n[key], jp.join(where, key), key)

    def _found(self, where: str) -> None:
        if len(self.out) < self.limit:
            self.out.append(where or "/")

    def _diff(self, o: Any, n: Any, where: str, key: str) -> None:
        if len(self.out) >= self.limit or o == n:
            return
        o_ref = isinstance(o, dict) and isinstance(o.get("$ref"), str)
        n_ref = isinstance(n, dict) and isinstance(n.get("$ref"), str)
        if o_ref or n_ref:
            try:
                op, o = self.old_refs.deref(o, where)
                np_, n = self.new_refs.deref(n, where)
            except Exception:  # noqa: BLE001 - a reference that does not resolve differs
                self._found(where)
                return
            if (op, np_) in self._seen:
                return
            self._seen.add((op, np_))
            if o == n:
                return
        if isinstance(o, dict) and isinstance(n, dict):
            for k in [*o, *(k for k in n if k not in o)]:
                self._member(o, n, k, where)
                if len(self.out) >= self.limit:
                    return
        elif isinstance(o, list) and isinstance(n, list):
            self._list(o, n, where, key)
        else:
            self._found(where)

    def _list(self, o: list[Any], n: list[Any], where: str, key: str) -> None:
        ids_o, ids_n = by_identity(o), by_identity(n)
        if ids_o is not None and ids_n is not None:
            for ident in [*ids_o, *(i for i in ids_n if i not in ids_o)]:
                if ident not in ids_o or ident not in ids_n:
                    self._found(jp.join(where, ids_n.get(ident, ids_o.get(ident))))
                else:
                    self._diff(o[ids_o[ident]], n[ids_n[ident]], jp.join(where, ids_n[ident]), "")
            return
        if key in SET_LISTS and sorted(map(_canon, o)) == sorted(map(_canon, n)):
            return
        if len(o) != len(n):
            self._found(where)
            return
        for i, (a, b) in enumerate(zip(o, n, strict=True)):
            self._diff(a, b, jp.join(where, i), "")
