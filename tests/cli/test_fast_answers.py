"""The no-op `generate` / `check` answers (issue 18): what they import, and why their caches — the
configuration's cached reading (`generator/target_cache.py`) and the tree index of stat data
(`generator/tree_index.py`) — can never accept a changed file or a changed configuration. Structure,
no timings."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import tree_index
from generator.cli import cli
from generator.tree_index import TreeIndex
from generator.write import read_tree
from tests.conftest import REPO

NOOP = f"""
import atexit
import sys
sys.path.insert(0, {str(REPO)!r})
sys.argv = ["clientgen", *sys.argv[1:]]
# `generate` and `check` end with `quick.leave`, which runs the atexit handlers
atexit.register(lambda: print(",".join(sorted({{m for m in sys.modules if m.startswith(("generator.",
      "pydantic", "jinja2", "yaml", "httpx", "openapi_pydantic", "importlib.metadata", "click"))}}))))
from generator.cli import main
main()
"""

# what a no-op answer may import of the generator: the console script and `quick.py` (no click, no
# commands), the provenance answer and its caches
LIGHT = {
    "generator.cache_files",
    "generator.cli",
    "generator.console",
    "generator.dataclass_code",  # (installed by `import generator`: the standard library only)
    "generator.diagnostics",
    "generator.exitcode",
    "generator.fingerprint_record",  # (the standard library and tree_index's constant only)
    "generator.folder_tree",
    "generator.format",
    "generator.gcpause",  # (the standard library's gc and contextlib only)
    "generator.keep",  # (typing only)
    "generator.memo",
    "generator.ownership",
    "generator.paths",
    "generator.pipeline",
    "generator.progress",
    "generator.provenance",
    "generator.quick",
    "generator.target_cache",
    "generator.tree_index",
    "generator.validation_cache",
    "generator.version",
    "generator.write",
    "generator.write_files",  # (the standard library, provenance and folder_tree only)
}


def _run(folder: Path, *args: str) -> tuple[int, set[str]]:
    proc = subprocess.run(
        [sys.executable, "-I", "-c", NOOP, *args],
        check=False,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.stdout.strip(), proc.stderr[-2000:]
    return proc.returncode, set(proc.stdout.strip().splitlines()[-1].split(",")) - {""}


@pytest.mark.parametrize("command", ["generate", "check"])
def test_a_noop_answer_imports_neither_pydantic_nor_the_renderer(
    pets_project: Path, command: str
) -> None:
    """After a generate, `generate` and `check` answer without the configuration's pydantic models,
    the renderer, the spec loader or importlib.metadata (the generator fingerprint reads ruff's
    version from its dist-info)."""
    code, first = _run(pets_project, "generate")
    assert code == 0 and "generator.render.plan" in first  # it rendered
    code, modules = _run(pets_project, command)
    assert code == 0
    assert modules <= LIGHT, sorted(modules - LIGHT)


def _generated(project: Path) -> Path:
    result = CliRunner().invoke(cli, ["generate", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project / "generated" / "pets"


def _noop() -> str:
    result = CliRunner().invoke(cli, ["generate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_changed_configuration_is_read_again(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(pets_project)
    out = _generated(pets_project)
    assert "fast path" in _noop()
    project = pets_project / "pyproject.toml"
    project.write_text(project.read_text().replace('client_name = "Pets"', 'client_name = "Zoo"'))
    again = _noop()
    assert "fast path" not in again and "files written" in again
    assert "class Zoo(" in (out / "src" / "pets" / "_client.py").read_text()
    # an unknown name is reported by the proper reading, not answered from the cache
    result = CliRunner().invoke(cli, ["generate", "nope"])
    assert result.exit_code == 2 and "unknown target(s) nope" in result.output


def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as older than the racy window (so the index records it)."""
    later = tree_index.now_ns() + 10 * tree_index.RACY_NS
    monkeypatch.setattr(tree_index, "now_ns", lambda: later)


