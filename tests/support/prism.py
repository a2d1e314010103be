"""Run the Prism mock server (npm `@stoplight/prism-cli`) on a free loopback port.

`prism mock -h 127.0.0.1 -p PORT --seed clientgen SPEC`:
- Prism always validates requests (parameters, bodies, security). An invalid request is answered with the
  operation's own 400/422 response (or a 401 for a missing key) carrying an `sl-violations` header, or —
  when the operation declares no such response — with Prism's own `application/problem+json` error whose
  `type` is under `https://stoplight.io/prism/errors#`; `violations(response)` recognises both.
- Prism also validates the response it mocks and lists those violations (location `response…`) in the same
  `sl-violations` header while still sending the body. `--errors` is deliberately not used: it would
  replace such a body by a 500 problem, hiding which value was wrong; the tests fail on any violation.
- Static mode (no `--dynamic`): the response body is the schema's example when there is one, otherwise a
  deterministic value built from the schema (which ignores `pattern`: strings become `"string"`). A request
  with `Prefer: dynamic=true` gets a body generated from the schema instead (json-schema-faker, seeded by
  `--seed`, so repeatable).
- Prism mounts the paths at the root: it ignores the path of the spec's `servers` (`/api/public/v1`), so the
  base URL is `http://127.0.0.1:PORT` with no path.

The server is started in its own process group and stopped by that group's id (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from .casexchange import REPO
from .processes import free_port, stop_group

PROBLEM_PREFIX = "https://stoplight.io/prism/errors#"


def prism_executable() -> str | None:
    """`$CLIENTGEN_PRISM`, else `prism` on PATH, else the copy `scripts/setup --with-prism` installs."""
    configured = os.environ.get("CLIENTGEN_PRISM")
    if configured:
        return configured
    found = shutil.which("prism")
    if found:
        return found
    local = REPO / ".cache" / "npm" / "node_modules" / ".bin" / "prism"
    return str(local) if local.exists() else None


@contextmanager
def running_prism(
    executable: str,
    spec: Path,
    log_path: Path,
    *,
    startup_timeout: float = 60.0,
    attempts: int = 3,
    extra_args: Sequence[str] = (),
) -> Iterator[str]:
    """Start Prism on `spec` (with `extra_args`, e.g. `--errors`); yield its base URL; always stop it.

    A Prism that exits before it listens because it could not load the spec is not started again (one
    that lost its port to another process is); the `RuntimeError` carries the end of its log."""
    last_error = ""
    for _ in range(attempts):
        port = free_port()
        log = log_path.open("wb")
        proc = subprocess.Popen(
            [
                executable,
                "mock",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "--seed",
                "clientgen",
                *extra_args,
                str(spec),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + startup_timeout
            ready = False
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    httpx.get(
                        base_url + "/", timeout=1.0
                    )  # any answer (even 404) means it is listening
                    ready = True
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            if ready:
                yield base_url
                return
            last_error = log_path.read_text(errors="replace")[-3000:]
            if proc.poll() is not None and "EADDRINUSE" not in last_error:
                break  # Prism gave up on the spec (not on a port taken meanwhile): so would a retry
        finally:
            stop_group(proc, term_wait=5.0)
            log.close()
    raise RuntimeError(f"Prism did not start; last log:\n{last_error}")


def violations(response: httpx.Response) -> list[dict[str, Any]]:
    """Request/response violations Prism reported on `response` (empty when there were none)."""
    found: list[dict[str, Any]] = []
    header = response.headers.get("sl-violations")
    if header:
        try:
            found.extend(json.loads(header))
        except ValueError:
            found.append({"location": ["unknown"], "message": header})
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        try:
            problem = json.loads(response.content)
        except ValueError:
            problem = {}
        if isinstance(problem, dict) and str(problem.get("type", "")).startswith(PROBLEM_PREFIX):
            found.append(
                {
                    "location": ["request"],
                    **{
                        k: problem.get(k)
                        for k in ("type", "title", "detail", "validation")
                        if k in problem
                    },
                }
            )
    return found


def is_response_violation(violation: dict[str, Any]) -> bool:
    location = violation.get("location") or []
    return bool(location) and location[0] == "response"
