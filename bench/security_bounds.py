"""Measure the generated clients against hostile servers on 127.0.0.1 (issue 12; not a test).

    python bench/security_bounds.py [SECTION ...]                 # prints one JSON object
    python bench/security_bounds.py --generated ../main/generated error_page renewal   # another build

- error page: seconds `parse_error_body` takes on 84 KB / 280 KB of unclosed `<title>` tags;
- drip: seconds a sync call with `timeout=1` takes against a body sent one byte every 0.9 s;
- gzip bomb: decoded size of a bomb, and the peak traced memory of the call that refuses it;
- renewal: token requests caused by 20 threads making their first call at once.
"""

from __future__ import annotations

import gzip
import json
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
_args = sys.argv[1:]
GENERATED = REPO / "generated"
if _args[:1] == ["--generated"]:
    GENERATED = Path(_args[1]).resolve()
    _args = _args[2:]
for _name in ("casexchange", "casebook"):
    sys.path.insert(0, str(GENERATED / _name / "src"))
sys.path.insert(0, str(REPO))

import casebook
import casexchange
from casexchange._error_body import parse_error_body

from tests.support.loopback import Exchange, serving


def error_page() -> dict[str, float]:
    out = {}
    for size in (84_000, 280_000):
        html = ("<title>" * (size // 7)).encode()  # every <title> unclosed
        response = httpx.Response(502, content=html, request=httpx.Request("GET", "https://x/"))
        started = time.perf_counter()
        parse_error_body(response)
        out[f"{size // 1000}KB_s"] = round(time.perf_counter() - started, 5)
    return out


def drip() -> dict[str, Any]:
    with serving() as server:
        server.on("*", lambda ex: ex.drip(100, 0.9))
        client = casexchange.CaseXchange(
            api_key="k-1234", base_url=server.origin, timeout=1.0, max_retries=0
        )
        started = time.perf_counter()
        try:
            client.referrals.list()
            outcome = "returned"
        except casexchange.APIError as exc:
            outcome = type(exc).__name__
        elapsed = time.perf_counter() - started
        client.close()
    return {
        "timeout_s": 1.0,
        "byte_every_s": 0.9,
        "elapsed_s": round(elapsed, 2),
        "outcome": outcome,
    }


def gzip_bomb() -> dict[str, Any]:
    decoded = 256 * 1024 * 1024
    bomb = gzip.compress(b"\0" * decoded, 9)
    with serving() as server:
        server.on("*", lambda ex: ex.reply(200, bomb, {"Content-Encoding": "gzip"}))
        client = casexchange.CaseXchange(api_key="k-1234", base_url=server.origin, max_retries=0)
        tracemalloc.start()
        try:
            client.referrals.list()
            outcome = "returned"
        except casexchange.APIError as exc:
            outcome = type(exc).__name__
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        client.close()
    return {
        "wire_bytes": len(bomb),
        "decoded_bytes": decoded,
        "max_response_bytes": getattr(client, "max_response_bytes", None),
        "peak_traced_MiB": round(peak / 2**20, 1),
        "outcome": outcome,
    }


def renewal() -> dict[str, int]:
    issued: list[int] = []

    def token(ex: Exchange) -> None:
        time.sleep(0.2)
        issued.append(1)
        ex.json(200, {"access_token": f"at-{len(issued)}", "expires_in": 3600})

    with serving() as server:
        server.on("/oauth2/token", token)
        server.on("*", lambda ex: ex.json(200, {"data": {"type": "cases", "id": "c1"}}))
        client = casebook.Casebook(
            client_id="app",
            client_secret="secret-1234",
            token_url=f"{server.origin}/oauth2/token",
            base_url=server.origin,
        )
        start = threading.Barrier(20)

        def call() -> None:
            start.wait()
            client.cases.get("c1")

        threads = [threading.Thread(target=call) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        client.close()
    return {"threads": 20, "token_requests": len(issued)}


SECTIONS = {"error_page": error_page, "drip": drip, "gzip_bomb": gzip_bomb, "renewal": renewal}

if __name__ == "__main__":
    chosen = _args or list(SECTIONS)
    print(json.dumps({name: SECTIONS[name]() for name in chosen}, indent=2))