def _index(project: Path) -> TreeIndex:
    return TreeIndex.for_output(project, project / "generated" / "pets")


def test_the_tree_index_never_accepts_a_changed_file(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file rewritten with the same size and its old mtime put back (only ctime tells) is read
    again: `check` reports it stale and `generate` repairs it."""
    monkeypatch.chdir(pets_project)
    out = _generated(pets_project)
    _settled(monkeypatch)
    index = _index(pets_project)
    index.scan(out)
    index.save()
    assert index.read == len(read_tree(out))  # every file read once, then recorded
    again = _index(pets_project)
    seen = again.scan(out)
    assert again.read == 0 and seen.keys() == read_tree(out).keys()

    victim = out / "src" / "pets" / "_client.py"
    data, st = victim.read_bytes(), victim.stat()
    changed = data.replace(b"class Pets(", b"class Petz(", 1)
    assert changed != data and len(changed) == len(data)
    victim.write_bytes(changed)
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert victim.stat().st_mtime_ns == st.st_mtime_ns and victim.stat().st_size == st.st_size

    third = _index(pets_project)
    seen = third.scan(out)
    assert (
        third.read == 1 and seen["src/pets/_client.py"].digest == hashlib.sha256(changed).digest()
    )
    stale = CliRunner().invoke(cli, ["check"])
    assert stale.exit_code == 1 and "stale: pets/src/pets/_client.py" in stale.output
    assert "fast path" not in _noop()
    assert victim.read_bytes() == data


def _indexed(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project's package generated, every file settled and recorded in its tree index."""
    monkeypatch.chdir(project)
    out = _generated(project)
    _settled(monkeypatch)
    index = _index(project)
    index.scan(out)
    index.save()
    return out


def _rewritten(path: Path, old: bytes, new: bytes) -> None:
    """`path` given other bytes of the same size, its mtime put back (only ctime tells)."""
    st = path.stat()
    assert new != old and len(new) == len(old)
    path.write_bytes(new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_scan_against_the_tree_about_to_be_written_compares_instead_of_hashing(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write's scan (`write.apply_package`) reads a file the index cannot answer for and
    compares it with the file about to be written there: a user's change (same size, mtime put
    back) is seen as a difference, a file rewritten with the same bytes is that file (recorded
    with its digest), a file the new tree lacks (the user's) is hashed as before; nothing
    compared is hashed."""
    from generator.write import _against, _digests

    out = _indexed(pets_project, monkeypatch)
    files = read_tree(out)
    new = dict(files)  # what the write is about to write: the files as they are
    victim, same, mine = "src/pets/_client.py", "README.md", "notes.txt"
    _rewritten(
        out / victim, files[victim], files[victim].replace(b"class Pets(", b"class Petz(", 1)
    )
    (out / same).write_bytes(files[same])  # rewritten with its own bytes: a new ctime
    headless = b"the user's own notes\n"  # (a file the new tree does not have)
    (out / mine).write_bytes(headless)
    against, again = _against(new, _digests(new)), _index(pets_project)
    hashed: list[int] = []
    real = hashlib.sha256

    def sha256(data: bytes = b"") -> object:
        hashed.append(len(data))
        return real(data)

    monkeypatch.setattr(tree_index.hashlib, "sha256", sha256)
    seen = again.scan(out, against)
    assert again.read == 3 and hashed == [len(headless)]  # only the file `new` lacks is hashed
    assert seen[victim].digest == tree_index.DIFFERS and seen[victim].headed
    assert seen[same].digest == real(files[same]).digest() and seen[same].headed
    assert seen[mine].digest == real(headless).digest() and not seen[mine].headed
    assert again._new[same][1] == seen[same].digest.hex()  # recorded as a hashed file would be
    assert victim not in again._new  # (not recorded: it is about to be rewritten)
    monkeypatch.setattr(tree_index.hashlib, "sha256", real)
    output = _noop()
    assert "fast path" not in output, output  # `generate` repairs it
    assert (out / victim).read_bytes() == files[victim], output
    assert (out / mine).read_bytes() == headless  # the user's, kept


def test_a_file_of_another_size_than_the_one_about_to_be_written_is_not_read_whole(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write's scan compares a file the index cannot answer for with the file about to be
    written there; when their sizes differ it differs without being read: only its first bytes,
    for the header flag — a user's file without the header is still one (the write refuses to
    replace it), a generated one still clientgen's. A file of the same size is read whole."""
    from generator.ownership import HEADER_WITHIN
    from generator.write import _against, _digests

    out = _indexed(pets_project, monkeypatch)
    files = read_tree(out)
    new = dict(files)
    longer, headless, same = "README.md", "src/pets/_client.py", "src/pets/__init__.py"
    (out / longer).write_bytes(files[longer] + b"\n")  # clientgen's, one byte longer
    (out / headless).write_bytes(b"x = 1\n" * 100_000)  # the user's, without the header
    (out / same).write_bytes(files[same])  # rewritten with its own bytes: a new ctime
    reads: dict[str, list[int]] = {}
    real_open = open

    class Spy:
        def __init__(self, path: str) -> None:
            self._f = real_open(path, "rb")
            self._rel = os.path.relpath(path, out)

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self._f.close()

        def fileno(self) -> int:
            return self._f.fileno()

        def read(self, size: int = -1) -> bytes:
            data = self._f.read(size)
            reads.setdefault(self._rel, []).append(len(data))
            return data

    monkeypatch.setattr(tree_index, "open", lambda path, mode: Spy(path), raising=False)
    again = _index(pets_project)
    seen = again.scan(out, _against(new, _digests(new)))
    assert again.read == 3
    assert reads[longer] == [HEADER_WITHIN] and reads[headless] == [HEADER_WITHIN]
    assert seen[longer].digest == tree_index.DIFFERS and seen[longer].headed
    assert seen[headless].digest == tree_index.DIFFERS and not seen[headless].headed
    assert reads[same] == [len(files[same])]  # the same size: read whole and compared
    assert seen[same].digest == hashlib.sha256(files[same]).digest()
    monkeypatch.undo()
    monkeypatch.chdir(pets_project)
    result = CliRunner().invoke(cli, ["generate"])  # (the write refuses: exit 2 from `main`)
    assert result.exit_code != 0 and "was not written by clientgen" in str(result.exception)
    assert (out / headless).read_bytes() == b"x = 1\n" * 100_000  # the user's, kept


def test_the_no_op_answers_index_serves_the_write_and_a_later_change_is_seen(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a prose edit the no-op answer hands the index it read on to the replay's write
    (the file is parsed once); a file the user changes after that answer, before the write
    (same size, mtime put back), is still seen and rewritten."""
    from generator import pipeline

    out = _indexed(pets_project, monkeypatch)
    victim = out / "src" / "pets" / "_client.py"
    data = victim.read_bytes()
    spec = pets_project / "pets.yml"
    spec.write_text(spec.read_text().replace("summary: List pets", "summary: List the pets"))
    loads: list[Path] = []
    real_load = tree_index._load

    def load(path: Path) -> dict[str, list[object]]:
        loads.append(path)
        return real_load(path)

    real_replayed = pipeline._generate_replayed

    def replayed(*args: object) -> object:
        assert tree_index._handed  # the answer's index, not yet taken
        _rewritten(victim, data, data.replace(b"class Pets(", b"class Petz(", 1))
        return real_replayed(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(tree_index, "_load", load)
    monkeypatch.setattr(pipeline, "_generate_replayed", replayed)
    result = CliRunner().invoke(cli, ["generate", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(loads) == 1 and not tree_index._handed  # read once, taken by the write
    assert victim.read_bytes() == data  # the change after the answer was seen and repaired
    assert "List the pets" in (out / "api.md").read_text()


def test_files_changed_within_the_racy_window_are_not_recorded(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(pets_project)
    out = _generated(pets_project)
    index = _index(pets_project)
    index.scan(out)  # every file was written a moment ago
    index.save()
    assert index.read == len(read_tree(out))
    again = _index(pets_project)
    again.scan(out)
    assert again.read == len(read_tree(out))  # nothing was trusted, everything read again


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong digest length", "deleted"])
def test_a_damaged_index_or_config_cache_is_an_empty_one(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.chdir(pets_project)
    out = _generated(pets_project)
    _settled(monkeypatch)
    assert "fast path" in _noop()
    caches = [
        *(pets_project / tree_index.FOLDER).iterdir(),
        pets_project / ".cache/clientgen/targets.json",
    ]
    for path in caches:
        text = path.read_text()
        if damage == "garbage":
            path.write_bytes(b"\x00\xff not json")
        elif damage == "truncated":
            path.write_text(text[: len(text) // 2])
        elif damage == "wrong digest length":
            data = json.loads(text)
            if "files" in data:
                for entry in data["files"].values():
                    entry[1] = entry[1][:10]
            else:
                data["targets"] = [["pets"]]
            path.write_text(json.dumps(data))
        else:
            path.unlink()
    before = read_tree(out)
    assert "fast path" in _noop()  # answered all the same: the caches cost only speed
    assert read_tree(out) == before


def test_the_answers_follow_a_read_tree_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index sees the files `write.read_tree` reads: links to files followed, links to folders
    and caches not, dangling links skipped."""
    _settled(monkeypatch)
    folder = tmp_path / "tree"
    (folder / "a" / "__pycache__").mkdir(parents=True)
    (folder / "a" / "__pycache__" / "x.pyc").write_bytes(b"x")
    (folder / "a" / "m.py").write_text("m")
    (folder / "top.md").write_text("t")
    (folder / "link.md").symlink_to(folder / "top.md")
    (folder / "dir-link").symlink_to(folder / "a", target_is_directory=True)
    (folder / "dangling").symlink_to(folder / "missing")
    seen = TreeIndex(None).scan(folder)
    tree = read_tree(folder)
    assert seen.keys() == tree.keys() == {"a/m.py", "top.md", "link.md"}
    assert all(seen[rel].digest == hashlib.sha256(tree[rel]).digest() for rel in tree)


def test_cache_off_means_no_cache_files(
    pets_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(pets_project)
    monkeypatch.setenv("CLIENTGEN_CACHE", "off")
    _generated(pets_project)
    assert "fast path" in _noop()  # still answered from provenance (read from the files)
    assert not (pets_project / tree_index.FOLDER).exists()
    assert not (pets_project / ".cache/clientgen/targets.json").exists()


def test_the_index_hashes_a_large_file_a_piece_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the index does not know is read a piece at a time (graph-beta's operations.json is
    31 MB): its digest is the whole file's, its header flag the first lines'."""
    from typing import Self

    from generator.paths import HEADER

    monkeypatch.setattr(tree_index, "_PIECE", 64)
    data = f"# {HEADER}\n".encode() + b"x = 1\n" * 100
    (tmp_path / "big.py").write_bytes(data)
    (tmp_path / "plain.txt").write_bytes(b"no header here\n" * 20)
    reads: list[int] = []
    real_open = open

    class Counting:
        def __init__(self, f: object) -> None:
            self.f = f

        def __enter__(self) -> Self:
            return self

        def __exit__(self, *exc: object) -> None:
            self.f.close()  # type: ignore[attr-defined]

        def read(self, size: int = -1) -> bytes:
            reads.append(size)
            return self.f.read(size)  # type: ignore[attr-defined,no-any-return]

    monkeypatch.setattr(tree_index, "open", lambda *a: Counting(real_open(*a)), raising=False)
    seen = TreeIndex(None).scan(tmp_path)
    assert seen["big.py"].digest == hashlib.sha256(data).digest() and seen["big.py"].headed
    assert not seen["plain.txt"].headed
    assert reads and all(0 < size <= 64 for size in reads)
