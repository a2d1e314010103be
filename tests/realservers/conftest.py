"""Fixtures for the real-server tests: each server is started once per session (per xdist worker) on a
free loopback port with its storage in a temporary folder, and a client is generated from its committed
spec into a temporary folder and imported."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `support`

from support.realservers import (
    CHROMA,
    DRF,
    JSON_SERVER,
    ZENML,
    RunningServer,
    ServerKind,
    client_package,
    running_server,
)


def require_installed(kind: ServerKind) -> None:
    if kind.installed():
        return
    message = (
        f"the {kind.name} server is not installed in {kind.venv} "
        "(run `bash scripts/setup --with-servers`)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)  # CI installs it (scripts/test): a missing install is a failure there
    pytest.skip(message)


def _server(kind: ServerKind, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    require_installed(kind)
    with running_server(kind, tmp_path_factory.mktemp(kind.name)) as server:
        yield server


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from _server(CHROMA, tmp_path_factory)


@pytest.fixture(scope="session")
def zenml_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from _server(ZENML, tmp_path_factory)


@pytest.fixture(scope="session")
def drf_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from _server(DRF, tmp_path_factory)


@pytest.fixture(scope="session")
def json_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """json-server over 23 posts and 23 comments (its database file is written before it starts)."""
    require_installed(JSON_SERVER)
    work = tmp_path_factory.mktemp(JSON_SERVER.name)
    db = {
        "posts": [{"id": n, "title": f"post {n}", "author": "a"} for n in range(1, 24)],
        "comments": [{"id": n, "body": f"comment {n}", "postId": 1} for n in range(1, 24)],
    }
    (work / "db.json").write_text(json.dumps(db))
    with running_server(JSON_SERVER, work) as server:
        yield server


@pytest.fixture(scope="session")
def chroma_pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return client_package(CHROMA, tmp_path_factory.mktemp("chroma_client"))


@pytest.fixture(scope="session")
def zenml_pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return client_package(ZENML, tmp_path_factory.mktemp("zenml_client"))
