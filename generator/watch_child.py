"""One regeneration under `clientgen watch`, in a process forked from the warm watcher (issue 18).

A fresh `clientgen generate` pays ≈ 0.1 s of interpreter start and imports before it reads a byte
of the spec: half of what a one-operation edit costs. The watcher imports those modules once
(`warm`), then forks a child per change that runs exactly the command line `clientgen generate
NAMES…` runs (`cli.main`, the same quick answers, replays and full path, ending with `quick.leave`),
so its output is the command's by construction, and whatever the run leaves in the process (caches,
the naming pass's notes) dies with the child: the watcher never runs the pipeline itself.

The child tells the watcher, through a pipe, which modules it imported that the watcher lacked
(`learn`): the watcher imports them while it waits for the next change, so the second regeneration
of a kind imports nothing. Where there is no `os.fork` (Windows), or `CLIENTGEN_PARALLEL=off`, each
regeneration is a new `python -m generator generate …` process instead: the same output, no warm
start. Every wait for a child is bounded (`timeout`: the child is killed, which leaves what an
interrupted `clientgen generate` leaves).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.machinery
import os
import runpy
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_MAX_REPORT = 1 << 20  # bytes of module names a child may send back (GitHub's run: ≈ 15 KB)
_SOURCES = (".py", *importlib.machinery.EXTENSION_SUFFIXES)
_STARTS = ("generator.cli", "generator.quick", "generator.pipeline", "generator.commands")


@dataclass(frozen=True)
class Ran:
    """One regeneration: its exit status (`None`: killed after `timeout`), its wall time in seconds,
    its CPU time (user + system of the child and the processes it waited for), and the modules it
    imported that the watcher had not (to import before the next one)."""

    status: int | None
    seconds: float
    cpu: float
    modules: tuple[str, ...]


def can_fork() -> bool:
    """Fork a warm child (POSIX, not disabled by `CLIENTGEN_PARALLEL=off`, no other thread)?"""
    return (
        hasattr(os, "fork")
        and os.environ.get("CLIENTGEN_PARALLEL", "").lower() != "off"
        and threading.active_count() == 1
    )


def warm() -> int:
    """Import the generator's modules (all of them but `__main__`, and the third-party modules they
    import at their top) into this process; the number of modules then loaded. A module that fails
    to import is left for the child, which reports it as the command would."""
    for name in _STARTS:
        _import(name)
    for name in _module_names():
        _import(name)
    gc.collect()  # (what the imports made, out of the young generations the children collect)
    return len(sys.modules)


def _module_names() -> list[str]:
    """Every module of the `generator` package, its namespace packages' included (which
    `pkgutil.walk_packages` does not enter), in a stable order; not `__main__` (it runs the CLI),
    nor the templates an installed package holds (the generated clients' runtime modules)."""
    from .paths import templates_dir

    root = Path(importlib.import_module("generator").__file__ or "").resolve().parent
    templates = (
        templates_dir()
    )  # (inside the package when installed: the clients' runtime, not ours)
    names: list[str] = []
    for at, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d.isidentifier() and Path(at, d) != templates)
        package = ".".join(("generator", *Path(at).relative_to(root).parts))
        names.extend(
            [] if package == "generator" or (Path(at) / "__init__.py").exists() else [package]
        )
        for file in sorted(files):
            stem = file.split(".", 1)[
                0
            ]  # (`plan.py`; the compiled build's `plan.cpython-311-….so`)
            if file.endswith(_SOURCES) and stem.isidentifier() and stem != "__main__":
                names.append(package if stem == "__init__" else f"{package}.{stem}")
    return list(dict.fromkeys(names))


def learn(modules: Iterable[str]) -> int:
    """Import `modules` (a child's report) here; how many are now loaded that were not."""
    before = len(sys.modules)
    for name in modules:
        if name not in sys.modules and name.isascii() and name.replace(".", "_").isidentifier():
            _import(name)
    if threading.active_count() != 1:  # (no module we import starts a thread; if one did, say so)
        print("clientgen watch: an imported module started a thread", file=sys.stderr)
    return len(sys.modules) - before


