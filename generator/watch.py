"""`clientgen watch`: regenerate the configured targets whenever their specs or the configuration
change, from a process that stays warm (issue 18).

What is watched: the project's `pyproject.toml` and, for each target watched, its spec and the other
spec-like files (`.json`, `.yaml`, `.yml`) in the spec's folder tree that a multi-file spec's
`$ref`s may name — not inside an output folder or a hidden one, at most `MAX_FILES` files, at most
`MAX_DEPTH` folders down. Each is known by its stat data (size, mtime and ctime in nanoseconds,
inode, device: what `tree_index.py` trusts), polled every `interval` seconds; a change is acted on
once the files have held still for `settle` seconds (an editor's save is often several writes).
Then `generate NAMES…` runs once, in a child forked from this process (`watch_child.py`), whose
output and exit status are the command's; a change that arrives while it runs is acted on after it.
A configuration that can no longer be read is reported, and the watcher waits for the next change.
While it waits, the watcher loads each target's stage snapshot as a structural replay reads it,
once its writer has put it in place (`stage/ahead.py`): the next child is handed that object instead
of reading the file, as long as the file is still the one it was loaded from. Before each
regeneration it checks that clientgen on disk is still the code it imported (`_same_generator`).

The watcher itself reads no spec (only the stat data of the watched files, and the snapshots its
children will use) and writes nothing: every byte is written by a child, as `clientgen generate`
writes it, only inside the output folders and `.cache/clientgen/`.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from .stage import ahead
from .watch_child import Ran, learn, regenerate, warm

if TYPE_CHECKING:
    from .config_types import TargetConfig

MAX_FILES = 500
MAX_DEPTH = 4
_SPEC_SUFFIXES = (".json", ".yaml", ".yml")
Stamp = tuple[tuple[str, tuple[int, ...] | None], ...]


def watched_files(project: Path, targets: Sequence[TargetConfig]) -> list[Path]:
    """The files whose change means a regeneration: the project file, each target's spec, and the
    spec-like files beside the specs (see the module's docstring), in a stable order."""
    outputs = {Path(t.output) for t in targets}
    found: dict[str, Path] = {str(project): project}
    for target in targets:
        spec = Path(target.spec)
        found.setdefault(str(spec), spec)
        for path in _beside(spec.parent, outputs):
            if len(found) >= MAX_FILES:
                break
            found.setdefault(str(path), path)
    return [found[key] for key in sorted(found)]


def _beside(folder: Path, outputs: set[Path]) -> list[Path]:
    """Spec-like files in `folder`'s tree, hidden and output folders left out (bounded walk)."""
    files: list[Path] = []
    for at, dirs, names in os.walk(folder):
        here = Path(at)
        depth = len(here.relative_to(folder).parts)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in ("__pycache__", "node_modules")
            and here / d not in outputs
            and depth < MAX_DEPTH
        )
        files.extend(here / n for n in sorted(names) if n.endswith(_SPEC_SUFFIXES))
        if len(files) >= MAX_FILES:
            break
    return files[:MAX_FILES]


def stamp(files: Sequence[Path]) -> Stamp:
    """The stat data of each file (None: missing or unreadable)."""
    out: list[tuple[str, tuple[int, ...] | None]] = []
    for path in files:
        try:
            st = os.stat(path)
            out.append(
                (str(path), (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev))
            )
        except OSError:
            out.append((str(path), None))
    return tuple(out)


def watch(
    names: Sequence[str],
    flags: Sequence[str],
    *,
    interval: float,
    settle: float,
    timeout: float,
    say: Callable[[str], None],
    runs: int | None = None,
) -> int:
    """Watch and regenerate until stopped (or after `runs` regenerations); the exit code: 0 when
    stopped, 130 on Ctrl-C. `flags`: what `generate` is also given (`-q`, `-v`, `--strict`)."""
    stopping: list[int] = []  # SIGINT or SIGTERM: the loop ends (after the regeneration running)

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)  # (no exception: it could land in code that catches it)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _loop(list(names), list(flags), (interval, settle, timeout), say, runs, stopping)
        return 130 if stopping and stopping[0] == signal.SIGINT else 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _loop(
    names: list[str],
    flags: list[str],
    times: tuple[float, float, float],
    say: Callable[[str], None],
    runs: int | None,
    stopping: list[int],
) -> None:
    interval, settle, timeout = times
    start = time.perf_counter()
    loaded = warm()
    from .provenance import generator_fingerprint

    generator_fingerprint()  # (once, here: inherited by every child, checked before each)
    files, snapshots = _files(names, say, first=True)
    say(
        f"watching {len(files)} file(s) for {', '.join(names) or 'every target'} "
        f"(warm in {time.perf_counter() - start:.2f} s, {loaded} modules); Ctrl-C stops"
    )
    seen, done = stamp(files), 0
    while (runs is None or done < runs) and not stopping:
        if done:  # (the first regeneration at once: the output brought up to date)
            time.sleep(interval)
            now = stamp(files)
            if now == seen:
                _load_ahead(snapshots)
                continue
            while not stopping:  # held still for `settle` seconds?
                time.sleep(settle)
                later = stamp(files)
                if later == now:
                    break
                now = later
            if stopping:
                break
            seen = now
        _same_generator(say)
        ran = regenerate([*names, *flags], timeout)
        done += 1
        say(_said(ran, "-v" in flags) + ("" if runs is not None and done >= runs else "; watching"))
        learn(ran.modules)
        again, snapshots = _files(names, say)  # (the configuration may name other specs now)
        if again != files:
            files, seen = again, stamp(again)


