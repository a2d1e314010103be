"""Routes for ``loopback.LoopServer`` that stream a chunked ``text/event-stream`` body over a real
socket: paced in lockstep with the client, endless (to observe the client hanging up), or scripted
byte for byte (malformed streams)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from tests.support.loopback import Exchange

WAIT = 10.0  # longest the server waits for the client before it gives up (a failing test)


def open_stream(
    ex: Exchange, *, content_type: str = "text/event-stream", status: int = 200
) -> None:
    ex.send_response(status)
    ex.send_header("Content-Type", content_type)
    ex.send_header("Cache-Control", "no-cache")
    ex.send_header("Transfer-Encoding", "chunked")
    ex.end_headers()
    ex.wfile.flush()


def send(ex: Exchange, data: bytes) -> None:
    """One chunk, flushed (raises ``OSError`` once the client has hung up)."""
    if data:
        ex.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        ex.wfile.flush()


def end(ex: Exchange) -> None:
    ex.wfile.write(b"0\r\n\r\n")
    ex.wfile.flush()


def event(data: Any, *, name: str | None = None, id: str | None = None) -> bytes:
    """One event with JSON data (a ``str`` is sent as is)."""
    text = data if isinstance(data, str) else json.dumps(data)
    lines = [f"event: {name}"] if name else []
    lines += [f"id: {id}"] if id is not None else []
    lines += [f"data: {line}" for line in text.split("\n")]
    return ("\n".join(lines) + "\n\n").encode()


class Paced:
    """Sends ``events`` one at a time: each after the client acknowledged the one before
    (``ack(i)``), so a client that held events back until the end of the body would never
    acknowledge the first one and the server would give up (``gave_up``)."""

    def __init__(self, events: Sequence[bytes], *, terminator: bytes = b"") -> None:
        self.events = list(events)
        self.terminator = terminator
        self.acks = [threading.Event() for _ in self.events]
        self.sent_at: list[float] = []
        self.acked_at: list[float] = []
        self.gave_up = False

    def ack(self, index: int) -> None:
        self.acked_at.append(time.monotonic())
        self.acks[index].set()

    def __call__(self, ex: Exchange) -> None:
        open_stream(ex)
        for index, data in enumerate(self.events):
            self.sent_at.append(time.monotonic())
            send(ex, data)
            if not self.acks[index].wait(WAIT):
                self.gave_up = True
                break
        send(ex, self.terminator)
        end(ex)


class Endless:
    """Sends an event every ``interval`` seconds until a write fails because the client closed
    the connection (``hung_up`` is set then), or for ``WAIT`` seconds at most."""

    def __init__(
        self,
        payload: Callable[[int], Any] = lambda n: {"n": n},
        *,
        interval: float = 0.01,
        content_type: str = "text/event-stream",
    ) -> None:
        self.payload = payload
        self.interval = interval
        self.content_type = content_type
        self.hung_up = threading.Event()
        self.sent = 0

    def __call__(self, ex: Exchange) -> None:
        open_stream(ex, content_type=self.content_type)
        deadline = time.monotonic() + WAIT
        try:
            while time.monotonic() < deadline:
                send(ex, event(self.payload(self.sent), id=str(self.sent)))
                self.sent += 1
                time.sleep(self.interval)
            end(ex)
        except OSError:
            self.hung_up.set()
        ex.close_connection = True


class Scripted:
    """Sends ``chunks`` as they are (one chunk each, ``pause`` seconds apart), then ends the body
    (or, with ``hold``, stays silent until the server stops)."""

    def __init__(
        self,
        chunks: Sequence[bytes],
        *,
        pause: float = 0.0,
        hold: bool = False,
        content_type: str = "text/event-stream",
    ) -> None:
        self.chunks = list(chunks)
        self.pause = pause
        self.hold = hold
        self.content_type = content_type

    def __call__(self, ex: Exchange) -> None:
        open_stream(ex, content_type=self.content_type)
        try:
            for chunk in self.chunks:
                send(ex, chunk)
                if self.pause:
                    time.sleep(self.pause)
            if self.hold:
                ex.server.stopping.wait(WAIT)
                ex.close_connection = True
                return
            end(ex)
        except OSError:
            ex.close_connection = True
