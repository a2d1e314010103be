"""openapi-pydantic validation of a loaded document, run off the critical path when possible.

Validation only produces warnings, and it costs as much as the rest of loading (a third of a second
for GitHub's spec). `start_validation` runs it in a forked child, which inherits the document, while
the parent parses and renders; `Validation.wait` adds the child's warnings to the sink. Where fork is
unavailable, the process has other threads, or the child fails, the same function runs in-process, so
the warnings are the same in every case. This is the only module that imports openapi_pydantic.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from . import pointer as jp
from .diagnostics import DiagnosticSink

MAX_ERRORS = 50
_HINT = "the spec does not follow the OpenAPI schema here; generated code may be looser"
_TOO_DEEP = ("", "the spec is too deeply nested to validate fully", "")

Finding = tuple[str, str, str]  # pointer, message, hint


def findings(document: dict[str, Any], version: str) -> list[Finding]:
    """What openapi-pydantic says about the document, as (pointer, message, hint), in its order."""
    from openapi_pydantic.v3.v3_0 import OpenAPI as OpenAPI30
    from openapi_pydantic.v3.v3_1 import OpenAPI as OpenAPI31
    from pydantic import ValidationError

    model: type[OpenAPI30 | OpenAPI31] = OpenAPI30 if version == "3.0" else OpenAPI31
    if str(document.get("openapi")).startswith("3.2"):  # read as 3.1 (load.py warns once)
        document = {**document, "openapi": "3.1.1"}
    try:
        model.model_validate(document)
    except ValidationError as exc:
        out = []
        for error in exc.errors()[:MAX_ERRORS]:
            if version == "3.1" and _is_boolean_schema(error):
                continue
            loc = [str(p) for p in error["loc"] if not _is_union_tag(str(p))]
            out.append((jp.join("", *loc), str(error["msg"]), _HINT))
        return out
    except RecursionError:
        return [_TOO_DEEP]
    return []


def _is_boolean_schema(error: Any) -> bool:
    """`items: false` and other boolean schemas are JSON Schema 2020-12 (OpenAPI 3.1); openapi-pydantic
    only takes schema objects there."""
    return isinstance(error.get("input"), bool) and str(error.get("msg", "")).endswith(
        ("instance of Schema", "instance of Reference")
    )


def report(found: list[Finding], sink: DiagnosticSink) -> None:
    for pointer, message, hint in found:
        sink.warn("spec-invalid", pointer, message, hint)


def _is_union_tag(part: str) -> bool:
    """pydantic puts the name of the union member it tried into error locations (`Schema`, `Reference`,
    `function-after[...]`); those are not JSON keys of the spec, so they are left out of the pointer."""
    return part in _UNION_TAGS or "[" in part


_UNION_TAGS = frozenset(
    {
        "Reference",
        "Schema",
        "Parameter",
        "Response",
        "RequestBody",
        "Header",
        "Example",
        "Link",
        "Callback",
        "PathItem",
        "SecurityScheme",
        "MediaType",
        "Encoding",
    }
)


def _child(document: dict[str, Any], version: str, conn: Connection) -> None:
    try:
        conn.send(findings(document, version))
    finally:
        conn.close()


def can_fork() -> bool:
    """Fork is safe here only where it exists and this process runs a single thread."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


class Validation:
    """A validation started in a forked child (or nothing yet, when it runs in-process on `wait`)."""

    def __init__(
        self,
        document: dict[str, Any],
        version: str,
        *,
        background: bool,
        known: list[Finding] | None = None,
        on_found: Callable[[list[Finding]], None] | None = None,
    ) -> None:
        """`known`: the findings, already known (`validation_cache`): nothing is validated.
        `on_found`: told the findings once they are known (to keep them)."""
        self._document = document
        self._version = version
        self._process: Any = None
        self._conn: Connection | None = None
        self._known = known
        self._on_found = on_found
        if background and known is None and can_fork():
            self._fork()

    def _fork(self) -> None:
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=_child, args=(self._document, self._version, send), daemon=True
        )
        try:
            process.start()
        except OSError:  # out of processes or memory: validate in-process instead
            receive.close()
            return
        finally:
            send.close()
        self._process, self._conn = process, receive

    @property
    def in_background(self) -> bool:
        return self._process is not None

    def wait(self, sink: DiagnosticSink) -> None:
        """Add the warnings to `sink` (waiting for the child, or validating now)."""
        found = self._known if self._known is not None else self._receive()
        if found is None:
            found = findings(self._document, self._version)
        if self._known is None and self._on_found is not None:
            self._on_found(found)
        report(found, sink)

    def _receive(self) -> list[Finding] | None:
        if self._conn is None:
            return None
        try:
            found = list(self._conn.recv())
        except (EOFError, OSError):  # the child died before answering
            found = None
        if self._process is not None:
            self._process.join(timeout=5)  # it exits right after sending
        self.cancel()
        return found

    def cancel(self) -> None:
        """Stop and reap the child, if any (idempotent)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
