"""Files staged as they are rendered (issue 18: graph-beta's peak memory).

`generate` opens the staging folder before it renders (the output folder's ownership is checked first,
so a folder clientgen must not touch fails before any work), and `plan_files` hands each file to
`Staging.add` as soon as its text exists: the text gets its header, is looked up in the module cache
and, unless known there, written into the staging folder and let go (the spec's copy, bytes shipped as
they are, is staged beside the texts, where ruff does not look). `Staging.finish` runs ruff over the
folder once and returns a `StagedTree`: the finished package as a mapping of relative path → bytes that
knows every file's SHA-256 but reads a file's bytes from the staging folder only when asked, one at a
time (`write.apply_package` compares by digest and writes file by file). So neither the rendered texts
nor the formatted bytes of a package are ever all in memory: graph-beta's are 324 MB of each.

The staging folder is removed when the `Staging.open` block ends, whatever happens; a file system
problem is the same fatal diagnostic naming the output folder as in `write.build_package`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from . import provenance
from .format import (
    FORMATTED,
    Formatting,
    format_tree,
    formatted,
    start_tree,
    tree_command,
    tree_formatted,
)
from .memo import Memo
from .ownership import Ownership
from .prewrite import Prewrite
from .progress import SILENT, Progress
from .render.fanout import HANDED_OVER_FAILED
from .spec_copy import Parts
from .write import (
    _check_relative,
    _headed,
    _unwritable,
    ensure_ours,
    scratch_for,
    with_header,
)
from .write_files import Folders, put

# what a package's files take, from its spec's size, to choose the staging folder's file system before
# they exist (graph-beta: 47 MB → 359 MB, the committed clients ≈ 5–10×; a small spec's runtime modules)
OUTPUT_PER_SPEC_BYTE = 12
OUTPUT_FIXED = 8 << 20


# a package whose staged texts are at most this large keeps their formatted bytes from `finish` to
# the write (GitHub's: ≈ 8 MB; each file read once, not twice); a larger one (graph-beta's: 324 MB)
# is read again, one file at a time, when written
HOLD_UP_TO = 32 << 20
SLICE = 1 << 20  # characters of a large text encoded at a time
# bytes shipped as they are (the spec's copy) of at most this size are kept in memory, as the pieces
# they were given in, not staged and read back (GitHub's copy: 7 MB; graph-beta's 47 MB are staged)
DATA_HELD_UP_TO = 16 << 20
# a text given in pieces (`operations.json`) of at most this many characters is joined and keyed in
# memory, as a text is, not staged in pieces and read back for its key (GitHub's: 1.2 M; graph-beta's
# 30 M are staged in pieces)
JOINED_UP_TO = 4 << 20
EARLY = 64 << 10  # characters of a text formatted as soon as it is staged, when `early` is set
READ_CHUNK = 1 << 20  # bytes of a large staged file read at a time (a small one is read whole)
# the render child's modules are formatted (`Apart.start`) at this niceness above the run's: on the
# core the child left when it is idle; on a busy host it yields most of a CPU it shares with the run
# (which renders on) instead of slowing it down
NICER = 5


def _encoded(rel: str, text: str | list[str]) -> Iterator[bytes]:
    """`with_header(rel, text)` in pieces (api.md with its header would be two 50 MB strings and
    the bytes at once: one character beyond Latin-1, such as the header's dash, makes a Python
    string two bytes per character)."""
    yield _headed(rel, "").encode()
    for piece in [text] if isinstance(text, str) else text:
        for at in range(0, len(piece), SLICE):
            yield piece[at : at + SLICE].encode()


def _read(path: str) -> bytes:
    """A small file's bytes (without a Python file object: a staged package is thousands of them)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        size = os.fstat(fd).st_size + 1  # one read to the end, one to see it is the end
        parts = []
        while part := os.read(fd, size):
            parts.append(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)


def _pieces(path: str) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(READ_CHUNK):
            yield chunk


def _put_parts(folders: Folders, path: str, parts: Iterable[bytes | memoryview]) -> None:
    folders.ensure(os.path.dirname(path))
    with open(path, "wb") as f:
        f.writelines(parts)


