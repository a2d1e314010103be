"""A short string that matches a spec's `pattern`, built from the expression's parse tree.

The generator never runs a spec's regular expression (a crafted one could take exponential time):
it reads the parsed expression (`re._parser`, the standard library's own parser) and writes one
matching string — the first character of each class, the first branch, the least repetition. An
expression it cannot read, or one that is too long, gives `None` (the caller then writes a plain
string); nothing here raises.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
from typing import Any

MAX_PATTERN = 1000  # characters of an expression read at all
MAX_TEXT = 200  # characters written


class _Unsupported(Exception):
    pass


_CATEGORY = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_WORD": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_NOT_SPACE": "a",
}


def string_for(pattern: str) -> str | None:
    """A string that matches `pattern` (searched, as JSON Schema does), or None."""
    if len(pattern) > MAX_PATTERN:
        return None
    try:
        tree = sre_parse.parse(pattern)
        text = _items(tree, 0)
    except (
        _Unsupported,
        re.error,
        RecursionError,
        OverflowError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
    ):
        return None
    return text if len(text) <= MAX_TEXT else None


def _items(items: Any, depth: int) -> str:
    if depth > 50:
        raise _Unsupported("nested too deeply")
    out: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_in_class(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            count = low if low > 0 else (1 if high != 0 else 0)
            if count > MAX_TEXT:
                raise _Unsupported("repeats too often")
            out.append(_items(sub, depth + 1) * count)
        elif name == "SUBPATTERN":
            out.append(_items(arg[-1], depth + 1))
        elif name == "ATOMIC_GROUP":
            out.append(_items(arg, depth + 1))
        elif name == "BRANCH":
            out.append(_items(arg[1][0], depth + 1))
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        elif name == "CATEGORY":
            out.append(_CATEGORY[str(arg)])
        else:
            raise _Unsupported(name)  # back references, conditionals
        if sum(map(len, out)) > MAX_TEXT:
            raise _Unsupported("too long")
    return "".join(out)


def _in_class(items: Any) -> str:
    if items and str(items[0][0]) == "NEGATE":
        excluded: set[str] = set()
        for op, arg in items[1:]:
            if str(op) == "LITERAL":
                excluded.add(chr(arg))
            elif str(op) == "RANGE":
                excluded.update(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 512) + 1))
        for candidate in "aZ0_-":
            if candidate not in excluded:
                return candidate
        raise _Unsupported("negated class")
    op, arg = items[0]
    if str(op) == "LITERAL":
        return chr(arg)
    if str(op) == "RANGE":
        return chr(arg[0])
    if str(op) == "CATEGORY":
        return _CATEGORY[str(arg)]
    raise _Unsupported(str(op))
