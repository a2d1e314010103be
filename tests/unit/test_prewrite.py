"""`generator/prewrite.py`: a new output folder's files created ahead by the render child; the
package written is the same, nothing is left behind, nothing that exists is emptied or followed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import pipeline, write
from generator.config import adhoc_target
from generator.diagnostics import SpecError
from generator.prewrite import Prewrite
from generator.render import fanout, plan
from generator.write import read_tree

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "specs"


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def test_only_a_new_or_empty_folder_is_prepared(tmp_path: Path) -> None:
    assert Prewrite.for_output(tmp_path / "missing" / "out") is None  # no parent folder
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    assert Prewrite.for_output(tmp_path / "full") is None
    (tmp_path / "file").write_text("")
    assert Prewrite.for_output(tmp_path / "file") is None
    (tmp_path / "empty").mkdir()
    for out in (tmp_path / "new", tmp_path / "empty"):
        ahead = Prewrite.for_output(out)
        assert ahead is not None
        assert Path(ahead.fresh).parent == tmp_path and Path(ahead.fresh).name.startswith(".")
        ahead.discard()
        assert not Path(ahead.fresh).exists()


def test_run_creates_empty_files_and_never_empties_one(tmp_path: Path) -> None:
    ahead = Prewrite.for_output(tmp_path / "out")
    assert ahead is not None
    ahead.plan(["src/p/types/a.py", "src/p/types/b.py", "src/p/c.py"])
    Path(ahead.fresh, "src/p/types/b.py").write_text("written first")
    ahead.run()
    assert Path(ahead.fresh, "src/p/types/a.py").read_text() == ""
    assert Path(ahead.fresh, "src/p/types/b.py").read_text() == "written first"
    ahead.settle({"src/p/types/a.py", "src/p/types/b.py"})  # c.py: not written (claimed)
    assert sorted(read_tree(Path(ahead.fresh))) == ["src/p/types/a.py", "src/p/types/b.py"]
    ahead.plan(["src/q/only.py"])
    ahead.settle(set())
    assert not Path(ahead.fresh, "src/q").exists() and Path(ahead.fresh, "src").is_dir()
    ahead.discard()


def test_create_fills_what_was_created_ahead(tmp_path: Path) -> None:
    new = {"a.py": b"a\n", "types/b.py": b"b\n", "types/c.py": b"c\n"}
    plain = tmp_path / "plain" / "out"
    plain.parent.mkdir()
    write._create(plain, new)
    out = tmp_path / "ahead" / "out"
    out.parent.mkdir()
    ahead = Prewrite.for_output(out)
    assert ahead is not None
    ahead.plan(["types/b.py", "types/c.py", "types/d.py"])  # d.py: the package has none
    ahead.run()
    write._create(out, new, ahead)
    assert read_tree(out) == read_tree(plain) == new
    for rel in new:
        assert (out / rel).stat().st_mode == (plain / rel).stat().st_mode
    assert _siblings(out) == []


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="O_NOFOLLOW")
def test_a_link_planted_ahead_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    ahead = Prewrite.for_output(out)
    assert ahead is not None
    ahead.plan(["types/b.py"])
    os.symlink(victim, os.path.join(ahead.fresh, "types", "b.py"))
    with pytest.raises(OSError):
        write._create(out, {"types/b.py": b"b\n"}, ahead)
    assert victim.read_text() == "keep me"
    assert not out.exists() and _siblings(out) == ["victim.txt"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
def test_generate_into_a_new_folder_with_files_created_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan, "FORK_FROM", 1)  # a small spec forks too
    monkeypatch.setattr(fanout, "other_threads", lambda: False)
    adopted: list[tuple[int, int]] = []
    real = Prewrite.adopt

    def spy(self: Prewrite, pid: int) -> None:
        adopted.append((pid, len(self.planned)))
        real(self, pid)

    monkeypatch.setattr(Prewrite, "adopt", spy)
    trees = []
    for parallel in ("off", "on"):
        monkeypatch.setenv("CLIENTGEN_PARALLEL", parallel)
        out = tmp_path / parallel / "out"
        out.parent.mkdir()
        spec = str(FIXTURES / "surface_31.yml")
        pipeline.generate(adhoc_target(spec, str(out), "surface", "S"))
        assert _siblings(out) == []  # the hidden folder was renamed into place
        trees.append(read_tree(out))
    assert len(adopted) == 1 and adopted[0][0] > 0 and adopted[0][1] > 1
    serial, parallel = trees
    assert serial == parallel
    assert not any(data == b"" for rel, data in parallel.items() if "/types/" in rel)


def test_a_failed_run_leaves_no_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"

    def fails(*args: object, **kwargs: object) -> None:
        raise SpecError.__new__(SpecError)

    monkeypatch.setattr(pipeline, "apply_package", fails)
    with pytest.raises(SpecError):
        pipeline.generate(adhoc_target(str(FIXTURES / "surface_31.yml"), str(out), "s", "S"))
    assert list(tmp_path.iterdir()) == []