class StagedTree(Mapping[str, bytes]):
    """The finished package: every file's SHA-256 known, its bytes read from the staging folder when
    asked (those the module cache knew, and GENERATION.toml, are held). Valid while its staging
    folder exists (inside `Staging.open`)."""

    def __init__(
        self,
        digests: dict[str, bytes],
        paths: dict[str, str],
        held: dict[str, bytes],
        large: frozenset[str] = frozenset(),
        prewrite: Prewrite | None = None,
        known: Mapping[str, bytes] | None = None,
        memo: Memo | None = None,
        parts: Mapping[str, Parts] | None = None,
    ) -> None:
        self.digests = digests
        self._paths = paths
        self._held = held
        self._large = large  # read a piece at a time
        self.prewrite = prewrite  # a new output folder's hidden sibling, made ahead (`prewrite.py`)
        self._known = known or {}  # files the module cache knew: their keys (read from it)
        self._memo = memo
        self._parts = parts or {}  # bytes shipped as they are, held as their pieces

    def __getitem__(self, rel: str) -> bytes:
        held = self._held.get(rel)
        if held is not None:
            return held
        parts = self._parts.get(rel)
        if parts is not None:
            return b"".join(parts)
        key = self._known.get(rel)
        if key is not None and self._memo is not None:
            return self._memo.read(key)
        return _read(self._paths[rel])

    def held(self, rel: str) -> Parts | None:
        """The file's bytes when they are in memory (held, or the pieces they were given in);
        None: they would be read (from the staging folder or the module cache)."""
        data = self._held.get(rel)
        return (data,) if data is not None else self._parts.get(rel)

    def key(self, rel: str) -> bytes | None:
        """The module-cache key a file's bytes are read by (None: read from the staging folder)."""
        return self._known.get(rel) if self._memo is not None and rel not in self._held else None

    @property
    def memo(self) -> Memo | None:
        return self._memo

    def chunks(self, rel: str) -> Iterator[bytes | memoryview]:
        """The file's bytes a piece at a time (`write` copies the spec's copy so)."""
        parts = self._parts.get(rel)
        if parts is not None:
            yield from parts
            return
        if rel in self._held or rel in self._known or rel not in self._large:
            yield self[rel]
            return
        yield from _pieces(self._paths[rel])

    def __iter__(self) -> Iterator[str]:
        return iter(self.digests)

    def __len__(self) -> int:
        return len(self.digests)


