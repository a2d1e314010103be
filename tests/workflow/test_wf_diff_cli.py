"""`clientgen diff OLD NEW`: exit codes, formats, colours only on a terminal, snapshots of the reports."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from wf_support import REPO

FIX = Path(__file__).parent / "fixtures"
ANSI = "\x1b["


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The fixture pair in a folder outside any clientgen project (generic names, stable labels)."""
    for name in ("shop_old.yml", "shop_new.yml"):
        shutil.copy(FIX / name, tmp_path / name)
    return tmp_path


def test_text_report_snapshot(shop: Path, run: Any, snapshot: Any) -> None:
    result = run(shop, "diff", "shop_old.yml", "shop_new.yml")
    assert result.exit_code == 1
    assert ANSI not in result.stdout  # not a terminal: plain text
    assert result.stdout == snapshot


def test_markdown_report_snapshot(shop: Path, run: Any, snapshot: Any) -> None:
    result = run(shop, "diff", "shop_old.yml", "shop_new.yml", "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout == snapshot


def test_json_report(shop: Path, run: Any) -> None:
    result = run(shop, "diff", "shop_old.yml", "shop_new.yml", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["package"] == "shop_api" and doc["breaking"] is True
    assert doc["semver"] == {"bump": "major", "from": "1.2.0", "to": "2.0.0"}
    assert doc["counts"]["breaking"] == len([c for c in doc["changes"] if c["level"] == "breaking"])
    renamed = [c for c in doc["changes"] if c["code"] == "method-renamed"]
    assert renamed[0]["subject"] == "client.orders.cancel" and renamed[0]["layer"] == "python"


def test_exit_0_when_nothing_breaks(shop: Path, run: Any) -> None:
    same = run(shop, "diff", "shop_old.yml", "shop_old.yml")
    assert same.exit_code == 0 and "No changes: shop_api stays 1.2.0" in same.stdout
    reverse_additive = (
        (shop / "shop_old.yml").read_text().replace("version: 1.2.0", "version: 1.2.1")
    )
    (shop / "bumped.yml").write_text(reverse_additive)
    minor = run(shop, "diff", "shop_old.yml", "bumped.yml")
    assert minor.exit_code == 0 and "1.3.0 (minor; was 1.2.0)" in minor.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "does not exist"),
        ("openapi: 3.0.3\npaths: {unclosed\n", "invalid-yaml"),
        ("swagger: '2.0'\n", "swagger-2"),
        ("<html>docs</html>\n", "not-openapi"),
    ],
)
def test_exit_2_when_a_spec_cannot_be_read(
    shop: Path, run: Any, content: str | None, needle: str
) -> None:
    if content is not None:
        (shop / "bad.yml").write_text(content)
    result = run(shop, "diff", "shop_old.yml", "bad.yml")
    assert result.exit_code == 2
    assert needle in result.stderr and result.stdout == ""
    if content is not None:
        assert "the new spec" in result.stderr


def test_colours_on_a_terminal_only(shop: Path) -> None:
    """Run the real command under a pseudo-terminal: styles appear; piped, they do not."""
    cmd = [sys.executable, "-m", "generator", "diff", "shop_old.yml", "shop_new.yml"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm"}
    piped = subprocess.run(
        cmd, check=False, cwd=shop, capture_output=True, text=True, env=env, timeout=60
    )
    assert piped.returncode == 1 and ANSI not in piped.stdout

    leader, follower = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=shop, stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=60) == 1
    tty_out = b"".join(chunks).decode()
    assert ANSI + "31m" in tty_out or ANSI + "1m" in tty_out  # red / bold headings
    assert "Breaking for clients" in tty_out


def test_forced_colour_and_verbose(shop: Path, run: Any) -> None:
    coloured = run(shop, "diff", "shop_old.yml", "shop_new.yml", "--color")
    assert ANSI in coloured.stdout


def test_target_names_the_package(tmp_path: Path, run: Any) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.clientgen.targets.shop]\nspec = "shop_old.yml"\noutput = "out"\npackage = "shopclient"\n'
        'client_name = "Shop"\nenv_prefix = "SHOP"\n'
    )
    for name in ("shop_old.yml", "shop_new.yml"):
        shutil.copy(FIX / name, tmp_path / name)
    result = run(tmp_path, "diff", "shop_old.yml", "shop_new.yml", "--format", "json")
    assert json.loads(result.stdout)["package"] == "shopclient"
    unknown = run(tmp_path, "diff", "shop_old.yml", "shop_new.yml", "--target", "nope")
    assert unknown.exit_code == 2 and "unknown target" in unknown.output


def test_report_is_deterministic(shop: Path, run: Any) -> None:
    """The same report under three hash seeds: two fresh interpreters (seeds 1 and 2) and this one
    (its own seed, random unless PYTHONHASHSEED sets it to something else)."""
    args = ["diff", "shop_old.yml", "shop_new.yml", "--format", "json"]
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        proc = subprocess.run(
            [sys.executable, "-m", "generator", *args],
            check=False,
            cwd=shop,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert proc.returncode == 1, proc.stderr
        outputs.add(proc.stdout)
    here = run(shop, *args)
    assert here.exit_code == 1
    outputs.add(here.stdout)
    assert len(outputs) == 1
