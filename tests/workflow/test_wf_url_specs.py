"""A spec given as an http(s) URL: `clientgen generate URL -o OUT` and `clientgen init URL` download it
through `workflow.fetch.fetch_spec` (timeout, size bound, HTML and truncation detection), from a real
server on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from wf_support import LiveServer, Route

SMALL = (Path(__file__).parent / "fixtures" / "shop_old.yml").read_bytes()


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_generate_from_a_url(live_server: LiveServer, tmp_path: Path) -> None:
    url = live_server.serve("/v1/openapi.yml", SMALL)
    out = tmp_path / "shop"
    proc = run("generate", url, "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (out / "src" / "shop" / "_client.py").is_file()
    recorded = tomllib.loads((out / "GENERATION.toml").read_text())
    assert recorded["spec"] == url  # named by its URL, not by a temporary copy
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop"]
    local = tmp_path / "shop.yml"
    local.write_bytes(SMALL)
    from_file = tmp_path / "from_file"
    assert (
        run(
            "generate", str(local), "-o", str(from_file), "--package", "shop", cwd=tmp_path
        ).returncode
        == 0
    )
    for rel in ("src/shop/_client.py", "pyproject.toml"):
        assert (out / rel).read_bytes() == (from_file / rel).read_bytes()


def test_generate_from_a_documentation_page_fails_cleanly(
    live_server: LiveServer, tmp_path: Path
) -> None:
    live_server.routes["/docs"] = Route(
        body=b"<!doctype html><html>docs</html>", content_type="text/html"
    )
    live_server.routes["/cut.yml"] = Route(body=SMALL[: len(SMALL) // 2])
    for path in ("/docs", "/cut.yml", "/missing.yml"):
        out = tmp_path / "out"
        proc = run("generate", live_server.url(path), "-o", str(out), cwd=tmp_path)
        assert proc.returncode == 3, (path, proc.stderr)
        assert "could not fetch" in proc.stderr and "Traceback" not in proc.stderr
        assert "Nothing was written." in proc.stderr and not out.exists()


def test_init_from_a_url_downloads_the_spec_and_sets_live_url(
    live_server: LiveServer, tmp_path: Path
) -> None:
    url = live_server.serve("/api/openapi.yml", SMALL)
    proc = run("init", url, "--name", "shop", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]["clientgen"]
    assert table["targets"]["shop"]["live_url"] == url
    assert table["targets"]["shop"]["spec"] == "specs/shop/openapi.yaml"
    assert (tmp_path / "specs" / "shop" / "openapi.yaml").read_bytes() == SMALL
    assert run("generate", cwd=tmp_path).returncode == 0
    live = run("check", "--live", cwd=tmp_path)
    assert live.returncode == 0 and "shop: no drift" in live.stdout, live.stdout + live.stderr
