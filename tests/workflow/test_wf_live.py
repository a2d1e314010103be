"""`clientgen fetch` / `clientgen check --live`: errors, ETag caching, retries, --update, exit codes."""

from __future__ import annotations

import socket
import subprocess
import sys
import tomllib
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from wf_support import REPO, UPSTREAM, LiveServer, Route, upstream

SMALL = (Path(__file__).parent / "fixtures" / "shop_old.yml").read_bytes()
SMALL_NEW = (Path(__file__).parent / "fixtures" / "shop_new.yml").read_bytes()


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/openapi.yml"  # nothing listens there any more


BROKEN = {
    "unreachable": None,
    "http-500": Route(500, b"Internal Server Error", "text/plain"),
    "html-page": Route(
        200,
        b"<!DOCTYPE html><html><head><title>API docs</title></head><body>Docs</body></html>",
        "text/html; charset=utf-8",
    ),
    "truncated-yaml": None,  # filled in from the vendor spec
    "not-found": Route(404, b"nope", "text/plain"),
}
EXPECTED = {
    "unreachable": "could not connect",
    "http-500": "HTTP 500",
    "html-page": "returned an HTML page",
    "truncated-yaml": "",
    "not-found": "HTTP 404 Not Found",
}


def broken_url(kind: str, server: LiveServer) -> str:
    if kind == "unreachable":
        return closed_port_url()
    if kind == "truncated-yaml":
        body = upstream("public-2026-04-15.yml")
        server.routes["/openapi.yml"] = Route(200, body[: len(body) * 2 // 3])
        return server.url("/openapi.yml")
    route = BROKEN[kind]
    assert route is not None
    server.routes["/openapi.yml"] = route
    return server.url("/openapi.yml")


@pytest.mark.parametrize("kind", list(BROKEN))
@pytest.mark.parametrize("command", ["fetch", "check-live"])
def test_fetch_failures_are_clear_exit_3_and_write_nothing(
    kind: str, command: str, live_server: LiveServer, make_project: Any, run: Any
) -> None:
    url = broken_url(kind, live_server)
    project = make_project(SMALL, live_url=url, generated=command == "check-live")
    before = project.state()
    args = ["fetch", "cx", "--update"] if command == "fetch" else ["check", "--live", "--update"]
    result = run(project.root, *args, "--retries", "0", "--timeout", "5")
    assert result.exit_code == 3, result.output
    assert "could not fetch the live spec of cx" in result.stderr
    assert EXPECTED[kind] in result.stderr
    assert "Nothing was written." in result.stderr and "Traceback" not in result.output
    assert project.state() == before  # no spec, no generated file, no cache entry


def _cuts() -> list[Any]:
    """Each spec cut at five places. public-098db2b.yml (400 kB, with anchors: the alias-counting
    reader) is cut at its ends in the fast tier, in its middle in the slow one."""
    return [
        pytest.param(
            fraction,
            name,
            id=f"{fraction}-{name}",
            marks=[pytest.mark.slow]
            if name == "public-098db2b.yml" and 0.1 < fraction < 0.95
            else [],
        )
        for name in ("public-2026-04-15.yml", "public-098db2b.yml")
        for fraction in (0.1, 0.4, 0.5, 0.67, 0.95)
    ]


@pytest.mark.parametrize(("fraction", "name"), _cuts())
def test_truncated_documents_are_refused(
    name: str, fraction: float, live_server: LiveServer, make_project: Any, run: Any
) -> None:
    body = upstream(name)
    live_server.routes["/cut.yml"] = Route(200, body[: int(len(body) * fraction)])
    project = make_project(SMALL, live_url=live_server.url("/cut.yml"))
    before = project.state()
    result = run(project.root, "fetch", "cx", "--update")
    assert result.exit_code == 3, result.output
    assert "looks incomplete" in result.stderr or "cannot be read" in result.stderr
    assert "hint: a truncated download" in result.stderr
    assert project.state() == before


def test_a_transfer_cut_short_is_refused(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    body = upstream("public-2026-04-15.yml")
    live_server.routes["/short.yml"] = Route(
        200, body[:5000], headers={"X-Declared-Length": str(len(body))}
    )
    project = make_project(SMALL, live_url=live_server.url("/short.yml"))
    result = run(project.root, "fetch", "cx", "--retries", "0")
    assert result.exit_code == 3
    assert "the transfer failed" in result.stderr and "truncated" in result.stderr


def _passes_validation(known: list[Path]) -> None:
    from generator.workflow.fetch import validate

    for path in known:
        if path.is_file():
            assert validate(path.read_bytes(), str(path))["openapi"]


def test_every_committed_and_fixture_spec_passes_validation() -> None:
    _passes_validation(
        [
            REPO / "specs" / "casexchange" / "openapi.yml",
            REPO / "specs" / "casebook" / "openapi.yml",
            *sorted((REPO / "tests" / "fixtures" / "specs").glob("*.yml")),
            *sorted((Path(__file__).parent / "fixtures").glob("*.yml")),
        ]
    )


@pytest.mark.slow
def test_every_upstream_spec_passes_validation() -> None:
    """The vendor's published history (about 1 MB of YAML, most of it with anchors: the
    alias-counting reader); the committed specs above are of the same family."""
    _passes_validation(
        [*sorted(UPSTREAM.glob("public-*.yml")), *sorted(UPSTREAM.glob("internal-*"))]
    )


@pytest.mark.parametrize("kind", ["unreachable", "html-page"])
def test_no_traceback_from_the_real_command(
    kind: str, live_server: LiveServer, make_project: Any
) -> None:
    project = make_project(SMALL, live_url=broken_url(kind, live_server))
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "fetch", "cx", "--retries", "0"],
        check=False,
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert proc.stderr.startswith("clientgen: could not fetch the live spec of cx")


def test_retries_after_a_5xx_then_succeeds(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    live_server.routes["/openapi.yml"] = [
        Route(503, b"busy", "text/plain", headers={"Retry-After": "0"}),
        Route(200, SMALL),
    ]
    project = make_project(SMALL, live_url=live_server.url("/openapi.yml"))
    result = run(project.root, "fetch", "cx", "--retries", "1")
    assert result.exit_code == 0, result.output
    assert len(live_server.requests) == 2 and "no drift" in result.stdout


def test_etag_cache_sends_if_none_match(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    url = live_server.serve("/openapi.yml", SMALL, etag='"v1"')
    project = make_project(SMALL, live_url=url)
    first = run(project.root, "fetch", "cx")
    assert first.exit_code == 0 and "downloaded" in first.stdout
    assert "if-none-match" not in live_server.requests[0].headers
    assert list((project.root / ".cache" / "clientgen" / "live").iterdir())

    second = run(project.root, "fetch", "cx")
    assert second.exit_code == 0 and "not modified since the last fetch" in second.stdout
    assert live_server.requests[1].headers["if-none-match"] == '"v1"'

    live_server.routes["/openapi.yml"] = Route(body=SMALL_NEW, etag='"v2"')  # the vendor publishes
    third = run(project.root, "fetch", "cx")
    assert third.exit_code == 1 and "drift" in third.stdout
    assert live_server.requests[2].headers["if-none-match"] == '"v1"'

    run(project.root, "fetch", "cx", "--no-cache")
    assert "if-none-match" not in live_server.requests[3].headers


def test_update_writes_the_spec_and_regenerates(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    url = live_server.serve("/openapi.yml", SMALL_NEW)
    project = make_project(SMALL, live_url=url, generated=True)
    assert run(project.root, "check").exit_code == 0

    result = run(project.root, "fetch", "cx", "--update")
    assert result.exit_code == 0, result.output
    assert (
        "Breaking for clients" in result.stdout
        and "wrote specs/cx/openapi.yml and regenerated cx/" in result.stdout
    )
    assert project.spec.read_bytes() == SMALL_NEW
    recorded = tomllib.loads((project.output / "GENERATION.toml").read_text())
    assert recorded["spec_sha256"] == sha256(SMALL_NEW).hexdigest()
    assert (project.output / "src" / "casexchange" / "resources" / "refunds.py").is_file()
    assert run(project.root, "check").exit_code == 0

    again = run(project.root, "fetch", "cx", "--update")  # nothing left to take
    assert again.exit_code == 0 and "no drift" in again.stdout


def test_check_live(live_server: LiveServer, make_project: Any, run: Any) -> None:
    url = live_server.serve("/openapi.yml", SMALL)
    project = make_project(SMALL, live_url=url, generated=True)
    ok = run(project.root, "check", "--live")
    assert ok.exit_code == 0, ok.output
    assert "cx: checked" in ok.stdout and "cx: no drift" in ok.stdout

    live_server.routes["/openapi.yml"] = Route(body=SMALL_NEW)
    drift = run(project.root, "check", "--live")
    assert drift.exit_code == 1
    assert "cx: drift" in drift.stdout and "Order.customerRef: field removed" in drift.stdout
    assert "clientgen fetch cx --update" in drift.stderr

    other = live_server.serve("/other.yml", SMALL)
    assert (
        run(project.root, "check", "--live", "--url", other).exit_code == 0
    )  # --url overrides live_url

    taken = run(project.root, "check", "--live", "--update")
    assert taken.exit_code == 0, taken.output
    assert project.spec.read_bytes() == SMALL_NEW and "cx: checked" in taken.stdout


def test_check_live_also_reports_stale_output(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    url = live_server.serve("/openapi.yml", SMALL_NEW)
    project = make_project(SMALL, live_url=url, generated=True)
    project.spec.write_bytes(SMALL_NEW)  # edited by hand, not regenerated
    result = run(project.root, "check", "--live")
    assert result.exit_code == 1
    assert "stale:" in result.stdout and "cx: no drift" in result.stdout


def test_live_options_need_live(make_project: Any, run: Any) -> None:
    project = make_project(SMALL)
    result = run(project.root, "check", "--update")
    assert result.exit_code == 2 and "go with --live" in result.output


def test_no_live_url_is_a_config_error(make_project: Any, run: Any) -> None:
    project = make_project(SMALL, live_url="")
    result = run(project.root, "fetch", "cx")
    assert result.exit_code == 2 and "has no live_url" in result.stderr


def test_committed_spec_unreadable_is_exit_2(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    url = live_server.serve("/openapi.yml", SMALL)
    project = make_project(b"openapi: 3.0.3\npaths: [unclosed\n", live_url=url)
    result = run(project.root, "fetch", "cx")
    assert result.exit_code == 2 and "committed spec of cx cannot be read" in result.stderr


def test_machine_formats_keep_stdout_clean(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    import json

    url = live_server.serve("/openapi.yml", SMALL_NEW)
    project = make_project(SMALL, live_url=url)
    result = run(project.root, "fetch", "cx", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["counts"]["breaking"] > 0
    md = run(project.root, "fetch", "cx", "--format", "markdown")
    assert md.stdout.startswith("## API change report") and "cx: drift" in md.stderr


def test_check_live_skips_targets_without_live_url(
    live_server: LiveServer, make_project: Any, run: Any
) -> None:
    url = live_server.serve("/openapi.yml", SMALL)
    project = make_project(SMALL, live_url=url, generated=True)
    with (project.root / "pyproject.toml").open("a") as f:
        f.write(
            '\n[tool.clientgen.targets.other]\nspec = "specs/cx/openapi.yml"\noutput = "generated/other"\n'
            'package = "other"\nclient_name = "Other"\nenv_prefix = "OTHER"\n'
        )
    run(project.root, "generate", "other")
    result = run(project.root, "check", "--live")
    assert result.exit_code == 0, result.output
    assert (
        "other: no live_url, live check skipped" in result.stderr
        and "cx: no drift" in result.stdout
    )
