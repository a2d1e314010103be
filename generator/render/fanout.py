"""Work done on a second core: pure jobs shared by a forked child and this process (issue 18).

The file plan renders the types modules in a forked child while it renders the rest of the package
(`plan.py`). How long each side takes depends on the spec and on what else the machine runs: with a
fixed split, whichever side is done first waits for the other (0.02–0.6 s for GitHub's spec,
depending on the load). So the child works through the list from the front, and this process, once
its own part is done, takes items from the back, one at a time, until the child's result is there:

- the child computes `work(items[0])`, `work(items[1])`, … and before each one reads (without
  waiting) the items this process has claimed; when it reaches one, or the end of the list, it
  sends the results it has, pickled, through a pipe and leaves with `os._exit`;
- `results()` here claims the last item not claimed yet (tells the child through a second pipe),
  computes it, and goes on until the child's result can be read, then reads it. An item both sides
  computed (the child had started it before it saw the claim) is taken from this process: `work`
  is a pure function, so both are the same.

`then(items, results)`, when given, runs in the child once it has computed its results (the items
they are of, in order): whatever it does beside them (the types modules' child writes its texts
for ruff, `plan.py`) happens on the second core while this process still works. Then the child
tells this process it is done (one byte before its result: `ready()`); what `then` returned comes
back as `after` (None: no `then`, or it failed — the results still come). A `then` that returns
`Sent(after, results)` has those results sent instead of the ones computed (what it dealt with
itself, made lighter to pickle and read back) and `after` returned.

`hand_over()`, when given, runs in the child once its result is sent, in place of leaving: it may
exec another program (the types modules' child becomes their ruff, `staging.Apart.exec`, which so
starts the moment they are written, whatever this process is doing). This process then does not
wait for the child when it reads its result (which must unpickle whole); `handed()` gives its pid to
whoever waits for that program (the child's status is the program's; `HANDED_OVER_FAILED` when it
could not exec), and `close` stops it when nobody asked.

Every item is computed by exactly one of `work` here or in the child as far as the result goes, and
the results are in the list's order, so the output is the same as `[work(x) for x in items]`,
whoever computed what. Whenever the child does not deliver (it could not start, failed, died, or
its result does not unpickle), the items it should have computed are computed here in order, so an
error is raised here exactly as without the child; an error while this process takes items from
the back only ends that phase (the item is computed again, in order, at the end). The child leaves
with `os._exit` (no atexit handlers, none of the parent's buffers flushed twice). Disabled or
unavailable (no `os.fork`, other threads running, one CPU, the environment sets
`CLIENTGEN_PARALLEL=off`: `can_fork`): everything is computed here, in order, when asked for.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
Item = TypeVar("Item")

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


class Sent(Generic[T]):
    """What a `then` may return to send other results than those computed (lighter ones: the
    types modules' texts the child wrote itself, `plan.py`, are not pickled and read back), and
    `after`. Ignored (the computed results are sent) unless there is one result for each."""

    def __init__(self, after: object, results: list[T]) -> None:
        self.after = after
        self.results = results


PIPE_AT_MOST = 1 << 20  # what a pipe may hold (`_room_for`; Linux's default pipe-max-size)
# the child's status when `hand_over` returned (it could not exec its program)
HANDED_OVER_FAILED = 125
_CLAIM = 4  # bytes of a claimed index (writes of up to PIPE_BUF bytes to a pipe are atomic)
_COMPUTED = b"\x01"  # the child's first byte: its results are computed (`then` and they follow)


class Worklist(Generic[Item, T]):
    """`work` over `items`, by a forked child from the front and by `results()` from the back."""

    def __init__(
        self,
        items: Sequence[Item],
        work: Callable[[Item], T],
        *,
        enabled: bool,
        then: Callable[[Sequence[Item], list[T]], object] | None = None,
        hand_over: Callable[[], object] | None = None,
    ) -> None:
        self._items = items
        self._work = work
        self._then = then
        self._hand_over = hand_over
        self.after: object = None  # what `then` returned in the child (read by `results()`)
        self.theirs: frozenset[int] = frozenset()  # the indices whose result is the child's
        self._pid = 0
        self._result = -1  # the child's results (read here)
        self._claims = -1  # the items claimed here (written here)
        self._handed = 0  # the child, gone on to `hand_over`'s program (`handed`)
        self.taken = 0  # items computed here from the back (for tests and measurements)
        if enabled and items and can_fork():
            self._fork()

    @property
    def forked(self) -> bool:
        return self._pid > 0

    def _fork(self) -> None:
        try:
            result_r, result_w = os.pipe()
        except OSError:
            return
        try:
            claims_r, claims_w = os.pipe()
        except OSError:
            os.close(result_r)
            os.close(result_w)
            return
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: computed here instead
            for fd in (result_r, result_w, claims_r, claims_w):
                os.close(fd)
            return
        if pid == 0:  # the child: never returns; on any error the parent computes it again
            code = 1
            try:
                with contextlib.suppress(BaseException):
                    os.close(result_r)
                    os.close(claims_w)
                    done = self._front(claims_r)
                    after = None
                    if self._then is not None:
                        with contextlib.suppress(Exception):  # (the results come without it)
                            after = self._then(self._items[: len(done)], done)
                        if isinstance(after, Sent):
                            sent: Sent[T] = after
                            after = sent.after
                            if len(sent.results) == len(done):
                                done = sent.results
                    os.write(result_w, _COMPUTED)  # nothing more to take from the back
                    data = memoryview(pickle.dumps((done, after), pickle.HIGHEST_PROTOCOL))
                    if self._hand_over is not None:
                        _room_for(result_w, len(data))  # (not held up until it is read)
                    while data:
                        data = data[os.write(result_w, data) :]
                    code = 0
                    if self._hand_over is not None:
                        os.close(result_w)  # (the result is all there)
                        os.close(claims_r)
                        code = HANDED_OVER_FAILED
                        self._hand_over()  # (returns only when it could not exec)
            finally:
                os._exit(code)
        os.close(result_w)
        os.close(claims_r)
        os.set_blocking(claims_w, False)  # a claim that would wait ends the taking instead
        self._pid, self._result, self._claims = pid, result_r, claims_w

    def _front(self, claims: int) -> list[T]:
        """(In the child.) The results from the front of the list up to the first item claimed by
        the parent (or the end)."""
        os.set_blocking(claims, False)
        done: list[T] = []
        first_claimed = len(self._items)
        for item in self._items:
            first_claimed = min(first_claimed, _read_claims(claims))
            if len(done) >= first_claimed:
                break
            done.append(self._work(item))
        return done

    def results(self) -> list[T]:
        """`[work(x) for x in items]`, computed by the child and here (see the module's doc)."""
        count = len(self._items)
        if self._pid <= 0:
            return [self._work(item) for item in self._items]
        mine: dict[int, T] = {}
        index = count
        with contextlib.suppress(Exception):  # (an error: computed again, in order, below)
            while index > 0 and not self.ready():
                index -= 1
                os.write(self._claims, index.to_bytes(_CLAIM, "little"))
                mine[index] = self._work(self._items[index])
                self.taken += 1
        theirs = self._collect()
        self.theirs = frozenset(i for i in range(min(len(theirs), count)) if i not in mine)
        return [
            mine[i] if i in mine else theirs[i] if i < len(theirs) else self._work(item)
            for i, item in enumerate(self._items)
        ]

    def ready(self) -> bool:
        """Has the child computed its results and done `then` (or is it gone)? Its result can then
        be read. False without a child. (`poll`: any descriptor number.)"""
        if self._result < 0:
            return False
        poller = select.poll()
        poller.register(self._result, select.POLLIN)
        return bool(poller.poll(0))

    def _collect(self) -> list[T]:
        """The child's results (none when it did not deliver), the child reaped; `after` set."""
        chunks: list[bytes] = []
        try:
            while chunk := os.read(self._result, 1 << 20):
                chunks.append(chunk)
        except OSError:
            chunks = []
        self._close_pipes()
        data = b"".join(chunks)
        if self._hand_over is not None:  # (its status is the program's: the result must unpickle)
            value = self._loaded(data)
            if value is not None:
                self._handed, self._pid = self._pid, 0
                return value
            self.close()
            return []
        ok = self._reap()
        value = self._loaded(data) if ok else None
        return [] if value is None else value

    def _loaded(self, data: bytes) -> list[T] | None:
        """The child's results from what it sent (None: not a whole result); `after` set."""
        if data.startswith(_COMPUTED):
            with contextlib.suppress(Exception):  # a damaged result: computed here instead
                value, after = pickle.loads(data[len(_COMPUTED) :])  # written by our own child
                if isinstance(value, list):
                    self.after = after
                    return value
        return None

    def handed(self) -> int:
        """The pid of the child gone on to `hand_over`'s program once its result was read (the
        caller now waits for it, or kills it); 0: none. Asked once: `close` no longer stops it."""
        pid, self._handed = self._handed, 0
        return pid

    def _close_pipes(self) -> None:
        for fd in (self._result, self._claims):
            if fd >= 0:
                os.close(fd)
        self._result = self._claims = -1

    def _reap(self) -> bool:
        """Wait for the child; did it exit cleanly?"""
        pid, self._pid = self._pid, 0
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return False
        return os.waitstatus_to_exitcode(status) == 0

    def close(self) -> None:
        """Stop and reap a child whose results are not wanted, or that went on to `hand_over`'s
        program and was not asked for (idempotent)."""
        self._close_pipes()
        if self._handed > 0:
            self._pid, self._handed = self._handed, 0
        if self._pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def __enter__(self) -> Worklist[Item, T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _read_claims(fd: int) -> int:
    """The lowest index claimed in what can be read now from `fd` (a large number: none)."""
    lowest = 1 << 62
    while True:
        try:
            data = os.read(fd, 1 << 12)
        except BlockingIOError:
            return lowest
        except OSError:
            return lowest
        if not data:  # the parent closed it: nothing more will be claimed
            return lowest
        for at in range(0, len(data) - _CLAIM + 1, _CLAIM):
            lowest = min(lowest, int.from_bytes(data[at : at + _CLAIM], "little"))


def _room_for(fd: int, size: int) -> None:
    """Let the pipe `fd` hold `size` bytes (and its first byte) where the system allows (Linux: up
    to 1 MiB unprivileged), so that a writer of that much does not wait for its reader."""
    import fcntl

    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, min(size + 1, PIPE_AT_MOST))
