"""openapi-pydantic validation of a loaded document, run off the critical path when possible.

Validation only produces warnings, and it costs as much as the rest of loading (a third of a second
for GitHub's spec). `start_validation` runs it in a forked child, which inherits the document, while
the parent parses and renders; `Validation.wait` adds the child's warnings to the sink. Where fork is
unavailable, the process has other threads, or the child fails, the same function runs in-process, so
the warnings are the same in every case. This and `openapi_models` (which the child uses to load
only the spec's version's models) are the only modules that import openapi_pydantic.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import signal
import sys
import threading
import typing
from collections.abc import Callable
from typing import Any

from . import pointer as jp
from .diagnostics import DiagnosticSink
from .openapi_models import load_alone

MAX_ERRORS = 50
_HINT = "the spec does not follow the OpenAPI schema here; generated code may be looser"
_TOO_DEEP = ("", "the spec is too deeply nested to validate fully", "")

Finding = tuple[str, str, str]  # pointer, message, hint


def findings(
    document: dict[str, Any],
    version: str,
    as_written: Callable[[], dict[str, Any]] | None = None,
) -> list[Finding]:
    """What openapi-pydantic says about the document, as (pointer, message, hint), in its order.
    `as_written`: given when `document` is the key-sorted copy (`parse/canonical.py`), it reads the
    document as written. The errors of one document are the same set in any order of its mappings,
    but which `MAX_ERRORS` of them are kept depends on that order: with more, the document as
    written is validated instead (the findings then are those of its order)."""
    from .openapi_models import openapi_model

    model = openapi_model(version)  # (only the version's models: `openapi_models`)
    try:
        errors = piecewise_errors(model, _as_read(document))
        if as_written is not None and len(errors) > MAX_ERRORS:
            errors = piecewise_errors(model, _as_read(as_written()))
    except RecursionError:
        return [_TOO_DEEP]
    out = []
    for error in errors[:MAX_ERRORS]:
        if version == "3.1" and _is_boolean_schema(error):
            continue
        loc = [str(p) for p in error["loc"] if not _is_union_tag(str(p))]
        out.append((jp.join("", *loc), str(error["msg"]), _HINT))
    return out


def _as_read(document: dict[str, Any]) -> dict[str, Any]:
    if str(document.get("openapi")).startswith("3.2"):  # read as 3.1 (load.py warns once)
        return {**document, "openapi": "3.1.1"}
    return document


CHUNK = 64  # entries of a large mapping validated at a time


def piecewise_errors(model: Any, data: Any) -> list[Any]:
    """`model.model_validate(data)`'s errors, in the same order, with the same locations, found a
    piece at a time: each field that is a mapping of entries (`paths`, and each of `components`'
    mappings one level down) is validated `CHUNK` entries at a time, and the rest with those fields
    emptied. openapi-pydantic's models have no validator that looks across fields and validate
    fields in order, so the errors are those of one whole validation — but the models built for
    graph-beta's 47 MB document are never all alive at once (the validation child peaked at 580 MB)."""
    from pydantic import TypeAdapter

    if not isinstance(data, dict):
        return _errors(model.model_validate, data)
    parts: dict[str, Any] = {}  # field → its type adapter (a mapping) or model (recursed into)
    rest = dict(data)
    for name, info in model.model_fields.items():
        value = data.get(name)
        if info.alias is not None or not isinstance(value, dict) or not value:
            continue
        kind = _mapping_or_model(info.annotation)
        if kind is not None:
            parts[name] = kind
            rest[name] = {}
    if not parts:
        return _errors(model.model_validate, data)
    remaining = _errors(model.model_validate, rest)
    out: list[Any] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if name not in parts:
            out += [e for e in remaining if e["loc"][:1] == (key,)]
            continue
        kind = parts[name]
        if isinstance(kind, TypeAdapter):
            entries = list(data[name].items())
            found = []
            for at in range(0, len(entries), CHUNK):
                found += _errors(kind.validate_python, dict(entries[at : at + CHUNK]))
        else:
            found = piecewise_errors(kind, data[name])
        out += [{**e, "loc": (name, *e["loc"])} for e in found]
    keys = {info.alias or name for name, info in model.model_fields.items()}
    return out + [e for e in remaining if e["loc"][:1] == () or e["loc"][0] not in keys]


def _mapping_or_model(annotation: Any) -> Any:
    """A `Dict[str, X]` annotation's type adapter, a model class with such fields itself, or None
    (`Optional` seen through)."""
    from pydantic import BaseModel

    annotation = _required(annotation)
    if typing.get_origin(annotation) is dict:
        return _adapter(annotation)
    if (
        isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
        and any(  # a model with mappings to split (`components`)
            typing.get_origin(_required(f.annotation)) is dict
            for f in annotation.model_fields.values()
        )
    ):
        return annotation
    return None


def _required(annotation: Any) -> Any:
    """`Optional[X]` → X (other annotations as they are)."""
    if typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


