"""Equal IR values pickled once (issue 18, edit18): the snapshot's pickler (`snapshot._Pickler`) hands
each of the IR's frozen value objects most often repeated — a parameter every operation of a resource
takes (`owner`, `repo`, `per_page`: GitHub's 3,526 parameters are 582 values), a response, a result, a
type reference — to `Sharing.known`, and an object equal to one pickled before is written as a
reference to it: unpickled, the operations share it instead of each rebuilding its own (GitHub's
operations: 1.5 → 1.2 MB, about half the objects to make).

Equal is not enough: `==` takes `True` for `1`, `0.0` for `-0.0`, and a `render.safe.Name` for the
plain `str` it spells, which print differently. So an object is shared only with one `identical` to
it — the same classes all the way down, floats by their `repr`, the same keys in the same order — and
only objects of the frozen, slotted IR classes below, which nothing tells apart by identity."""

from __future__ import annotations

from enum import Enum
from typing import Any

from ..ir import Header, ListOf, ModelRef, Pagination, Parameter, Primitive, Response, Result

SHARED: frozenset[type] = frozenset(
    {Parameter, Response, Result, Header, Pagination, ModelRef, Primitive, ListOf}
)
# distinct values remembered by one pickler: the snapshot's writer (a child forked from the run, at
# graph-beta's peak) holds no more than a few MB for them; values past that are written as ever
MOST = 1 << 16


class Sharing:
    """The first object of each value seen by one pickler (the file's pieces are pickled apart)."""

    def __init__(self, slots: Any) -> None:
        """`slots(cls)`: the slot names of an IR class, or None (`snapshot._slots`)."""
        self._first: dict[Any, Any] = {}
        self._slots = slots

    def known(self, obj: Any) -> Any:
        """An object pickled before that `obj` can be written as (identical to it), or None."""
        if type(obj) not in SHARED:
            return None
        try:
            first = self._first.get(obj)
        except TypeError:  # a value that holds a dict or a list (an example): not shared
            return None
        if first is None:
            if len(self._first) < MOST:
                self._first[obj] = obj
            return None
        return first if first is not obj and self.identical(first, obj) else None

    def identical(self, a: Any, b: Any) -> bool:
        """The same value printed the same way: `==` with the classes of every part equal."""
        if a is b:
            return True
        cls = type(a)
        if cls is not type(b):
            return False
        if cls is float:
            return repr(a) == repr(b)  # 0.0 and -0.0, nan
        if isinstance(a, (str, int, bytes, Enum)):
            return bool(a == b)
        if isinstance(a, (tuple, list)):
            return len(a) == len(b) and all(map(self.identical, a, b))
        if isinstance(a, dict):
            return list(a) == list(b) and all(
                self.identical(ka, kb) and self.identical(a[ka], b[kb])
                for ka, kb in zip(a, b, strict=True)
            )
        names = self._slots(cls)
        if names is None:
            return False  # anything else: not known to print the same
        return all(self.identical(getattr(a, n), getattr(b, n)) for n in names)
