"""Real third-party servers for the slow tests in tests/realservers/: where they are installed, how
they are started on 127.0.0.1 with their storage in a temporary folder, and how they are stopped.

Each server lives in its own virtualenv under `.cache/servers/<name>/` (installed by
`scripts/setup --with-servers`, pinned by `tests/fixtures/servers/<name>/requirement.txt` and
`constraints.txt`), so its dependencies never meet clientgen's. The committed OpenAPI document that
server serves is `tests/fixtures/servers/<name>/openapi.json`.

A server is started in its own process group and stopped by that group's id (SIGTERM, then SIGKILL); on
Linux it also gets SIGTERM if the test process dies first. Every wait is bounded.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

from generator import generate
from generator.config import adhoc_target

from .packages import imported_package
from .processes import free_port, stop_group

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "servers"
VENVS = REPO / ".cache" / "servers"


@dataclass(frozen=True)
class ServerKind:
    name: str
    """Folder name under .cache/servers/ and tests/fixtures/servers/."""
    package: str
    """Import name of the client generated from its spec."""
    client_name: str
    ready_path: str
    """GET this path until it answers 200."""
    command: Callable[[Path, int, Path], list[str]]
    """(venv, port, data folder) → argv."""
    env: Callable[[Path], dict[str, str]]
    """data folder → extra environment variables."""
    startup_timeout: float = 180.0

    @property
    def venv(self) -> Path:
        return VENVS / self.name

    @property
    def spec_file(self) -> Path:
        return FIXTURES / self.name / "openapi.json"

    @property
    def requirement(self) -> str:
        return (FIXTURES / self.name / "requirement.txt").read_text().strip()

    def installed(self) -> bool:
        """The venv exists and its stamp records the pinned requirement."""
        stamp = self.venv / ".clientgen-installed"
        return stamp.is_file() and stamp.read_text().split()[:1] == [self.requirement]


def _chroma_command(venv: Path, port: int, data: Path) -> list[str]:
    return [
        str(venv / "bin" / "chroma"),
        "run",
        "--path",
        str(data),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def _chroma_env(data: Path) -> dict[str, str]:
    return {"ANONYMIZED_TELEMETRY": "False"}


ZENML_ROOT_PATH = "/zenml"


def _zenml_command(venv: Path, port: int, data: Path) -> list[str]:
    return [
        str(venv / "bin" / "python"),
        "-m",
        "uvicorn",
        "zenml.zen_server.zen_server_api:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]


ZENML_USER, ZENML_PASSWORD = "default", "clientgen-test-password"


def _zenml_env(data: Path) -> dict[str, str]:
    # A local ZenML server on SQLite with its default authentication (OAuth2 password flow: a form POST to
    # /api/v1/login gives a bearer token) for the admin user auto-activation creates at first start, served
    # under the root path /zenml as it would be behind a path-prefix reverse proxy: the spec then says
    # servers: [{url: /zenml}].
    return {
        "ZENML_CONFIG_PATH": str(data / "config"),
        "ZENML_LOCAL_STORES_PATH": str(data / "stores"),
        "ZENML_STORE_URL": f"sqlite:///{data / 'zenml.db'}",
        "ZENML_SERVER_AUTH_SCHEME": "OAUTH2_PASSWORD_BEARER",
        "ZENML_SERVER_AUTO_ACTIVATE": "true",
        "ZENML_DEFAULT_USER_NAME": ZENML_USER,
        "ZENML_DEFAULT_USER_PASSWORD": ZENML_PASSWORD,
        "ZENML_SERVER_DEPLOYMENT_TYPE": "local",
        "ZENML_SERVER_ROOT_URL_PATH": ZENML_ROOT_PATH,
        "ZENML_ANALYTICS_OPT_IN": "false",
        "ZENML_ENABLE_RICH_TRACEBACK": "false",
        "ZENML_LOGGING_COLORS_DISABLED": "true",
    }


CHROMA = ServerKind(
    name="chroma",
    package="chroma_rs",
    client_name="Chroma",
    ready_path="/api/v2/heartbeat",
    command=_chroma_command,
    env=_chroma_env,
)
ZENML = ServerKind(
    name="zenml",
    package="zenml_rs",
    client_name="ZenML",
    ready_path="/ready",
    command=_zenml_command,
    env=_zenml_env,
)
SERVERS = {kind.name: kind for kind in (CHROMA, ZENML)}


def _json_server_command(install: Path, port: int, data: Path) -> list[str]:
    # the database file is the server's whole state: written by the test into the server's work folder
    cli = install / "node_modules" / "json-server" / "lib" / "cli" / "bin.js"
    return [
        "node",
        str(cli),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        str(data.parent / "db.json"),
    ]


def _drf_command(venv: Path, port: int, data: Path) -> list[str]:
    app = FIXTURES / "drf" / "app.py"
    return [str(venv / "bin" / "python"), str(app), "runserver", f"127.0.0.1:{port}", "--noreload"]


DRF = ServerKind(
    name="drf",
    package="drf_rs",
    client_name="Drf",
    ready_path="/articles/",
    command=_drf_command,
    env=lambda data: {},
    startup_timeout=60.0,
)
"""Django REST framework's paginators (tests/fixtures/servers/drf/app.py, no database): a next URL in
the body. Its spec is written by hand as drf-spectacular writes one; not in SERVERS (none is served)."""

JSON_SERVER = ServerKind(
    name="json-server",
    package="jsonserver_rs",
    client_name="JsonServer",
    ready_path="/posts",
    command=_json_server_command,
    env=lambda data: {},
    startup_timeout=60.0,
)
"""json-server (npm): a REST server over a JSON file that pages by `_page`/`_limit` with an RFC 8288 `Link`
header, or slices by `_start`/`_limit`. It serves no spec: tests/fixtures/servers/json-server/openapi.json
describes its documented paging by hand. Not in SERVERS (there is no served spec to compare)."""


@dataclass(frozen=True)
class RunningServer:
    kind: ServerKind
    origin: str
    """http://127.0.0.1:PORT — no path."""
    data: Path
    """The server's storage folder."""
    log: Path


