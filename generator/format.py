"""Format emitted code with the pinned ruff binary from the ruff package and our own config."""

from __future__ import annotations

import contextlib
import os
import subprocess
from functools import cache
from pathlib import Path

from .diagnostics import fatal

CONFIG = Path(__file__).with_name("ruff_generated.toml")
# what `ruff format` changes in a package: Python modules, and the Python code blocks of Markdown
# files (README.md, api.md). A tree with none of these staged need not be formatted.
FORMATTED = (".py", ".pyi", ".md")


@cache
def ruff_binary() -> str:
    """The pinned ruff's binary, found once a process (a replay starts ruff up to three times).
    Where `ruff.__main__.find_ruff_bin` looks first — this Python's scripts folder, where pip
    installs it — is looked at without it (it works out all its candidates first: ≈ 2 ms)."""
    import sysconfig

    first = os.path.join(
        sysconfig.get_path("scripts"), "ruff" + (sysconfig.get_config_var("EXE") or "")
    )
    if os.path.isfile(first):
        return first
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())


def tree_command() -> list[str]:
    """The command that formats the tree it runs in (`format_tree`)."""
    return [ruff_binary(), "format", "--quiet", "--no-cache", "--config", str(CONFIG), "."]


def format_tree(root: Path) -> None:
    """`ruff format` over every .py file below `root`. The import blocks are emitted sorted and without
    unused names (`render/imports.py`), so `ruff check --fix` has nothing to do and is not run; a test runs
    `ruff check` over generated trees to keep it so."""
    fmt = subprocess.run(tree_command(), cwd=root, check=False, capture_output=True, text=True)
    formatted(fmt.returncode, fmt.stderr)


def start_tree(root: str, threads: int | None = None, nicer: int = 0) -> subprocess.Popen[bytes]:
    """`format_tree(root)` in the background: `tree_formatted` waits for it. `threads`: how many
    ruff may use (its own choice: one a CPU); `nicer`: its niceness above this process's (on a CPU
    it shares with this process it then yields to it)."""
    env = None if threads is None else {**os.environ, "RAYON_NUM_THREADS": str(threads)}
    proc = subprocess.Popen(
        tree_command(),
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if nicer:  # (before ruff starts its threads, which take its priority: else only slower)
        with contextlib.suppress(OSError, AttributeError):
            now = os.getpriority(os.PRIO_PROCESS, 0)
            os.setpriority(os.PRIO_PROCESS, proc.pid, min(19, now + nicer))
    return proc


def tree_formatted(proc: subprocess.Popen[bytes]) -> None:
    """Wait for `start_tree`'s ruff; a failure as `format_tree` reports it."""
    err = proc.communicate()[1]
    formatted(proc.returncode, err.decode(errors="replace"))


class Formatting:
    """Files formatted as soon as they are staged (a regeneration's few large modules: formatted
    while the rest is rendered), then put back where they were staged (`wait`). Each is moved to
    a folder of its own at the same relative path and formatted there as `format_tree` formats a
    folder (the same command over "."), so ruff sees what a run over the whole tree would."""

    def __init__(self, base: str) -> None:
        self.base = base  # where the folders of their own go (inside the staging folder)
        self._running: list[tuple[subprocess.Popen[bytes], str, str]] = []

    def start(self, path: str, rel: str) -> None:
        """Format the staged file at `path` (`rel` below its tree), in the background."""
        root = os.path.join(self.base, str(len(self._running)))
        moved = os.path.join(root, rel)
        os.makedirs(os.path.dirname(moved), exist_ok=True)
        os.replace(path, moved)
        proc = subprocess.Popen(
            tree_command(),
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._running.append((proc, moved, path))

    def wait(self) -> None:
        """Wait for every file started and put it back (a failure as `format_tree` reports it)."""
        running, self._running = self._running, []
        ended = [
            (proc.communicate()[1], proc.returncode, moved, path) for proc, moved, path in running
        ]
        for err, code, moved, path in ended:
            formatted(code, err.decode(errors="replace"))
            os.replace(moved, path)

    def stop(self) -> None:
        """End whatever still runs (the run failed: its staging folder goes)."""
        for proc, _, _ in self._running:
            proc.kill()
            proc.wait()
        self._running = []


def formatted(code: int, stderr: str) -> None:
    """How `ruff format` ended: a failure is a fatal diagnostic."""
    if code != 0:
        raise fatal(
            "format-failed",
            f"ruff could not format the generated code: {_first_line(stderr)}",
            hint="this is a clientgen bug (the emitted code does not parse); please report it",
        )


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return " / ".join(lines[:3]) if lines else "no output"
