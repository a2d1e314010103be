"""Cut a sync read that would outlast its deadline by shutting its socket down.

httpx bounds each wait for the next chunk (the read timeout), not a whole body: a server dripping
one byte just under the read timeout would hold a thread for ever. While a sync client reads a body
into memory, an alarm on one shared daemon thread shuts the connection's socket down at the
body's deadline, which ends the blocked read at once (the connection is discarded, not reused).
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading

from . import _clock

__all__ = ["Alarm", "arm", "disarm"]


class Alarm:
    """One armed deadline. ``fired`` tells whether the socket was shut down."""

    __slots__ = ("_lock", "_socket", "_state", "at")

    def __init__(self, at: float, sock: socket.socket) -> None:
        self.at = at
        self._socket = sock
        self._lock = threading.Lock()
        self._state = 0  # 0 armed, 1 disarmed, 2 fired

    @property
    def fired(self) -> bool:
        return self._state == 2

    @property
    def done(self) -> bool:
        return self._state != 0

    def fire(self) -> None:
        with self._lock:
            if self._state != 0:
                return
            self._state = 2
            try:  # socket.socket's own method: an SSLSocket's would drop its SSL object
                socket.socket.shutdown(self._socket, socket.SHUT_RDWR)
            except OSError:
                pass

    def disarm(self) -> None:
        with self._lock:
            if self._state == 0:
                self._state = 1


class _Watchdog:
    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Alarm]] = []
        self._seq = itertools.count()
        self._stale = 0
        self._thread: threading.Thread | None = None

    def arm(self, at: float, sock: socket.socket) -> Alarm:
        alarm = Alarm(at, sock)
        with self._cond:
            heapq.heappush(self._heap, (at, next(self._seq), alarm))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="clientgen-watchdog", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is alarm:
                self._cond.notify()
        return alarm

    def disarm(self, alarm: Alarm) -> None:
        alarm.disarm()
        with self._cond:
            self._stale += 1
            if self._stale > 64 and self._stale * 2 > len(self._heap):  # drop disarmed entries
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
                self._stale = 0

    def _next_due(self) -> Alarm:
        with self._cond:
            while True:
                heap = self._heap
                while heap and heap[0][2].done:
                    heapq.heappop(heap)
                    self._stale = max(0, self._stale - 1)
                wait = heap[0][0] - _clock.monotonic() if heap else None
                if wait is not None and wait <= 0:
                    return heapq.heappop(heap)[2]
                self._cond.wait(wait)

    def _run(self) -> None:
        while True:
            self._next_due().fire()


_WATCHDOG = _Watchdog()


def arm(at: float, sock: socket.socket) -> Alarm:
    """Shut ``sock`` down at monotonic time ``at`` unless disarmed first."""
    return _WATCHDOG.arm(at, sock)


def disarm(alarm: Alarm) -> None:
    _WATCHDOG.disarm(alarm)
