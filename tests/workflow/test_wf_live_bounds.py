"""Live specs are bounded (issue #12, item 4), against real servers on 127.0.0.1.

`--timeout` is a deadline for the whole download (every attempt and pause), kept on the monotonic clock:
a server that drips one byte at a time, or says nothing at all, is cut off when it runs out. A body over
50 MB (declared, streamed without a length, or a gzip bomb once decoded) is refused with exit 3. A
downloaded spec goes through everything `generate` checks — `$ref`s inside the spec's folder, escaping,
names, formatting — before `--update` writes anything.

Timing assertions are only a safety net ("returned within timeout + 3 s"); what the tests check is the
outcome: the reason given, the exit code, nothing written, and that the slow body was never completed.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support.hostile import check_package, payload, rich_spec
from wf_support import Project

from generator.workflow.fetch import MAX_LIVE_BYTES, FetchError, fetch_spec

SMALL = (Path(__file__).parent / "fixtures" / "shop_old.yml").read_bytes()
DRIP_LENGTH = 10_000  # declared; at one byte per DRIP_EVERY seconds it would take ~40 minutes


class Hostile(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    sent: dict[str, int]
    stopping: threading.Event
    bodies: dict[str, bytes]


DRIP_EVERY = 0.25


class Handler(BaseHTTPRequestHandler):
    server: Hostile

    def do_GET(self) -> None:  # http.server calls do_<METHOD>
        route = self.path.split("?")[0]
        if route == "/drip":
            self._headers(200, {"Content-Length": str(DRIP_LENGTH)})
            self._drip(b"openapi: 3.1.0\n" + b"#" * DRIP_LENGTH)
        elif route == "/silent":
            while not self.server.stopping.wait(0.1):  # accepts, then says nothing
                pass
        elif route == "/declared-5gib":
            self._headers(200, {"Content-Length": str(5 * 1024**3)})
            self._drip(b"openapi: 3.1.0\n" * 1000)
        elif route == "/endless":
            self.protocol_version = "HTTP/1.1"
            self._headers(200, {"Transfer-Encoding": "chunked"})
            chunk = b"x: " + b"y" * (1024 * 1024 - 4) + b"\n"
            for _ in range(MAX_LIVE_BYTES // len(chunk) + 20):
                if not self._write(b"%x\r\n%s\r\n" % (len(chunk), chunk)):
                    return
            self._write(b"0\r\n\r\n")
        elif route == "/gzip-bomb":
            bomb = gzip.compress(b"\n" * (MAX_LIVE_BYTES + 1024 * 1024), compresslevel=9)
            self._headers(200, {"Content-Encoding": "gzip", "Content-Length": str(len(bomb))})
            self._write(bomb)
        elif route == "/busy":
            self._headers(503, {"Retry-After": "1", "Content-Length": "0"})
        elif route in self.server.bodies:
            body = self.server.bodies[route]
            self._headers(200, {"Content-Length": str(len(body))})
            self._write(body)
        else:
            self._headers(404, {"Content-Length": "0"})

    def _headers(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/yaml")
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()

    def _drip(self, body: bytes) -> None:
        for i in range(len(body)):
            if self.server.stopping.wait(DRIP_EVERY) or not self._write(body[i : i + 1]):
                return

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # the client went away
            return False
        self.server.sent[self.path] = self.server.sent.get(self.path, 0) + len(data)
        return True

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hostile_server() -> Iterator[Hostile]:
    server = Hostile(("127.0.0.1", 0), Handler)
    server.sent, server.stopping, server.bodies = {}, threading.Event(), {}
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()


def url(server: Hostile, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def clientgen(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc, time.monotonic() - start


# ---- the deadline ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/drip", "/silent"])
def test_fetch_spec_stops_at_the_total_deadline(path: str, hostile_server: Hostile) -> None:
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_spec(url(hostile_server, path), None, timeout=1.5, retries=0)
    elapsed = time.monotonic() - start
    assert "did not finish within --timeout 1.5s" in caught.value.message
    assert hostile_server.sent.get(path, 0) < DRIP_LENGTH  # the body was never completed
    # safety net only (the message above proves the deadline fired): the drip would take ~40 minutes,
    # so a generous bound keeps this from flaking on a loaded machine
    assert elapsed < 30


def test_the_deadline_covers_every_attempt(hostile_server: Hostile) -> None:
    """503 with Retry-After: 1, and five retries allowed: the pauses count against the same deadline,
    so the fetch gives up when no time is left for another attempt."""
    with pytest.raises(FetchError) as caught:
        fetch_spec(url(hostile_server, "/busy"), None, timeout=1.5, retries=5, backoff=0.01)
    assert "HTTP 503" in caught.value.message
    assert "no time left for another attempt within --timeout 1.5s" in caught.value.message


@pytest.mark.slow  # waits for a dripping server to run into the timeout
@pytest.mark.parametrize("command", ["fetch", "check-live"])
def test_a_dripping_server_cannot_hold_the_command_past_timeout(
    command: str, hostile_server: Hostile, make_project: Any
) -> None:
    project: Project = make_project(SMALL, live_url=url(hostile_server, "/drip"))
    before = project.state()
    args = ["fetch", "cx"] if command == "fetch" else ["check", "--live"]
    proc, elapsed = clientgen(project.root, *args, "--update", "--timeout", "2", "--retries", "2")
    assert proc.returncode == 3, proc.stderr
    assert "did not finish within --timeout 2s" in proc.stderr
    assert "Nothing was written." in proc.stderr and "Traceback" not in proc.stderr
    assert project.state() == before
    # safety net only (the message proves the deadline fired; the drip would take ~40 minutes): generous,
    # because interpreter start-up on a loaded machine is not what this test measures
    assert elapsed < 60


# ---- the size bound --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/declared-5gib", "(Content-Length: 5,368,709,120)"),
        ("/endless", f"more than {MAX_LIVE_BYTES:,} bytes; refused"),
        ("/gzip-bomb", "(decoded)"),
    ],
)
def test_bodies_over_the_size_bound_are_refused(
    path: str, reason: str, hostile_server: Hostile, make_project: Any
) -> None:
    project: Project = make_project(SMALL, live_url=url(hostile_server, path))
    before = project.state()
    proc, _ = clientgen(project.root, "fetch", "cx", "--update", "--timeout", "60")
    assert proc.returncode == 3, proc.stderr
    assert f"sent more than {MAX_LIVE_BYTES:,} bytes" in proc.stderr and reason in proc.stderr
    assert "MemoryError" not in proc.stderr and "Traceback" not in proc.stderr
    assert project.state() == before
    if path == "/declared-5gib":  # refused on the header: the slow body was not waited for
        assert hostile_server.sent.get(path, 0) < 100


# ---- a downloaded spec passes every generator check before anything is written --------------------
def test_a_live_spec_whose_ref_leaves_the_folder_is_refused(
    hostile_server: Hostile, make_project: Any, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("type: string\ndescription: top-secret-value\n")
    live = (
        "openapi: 3.1.0\ninfo: {title: Shop, version: '2'}\npaths: {}\n"
        "components:\n  schemas:\n    Leak: {$ref: '../../../secret.yml'}\n"
    )
    hostile_server.bodies["/openapi.yml"] = live.encode()
    project: Project = make_project(SMALL, live_url=url(hostile_server, "/openapi.yml"))
    assert (project.spec.parent / "../../../secret.yml").resolve() == secret
    before = project.state()
    proc, _ = clientgen(project.root, "fetch", "cx", "--update")
    assert proc.returncode == 3, proc.stderr
    assert "outside the spec's folder" in proc.stderr and "top-secret-value" not in proc.stderr
    assert "Nothing was written." in proc.stderr
    assert project.state() == before


def test_a_live_spec_with_its_refs_inside_the_folder_is_taken(
    hostile_server: Hostile, make_project: Any
) -> None:
    project: Project = make_project(SMALL, live_url=url(hostile_server, "/openapi.yml"))
    (project.spec.parent / "schemas").mkdir()
    (project.spec.parent / "schemas" / "thing.yml").write_text(
        "type: object\nproperties:\n  name: {type: string}\n"
    )
    live = (
        "openapi: 3.1.0\ninfo: {title: Shop, version: '2'}\n"
        "servers: [{url: 'https://shop.example.test'}]\n"
        "paths:\n  /things:\n    get:\n      operationId: listThings\n      responses:\n"
        "        '200':\n          description: ok\n          content:\n"
        "            application/json: {schema: {$ref: 'schemas/thing.yml'}}\n"
    )
    hostile_server.bodies["/openapi.yml"] = live.encode()
    proc, _ = clientgen(project.root, "fetch", "cx", "--update")
    assert proc.returncode == 0, proc.stderr
    assert project.spec.read_text() == live
    assert (project.output / "src" / "casexchange" / "types" / "thing.py").is_file()


def test_a_hostile_live_spec_generates_a_package_that_runs_none_of_it(
    hostile_server: Hostile, make_project: Any
) -> None:
    body = json.dumps(rich_spec(payload, "oauth")).encode()
    hostile_server.bodies["/openapi.json"] = body
    project: Project = make_project(SMALL, live_url=url(hostile_server, "/openapi.json"))
    proc, _ = clientgen(project.root, "fetch", "cx", "--update")
    assert proc.returncode == 0, proc.stderr
    assert project.spec.read_bytes() == body
    check_package(project.output, "casexchange")


def test_a_live_spec_that_cannot_be_used_leaves_everything_as_it_was(
    hostile_server: Hostile, make_project: Any
) -> None:
    """A document `fetch` accepts but the generator does not (a $ref to a URL: clientgen fetches no
    referenced document; a $ref cycle, used here before, is now a warning)."""
    live = (
        "openapi: 3.1.0\ninfo: {title: Shop, version: '2'}\n"
        "paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n"
        "        '200':\n          description: ok\n          content:\n"
        "            application/json: {schema: {$ref: 'https://shop.example.test/a.yml#/A'}}\n"
    )
    hostile_server.bodies["/openapi.yml"] = live.encode()
    project: Project = make_project(
        SMALL, live_url=url(hostile_server, "/openapi.yml"), generated=True
    )
    before = project.state()
    proc, _ = clientgen(project.root, "fetch", "cx", "--update")
    assert proc.returncode == 3, proc.stderr
    assert "the live document cannot be used" in proc.stderr and "names a URL" in proc.stderr
    assert project.state() == before  # mtimes too: the spec was never rewritten


def test_an_output_that_cannot_be_written_leaves_the_committed_spec_untouched(
    hostile_server: Hostile, make_project: Any
) -> None:
    """The package is built before the spec is written: when the output folder cannot be written
    (here it is a file), the committed spec is not rewritten and put back, it is never touched."""
    hostile_server.bodies["/openapi.yml"] = SMALL.replace(b"version: 1.2.0", b"version: 1.2.1")
    project: Project = make_project(SMALL, live_url=url(hostile_server, "/openapi.yml"))
    project.output.parent.mkdir(parents=True)
    project.output.write_text("not a folder")
    before = project.state()
    proc, _ = clientgen(project.root, "fetch", "cx", "--update")
    assert proc.returncode == 2, proc.stderr
    assert "error[output-not-folder]" in proc.stderr and "Traceback" not in proc.stderr
    assert project.state() == before  # mtimes included
