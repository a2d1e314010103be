"""Fixtures for the regeneration workflow: the vendor's spec history served as "the live spec" from an
HTTP server on 127.0.0.1, throw-away projects (pyproject.toml + spec + generated client), and a CLI runner.

The vendor files are read from ../shared/upstream/casexchange at test time (never copied into the repo);
tests that need them skip when that folder is absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from wf_support import PYPROJECT, LiveServer, Project, upstream

from generator.cli import cli


@pytest.fixture
def live_server() -> Iterator[LiveServer]:
    server = LiveServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Project]:
    counter = iter(range(1000))

    def _make(
        spec: bytes,
        live_url: str = "https://example.invalid/openapi.yml",
        generated: bool = False,
        template: Path | None = None,
    ) -> Project:
        root = tmp_path / f"project{next(counter)}"
        if template is not None:
            shutil.copytree(template, root)
        else:
            root.mkdir()
            (root / "specs" / "cx").mkdir(parents=True)
        (root / "pyproject.toml").write_text(PYPROJECT.format(live_url=live_url))
        project = Project(root)
        project.spec.write_bytes(spec)
        if generated and template is None:
            project.generate()
        return project

    return _make


@pytest.fixture(scope="session")
def generated_0415(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder with the 2026-04-15 spec and its generated client (copied by tests that need it)."""
    root = tmp_path_factory.mktemp("cx0415")
    (root / "specs" / "cx").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format(live_url="https://example.invalid/x.yml"))
    (root / "specs" / "cx" / "openapi.yml").write_bytes(upstream("public-2026-04-15.yml"))
    Project(root).generate()
    return root


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """run(cwd, *args) → click Result (stdout and stderr kept apart), as `clientgen ARGS` in cwd."""

    def _run(cwd: Path, *args: str) -> Result:
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return _run
