"""Names the runtime defines, read from its own source: one table, shared by generator and runtime.

`templates/runtime/core/_exceptions.py` holds the status → exception table (`_STATUS_CLASSES`) and the
exceptions every client exports (`__all__`); the generator reads both from that file's syntax tree (never
by importing it), so the error-code classes, the names they must not take and the README's table can
never drift from what the runtime raises."""

from __future__ import annotations

import ast
from functools import cache

from ..paths import templates_dir

EXCEPTIONS = ("runtime", "core", "_exceptions.py")
SERVER_ERROR = "InternalServerError"  # what 5xx statuses without a class of their own raise


@cache
def _tree() -> ast.Module:
    path = templates_dir().joinpath(*EXCEPTIONS)
    return ast.parse(path.read_text(encoding="utf-8"))


def _assigned(name: str) -> ast.expr:
    for node in _tree().body:
        target: ast.expr
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == name:
            return value
    raise LookupError(f"{'/'.join(EXCEPTIONS)} assigns no {name}")


@cache
def status_classes() -> dict[int, str]:
    """HTTP status → the exception class the runtime raises for it (5xx without one: SERVER_ERROR)."""
    table = _assigned("_STATUS_CLASSES")
    assert isinstance(table, ast.Dict)
    return {
        k.value: v.id
        for k, v in zip(table.keys, table.values, strict=True)
        if isinstance(k, ast.Constant) and isinstance(k.value, int) and isinstance(v, ast.Name)
    }


@cache
def exception_names() -> frozenset[str]:
    """Every exception class a generated package exports from the runtime."""
    listed = _assigned("__all__")
    assert isinstance(listed, ast.List)
    return frozenset(
        e.value
        for e in listed.elts
        if isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value[:1].isupper()
    )


def status_class(status: int | None) -> str:
    """The class a response of `status` raises (the base of an error-code class)."""
    if status is None:
        return "APIStatusError"
    classes = status_classes()
    if status in classes:
        return classes[status]
    return SERVER_ERROR if status >= 500 else "APIStatusError"
