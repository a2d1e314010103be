"""Work done on a second core: a forked child computes a pure function while this process goes on.

The file plan renders the types modules (about half of the rendering of a large spec) in a child
forked once naming is done, while the parent builds the resources, the docs and the tests, then
takes the child's texts where the serial plan puts them, so the output is the same byte for byte.

`in_child(work)` forks (POSIX, a single-threaded process, `enabled`); the child runs `work()`, sends
its result pickled through a pipe and leaves with `os._exit` (no atexit handlers, none of the
parent's buffers flushed twice). `result()` reads it. `work` must be a pure function of what the
process holds at the fork: whatever else it does (a diagnostic, a cache filled) happens in the child
only. Whenever the child does not deliver (it could not be started, failed, was killed, or its result
does not unpickle), `result()` runs `work()` here, so an error is raised in this process exactly as it
would be without the child. Disabled or unavailable (no `os.fork`, other threads running, one CPU,
the environment sets `CLIENTGEN_PARALLEL=off`): `result()` runs `work()` here, when it is asked for.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

OFF = ("0", "off", "no", "false")


def cores() -> int:
    """The CPUs this process may run on (its affinity mask where there is one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def other_threads() -> bool:
    """Does this process run other threads (a lock one of them holds would stay held in the child)?"""
    return threading.active_count() > 1


def can_fork() -> bool:
    """Forking is safe only where it exists and this process runs a single thread, and worth it only
    with a second CPU to run on; the environment can turn it off (`CLIENTGEN_PARALLEL=off`)."""
    if os.environ.get("CLIENTGEN_PARALLEL", "").strip().lower() in OFF:
        return False
    return hasattr(os, "fork") and sys.platform != "win32" and not other_threads() and cores() >= 2


class Deferred(Generic[T]):
    """The result of `work`, computed by a forked child (`forked`) or here when asked for."""

    def __init__(self, work: Callable[[], T], *, enabled: bool) -> None:
        self._work = work
        self._pid = 0
        self._fd = -1
        if enabled and can_fork():
            self._fork()

    @property
    def forked(self) -> bool:
        return self._pid > 0

    def _fork(self) -> None:
        try:
            read, write = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: computed here instead
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: never returns; on any error the parent computes it again
            code = 1
            try:
                with contextlib.suppress(BaseException):
                    os.close(read)
                    data = memoryview(pickle.dumps(self._work(), pickle.HIGHEST_PROTOCOL))
                    while data:
                        data = data[os.write(write, data) :]
                    code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> T:
        """The child's result, or `work()` computed here when there is none."""
        if self._pid > 0:
            data = self._read()
            ok = self._reap()
            if ok and data:
                with contextlib.suppress(Exception):  # a damaged result: computed here instead
                    value: T = pickle.loads(data)  # written by our own child
                    return value
        return self._work()

    def _read(self) -> bytes:
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self._fd, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            os.close(self._fd)
            self._fd = -1
        return b"".join(chunks)

    def _reap(self) -> bool:
        """Wait for the child; did it exit cleanly?"""
        pid, self._pid = self._pid, 0
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return False
        return os.waitstatus_to_exitcode(status) == 0

    def close(self) -> None:
        """Stop and reap a child whose result is not wanted (idempotent)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._pid > 0:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def __enter__(self) -> Deferred[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def in_child(work: Callable[[], T], *, enabled: bool = True) -> Deferred[T]:
    """Start `work` in a forked child (when `enabled` and possible); `.result()` gives its value."""
    return Deferred(work, enabled=enabled)
