"""The committed specs are what the pinned servers serve, and generating from the live spec gives the
same package as generating from the committed copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.realservers import (
    CHROMA,
    ZENML,
    RunningServer,
    ServerKind,
    fetch_spec,
    generate_client,
    normalised,
    spec_text,
)

pytestmark = pytest.mark.slow

REFRESH = "refresh with `.venv/bin/python tools/refresh_server_specs.py` (see tests/realservers/README.md)"


def _server(kind: ServerKind, request: pytest.FixtureRequest) -> RunningServer:
    server = request.getfixturevalue(f"{kind.name}_server")
    assert isinstance(server, RunningServer)
    return server


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "GENERATION.toml"
    }


@pytest.mark.parametrize("kind", [CHROMA, ZENML], ids=lambda k: k.name)
def test_live_spec_equals_committed_copy(kind: ServerKind, request: pytest.FixtureRequest) -> None:
    live = fetch_spec(_server(kind, request))
    committed = json.loads(kind.spec_file.read_text())
    assert normalised(live) == normalised(committed), (
        f"{kind.name} ({kind.requirement}) now serves a different spec than {kind.spec_file}; {REFRESH}"
    )
    text = kind.spec_file.read_text()
    assert text == spec_text(committed), (
        f"committed copy is not in the refresh tool's format; {REFRESH}"
    )


@pytest.mark.parametrize("kind", [CHROMA, ZENML], ids=lambda k: k.name)
def test_generating_from_the_live_spec_gives_the_committed_package(
    kind: ServerKind, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    live_spec = tmp_path / "live.json"
    live_spec.write_text(json.dumps(fetch_spec(_server(kind, request))))  # as served: one line
    # the same folder name under two parents: the package README names its folder
    from_live = generate_client(kind, live_spec, tmp_path / "live" / kind.package)
    from_committed = generate_client(kind, kind.spec_file, tmp_path / "committed" / kind.package)
    live_tree, committed_tree = _tree(from_live.parent), _tree(from_committed.parent)
    assert sorted(live_tree) == sorted(committed_tree)
    assert len(live_tree) > 50  # a whole package, not an empty folder
    # the package ships its spec copy as given: live servers order keys differently than the
    # committed (refresh-tool formatted) copy, so that file is compared as data, the rest byte-for-byte
    differing = [
        name for name in live_tree if not _same_file(name, live_tree[name], committed_tree[name])
    ]
    assert differing == []


def _same_file(name: str, live: bytes, committed: bytes) -> bool:
    if Path(name).name.startswith("openapi.") and name.endswith(".json"):
        return bool(json.loads(live) == json.loads(committed))
    return live == committed
