"""Run one piece of work in a forked child and take back its (small, pickled) result: the memory the
work used goes back to the system with the child, not into this process's heap (issue 18).

`fetch --update` compares the committed spec with the live one before it regenerates: on graph-beta
both sides' documents, IR and names, about 1.1 GB. Done in this process, that heap stays behind (the
interpreter cannot give back arenas that freed and live objects share), and the regeneration after it
peaked at 819–855 MB where `generate` takes ≈ 480 MB. Done in a child, this process grows only by
the report.

`run(work)` returns `work()`'s value or raises its error as if it had run here: the child sends its
value, or one of the errors the caller handles (`FetchError`, `SpecError` and the parser's own
errors, `sides.UNREADABLE`), pickled through a pipe and leaves with `os._exit` (no atexit handlers,
none of this process's buffers flushed twice). Whenever the child does not deliver (it could not
start, died, raised anything else, or its result does not unpickle), `work()` runs here, so what is
printed and raised is exactly what it would be without the child. Unavailable (no `os.fork`, other
threads running — a lock one of them holds would stay held in the child —, or the environment sets
`CLIENTGEN_PARALLEL=off`): `work()` runs here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ..diagnostics import Diagnostic, SpecError
from .fetch import FetchError
from .sides import UNREADABLE

T = TypeVar("T")

OFF = ("0", "off", "no", "false")


def other_threads() -> bool:
    """Does this process run other threads (a lock one of them holds would stay held in the child)?"""
    return threading.active_count() > 1


def can_fork() -> bool:
    if os.environ.get("CLIENTGEN_PARALLEL", "").strip().lower() in OFF:
        return False
    return hasattr(os, "fork") and sys.platform != "win32" and not other_threads()


class NotDelivered(Exception):
    """(`attempt`) The child could not start, died, raised an error the caller does not handle, or
    sent what does not unpickle."""


def run(work: Callable[[], T]) -> T:
    """`work()`, computed in a forked child where one can be (see the module's doc)."""
    if not can_fork():
        return work()
    try:
        return attempt(work)
    except NotDelivered:
        return work()  # the child did not deliver


def attempt(work: Callable[[], T]) -> T:
    """`work()`'s value from a forked child, or its handled error raised here (as `run`); raises
    `NotDelivered` whenever the child does not deliver — the caller decides what to do instead."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        raise NotDelivered from None
    try:
        pid = os.fork()
    except OSError:  # out of processes or memory
        os.close(read_end)
        os.close(write_end)
        raise NotDelivered from None
    if pid == 0:  # the child: never returns
        code = 1
        try:
            with contextlib.suppress(BaseException):
                os.close(read_end)
                sent = pickle.dumps(_outcome(work), pickle.HIGHEST_PROTOCOL)  # whole, or nothing
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(sent)
                code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        data = _read_all(read_end)
    except BaseException:  # stopped here (Ctrl-C): the child is ended too
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        raise
    finally:
        os.close(read_end)
        delivered = _reap(pid)
    kind: str = ""
    value: Any = None
    try:
        if data and delivered:
            kind, value = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a result that does not unpickle: computed here
        kind = ""
    if kind == "value":
        result: T = value
        return result
    if kind == "spec":
        raise SpecError(value)
    if kind == "fetch":
        raise FetchError(*value)
    if kind == "raise":
        raise value
    raise NotDelivered


def _outcome(work: Callable[[], Any]) -> tuple[str, Any]:
    """(In the child.) The value, or an error the caller handles, as plain picklable data; any other
    error propagates (the child then delivers nothing and the parent runs `work` itself)."""
    try:
        return ("value", work())
    except SpecError as exc:
        diagnostic: Diagnostic = exc.diagnostic
        return ("spec", diagnostic)
    except FetchError as exc:
        return ("fetch", (exc.message, exc.hint))
    except UNREADABLE as exc:
        if type(exc) not in UNREADABLE:  # a subclass may not pickle as it was raised
            raise
        return ("raise", exc)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _reap(pid: int) -> bool:
    """Wait for the child (it has sent its result, or died: it is leaving); did it end normally?"""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
