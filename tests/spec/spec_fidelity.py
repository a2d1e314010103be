"""Shared helpers for the spec fidelity tests: compare one of our OpenAPI 3.1 transcriptions
with the vendor's OpenAPI 3.0 original, structure only.

Both documents are brought into a canonical form first:

* prose is removed (``description``/``summary`` keywords, and the prose members of
  ``x-webhook-events`` entries) — but only where these are keywords, never where they are
  property names or example data;
* 3.0 and 3.1 spellings are unified: ``nullable`` becomes a ``"null"`` type (or a null
  branch of ``anyOf``/``oneOf`` for references), boolean ``exclusiveMinimum``/``Maximum``
  become numeric bounds, ``example`` becomes ``examples: [..]``, ``type`` is always a sorted
  list, ``required`` name lists are compared as sets, and the ``openapi`` version is dropped.

The comparator then reports every differing JSON pointer.  A spec's ``DEVIATIONS.md`` lists
the pointers that are *allowed* to differ: every bullet that starts with a pointer pattern in
backticks (``- `/paths/*/get/...` — why``).  In patterns ``*`` matches exactly one pointer
segment and ``**`` any number of segments (including none).

This module deliberately does not import the transcription tool: the tests check its output
independently.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
UPSTREAM_DIR = SHARED / "upstream"

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")
PROSE_KEYS = ("description", "summary")
WEBHOOK_EVENT_PROSE_KEYS = ("description", "changedFields", "recipients")
# Keys whose value is a map from names to objects (so the names are never keywords).
MAP_KEYS = {
    "properties",
    "patternProperties",
    "paths",
    "responses",
    "content",
    "headers",
    "schemas",
    "securitySchemes",
    "parameters",
    "requestBodies",
    "links",
    "callbacks",
    "encoding",
    "variables",
    "$defs",
    "webhooks",
    "pathItems",
}
# Keys whose value is instance data, compared verbatim.
DATA_KEYS = {"example", "default", "enum", "const", "value"}


# --------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------


def load(path: str | Path) -> dict:
    text = Path(path).read_text(encoding="utf-8")
    doc = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    return json.loads(json.dumps(doc))  # expand YAML anchors into independent copies


def esc(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unesc(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(doc: Any, pointer: str) -> Any:
    node = doc
    for tok in pointer.lstrip("#").split("/")[1:]:
        tok = unesc(tok)
        node = node[int(tok)] if isinstance(node, list) else node[tok]
    return node


def iter_operations(doc: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in (doc.get("paths") or {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


# --------------------------------------------------------------------------------------
# canonical form
# --------------------------------------------------------------------------------------


def _canon_schema_keywords(node: dict) -> None:
    """Unify 3.0/3.1 spellings on one (already recursively canonicalised) object."""
    nullable = node.pop("nullable", False)
    if "type" in node:
        t = node["type"]
        node["type"] = sorted(set(t if isinstance(t, list) else [t]))
    if (
        "enum" in node
        and isinstance(node["enum"], list)
        and None in node["enum"]
        and "type" in node
    ):
        nullable = True
    if nullable:
        null_branch = {"type": ["null"]}
        if "type" in node:
            node["type"] = sorted(set(node["type"]) | {"null"})
        elif isinstance(node.get("allOf"), list):
            members = node.pop("allOf")
            node["anyOf"] = [members[0] if len(members) == 1 else {"allOf": members}, null_branch]
        elif isinstance(node.get("oneOf"), list):
            node["oneOf"] = node["oneOf"] + [null_branch]
        elif isinstance(node.get("anyOf"), list):
            node["anyOf"] = node["anyOf"] + [null_branch]
        elif "$ref" in node:
            node["anyOf"] = [{"$ref": node.pop("$ref")}, null_branch]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), bool) and node.pop(bound) and limit in node:
            node[bound] = node.pop(limit)
    if "example" in node:
        node["examples"] = [node.pop("example")]


def canonical(doc: dict) -> dict:
    """Prose-free, spelling-neutral deep copy of an OpenAPI document."""

    def walk(node: Any, named: bool = False) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        if named:
            return {k: walk(v) for k, v in node.items()}
        out: dict = {}
        for k, v in node.items():
            if k in PROSE_KEYS and isinstance(v, str):
                continue
            if k == "x-webhook-events" and isinstance(v, list):
                out[k] = [
                    {
                        kk: copy.deepcopy(vv)
                        for kk, vv in ev.items()
                        if kk not in WEBHOOK_EVENT_PROSE_KEYS
                    }
                    for ev in v
                ]
            elif k in DATA_KEYS or k.startswith("x-"):
                out[k] = copy.deepcopy(v)
            elif k == "examples":
                # schema `examples` is a list of instances; media-type `examples` maps names to
                # Example Objects (whose summary/description are prose, `value` is data)
                out[k] = copy.deepcopy(v) if isinstance(v, list) else walk(v, named=True)
            elif k in MAP_KEYS and isinstance(v, dict):
                out[k] = walk(v, named=True)
            else:
                out[k] = walk(v)
        _canon_schema_keywords(out)
        return out

    result = walk(doc)
    result.pop("openapi", None)
    return result


# --------------------------------------------------------------------------------------
# structural diff
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    kind: str  # "added" (only ours), "removed" (only upstream), "changed"
    pointer: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind:8} {self.pointer}{'  ' + self.detail if self.detail else ''}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 70 else text[:67] + "..."


def structural_diff(upstream: dict, ours: dict) -> list[Difference]:
    """Differences between two documents, as JSON pointers (after canonicalisation)."""
    out: list[Difference] = []

    def walk(a: Any, b: Any, pointer: str, key: str | None) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for k in list(a) + [k for k in b if k not in a]:
                p = f"{pointer}/{esc(k)}"
                if k not in b:
                    out.append(Difference("removed", p))
                elif k not in a:
                    out.append(Difference("added", p))
                else:
                    walk(a[k], b[k], p, k)
            return
        if isinstance(a, list) and isinstance(b, list):
            if key in ("required", "type") and all(isinstance(x, str) for x in a + b):
                if set(a) != set(b):
                    gone, new = sorted(set(a) - set(b)), sorted(set(b) - set(a))
                    out.append(Difference("changed", pointer, f"-{gone} +{new}"))
                return
            if len(a) != len(b):
                out.append(Difference("changed", pointer, f"{len(a)} items -> {len(b)} items"))
                return
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{pointer}/{i}", None)
            return
        if a != b or type(a) is not type(b):
            out.append(Difference("changed", pointer, f"{_short(a)} -> {_short(b)}"))

    walk(canonical(upstream), canonical(ours), "", None)
    return out


# --------------------------------------------------------------------------------------
# DEVIATIONS.md
# --------------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*]\s+`(/[^`]*)`")


def deviation_patterns(markdown_path: str | Path) -> list[str]:
    """Pointer patterns of every bullet that starts with a backticked JSON pointer."""
    return [
        m.group(1)
        for line in Path(markdown_path).read_text(encoding="utf-8").splitlines()
        if (m := _BULLET.match(line))
    ]


def pattern_matches(pattern: str, pointer: str) -> bool:
    pat = pattern.split("/")[1:]
    toks = pointer.split("/")[1:]

    def match(i: int, j: int) -> bool:
        if i == len(pat):
            return j == len(toks)
        if pat[i] == "**":
            return any(match(i + 1, k) for k in range(j, len(toks) + 1))
        if j == len(toks):
            return False
        return (pat[i] == "*" or pat[i] == toks[j]) and match(i + 1, j + 1)

    return match(0, 0)


def unexplained(diffs: Iterable[Difference], patterns: list[str]) -> list[Difference]:
    return [d for d in diffs if not any(pattern_matches(p, d.pointer) for p in patterns)]


def unused_patterns(diffs: Iterable[Difference], patterns: list[str]) -> list[str]:
    diffs = list(diffs)
    return [p for p in patterns if not any(pattern_matches(p, d.pointer) for d in diffs)]


def added_components(patterns: list[str], section: str) -> set[str]:
    """Names of components (e.g. section "schemas") that DEVIATIONS.md declares as added."""
    prefix = f"/components/{section}/"
    out = set()
    for p in patterns:
        if p.startswith(prefix):
            rest = p[len(prefix) :].split("/")
            if len(rest) == 1 and "*" not in rest[0]:
                out.add(unesc(rest[0]))
    return out


def added_paths(patterns: list[str]) -> set[str]:
    """Path templates that DEVIATIONS.md declares as added (exact `/paths/<path>` bullets)."""
    out = set()
    for p in patterns:
        rest = p.split("/")[1:]
        if len(rest) == 2 and rest[0] == "paths" and "*" not in rest[1]:
            out.add(unesc(rest[1]))
    return out


def operation_table(doc: dict) -> dict[tuple[str, str], dict]:
    """{(path, method): operation} for every operation."""
    return {(path, method): op for path, method, op in iter_operations(doc)}


# --------------------------------------------------------------------------------------
# prose
# --------------------------------------------------------------------------------------


def iter_prose(doc: Any) -> Iterator[tuple[str, str]]:
    """(pointer, text) of every prose string, keyword positions only."""

    def walk(node: Any, pointer: str, named: bool) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for k, v in node.items():
                p = f"{pointer}/{esc(k)}"
                if named:
                    yield from walk(v, p, False)
                elif k in PROSE_KEYS and isinstance(v, str):
                    yield p, v
                elif k == "x-webhook-events" and isinstance(v, list):
                    for i, ev in enumerate(v):
                        for pk in WEBHOOK_EVENT_PROSE_KEYS:
                            if isinstance(ev.get(pk), str):
                                yield f"{p}/{i}/{pk}", ev[pk]
                elif k in DATA_KEYS or k.startswith("x-"):
                    continue
                elif k == "examples":
                    if isinstance(v, dict):
                        yield from walk(v, p, True)
                elif k in MAP_KEYS and isinstance(v, dict):
                    yield from walk(v, p, True)
                else:
                    yield from walk(v, p, False)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{pointer}/{i}", False)

    yield from walk(doc, "", False)


_WORD = re.compile(r"[a-z0-9]+")
_CODE_SPAN = re.compile(r"`[^`]*`")


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _runs(text: str) -> list[list[str]]:
    # identifiers, enum values and paths in `code spans` are data, not wording
    return [_WORD.findall(part.lower()) for part in _CODE_SPAN.split(text)]


def copied_prose(
    ours: list[tuple[str, str]], theirs: list[str], min_exact: int = 30, ngram: int = 8
) -> list[str]:
    """Our prose strings that copy upstream prose: identical (longer than ``min_exact``
    characters, whitespace/case-insensitive) or sharing a run of ``ngram`` consecutive words
    outside code spans."""
    exact = {_norm(t) for t in theirs if len(_norm(t)) > min_exact}
    index: set[tuple[str, ...]] = set()
    for t in theirs:
        w = _WORD.findall(t.lower())
        index.update(tuple(w[i : i + ngram]) for i in range(len(w) - ngram + 1))
    problems = []
    for pointer, text in ours:
        if _norm(text) in exact:
            problems.append(f"{pointer}: identical to upstream: {text[:70]!r}")
            continue
        for w in _runs(text):
            hit = next(
                (
                    w[i : i + ngram]
                    for i in range(len(w) - ngram + 1)
                    if tuple(w[i : i + ngram]) in index
                ),
                None,
            )
            if hit:
                problems.append(f"{pointer}: shares the run {' '.join(hit)!r} with upstream")
                break
    return problems


# --------------------------------------------------------------------------------------
# misc checks shared by the tests
# --------------------------------------------------------------------------------------


def all_refs(doc: Any) -> set[str]:
    refs: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "$ref" and isinstance(v, str):
                    refs.add(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    return refs


def unresolvable_refs(doc: dict) -> list[str]:
    bad = []
    for ref in sorted(all_refs(doc)):
        if not ref.startswith("#/"):
            bad.append(f"{ref} (not a local reference)")
            continue
        try:
            resolve_pointer(doc, ref)
        except (KeyError, IndexError, ValueError, TypeError):
            bad.append(ref)
    return bad


def leftover_30_spellings(doc: dict) -> list[str]:
    """Pointers where 3.0-only spellings survive (nullable, boolean exclusive bounds)."""
    found = []

    def walk(node: Any, pointer: str, named: bool) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                p = f"{pointer}/{esc(k)}"
                if not named:
                    if k == "nullable":
                        found.append(p)
                    if k in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(v, bool):
                        found.append(p)
                    if k in DATA_KEYS or k.startswith("x-"):
                        continue
                walk(v, p, (not named) and k in MAP_KEYS and isinstance(v, dict))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{pointer}/{i}", False)

    walk(doc, "", False)
    return found


def format_list(items: Iterable[Any], limit: int = 80) -> str:
    items = [str(i) for i in items]
    shown = "\n  ".join(items[:limit])
    more = f"\n  ... and {len(items) - limit} more" if len(items) > limit else ""
    return f"\n  {shown}{more}"


def module_fixtures(spec: Path, deviations: Path, upstream_spec: Path) -> tuple[Any, Any, Any, Any]:
    """The four module-scoped fixtures every fidelity test module uses: `ours`, `upstream` (skipped when
    ../shared is not beside the checkout), `patterns` (from DEVIATIONS.md) and `diffs`. A test module
    binds them at module level: `ours, upstream, patterns, diffs = module_fixtures(...)`."""
    import pytest

    @pytest.fixture(scope="module")
    def ours() -> dict:
        return load(spec)

    @pytest.fixture(scope="module")
    def upstream() -> dict:
        if not upstream_spec.is_file():
            pytest.skip(
                f"vendor spec not available: {upstream_spec} (needs ../shared beside the checkout)"
            )
        return load(upstream_spec)

    @pytest.fixture(scope="module")
    def patterns() -> list[str]:
        return deviation_patterns(deviations)

    @pytest.fixture(scope="module")
    def diffs(upstream: dict, ours: dict) -> list[Difference]:
        return structural_diff(upstream, ours)

    return ours, upstream, patterns, diffs