@functools.cache
def _adapter(annotation: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(annotation)


def _errors(validate: Callable[[Any], object], data: Any) -> list[Any]:
    from pydantic import ValidationError

    try:
        validate(data)
    except ValidationError as exc:
        return list(exc.errors())
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


def _child(found: Callable[[], list[Finding]], out: int) -> None:
    """(In the forked child.) The findings, pickled, written to `out`."""
    data = memoryview(pickle.dumps(found(), pickle.HIGHEST_PROTOCOL))
    while data:
        data = data[os.write(out, data) :]


def can_fork() -> bool:
    """Fork is safe here only where it exists and this process runs a single thread."""
    return hasattr(os, "fork") and sys.platform != "win32" and threading.active_count() == 1


class Validation:
    """A validation started in a forked child (or nothing yet, when it runs in-process on `wait`).

    The child is a plain `os.fork` (not `multiprocessing`, whose import is ≈ 15 ms of the serial
    stretch before render): it writes its pickled findings to a pipe and leaves with `os._exit`; the
    parent reads them to the end of the pipe and reaps it (`_receive`), or stops it (`cancel`)."""

    def __init__(
        self,
        document: dict[str, Any],
        version: str,
        *,
        background: bool,
        known: list[Finding] | None = None,
        on_found: Callable[[list[Finding]], None] | None = None,
        reload: Callable[[], dict[str, Any]] | None = None,
        key_sorted: bool = False,
    ) -> None:
        """`known`: the findings, already known (`validation_cache`): nothing is validated.
        `on_found`: told the findings once they are known (to keep them). `reload`: reads the document
        again (as written), for the in-process fallback after `release` (a child that died).
        `key_sorted`: `document` is the key-sorted copy parse reads (`findings`' `as_written`:
        `reload`, which is then needed)."""
        assert reload is not None or not key_sorted
        self._document: dict[str, Any] | None = document
        self._reload = reload
        self._key_sorted = key_sorted
        self._found: list[Finding] | None = None  # validated in-process by `release`
        self._version = version
        self._pid: int | None = None  # the child, until reaped
        self._fd: int | None = None  # the read end of its pipe
        self._known = known
        self._on_found = on_found
        if background and known is None and can_fork():
            self._fork()

    def _fork(self) -> None:
        try:
            receive, send = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: validate in-process instead
            os.close(receive)
            os.close(send)
            return
        if pid == 0:  # the child: never returns; any failure is an empty answer (validated again)
            code = 1
            try:
                with contextlib.suppress(BaseException):
                    os.close(receive)
                    load_alone(self._version)  # a process that validates and ends
                    document = self._document
                    assert document is not None  # kept until `release`, after the fork
                    _child(functools.partial(self._findings, document), send)
                    code = 0
            finally:
                os._exit(code)
        os.close(send)
        self._pid, self._fd = pid, receive

    @property
    def in_background(self) -> bool:
        return self._pid is not None

    def release(self) -> None:
        """Let go of the document once it is parsed (graph-beta's is 166 MB, held to the end only
        for this): the child has its own copy; without a child (and without known findings) it is
        validated now, in-process, as `wait` would. Should the child die, `wait` reloads it."""
        if self._document is None:
            return
        if self._pid is None and self._known is None:
            self._found = self._findings(self._document)
        if self._pid is None or self._reload is not None:
            self._document = None

    def wait(self, sink: DiagnosticSink) -> None:
        """Add the warnings to `sink` (waiting for the child, or validating now)."""
        found = self._known if self._known is not None else self._receive()
        if found is None:
            found = self._found
        if found is None:
            if self._document is not None:
                found = self._findings(self._document)
            else:  # read again, as written
                found = findings(self._reloaded(), self._version)
        if self._known is None and self._on_found is not None:
            self._on_found(found)
        report(found, sink)

    def _findings(self, document: dict[str, Any]) -> list[Finding]:
        """The findings of the document this validation was given."""
        return findings(document, self._version, self._reload if self._key_sorted else None)

    def _reloaded(self) -> dict[str, Any]:
        assert self._reload is not None  # `release` keeps the document when it cannot be reloaded
        return self._reload()

    def _receive(self) -> list[Finding] | None:
        if self._fd is None:
            return None
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self._fd, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        if self._reap(kill=False) and chunks:  # it exits right after writing, with 0 when whole
            with contextlib.suppress(Exception):  # damaged: validated here instead
                found = pickle.loads(b"".join(chunks))  # written by our own child
                if isinstance(found, list):
                    return found
        return None  # the child died before answering

    def cancel(self) -> None:
        """Stop and reap the child, if any (idempotent)."""
        self._reap(kill=True)

    def _reap(self, *, kill: bool) -> bool:
        """Close the pipe and reap the child (stopped first with `kill`): did it exit with 0?"""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._pid is None:
            return False
        pid, self._pid = self._pid, None
        if kill:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return False
        return os.waitstatus_to_exitcode(status) == 0
