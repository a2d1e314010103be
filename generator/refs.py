"""`$ref` handling: bundling relative-file refs into the root document, and local resolution.

After `bundle_external_refs`, every `$ref` in the document is local (`#/...`), so the rest of the
pipeline only ever resolves JSON pointers inside one document.
"""

from __future__ import annotations

import copy
import os
import re
import stat
from pathlib import Path
from typing import Any, Protocol

from . import pointer as jp
from .diagnostics import DiagnosticSink, SpecError, fatal

_BUNDLE_SECTION = "x-clientgen-bundled"
_UNRESOLVED = "; what refers to it is read as an empty schema (a schema: any JSON value, `Any`)"


class ReadDocument(Protocol):
    """Parses a referenced file (load.read_document), refusing files larger than `limit` bytes."""

    def __call__(self, path: Path, limit: int | None = None) -> dict[str, Any]: ...


MAX_REF_BYTES = 50 * 1024 * 1024  # a file a `$ref` names; the root spec has its own bound (load.py)
_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # a URI scheme: https:, file:, C: (a drive) …


def bundle_external_refs(
    document: dict[str, Any],
    path: Path,
    sink: DiagnosticSink,
    read_document: ReadDocument,
    text: str | None = None,
) -> dict[str, Any]:
    """Copy every schema reached through a relative-file `$ref` into `components/schemas`. `text`: the
    document's source, which lets a JSON document without any non-local `$ref` skip the walk;
    `read_document` parses a referenced file (load.read_document: the loader passes it in).

    A `$ref` may name only a regular file (of at most `MAX_REF_BYTES`) inside the folder tree of the root
    spec, symlinks resolved: an absolute path, a URL, a `..` that leaves the folder, a device or FIFO is a
    fatal diagnostic naming the file and pointer of the `$ref`. A file that does not exist, or a fragment
    it does not have, is a `dangling-ref` warning: that reference reads as an empty schema."""
    if not _may_have_external_ref(text) or not _has_external_ref(document):
        return document

    root = copy.deepcopy(document)
    root_path = path.resolve()
    folder = root_path.parent
    documents: dict[Path, dict[str, Any]] = {root_path: root}
    placed: dict[tuple[Path, str], str] = {}
    existing = root.get("components", {}).get("schemas", {})
    taken = set(existing) if isinstance(existing, dict) else set()
    bundled: dict[str, Any] = {}  # not the document's own `schemas`, which `rewrite` is walking

    def rewrite(node: Any, base: Path, where: str) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#") and base != root_path:
                ref = base.name + ref  # a local ref inside another file points into that file
            if isinstance(ref, str) and not ref.startswith("#"):
                return {
                    **{k: v for k, v in node.items() if k != "$ref"},
                    "$ref": place(ref, base, where),
                }
            return {
                k: v if _is_data(k) else rewrite(v, base, jp.join(where, k))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(v, base, jp.join(where, i)) for i, v in enumerate(node)]
        return node

    def place(ref: str, base: Path, where: str) -> str:
        file_part, _, fragment = ref.partition("#")
        target = _contained(ref, file_part, base, where, folder)
        if target == root_path:  # back into the root document: already where it belongs
            return "#" + fragment
        key = (target, fragment)
        if key in placed:
            return placed[key]
        node: Any = {}  # what a broken reference reads as
        if target not in documents and not target.exists():
            sink.warn(
                "dangling-ref",
                where,
                f"$ref {ref!r} (in {base.name}) points to {target}, which does not exist{_UNRESOLVED}",
                "fix the relative path of the referenced file",
            )
        else:
            if target not in documents:
                documents[target] = read_document(target, limit=MAX_REF_BYTES)
            try:
                node = jp.walk(documents[target], jp.split(fragment or ""))
            except (KeyError, IndexError, ValueError, TypeError):
                sink.warn(
                    "dangling-ref",
                    where,
                    f"$ref {ref!r} (in {base.name}) does not resolve: no {fragment!r} in "
                    f"{target.name}{_UNRESOLVED}",
                    "check the JSON pointer after '#'",
                )
        name = _unique_name(taken, _name_for(target, fragment))
        taken.add(name)
        local = jp.join("#/components/schemas", name)
        placed[key] = local
        bundled[name] = {}  # reserve before recursing: cycles across files are legal
        bundled[name] = rewrite(node, target, fragment or "")
        origin = "" if base == root_path else f" (a $ref in {base.relative_to(folder).as_posix()})"
        sink.warn("external-ref", where, f"bundled {ref!r}{origin} as components/schemas/{name}")
        return local

    out: dict[str, Any] = rewrite(root, root_path, "")
    components = out.setdefault("components", {})
    own = components.get("schemas")
    components["schemas"] = {**(own if isinstance(own, dict) else {}), **bundled}
    out[_BUNDLE_SECTION] = True
    return out


