"""A new output folder's files created ahead, on the second core (issue 18: full generation's write).

A package written into a new (or empty) output folder is written whole into a hidden sibling folder
that is then renamed into place (`write._create`). Creating a file is most of what writing costs: on
a busy ext4 file system creating GitHub's 1,680 files took 0.2–1.7 s, while writing into files that
exist takes a few hundredths. So when the output folder is new, the staging step makes that hidden
folder before rendering (`Prewrite.fresh`), and the forked child that renders the types modules
(`render/fanout.py`), once it has handed its texts over, creates their files there, empty (`run`,
`O_EXCL`: it never opens a file that exists, so it can never empty one the parent wrote), while this
process renders the rest, formats and hashes. Writing the package then fills the files the child
made and creates the others as before. Before the folder is renamed into place the child is stopped
and reaped (`stop`), and any empty file it made that the package does not hold (a file the user
claims) is removed again, so the folder holds exactly what was written. The guarantees of
`write.py` are unchanged: the folder is renamed into place only once every file is written, and is
removed, files and all, when anything fails.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
from collections.abc import Collection, Iterable
from pathlib import Path


class Prewrite:
    """The hidden folder a new output folder is written into, and the files created in it ahead."""

    def __init__(self, fresh: str) -> None:
        self.fresh = (
            fresh  # the hidden sibling folder (made; renamed into place by `write._create`)
        )
        self.planned: list[str] = []  # files the child creates (relative POSIX paths)
        self._pid = 0

    @classmethod
    def for_output(cls, out: Path) -> Prewrite | None:
        """A `Prewrite` when `out` is new or an empty folder (and its parent a folder), else None."""
        try:
            if out.exists() and (not out.is_dir() or any(out.iterdir())):
                return None
            if not out.parent.is_dir():
                return None
            fresh = str(
                out.parent / f".{out.name}.clientgen-new-{os.getpid()}-{secrets.token_hex(4)}"
            )
            os.mkdir(fresh)  # not mkdtemp: the folder keeps the permissions a plain mkdir gives it
        except OSError:
            return None  # written as before
        return cls(fresh)

    def plan(self, rels: Iterable[str]) -> None:
        """The files the child is to create (in this order); their folders are made here, now."""
        self.planned = list(rels)
        for folder in sorted({os.path.dirname(rel) for rel in self.planned}):
            os.makedirs(os.path.join(self.fresh, folder), exist_ok=True)

    def run(self) -> None:
        """In the child: create each planned file, empty, unless it exists (never replaced)."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        for rel in self.planned:
            try:
                os.close(os.open(os.path.join(self.fresh, rel), flags, 0o644))
            except FileExistsError:
                continue  # the parent was there first
            except OSError:
                return  # the folder is gone (or full): the parent creates what is missing

    def adopt(self, pid: int) -> None:
        """The child that runs `run` (from `fanout.Deferred.handoff`); stopped by `stop`."""
        self._pid = pid

    def stop(self) -> None:
        """Stop and reap the child (idempotent): after this, nothing creates files in `fresh`."""
        pid, self._pid = self._pid, 0
        if pid <= 0:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    def settle(self, written: Collection[str]) -> None:
        """Stop the child and remove the empty files it made that are not among `written`."""
        self.stop()
        extra = [rel for rel in self.planned if rel not in written]
        for rel in extra:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.fresh, rel))
        for folder in sorted({os.path.dirname(rel) for rel in extra}, key=len, reverse=True):
            while folder:  # a folder `plan` made that is left empty, and its empty parents
                try:
                    os.rmdir(os.path.join(self.fresh, folder))
                except OSError:
                    break
                folder = os.path.dirname(folder)

    def discard(self) -> None:
        """Stop the child and remove the folder unless it was renamed into place."""
        self.stop()
        shutil.rmtree(self.fresh, ignore_errors=True)
