"""`fetch --update` keeps the live spec in a private file, not in memory, while it regenerates; the
committed spec is kept aside the same way and put back when writing fails (graph-beta's 47 MB)."""

from __future__ import annotations

import gc
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
from wf_support import LiveServer, Project

from generator.config import load_targets
from generator.workflow import live
from generator.workflow.fetch import Fetched

SMALL = (Path(__file__).parent / "fixtures" / "shop_old.yml").read_bytes()
SMALL_NEW = (Path(__file__).parent / "fixtures" / "shop_new.yml").read_bytes()


def _asides() -> list[Path]:
    return sorted(Path(tempfile.gettempdir()).iterdir())


@pytest.fixture(autouse=True)
def _private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary folder of this test alone (others may use the system's at the same time)."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))


def _update(project: Project, url: str) -> live.LiveResult:
    (target,) = load_targets(project.root / "pyproject.toml")
    return live.live_check(target, project.root, url=url, update=True, cache=False)


def test_the_live_spec_is_regenerated_from_a_private_file_with_no_download_held(
    live_server: LiveServer, make_project: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = live_server.serve("/openapi.yml", SMALL_NEW)
    project: Project = make_project(SMALL, generated=True)
    seen: list[Path] = []
    real_take = live.take

    def take(target: Any, root: Any, raw: Any, before_write: Any) -> Any:
        assert isinstance(raw, Path) and raw.read_bytes() == SMALL_NEW
        assert raw.parent == Path(tempfile.gettempdir())
        assert stat.S_IMODE(raw.stat().st_mode) == 0o600  # the owner's only
        gc.collect()
        held = [o for o in gc.get_objects() if isinstance(o, Fetched)]
        assert held == []  # neither the downloaded bytes nor their document
        seen.append(raw)
        return real_take(target, root, raw, before_write)

    monkeypatch.setattr(live, "take", take)
    result = _update(project, url)
    assert result.generated is not None and result.url == url and seen
    assert project.spec.read_bytes() == SMALL_NEW
    assert not seen[0].exists() and _asides() == []  # nothing left in the temporary folder


def test_the_committed_spec_is_put_back_when_writing_the_package_fails(
    live_server: LiveServer, make_project: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = live_server.serve("/openapi.yml", SMALL_NEW)
    project: Project = make_project(SMALL, generated=True)

    def take(target: Any, root: Any, raw: Path, before_write: Any) -> Any:
        before_write()  # the spec is written, then the package's write fails
        assert project.spec.read_bytes() == SMALL_NEW
        raise OSError("disk full")

    monkeypatch.setattr(live, "take", take)
    with pytest.raises(OSError, match="disk full"):
        _update(project, url)
    assert project.spec.read_bytes() == SMALL
    assert _asides() == []
    assert [p.name for p in project.spec.parent.iterdir()] == ["openapi.yml"]
