"""A new output folder's files created ahead, on the second core (issue 18: full generation's write).

A package written into a new (or empty) output folder is written whole into a hidden sibling folder
that is then renamed into place (`write_files.create`). Creating a file is most of what writing costs, and
on a busy ext4 file system it costs the most: GitHub's 1,680 files took 0.05–1.4 s to create, while
renaming as many files that exist took 0.04 s and writing into them a few hundredths. The files'
names are known only after parse and naming, their number roughly from the spec's size: so when the
output folder is new, staging makes that hidden folder before the spec is read
(`Prewrite.for_output`) and forks a process that creates a pool of empty files in it
(`.clientgen-pool/0`, `1`, …; 128 and one per 8 kB of spec) while this process reads, parses and
names, when the second core is mostly idle — at the lowest priority (`nice` 19), so that it uses
only CPU time nothing else wants: on a busy machine it makes few files (100–400 of GitHub's 1,680 at
load 3.5) and the rest are created as before, while at the parent's priority it took the parent's
share of the two cores during parse (parse 1.7–3.0 s wall for 0.85 s of CPU). Writing the package stops that process, renames a pool file to
each path it writes and fills it (never following a link: `O_NOFOLLOW`), creates the rest as
before, and removes the pool files left over before the folder is renamed into place. So the
folder holds exactly what was written, with the same permissions (the pool's files are made
`0o644` under the same umask, as `write_files.put` makes them); it is renamed into place only once every
file is written, and is removed, files and all, when anything fails. Durability is unchanged:
nothing is synced, as before.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
from pathlib import Path

POOL = ".clientgen-pool"  # below the hidden folder; no generated path starts with a dot folder
SPEC_BYTES_PER_FILE = 8_000  # GitHub's spec: 13.2 MB → 1,680 files; CaseXchange's 0.55 MB → 404
POOL_NICE = 19  # the pool process's priority, below everything else
POOL_MIN, POOL_MAX = 128, 20_000  # (the runtime modules, pyproject, README: whatever the size)


class Prewrite:
    """The hidden folder a new output folder is written into, and the empty files made ahead in it."""

    def __init__(self, fresh: str) -> None:
        self.fresh = fresh  # the hidden sibling folder (renamed into place by `write_files.create`)
        self.pool = os.path.join(fresh, POOL)
        self._pid = 0
        self._spare: list[str] = []

    @classmethod
    def for_output(cls, out: Path, spec_bytes: int) -> Prewrite | None:
        """A `Prewrite` when `out` is new or an empty folder (and its parent a folder), its pool
        being filled by a forked process when forking is possible; else None."""
        try:
            if out.exists() and (not out.is_dir() or any(out.iterdir())):
                return None
            if not out.parent.is_dir():
                return None
            name = f".{out.name}.clientgen-new-{os.getpid()}-{secrets.token_hex(4)}"
            fresh = str(out.parent / name)
            os.mkdir(fresh)  # not mkdtemp: the folder keeps the permissions a plain mkdir gives it
        except OSError:
            return None  # written as before
        made = cls(fresh)
        made.start(min(POOL_MAX, POOL_MIN + spec_bytes // SPEC_BYTES_PER_FILE))
        return made

    def start(self, count: int) -> None:
        """Fork a process that creates `count` empty files in the pool (none when forking is not
        possible: the files are then created as they are written)."""
        from .render.fanout import can_fork  # (not imported by the no-op answers)

        if not can_fork():
            return
        try:
            os.mkdir(self.pool)
            pid = os.fork()
        except OSError:
            return
        if pid == 0:  # the child: creates files, never returns
            try:
                with contextlib.suppress(OSError):  # only the CPU time nothing else wants
                    os.nice(POOL_NICE)
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                for number in range(count):
                    os.close(os.open(os.path.join(self.pool, str(number)), flags, 0o644))
            finally:
                os._exit(0)
        self._pid = pid

    def stop(self) -> None:
        """Stop and reap the pool's process (idempotent): after this nothing creates files here."""
        pid, self._pid = self._pid, 0
        if pid <= 0:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    def take(self) -> None:
        """Stop the process; the files it made are what `claim` hands out."""
        self.stop()
        try:
            self._spare = os.listdir(self.pool)
        except OSError:
            self._spare = []

    def claim(self, path: str) -> bool:
        """Rename a pool file to `path` (in this folder; its folder exists): False when none is left
        (or the rename failed), and the caller creates the file."""
        while self._spare:
            try:
                os.rename(os.path.join(self.pool, self._spare.pop()), path)
            except FileNotFoundError:
                continue
            except OSError:
                return False
            return True
        return False

    def finish(self) -> None:
        """Remove the pool (its files left over) before the folder is renamed into place."""
        self.stop()
        self._spare = []
        shutil.rmtree(self.pool, ignore_errors=True)
        if os.path.lexists(self.pool):
            raise OSError(f"cannot remove {self.pool}")

    def discard(self) -> None:
        """Stop the process and remove the folder unless it was renamed into place."""
        self.stop()
        shutil.rmtree(self.fresh, ignore_errors=True)