def _load_ahead(snapshots: Sequence[Path]) -> None:
    """What the last run's snapshot writer left, loaded once it is there (`stage/ahead.py`)."""
    for path in snapshots:
        load_ahead(path)


_failed: dict[str, ahead.Stat] = {}  # the stat data of each snapshot file that did not load


def load_ahead(path: Path) -> bool:
    """Load the stage snapshot at `path` as a structural replay would and keep it for the next
    child (`stage/ahead.py`), unless the one kept is of the same file as it is now (or that file
    did not load: it is not read again at every look); whether one is kept now."""
    from .stage.snapshot import load, peek

    now = ahead.stat_of(path)
    if now is not None and (ahead.kept_stat(path) == now or _failed.get(str(path)) == now):
        return ahead.kept_stat(path) == now
    ahead.forget(path)
    if now is None:
        return False
    head = peek(path)
    snapshot = None
    if now[0] <= ahead.LIMIT and head is not None:
        snapshot = load(path, head.key, with_prose=False)
    if snapshot is None or head is None or ahead.stat_of(path) != now:
        _failed[str(path)] = now
        return False
    _failed.pop(str(path), None)
    ahead.keep(path, now, head.key, snapshot)
    return True


def _same_generator(say: Callable[[str], None]) -> None:
    """Is clientgen on disk still the code this process imported? The children inherit both the
    code and its fingerprint (computed here once), which keys every cache entry they write; after an
    upgrade or an edit of the generator, the watcher starts again as a new process (`os.execv`: the
    same command line), so old code never writes under the new fingerprint."""
    from .provenance import fresh_fingerprint, generator_fingerprint

    if fresh_fingerprint() == generator_fingerprint():
        return
    say("clientgen changed on disk since the watcher started: starting again")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "generator", *sys.argv[1:]])


def _said(ran: Ran, verbose: bool) -> str:
    if ran.status is None:
        return f"regeneration stopped after {ran.seconds:.0f} s (--timeout)"
    more = (
        f", CPU {ran.cpu:.3f} s, {len(ran.modules)} module(s) imported that the watcher had not"
        if verbose
        else ""
    )
    return f"regenerated in {ran.seconds:.3f} s (exit {ran.status}{more})"


class Unusable(Exception):
    """The configuration cannot be read when the watcher starts (the message says why)."""


def _files(
    names: Sequence[str], say: Callable[[str], None], first: bool = False
) -> tuple[list[Path], list[Path]]:
    """The files to watch, from the configuration as it stands, and the targets' stage snapshots
    (to load ahead: `stage/ahead.py`). When it cannot be read: at the start, `Unusable`; later,
    only the project file (the message says why, and its next change is waited for)."""
    from .config import TargetSelectionError, find_project_file, select_targets
    from .diagnostics import SpecError
    from .stage.snapshot import stage_file

    here, project = Path.cwd(), None
    try:
        project = find_project_file(here)
        if project is None:
            raise TargetSelectionError(
                "no [tool.clientgen] table in a pyproject.toml here or above"
            )
        targets, _ = select_targets(names, here)
    except (TargetSelectionError, SpecError) as exc:
        message = exc.diagnostic.render() if isinstance(exc, SpecError) else str(exc)
        if first:
            raise Unusable(message) from None
        say(f"cannot read the configuration: {message}")
        return ([here / "pyproject.toml"] if project is None else [project]), []
    found = (stage_file(project.parent, Path(t.output)) for t in targets)
    return watched_files(project, targets), [path for path in found if path is not None]


def say_on_stderr(text: str) -> None:
    """How the watcher speaks: one line on stderr, prefixed (stdout is the commands')."""
    print(f"clientgen watch: {text}", file=sys.stderr, flush=True)