_PR_SET_PDEATHSIG = 1
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    """In the server's process, before exec: on Linux, ask for SIGTERM when the test process dies, so a
    killed test run leaves no server behind (the fixture's teardown cannot run then). Only calls prctl,
    resolved before the fork."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    return False


@contextmanager
def running_server(
    kind: ServerKind, workdir: Path, *, attempts: int = 2
) -> Iterator[RunningServer]:
    """Start `kind` on a free loopback port with its storage in `workdir`; always stop it."""
    last_log = ""
    for attempt in range(attempts):
        data = workdir / f"data{attempt}"
        data.mkdir(parents=True, exist_ok=True)
        log_path = workdir / f"server{attempt}.log"
        port = free_port()
        env = {**os.environ, **kind.env(data), "PYTHONUNBUFFERED": "1"}
        env.pop("VIRTUAL_ENV", None)
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                kind.command(kind.venv, port, data),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=data,
                env=env,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 (prctl only, resolved before the fork)
            )
            try:
                origin = f"http://127.0.0.1:{port}"
                if _wait_ready(proc, origin + kind.ready_path, kind.startup_timeout):
                    yield RunningServer(kind, origin, data, log_path)
                    return
                last_log = log_path.read_text(errors="replace")[-4000:]
            finally:
                stop_group(proc, term_wait=15.0)
    raise RuntimeError(f"{kind.name} did not start in {attempts} attempts; last log:\n{last_log}")


def fetch_spec(server: RunningServer) -> dict[str, Any]:
    response = httpx.get(server.origin + "/openapi.json", timeout=30.0)
    response.raise_for_status()
    doc = response.json()
    assert isinstance(doc, dict)
    return doc


def spec_text(doc: dict[str, Any]) -> str:
    """How a spec is committed: the server's key order kept, indented, one trailing newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def normalised(doc: Any) -> str:
    """Order-independent text of a JSON document, for comparing specs."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def generate_client(kind: ServerKind, spec: Path, out: Path) -> Path:
    """Generate the client package for `kind` from `spec` into `out`; return the package's src folder."""
    generate(adhoc_target(str(spec), str(out), kind.package, kind.client_name))
    return out / "src"


def client_package(kind: ServerKind, folder: Path, package: str = "", **config: Any) -> ModuleType:
    """Generate the client for `kind` from its committed spec into `folder` / its package name
    (`package`, default `kind.package`), with the target settings in `config` (`pagination=`), and
    import it."""
    name = package or kind.package
    target = adhoc_target(str(kind.spec_file), str(folder / name), name, kind.client_name)
    with imported_package(replace(target, **config)) as imported:
        return imported


def query_storage(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Read what the server stored, straight from its SQLite file (read-only)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10.0)) as db:
        return db.execute(sql, args).fetchall()