def _import(name: str) -> None:
    # any failure is the child's to report, as the command would; nothing here is fatal
    with contextlib.suppress(Exception):
        importlib.import_module(name)


def regenerate(args: Sequence[str], timeout: float) -> Ran:
    """Run `clientgen generate ARGS…` once: in a child forked from this warm process, or (`can_fork`
    false) in a new interpreter. Its output goes where this process's goes."""
    if not can_fork():
        return _spawned(args, timeout)
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    start, before = time.perf_counter(), os.times()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (its output is what the tests read)
        os.close(read)
        _child(list(args), write)
    os.close(write)
    try:
        status, modules = _collect(pid, read, start + timeout)
    finally:
        os.close(read)
    return Ran(status, time.perf_counter() - start, _cpu(before), modules)


def _cpu(before: os.times_result) -> float:
    """CPU seconds of the children reaped since `before`."""
    after = os.times()
    return (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def _child(args: list[str], write: int) -> None:  # pragma: no cover - runs in the forked child
    """Become `clientgen generate ARGS…` (never returns): the watcher's signal handlers undone, the
    report of new modules sent when the command leaves (`quick.leave` runs the atexit handlers)."""
    import atexit

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    known, me = set(sys.modules), os.getpid()

    def report() -> None:
        if os.getpid() != me:  # (a process the command forked that ran the atexit handlers)
            return
        names = "\n".join(sorted(set(sys.modules) - known)).encode()[:_MAX_REPORT]
        with contextlib.suppress(OSError):
            os.write(write, names)  # (a pipe's buffer: 64 KB; the watcher reads while it waits)
            os.close(write)

    atexit.register(report)
    status = 1
    try:
        # `python -m generator generate ARGS…` in this process, as the no-fork path runs it in a
        # new one (`_spawned`): the command line, not an import of it (the CLI holds `watch`)
        sys.argv = ["clientgen", "generate", *args]
        runpy.run_module("generator", run_name="__main__", alter_sys=True)
        status = 0  # (`generate` ends with `quick.leave`: os._exit after the atexit handlers)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        status = 130
    except BaseException:  # noqa: BLE001 - printed as the interpreter would, then the child ends
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)


def _collect(pid: int, read: int, deadline: float) -> tuple[int | None, tuple[str, ...]]:
    """The child's exit status (None: killed at the deadline) and its report (module names, one a
    line). The pipe is read while the child runs (a report larger than its buffer would block the
    child); its end-of-file cannot tell that the child is gone, since the processes the child forks
    (the snapshot's writer, which outlives it) hold the pipe too: the child's exit is waited for
    through a pidfd where there is one (Linux), else polled every 5 ms."""
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    got, reading = bytearray(), True
    try:
        while True:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status: int | None = os.waitstatus_to_exitcode(raw)
                break
            left = deadline - time.perf_counter()
            if left <= 0:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                status = None
                break
            fds = ([read] if reading else []) + ([pidfd] if pidfd is not None else [])
            ready = select.select(fds, [], [], left if pidfd is not None else min(left, 0.005))[0]
            if read in ready:
                reading = _take(read, got)
        os.set_blocking(read, False)
        while reading and _take(read, got):
            pass
    finally:
        if pidfd is not None:
            os.close(pidfd)
    return status, tuple(got.decode("ascii", "replace").split())


def _take(read: int, got: bytearray) -> bool:
    """Read what the pipe holds into `got` (up to `_MAX_REPORT`); False at its end or when empty."""
    try:
        chunk = os.read(read, 65536)
    except BlockingIOError:
        return False
    if len(got) < _MAX_REPORT:
        got += chunk
    return bool(chunk)


def _spawned(args: Sequence[str], timeout: float) -> Ran:
    """`python -m generator generate ARGS…` in a new interpreter (no fork here)."""
    start, before = time.perf_counter(), os.times()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "generator", "generate", *args], timeout=timeout, check=False
        )
        status: int | None = done.returncode
    except subprocess.TimeoutExpired:
        status = None
    return Ran(status, time.perf_counter() - start, _cpu(before), ())
