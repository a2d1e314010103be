"""Read a spec file (YAML or JSON), check it is OpenAPI 3.0/3.1, validate it with openapi-pydantic.

Structural problems openapi-pydantic finds (`validate.py`) are reported as warnings with JSON pointers;
only a document that cannot be read at all is fatal.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .diagnostics import DiagnosticSink, SpecError, fatal
from .refs import bundle_external_refs
from .spec_bytes import MAX_NODES, MAX_SPEC_BYTES, read_bytes
from .validate import Validation
from .validation_cache import FindingsCache, prose_free_key

if TYPE_CHECKING:
    from .parse.canonical import Canonical

MAX_DEPTH = 400
# a JSON spec of at most this many characters is decoded straight into parse's key-sorted form
# (`open_spec(canonical=True)`); a larger one is copied into it, with fresh strings, so that its
# document's memory can be returned once parsed (graph-beta: 47 MB of text)
DECODE_SORTED_MAX = 24_000_000

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    path: str
    document: dict[str, Any]
    sha256: str
    version: str  # "3.0" or "3.1"
    # `document` is this copy's (`open_spec(canonical=True)`): already key-sorted, for parse
    canonical: Canonical | None = None


def read_document(path: Path, limit: int | None = None) -> dict[str, Any]:
    """Parse a YAML or JSON file into plain data, with clear fatal errors."""
    return parse_text(read_text(path, limit=limit), str(path))


def read_text(path: Path, raw: bytes | None = None, limit: int | None = None) -> str:
    """The file's text (`raw`: its bytes, when already read), with clear fatal errors."""
    file = str(path)
    raw = read_bytes(path, limit) if raw is None else raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fatal(
            "not-utf8",
            f"spec file is not UTF-8 text (byte {exc.start})",
            file=file,
            hint="save the spec as UTF-8",
        ) from None


def parse_text(text: str, file: str) -> dict[str, Any]:
    stripped = text.lstrip()
    data: Any
    if stripped.startswith("{"):
        data = _json(json.loads, text, file)
    else:
        from .yaml_text import MarkedYAMLError, YAMLError, load_yaml  # (JSON specs: no PyYAML)

        try:
            data = load_yaml(text)
        except MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise fatal(
                "invalid-yaml",
                f"invalid YAML{where}: {exc.problem or exc}",
                file=file,
                hint="fix the YAML syntax (indentation, quoting, unclosed brackets)",
            ) from None
        except YAMLError as exc:
            raise fatal("invalid-yaml", f"invalid YAML: {exc}", file=file) from None
        except RecursionError:
            raise fatal(
                "too-deep", "the document is nested too deeply to read", file=file
            ) from None
    if not isinstance(data, dict):
        raise _not_openapi(data, file)
    if stripped.startswith("{"):
        # JSON: keys are strings, no aliases to expand, depth bounded by the json module
        return cast("dict[str, Any]", data)
    return cast("dict[str, Any]", _stringify_keys(data, 0, file, [0]))


def parse_canonical(text: str, file: str) -> Canonical:
    """JSON text (an object) decoded straight into the key-sorted form parse reads
    (`parse.canonical.Canonical.decode`), with `parse_text`'s errors."""
    from .parse.canonical import Canonical

    made, other = _json(Canonical.decode, text, file)
    if made is None:
        raise _not_openapi(other, file)
    return made


def _json(decode: Callable[[str], _T], text: str, file: str) -> _T:
    try:
        return decode(text)
    except json.JSONDecodeError as exc:
        raise fatal(
            "invalid-json",
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            file=file,
            hint="fix the syntax error; a JSON validator shows it in context",
        ) from None
    except RecursionError:
        raise fatal("too-deep", "the document is nested too deeply to read", file=file) from None


def _not_openapi(data: object, file: str) -> SpecError:
    return fatal(
        "not-openapi",
        f"the document is a {type(data).__name__}, not an OpenAPI object",
        file=file,
        hint="an OpenAPI document is a mapping with an 'openapi' key",
    )


def _stringify_keys(node: Any, depth: int, file: str, count: list[int]) -> Any:
    """YAML allows non-string keys (200:, true:); OpenAPI means strings. Bounds depth and expanded size."""
    if depth > MAX_DEPTH:
        raise fatal(
            "too-deep", f"the document is nested more than {MAX_DEPTH} levels deep", file=file
        )
    count[0] += 1
    if count[0] > MAX_NODES:
        raise fatal(
            "too-large",
            f"the document expands to more than {MAX_NODES:,} values (a YAML alias bomb?)",
            file=file,
            hint="remove the recursive anchors/aliases",
        )
    if isinstance(node, dict):
        return {_key(k): _stringify_keys(v, depth + 1, file, count) for k, v in node.items()}
    if isinstance(node, list):
        return [_stringify_keys(v, depth + 1, file, count) for v in node]
    return node