def _contained(ref: str, file_part: str, base: Path, where: str, folder: Path) -> Path:
    """The file a relative `$ref` names, when it is a regular file inside `folder` (symlinks resolved)."""

    def refuse(code: str, message: str, hint: str) -> SpecError:
        return fatal(code, message, file=str(base), pointer=where, hint=hint)

    if _REMOTE.match(file_part) or file_part.startswith("//"):
        raise refuse(
            "ref-remote",
            f"$ref {ref!r} names a URL; clientgen does not fetch referenced documents",
            "download the referenced file next to the spec and refer to it by a relative path",
        )
    if Path(file_part).is_absolute() or file_part.startswith("\\"):
        raise refuse(
            "ref-outside",
            f"$ref {ref!r} is an absolute path; a $ref may only name files inside {folder}",
            "use a path relative to the spec, to a file in the spec's folder or below",
        )
    try:
        os.fsencode(file_part)
        if "\x00" in file_part:
            raise ValueError("NUL")
        target = (base.parent / file_part).resolve()
    except (ValueError, OSError):  # a lone surrogate, NUL, a name the file system refuses
        raise refuse(
            "ref-bad-path",
            f"$ref {ref!r} is not a file path this system can open",
            "name the referenced file by a plain relative path",
        ) from None
    if not target.is_relative_to(folder):
        raise refuse(
            "ref-outside",
            f"$ref {ref!r} leads to {target}, outside the spec's folder {folder}",
            "keep every referenced file in the spec's folder or below (symlinks count where they lead)",
        )
    try:
        info = target.stat()
    except OSError:
        return target  # does not exist: `place` warns, and the reference reads as `{}`
    if not stat.S_ISREG(info.st_mode):
        raise refuse(
            "ref-not-a-file",
            f"$ref {ref!r} points to {target}, which is not a regular file",
            "a $ref names a YAML or JSON file",
        )
    if info.st_size > MAX_REF_BYTES:
        raise refuse(
            "ref-too-large",
            f"$ref {ref!r} points to {target}, which is {info.st_size} bytes; the limit for a "
            f"referenced file is {MAX_REF_BYTES}",
            "split the referenced file",
        )
    return target


# Subtrees that are example or literal data, not schema: a `$ref` inside them is text to keep, not to follow
# (and an Example Object's own `$ref` only matters for examples, which clients do not use).
_DATA_KEYS = frozenset({"example", "examples", "default", "const", "enum"})


def _is_data(key: str) -> bool:
    return key in _DATA_KEYS or key.startswith("x-")


_JSON_EXTERNAL_REF = re.compile(r'"\$ref"\s*:\s*"(?!#)')
_ESCAPED_REF_CHAR = re.compile(
    r"\\u00(?:24|72|65|66)", re.IGNORECASE
)  # \u escapes of `$`, `r`, `e`, `f`


def _may_have_external_ref(text: str | None) -> bool:
    """False when the JSON source text shows that no `$ref` points outside the document (a regex over
    the text is ~10× cheaper than walking the parsed tree); True when only the walk can tell (YAML, or a
    JSON key spelt with escapes)."""
    if text is None or not text.lstrip().startswith("{") or _ESCAPED_REF_CHAR.search(text):
        return True
    return _JSON_EXTERNAL_REF.search(text) is not None


def _has_external_ref(node: Any) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return True
            stack.extend(v for k, v in current.items() if not _is_data(k))
        elif isinstance(current, list):
            stack.extend(current)
    return False


def _name_for(target: Path, fragment: str) -> str:
    try:
        tokens = jp.split(fragment) if fragment else []
    except ValueError:  # not a JSON pointer: `place` has warned; the file names the schema
        tokens = []
    return tokens[-1] if tokens else target.stem


def _unique_name(existing: set[str], name: str) -> str:
    candidate, n = name, 2
    while candidate in existing:
        candidate, n = f"{name}{n}", n + 1
    return candidate


class Resolver:
    """Resolves local `$ref`s; follows chains of refs and reports alias cycles.

    With a `sink`, a `$ref` that resolves to nothing (or a cycle of `$ref`s) is a warning and reads as
    `{}`, so one broken reference degrades what uses it instead of the whole document; without one
    (the workflow commands comparing two documents) it is fatal.
    """

    def __init__(
        self, document: dict[str, Any], file: str = "", sink: DiagnosticSink | None = None
    ) -> None:
        self.document = document
        self.file = file
        self.sink = sink
        # each local `$ref` met → (pointer, node): a document is read, never changed, while resolved
        # (GitHub's spec: 23,000 lookups of 1,900 distinct references)
        self._found: dict[str, tuple[str, Any]] = {}

    def _broken(self, code: str, where: str, message: str, hint: str) -> tuple[str, Any]:
        if self.sink is None:
            raise fatal(code, message, file=self.file, pointer=where, hint=hint)
        self.sink.warn(code, where, message + _UNRESOLVED, hint)
        return jp.join(where, "$ref"), {}  # a pointer no schema has: the `{}` is nobody's id

    def lookup(self, ref: str, where: str) -> tuple[str, Any]:
        """Return (pointer, node) for one `$ref` hop."""
        found = self._found.get(ref)
        if found is not None:
            return found
        if not ref.startswith("#"):
            return self._broken(
                "dangling-ref",
                where,
                f"$ref {ref!r} is not local after bundling",
                "make the reference local or a relative file path",
            )
        try:
            found = self._found[ref] = (ref[1:], jp.walk(self.document, jp.split(ref)))
            return found
        except (KeyError, IndexError, ValueError):
            return self._broken(
                "dangling-ref",
                where,
                f"$ref {ref!r} does not resolve to anything in the document",
                "define the referenced component or fix the pointer",
            )

    def deref(self, node: Any, where: str) -> tuple[str, Any]:
        """Follow `$ref` hops until a non-ref node; returns (pointer of that node, node)."""
        if not isinstance(node, dict) or "$ref" not in node:  # most nodes: nothing to follow
            return where, node
        seen: list[str] = []
        pointer = where
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                chain = " -> ".join([*seen, ref])
                return self._broken(
                    "ref-cycle",
                    where,
                    f"$ref cycle with no schema in it: {chain}",
                    "one of these references must point to a real definition",
                )
            seen.append(ref)
            pointer, node = self.lookup(ref, pointer)
        return pointer, node