class Staging:
    """A staging folder that takes the package's files one at a time (`add`), then formats them
    (`finish`). Rendered texts go below `tree/`, which ruff formats (its `.py` files, and the Python
    code blocks of Markdown files); bytes shipped as they are (the spec's copy) below `data/`."""

    def __init__(self, folder: Path, out: Path, owner: Ownership | None, memo: Memo | None) -> None:
        self.tree = os.path.join(folder, "tree")
        self.data = os.path.join(folder, "data")
        self.out = out
        self._owner = owner
        self._memo = memo
        self._folders = Folders()
        # known to the module cache: the key and the SHA-256 of its bytes (read from it when written)
        self._known: dict[str, tuple[bytes, bytes]] = {}
        # told each staged text and its module-cache key (the stage cache's `Recorder.note`)
        self.observe: Callable[[str, str | list[str], bytes], None] | None = None
        self._texts: dict[str, bytes | None] = {}  # staged texts: their module-cache key
        self._data: dict[str, bytes] = {}  # staged bytes: their SHA-256
        self._parts: dict[str, Parts] = {}  # bytes held as their pieces (`DATA_HELD_UP_TO`)
        self._large: set[str] = set()  # staged files of READ_CHUNK bytes or more
        self.staged = 0  # files written into the folder
        self._small = 0  # characters of the texts staged whole (`HOLD_UP_TO`)
        self._early: set[str] = set()  # the texts `early` formats
        self._apart: dict[str, str] = {}  # texts staged and formatted by the render child: paths
        self._apart_job: Apart | None = None  # (`apart`)
        self.prewrite: Prewrite | None = None  # a new output folder: made ahead (`prewrite.py`)
        # set by a regeneration (`streamed.write_replayed`): its few large texts are formatted as
        # soon as they are staged, while the rest is rendered (the others in `finish`, as before)
        self.early: Formatting | None = None

    @classmethod
    @contextlib.contextmanager
    def open(
        cls,
        out: Path,
        owner: Ownership | None,
        memo: Memo | None,
        spec_bytes: int,
        aside: bool = False,
    ) -> Iterator[Staging]:
        """A staging folder for a package made from a spec of `spec_bytes` bytes (on tmpfs when it
        has room for the estimated output several times over), removed when the block ends.
        `aside`: for `check` (`checked.py`), which writes nothing beside the output folder and
        needs no ownership of it: a folder of the system's."""
        try:
            out = out.resolve()
            if not aside:
                ensure_ours(out, owner)
            fallback = Path(tempfile.gettempdir())
            if out.parent.is_dir() and not aside:
                fallback = out.parent
            estimate = OUTPUT_PER_SPEC_BYTE * spec_bytes + OUTPUT_FIXED
            folder = Path(
                tempfile.mkdtemp(
                    prefix=f".{out.name}.clientgen-", dir=scratch_for(estimate, fallback)
                )
            )
        except OSError as exc:
            raise _unwritable(exc, out) from None
        staging = cls(folder, out, owner, memo)
        try:
            if memo is None and not aside:  # (not with the module cache, nor for `check`)
                staging.prewrite = Prewrite.for_output(out, spec_bytes)
            yield staging
        finally:
            if staging.prewrite is not None:
                staging.prewrite.discard()
            if staging.early is not None:
                staging.early.stop()
            if staging._apart_job is not None:
                staging._apart_job.stop()
            shutil.rmtree(folder, ignore_errors=True)

    def format_early(self) -> None:
        """Format each large text as soon as it is staged (see `early`)."""
        self.early = Formatting(os.path.join(os.path.dirname(self.tree), "early"))

    def add(self, rel: str, text: str | list[str] | bytes | Parts) -> None:
        """Stage one file unless the user claims it: a rendered text (or the list of pieces it is
        made of), or bytes shipped as they are (the spec's copy), whole or in pieces (a tuple)."""
        _check_relative((rel,))
        if rel in self._known or rel in self._texts or rel in self._data:
            raise ValueError(f"{rel} is staged twice")
        if self._owner is not None and self._owner.claimed(rel):
            return
        try:
            if isinstance(text, (bytes, tuple)):  # data: not formatted, not cached
                parts = (text,) if isinstance(text, bytes) else text
                size = sum(len(part) for part in parts)
                if size <= DATA_HELD_UP_TO:
                    self._parts[rel] = parts
                else:
                    _put_parts(self._folders, os.path.join(self.data, rel), parts)
                digest = hashlib.sha256()
                for part in parts:
                    digest.update(part)
                self._data[rel] = digest.digest()
                if size >= READ_CHUNK:
                    self._large.add(rel)
            elif self._memo is not None:
                if not self._add_cached(rel, text, self._memo):
                    return  # the module cache knows it: nothing staged
            elif isinstance(text, str) and len(text) < READ_CHUNK:
                put(self._folders, os.path.join(self.tree, rel), with_header(rel, text))
                self._texts[rel] = None
                self._small += len(text)
            else:  # the header and the text encoded a slice at a time: no copy of a large text
                _put_parts(self._folders, os.path.join(self.tree, rel), _encoded(rel, text))
                self._texts[rel] = None
                self._large.add(rel)
        except OSError as exc:
            raise _unwritable(exc, self.out) from None
        self.staged += 1

    def add_known(self, rel: str, key: bytes) -> None:
        """Stage a file the module cache holds finished (a replay's module not rendered again,
        `stage/replay.py`): only its key and digest are kept, its bytes read when written."""
        _check_relative((rel,))
        if rel in self._known or rel in self._texts or rel in self._data:
            raise ValueError(f"{rel} is staged twice")
        if self._memo is None:
            raise ValueError(f"{rel}: no module cache to read it from")
        if self._owner is not None and self._owner.claimed(rel):
            return
        self._known[rel] = (key, self._memo.sha256(key))

    def _add_cached(self, rel: str, text: str | list[str], memo: Memo) -> bool:
        """Stage a text unless the module cache knows what it formats to (then only its key and
        digest are kept: False); a large one is written in pieces and its key read back from the
        file."""
        path = os.path.join(self.tree, rel)
        whole = text
        if isinstance(text, list) and sum(len(piece) for piece in text) <= JOINED_UP_TO:
            whole = "".join(text)  # (its key is the same: that of the bytes it stages)
        if isinstance(whole, str) and (len(whole) < READ_CHUNK or whole is not text):
            raw = with_header(rel, whole)
            self._small += len(whole)
            key = memo.text_key(rel, raw)
            large = False
        else:
            _put_parts(self._folders, path, _encoded(rel, text))
            key = memo.file_key(rel, path)
            large = True
        if self.observe is not None:
            self.observe(rel, text, key)
        if memo.find(key):  # (a large entry is not read whole for its digest)
            self._known[rel] = (key, memo.sha256(key))
            if large:
                os.unlink(path)
            return False
        if large:
            self._large.add(rel)
        else:
            put(self._folders, path, raw)
        self._texts[rel] = key
        if self.early is not None and rel.endswith(FORMATTED) and (large or len(whole) >= EARLY):
            self.early.start(path, rel)
            self._early.add(rel)
        return True

    def apart(self) -> Apart | None:
        """Texts the render child may stage and format itself (`Apart`); None with the module
        cache (its keys are taken as each text is staged here)."""
        if self._memo is not None or self.observe is not None:
            return None
        if self._apart_job is None:
            self._apart_job = Apart(self, os.path.join(os.path.dirname(self.tree), "apart"))
        return self._apart_job

    def _add_apart(self, rel: str, path: str, size: int) -> None:
        """Stage a text already written, formatted, at `path` (`Apart.add`)."""
        _check_relative((rel,))
        if rel in self._known or rel in self._texts or rel in self._data:
            raise ValueError(f"{rel} is staged twice")
        if self._owner is not None and self._owner.claimed(rel):
            return
        self._texts[rel] = None
        self._apart[rel] = path
        self._small += size
        self.staged += 1

    def finish(self, prov: provenance.Provenance, progress: Progress = SILENT) -> StagedTree:
        """Format the staged texts, add GENERATION.toml; the package, read lazily (`StagedTree`)."""
        progress.stage("formatting")
        paths: dict[str, str] = {}
        held: dict[str, bytes] = {}
        hold = self._small <= HOLD_UP_TO  # (with the module cache, texts it knew are not read)
        try:
            if any(
                rel.endswith(FORMATTED)
                for rel in self._texts
                if rel not in self._early and rel not in self._apart
            ):
                format_tree(Path(self.tree))  # (while the early ones are out of the tree)
            if self.early is not None:
                self.early.wait()  # (and put back)
            digests = dict(self._data)
            for rel in self._data:
                if rel not in self._parts:
                    paths[rel] = os.path.join(self.data, rel)
            # the texts formatted here are read while the render child's are still being
            # formatted (`Apart`: its ruff is waited for only then)
            for rel, key in self._texts.items():
                if rel not in self._apart:
                    self._take(rel, key, paths, digests, held if hold else None)
            if self._apart_job is not None:
                self._apart_job.wait()  # (formatted meanwhile)
            for rel, key in self._texts.items():
                if rel in self._apart:
                    self._take(rel, key, paths, digests, held if hold else None)
            for rel, (_, sha) in self._known.items():
                digests[rel] = sha
            ordered = {rel: digests[rel] for rel in sorted(digests)}
            final = dataclasses.replace(prov, tree_sha256=provenance.tree_hash_of(ordered))
            record = final.render().encode()
        except OSError as exc:
            raise _unwritable(exc, self.out) from None
        ordered[provenance.FILE] = hashlib.sha256(record).digest()
        keys = {rel: key for rel, (key, _) in self._known.items()}
        held[provenance.FILE] = record
        return StagedTree(
            ordered,
            paths,
            held,
            frozenset(self._large),
            self.prewrite,
            keys,
            self._memo,
            self._parts,
        )

    def _take(
        self,
        rel: str,
        key: bytes | None,
        paths: dict[str, str],
        digests: dict[str, bytes],
        held: dict[str, bytes] | None,
    ) -> None:
        """(`finish`.) A formatted text's path and digest (its bytes into the module cache under
        `key`, and into `held` unless None)."""
        paths[rel] = self._apart.get(rel) or os.path.join(self.tree, rel)
        if rel in self._large:
            digest = hashlib.sha256()
            for piece in _pieces(paths[rel]):  # not on the heap whole
                digest.update(piece)
            digests[rel] = digest.digest()
            if key is not None and self._memo is not None:
                self._memo.put_parts(key, _pieces(paths[rel]), digests[rel])
            return
        data = _read(paths[rel])
        digests[rel] = hashlib.sha256(data).digest()
        if key is not None and self._memo is not None:
            self._memo.put(key, data, digests[rel])
        if held is not None:
            held[rel] = data


