"""Writing the stage cache's snapshot (`stage/cache.py`) off the critical path (issue 18).

A full `generate` forks a child as soon as the package is rendered (before it is formatted and written).
The child, not the run, does what the snapshot costs: the modules' import stubs and module-cache keys,
the spec's prose (a JSON spec is read and parsed again, as `load` parses it, and must hash to what the
run read), the key, pickling the IR. It writes a temporary file, then waits for the run's word: the run
says "written" once the package is on disk (`Writer.commit`), and only then is the file renamed into
place (atomic: a reader sees the old snapshot or the new one, never half of one). A run that fails,
or exits without a word, closes the pipe: the temporary file is removed. The child never returns
into the caller's code (`os._exit`), its standard streams are /dev/null (a caller reading the run's
output does not wait for it), every wait of it is bounded, and any failure in it costs only speed —
and is written down beside the snapshot (`failure_file`: `<snapshot>.failed`, the traceback) so a
test or a user can see why no snapshot appeared.

Readers wait for a writer: the child holds an exclusive `flock` on the snapshot's lock file, taken by
the run before the fork (so there is no moment when a fresh run could read before the writer locks);
`settle` takes a shared lock, bounded, before the snapshot is read. So a run right after a full one
finds its snapshot, as a test does (`wait` also reaps this process's writers).

`CLIENTGEN_STAGE_WRITER=inline` (or a platform without `fork`) writes the snapshot in the run itself,
after the package is written (the old way; `bench/` compares the two).
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import time
from collections.abc import Callable
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the snapshot is written inline
    fcntl = None  # type: ignore[assignment]

COMMIT_WAIT = 600.0  # seconds a child waits for the run's word (formatting a huge package)
NICE = 10  # the child's niceness over the run's
LOCK_WAIT = 60.0  # seconds a child waits for an earlier writer, a reader for a writer
_children: list[int] = []


def inline() -> bool:
    return (
        os.environ.get("CLIENTGEN_STAGE_WRITER", "").lower() == "inline"
        or not hasattr(os, "fork")
        or fcntl is None
    )


def lock_file(snapshot: Path) -> Path:
    return snapshot.with_name(snapshot.name + ".lock")


class Writer:
    """The run's end of a snapshot being written: `commit` once the package is written, `close`
    in any case (a writer closed without a commit throws its file away)."""

    def __init__(
        self, pid: int | None, word: int | None, inline: Callable[[], None] | None
    ) -> None:
        self.pid = pid
        self._word = word
        self._inline = inline

    def commit(self) -> None:
        if self._inline is not None:
            work, self._inline = self._inline, None
            was_enabled = gc.isenabled()
            gc.disable()  # as in the run (`pipeline._no_cycle_collection`): pure overhead here
            try:
                with contextlib.suppress(Exception):  # a cache: a failure costs only speed
                    work()
            finally:
                if was_enabled:
                    gc.enable()
        if self._word is not None:
            with contextlib.suppress(OSError):
                os.write(self._word, b"1")
        self.close()

    def close(self) -> None:
        self._inline = None
        if self._word is not None:
            with contextlib.suppress(OSError):
                os.close(self._word)
            self._word = None

    def __del__(self) -> None:
        self.close()


def start(
    snapshot: Path,
    prepare: Callable[[], None],
    write: Callable[[Callable[[], bool]], None],
    keep: tuple[int, ...] = (),
) -> Writer:
    """`prepare()`: what must happen before the rendered texts are handed over (inline only: a forked
    child has them as they are now); `write(ready)`: makes and writes the snapshot, calling `ready()`
    before it renames the file into place (False: throw it away); `keep`: descriptors the child
    reads (`stage/spill.py`) or holds until it ends (`rekey.start`)."""
    _reap()
    if inline():
        prepare()
        return Writer(None, None, lambda: write(lambda: True))
    try:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(lock_file(snapshot), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return Writer(None, None, None)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        locked = True
    except OSError:  # an earlier writer is still at work: the child waits for it
        locked = False
    try:
        read, word = os.pipe()
    except OSError:
        os.close(lock)
        return Writer(None, None, None)
    try:
        pid = os.fork()
    except OSError:
        for fd in (lock, read, word):
            os.close(fd)
        return Writer(None, None, None)
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.close(word)
            _detach(keep=(lock, read, *keep))
            # a copy of each kept descriptor, closed only when the child ends: whatever `write`
            # closes (the module cache it saves), the child holds the last reference to the files
            # it was handed, so the run, which closes its own at once, never pays for freeing
            # them (the module cache's old file is 22 MB for GitHub's: ≈ 10 ms on ext4)
            for fd in keep:
                with contextlib.suppress(OSError):
                    os.dup(fd)
            if locked or _lock(lock, LOCK_WAIT):
                _write_recorded(snapshot, lambda: write(lambda: _told(read, COMMIT_WAIT)))
                code = 0
        finally:
            os._exit(code)
    os.close(read)
    os.close(lock)  # the child's copy holds the lock
    _children.append(pid)
    return Writer(pid, word, None)


def failure_file(snapshot: Path) -> Path:
    """Where a forked writer that failed says why (its streams are /dev/null): the exception's type,
    message and traceback; removed by the next writer that succeeds."""
    return snapshot.with_name(snapshot.name + ".failed")


def _write_recorded(snapshot: Path, write: Callable[[], None]) -> None:
    failed = failure_file(snapshot)
    try:
        write()
    except BaseException:
        import traceback

        with contextlib.suppress(OSError):
            failed.write_text(traceback.format_exc(), encoding="utf-8")
        raise
    with contextlib.suppress(OSError):
        failed.unlink(missing_ok=True)


def settle(snapshot: Path, timeout: float = LOCK_WAIT) -> None:
    """Wait (at most `timeout` seconds) until no writer holds the snapshot's lock."""
    if fcntl is None:
        return
    try:
        fd = os.open(lock_file(snapshot), os.O_RDONLY)
    except OSError:
        return  # no lock file: no writer ever started here
    try:
        if _lock(fd, timeout, fcntl.LOCK_SH):
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def wait() -> None:
    """Wait for the writers this process started (tests; the CLI never waits)."""
    while _children:
        pid = _children.pop()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _reap() -> None:
    for pid in list(_children):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _children.remove(pid)


def _lock(fd: int, timeout: float, kind: int | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if kind is None else kind) | fcntl.LOCK_NB)
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)


def _told(read: int, timeout: float) -> bool:
    """Whether the run said "written" (within `timeout`; a closed pipe is a no)."""
    ready, _, _ = select.select([read], [], [], timeout)
    if not ready:
        return False
    try:
        return os.read(read, 1) == b"1"
    except OSError:
        return False


def _detach(keep: tuple[int, ...]) -> None:
    """Standard streams to /dev/null and every other inherited descriptor closed (a caller reading
    the run's output or a pipe of its children must not wait for this child)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    with contextlib.suppress(OSError):  # its own session: a kill of the run's process group
        os.setsid()  # (a runner cleaning up after the CLI) does not stop it half-way
    with contextlib.suppress(OSError):  # the run (formatting, writing) goes first on a busy machine
        os.nice(NICE)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        open_fds = sorted(int(n) for n in os.listdir("/proc/self/fd"))
    except (OSError, ValueError):
        open_fds = list(range(3, 1024))
    for fd in open_fds:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)
