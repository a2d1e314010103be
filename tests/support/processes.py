"""Servers the tests start as processes of their own (Prism, the real third-party servers): a free
loopback port to give one, and stopping one by its process group. Every wait is bounded."""

from __future__ import annotations

import os
import signal
import socket
import subprocess


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_group(proc: subprocess.Popen[bytes], *, term_wait: float) -> None:
    """Stop `proc` (started with `start_new_session=True`) and its children by their process group:
    SIGTERM, then after `term_wait` seconds SIGKILL (and 5 more seconds)."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, term_wait), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)  # the group start_new_session created for this server
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def isolated_python(code: str, *args: str, cwd: object, timeout: float) -> str:
    """`python -I -c CODE ARGS` in `cwd` (a fresh interpreter that sees neither the environment's
    PYTHON* variables nor the user's site packages); fails the test with the end of its stderr unless
    it exits 0, and gives the last line it printed."""
    import sys

    proc = subprocess.run(
        [sys.executable, "-I", "-c", code, *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-1]
