"""The prose a prose-only regeneration may take from a spec (`stage/cache.py`): where each
`summary`/`description` value sits, and the IR with changed values patched in as parse computes them."""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import pointer as jp

if TYPE_CHECKING:
    from ..ir import Api

PROSE_KEYS = frozenset(("summary", "description"))
_METHOD = "(?:get|put|post|delete|options|head|patch|trace)"
_OPERATION = re.compile(rf"/paths/[^/]+/{_METHOD}")
_PARAMETER_ENTRY = re.compile(
    rf"/paths/[^/]+(?:/{_METHOD})?/parameters/\d+"
)  # where parse reads one
_PARAMETER = re.compile(rf"/components/parameters/[^/]+|{_PARAMETER_ENTRY.pattern}")
_IMPORT_LINE = "from typing_extensions import"

Prose = list[tuple[str, str, str]]  # (pointer of the holder, key, string value), in document order
Places = list[
    tuple[str, str]
]  # (pointer of the holder, key) of each prose value, in document order


# ---- the document's prose --------------------------------------------------------------------------
def prose_of(document: dict[str, Any]) -> tuple[Prose, bool, set[str]]:
    """Every `summary`/`description` string value with its holder's pointer, in document order;
    whether no `$ref` reaches into `/paths` or out of the document (an operation object read from two
    places would need both patched); and the targets of the `$ref`s that are not an entry of an
    operation's or a path item's `parameters` (a parameter object reached so could be read as
    something else too, and its description is not patched)."""
    found: Prose = []
    foreign: list[str] = []
    aliased: set[str] = set()

    def walk(node: Any, where: str) -> None:
        if type(node) is dict:
            for key, value in node.items():
                kind = type(value)
                if kind is str:
                    if key in PROSE_KEYS:
                        found.append((where, key, value))
                    elif key == "$ref":
                        if not _local(value):
                            foreign.append(value)
                        elif not _PARAMETER_ENTRY.fullmatch(where):
                            aliased.add(jp.join("", *jp.split(value)))
                elif kind is dict or kind is list:
                    walk(value, f"{where}/{jp.escape(str(key))}")
        else:
            for i, value in enumerate(node):
                if type(value) is dict or type(value) is list:
                    walk(value, f"{where}/{i}")

    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 20_000))
        walk(document, "")
    except RecursionError:
        return [], False, set()  # nested deeper than any API document: no snapshot
    finally:
        sys.setrecursionlimit(limit)
    return found, not foreign, aliased


def _local(ref: str) -> bool:
    """A `$ref` inside this document and outside `/paths`."""
    if not ref.startswith("#"):
        return False
    try:
        tokens = jp.split(ref)
    except ValueError:
        return False
    return not tokens or tokens[0] != "paths"


@dataclass(frozen=True)
class Change:
    """One prose value that differs from the snapshot's."""

    where: str  # the JSON pointer of the object holding it
    key: str  # `summary` or `description`
    old: str
    new: str


def patched(api: Api, changes: list[Change], aliased: AbstractSet[str] = frozenset()) -> Api | None:
    """`api` with what the changes give, computed as parse computes it; None when a change is
    anything else. Two kinds are patched:

    - an operation object's `summary`/`description` (`/paths/<path>/<method>`): parse reads them only
      as `_text(...)` into the `Operation`'s fields of the same name;
    - a parameter object's `description` (every `Parameter` whose `pointer` is the object's: inline,
      a path item's shared one, or a `components/parameters` entry many operations use, reached by no
      `$ref` but those of `parameters` entries under `/paths`, `aliased`): parse reads
      it as `doc = _text(description) or <the schema's description>` and, for a string parameter,
      `says_uuid` (the word "UUID" in it types the parameter as a UUID). So only a new text that is
      not blank, and neither the old nor the new one naming UUIDs: then `doc` is `_text(new)` and the
      type is what it was."""
    from ..parse.field_facts import says_uuid
    from ..parse.nodes import text as _text  # (not `parse.operations`: its builders)

    ops: dict[str, dict[str, str]] = {}
    params: dict[str, str] = {}
    for change in changes:
        if _OPERATION.fullmatch(change.where):
            ops.setdefault(change.where, {})[change.key] = _text(change.new)
        elif (
            change.key == "description"
            and _text(change.new)
            and _PARAMETER.fullmatch(change.where)
            and not _reached(change.where, aliased)
        ):
            if says_uuid({"description": change.old}, {}) or says_uuid(
                {"description": change.new}, {}
            ):
                return None
            params[change.where] = _text(change.new)
        else:
            return None
    if not ops and not params:
        return api
    hit = set()
    operations = []
    for op in api.operations:
        fix = ops.get(op.pointer)
        if fix is not None:
            op = dataclasses.replace(op, **fix)  # type: ignore[arg-type]
            hit.add(op.pointer)
        if any(p.pointer in params for p in op.parameters):
            parameters = []
            for p in op.parameters:
                if p.pointer in params:
                    p = dataclasses.replace(p, doc=params[p.pointer])
                    hit.add(p.pointer)
                parameters.append(p)
            op = dataclasses.replace(op, parameters=tuple(parameters))
        operations.append(op)
    if hit != ops.keys() | params.keys():
        return None  # a place that holds no operation or parameter of the IR
    return dataclasses.replace(api, operations=tuple(operations))


def _reached(where: str, aliased: AbstractSet[str]) -> bool:
    """Whether a `$ref` from elsewhere than a `parameters` entry reaches `where` or a parent of it."""
    return any(where == target or where.startswith(target + "/") for target in aliased)