class Apart:
    """Texts a forked render child writes, with their headers, into a tree of their own
    (`render/plan.py`: the types modules, while this process still renders the resources), which
    ruff formats in the background as soon as they are there while this process renders and
    formats the rest: the child, its result sent, becomes that ruff itself (`exec`; this process
    `adopt`s it), or this process starts it (`start`); they are then staged as they are (`add`).
    The tree holds each text at its path in the package's, and ruff runs over it as over the
    package's (the same command over "."), so the bytes are those one run over the whole package
    gives. `Staging.finish` waits for it (a failure: the same `format-failed`)."""

    def __init__(self, staging: Staging, root: str) -> None:
        self._staging = staging
        self.root = root
        self.err = root + ".err"  # the adopted ruff's standard error (beside its tree)
        self.used = False  # a text was staged from here: its ruff must succeed
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = 0  # the adopted ruff (`exec`, `adopt`)
        self._command = tree_command()  # (found here: the child execs it at once)

    def write(self, files: Iterable[tuple[str, str]]) -> frozenset[str]:
        """(In the child.) Write these texts with their headers below `root`: the paths written (a
        text of `READ_CHUNK` characters or more, or not Python, is left to this process)."""
        folders = Folders()
        done = []
        for rel, text in files:
            if len(text) < READ_CHUNK and rel.endswith(".py"):
                _check_relative((rel,))
                put(folders, os.path.join(self.root, rel), with_header(rel, text))
                done.append(rel)
        return frozenset(done)

    def exec(self) -> None:
        """(In the child, its result sent.) Become `start`'s ruff: on one thread, at `NICER`, its
        standard error into `err`. Returns only when it cannot (nothing written, or no exec)."""
        if not os.path.isdir(self.root):
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        os.dup2(os.open(self.err, flags, 0o600), 2)
        os.dup2(os.open(os.devnull, os.O_RDWR), 0)
        os.dup2(0, 1)
        os.chdir(self.root)
        with contextlib.suppress(OSError):  # (before ruff starts its threads, which take it)
            os.nice(NICER)
        os.execve(self._command[0], self._command, {**os.environ, "RAYON_NUM_THREADS": "1"})

    def adopt(self, pid: int) -> None:
        """The render child went on to `exec` (its pid; 0: it did not): that is the ruff waited
        for, none is `start`ed."""
        if pid > 0:
            self._pid = pid

    def start(self) -> None:
        """Format what the child wrote, in the background (once; nothing written: nothing run), on
        one thread and at `NICER`: it takes the core the child left while this process renders on
        the other, yielding to this process where the two share one."""
        if self._proc is None and not self._pid and os.path.isdir(self.root):
            self._proc = start_tree(self.root, threads=1, nicer=NICER)

    def add(self, rel: str, size: int) -> None:
        """Stage `rel`, which the child wrote (a text of `size` characters), formatted by `start`'s
        ruff."""
        self._staging._add_apart(rel, os.path.join(self.root, rel), size)
        self.used = True

    def wait(self) -> None:
        """Wait for the ruff (adopted or `start`ed): its failure is this run's when a text was
        staged from here; the child that could not exec it is replaced by `start`'s."""
        pid, self._pid = self._pid, 0
        if pid and not self.used:
            self._stop_pid(pid)
        elif pid:
            code = _exit_code(pid)
            if code != HANDED_OVER_FAILED:
                formatted(code, _text_of(self.err))
                return
        if self.used:
            self.start()  # (started already, unless something skipped it)
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if self.used:
            tree_formatted(proc)
        else:
            self.stop_proc(proc)

    def stop(self) -> None:
        """End its ruff (the run failed: the staging folder goes)."""
        pid, self._pid = self._pid, 0
        if pid:
            self._stop_pid(pid)
        proc, self._proc = self._proc, None
        if proc is not None:
            self.stop_proc(proc)

    @staticmethod
    def _stop_pid(pid: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _exit_code(pid)

    @staticmethod
    def stop_proc(proc: subprocess.Popen[bytes]) -> None:
        proc.kill()
        proc.communicate()


def _exit_code(pid: int) -> int:
    """Wait for a child (its exit code; a signal's: negative)."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return HANDED_OVER_FAILED  # (reaped already: not known)


def _text_of(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(1 << 16).decode(errors="replace")
    except OSError:
        return ""