def _key(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return key if isinstance(key, str) else str(key)


def load_spec(path: Path, sink: DiagnosticSink) -> LoadedSpec:
    """Read, check, bundle and validate the spec; openapi-pydantic's findings go to `sink`."""
    loaded, validation = open_spec(path, sink, background=False)
    validation.wait(sink)
    return loaded


def open_spec(
    path: Path,
    sink: DiagnosticSink,
    *,
    background: bool = True,
    raw: bytes | Path | None = None,
    known: FindingsCache | None = None,
    canonical: bool = False,
) -> tuple[LoadedSpec, Validation]:
    """`load_spec` with the validation possibly still running in a forked child: the caller must call
    `validation.wait(sink)` to get its warnings, or `validation.cancel()` when it gives up. `raw`: the
    spec's bytes when they are not (yet) in the file at `path`, or a file holding them (a private
    copy; relative `$ref`s still resolve from `path`'s folder, under the same rules). `known`: the findings of the last validation, reused when
    only prose changed since (`validation_cache`). `canonical`: the caller parses the document and
    takes the spec's key-sorted form (`LoadedSpec.canonical`) when one was made — a JSON spec of at
    most `DECODE_SORTED_MAX` characters that cannot refer to another file: decoded straight into
    that form, which is also what is validated (`validate.findings`; its findings are those of the
    document as written, so `known`'s key is the text's as before)."""
    file = str(path)
    given = raw  # the caller's bytes (kept by the caller anyway) or file, for `_reread`
    if raw is None or isinstance(raw, Path):
        raw = read_bytes(raw or path)
    elif len(raw) > MAX_SPEC_BYTES:
        raise fatal(
            "too-large", f"spec is {len(raw)} bytes; the limit is {MAX_SPEC_BYTES}", file=file
        )
    digest = _Digest(raw)  # beside the decode: the hash runs without the GIL
    text = read_text(path, raw)
    del raw
    if known is not None and not known.kept:
        known = None  # nowhere to keep findings: no key to compute
    reload = partial(_reread, path, given)
    made = parse_canonical(text, file) if canonical and _sortable(text) else None
    if made is not None and not made.refers_out:  # (else bundled from the document as written)
        document = made.document
        version = _checked_version(document, file, sink)
    else:
        made = None
        document = parse_text(text, file)
        version = _checked_version(document, file, sink)
        parsed = document
        document = bundle_external_refs(document, path, sink, read_document, text)
        if document is not parsed:
            known = None  # bundled: more than the spec's own text is validated
    key = ""
    if known is not None and text.lstrip().startswith("{"):
        key = prose_free_key(text, version)  # the spec's own JSON text is all it validates
    del text  # before the validation child forks: it would keep a copy of the pages
    sha256 = digest.hexdigest()  # (its thread is done before the fork)
    # a sorted form's child validates the copy parse reads (the document as written only when it
    # has more errors than are reported: which are depends on the order; `validate.findings`)
    validation = Validation(
        document,
        version,
        background=background,
        known=known.get(key) if known is not None and key else None,
        on_found=(lambda found: known.put(key, found)) if known is not None and key else None,
        reload=reload,
        key_sorted=made is not None,
    )
    return LoadedSpec(file, document, sha256, version, made), validation


class _Digest:
    """The SHA-256 of a spec's bytes, computed in a thread (issue 18, parse26): `hashlib` lets go
    of the GIL while it hashes, so a large spec's (GitHub: 13 MB, ≈ 10 ms) is made on the other
    core while this one decodes the text. A small one is hashed at once."""

    _THREADED = 1 << 20  # bytes

    def __init__(self, raw: bytes) -> None:
        self._hash = hashlib.sha256()
        self._thread: threading.Thread | None = None
        if len(raw) < self._THREADED:
            self._hash.update(raw)
        else:
            self._thread = threading.Thread(target=self._hash.update, args=(raw,), daemon=True)
            self._thread.start()

    def hexdigest(self) -> str:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        return self._hash.hexdigest()


def _sortable(text: str) -> bool:
    """Is `text` decoded straight into parse's form (`open_spec(canonical=True)`)? It is then used
    unless it may refer to another file (`Canonical.refers_out`)."""
    return len(text) <= DECODE_SORTED_MAX and text.lstrip().startswith("{")


def _checked_version(document: dict[str, Any], file: str, sink: DiagnosticSink) -> str:
    version = _check_version(document, file)
    if str(document.get("openapi")).startswith("3.2"):
        sink.warn(
            "openapi-3.2",
            "/openapi",
            f"OpenAPI {document.get('openapi')} is read as 3.1: what 3.2 adds (the QUERY method, "
            "`additionalOperations`, streamed `itemSchema`, `in: querystring`, tag `parent`/`kind`, "
            "security scheme metadata) is not used by the generated client",
            "check that the API does not depend on a 3.2-only feature, or set `openapi: 3.1.1`",
        )
    return version


def _reread(path: Path, raw: bytes | Path | None) -> dict[str, Any]:
    """The document again (for validation's in-process fallback once the parsed one was let go):
    the same bytes read the same way; its diagnostics were reported the first time."""
    if raw is None or isinstance(raw, Path):
        raw = read_bytes(raw or path)
    text = read_text(path, raw)
    return bundle_external_refs(
        parse_text(text, str(path)), path, DiagnosticSink(file=str(path)), read_document, text
    )


def _check_version(document: dict[str, Any], file: str) -> str:
    if "swagger" in document:
        raise fatal(
            "swagger-2",
            f"this is a Swagger {document.get('swagger')} document; clientgen reads "
            "OpenAPI 3.0 and 3.1",
            file=file,
            pointer="/swagger",
            hint="convert it first, e.g. `npx swagger2openapi spec.yml -o openapi.yml`",
        )
    version = document.get("openapi")
    if version is None:
        raise fatal(
            "not-openapi",
            "the document has no 'openapi' version key, so it is not an OpenAPI document",
            file=file,
            pointer="",
            hint="an OpenAPI 3 document starts with `openapi: 3.1.0` (or 3.0.x)",
        )
    text = str(version)
    if text.startswith("3.0"):
        return "3.0"
    if text.startswith(("3.1", "3.2")):
        return "3.1"
    raise fatal(
        "unsupported-version",
        f"OpenAPI version {text!r} is not supported",
        file=file,
        pointer="/openapi",
        hint="clientgen reads OpenAPI 3.0.x and 3.1.x",
    )
