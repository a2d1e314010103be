"""Relative server URLs keep their path (#13 §1; the ZenML root path, tests/realservers/README.md defect 3).

`servers: [{url: /api}]` is relative to where the spec is served. From a spec file the client keeps the
path after the base URL the user passes (the server's origin); when the spec came from a URL (`live_url`,
`clientgen generate URL -o OUT`) the server resolves against that URL and becomes the default base URL.
Every request is sent to a real server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.recording_server import recording_server

from generator.cli import cli
from tests.conftest import FIXTURES

SPEC = FIXTURES / "specs" / "relative_server_31.yml"
THING = (200, "application/json", b'{"id": "1"}')


@pytest.fixture
def relative_pkg(generate_package: Callable[..., tuple[Any, Path]]) -> tuple[Any, Path]:
    return generate_package(SPEC.read_text(encoding="utf-8"), client_name="Relative")


def _path_of(pkg: Any, **options: Any) -> str:
    with recording_server(default=THING) as server:
        base = options.pop("base", "")
        with pkg.Relative(base_url=server.url + base, max_retries=0, **options) as client:
            assert client.things.get("a b").id == "1"
        return server.requests[-1].path


def test_the_server_path_is_kept_after_the_origin(relative_pkg: tuple[Any, Path]) -> None:
    pkg, _ = relative_pkg
    assert pkg.DEFAULT_BASE_URL == ""
    assert _path_of(pkg) == "/api/v2/things/a%20b"
    assert _path_of(pkg, base="/") == "/api/v2/things/a%20b"


def test_a_base_url_that_ends_with_the_server_path_is_used_as_it_is(
    relative_pkg: tuple[Any, Path],
) -> None:
    pkg, _ = relative_pkg
    assert _path_of(pkg, base="/api/v2") == "/api/v2/things/a%20b"
    assert _path_of(pkg, base="/api/v2/") == "/api/v2/things/a%20b"
    # behind a path-prefix proxy: the server path goes after the proxy's prefix
    assert _path_of(pkg, base="/proxy") == "/proxy/api/v2/things/a%20b"
    # only whole segments count: `/myapi/v2` does not end with `/api/v2`
    assert _path_of(pkg, base="/myapi/v2") == "/myapi/v2/api/v2/things/a%20b"


def test_environment_variable_and_with_options_keep_the_server_path(
    relative_pkg: tuple[Any, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg, _ = relative_pkg
    found = re.search(r"base_url: defaults to `(\w+)`", pkg.Relative.__doc__ or "")
    assert found, pkg.Relative.__doc__
    with recording_server(default=THING) as server:
        monkeypatch.setenv(found.group(1), server.url)
        with pkg.Relative(max_retries=0) as client:
            client.things.get("e")
        assert server.requests[-1].path == "/api/v2/things/e"
        monkeypatch.delenv(found.group(1))
        with pkg.Relative(base_url="http://127.0.0.1:9", max_retries=0) as client:
            copy = client.with_options(base_url=server.url)
            assert copy.base_url == server.url + "/api/v2/"
            copy.things.get("x")
        assert server.requests[-1].path == "/api/v2/things/x"


def test_async_client_keeps_the_server_path(relative_pkg: tuple[Any, Path]) -> None:
    pkg, _ = relative_pkg

    async def call(url: str) -> str:
        async with pkg.AsyncRelative(base_url=url, max_retries=0) as client:
            return str((await client.things.get("y")).id)

    with recording_server(default=THING) as server:
        assert asyncio.run(call(server.url)) == "1"
    assert server.requests[-1].path == "/api/v2/things/y"


def test_without_a_base_url_the_client_says_what_to_pass(relative_pkg: tuple[Any, Path]) -> None:
    pkg, root = relative_pkg
    with pytest.raises(ValueError, match="No base URL"):
        pkg.Relative()
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "relative URL `/api/v2`" in readme
    assert "under `/api/v2` there" in readme
    assert "`/api/v2`" in (pkg.Relative.__doc__ or "")


@pytest.mark.parametrize(
    ("server", "path"),
    [("/{prefix}/v2", "/api/v2"), ("{prefix}/v2", "/specs/api/v2"), ("../{prefix}/v2", "/api/v2")],
)
def test_a_spec_from_a_url_resolves_its_relative_server_against_that_url(
    generate_package: Callable[..., tuple[Any, Path]], server: str, path: str
) -> None:
    text = SPEC.read_text(encoding="utf-8").replace("url: /{prefix}/v2", f"url: '{server}'")
    with recording_server(default=THING) as live:
        pkg, root = generate_package(
            text, client_name="Relative", live_url=f"{live.url}/specs/openapi.yml"
        )
        assert pkg.DEFAULT_BASE_URL == live.url + path
        assert "server_path" not in (root / "src" / root.name / "_client.py").read_text()
        with pkg.Relative(max_retries=0) as client:
            client.things.get("z")
        assert live.requests[-1].path == f"{path}/things/z"


def test_generate_from_a_url_resolves_the_relative_server(tmp_path: Path) -> None:
    spec = SPEC.read_bytes()
    with recording_server({"/specs/openapi.yml": (200, "application/yaml", spec)}) as live:
        url = f"{live.url}/specs/openapi.yml"
        result = CliRunner().invoke(cli, ["generate", url, "-o", str(tmp_path / "relurl"), "-q"])
        assert result.exit_code == 0, result.output
    client_py = (tmp_path / "relurl" / "src" / "relurl" / "_client.py").read_text()
    assert f'DEFAULT_BASE_URL = "{live.url}/api/v2"' in client_py
