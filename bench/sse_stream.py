"""Server-sent events throughput (not a test): a client generated from tests/fixtures/specs/events_31.yml
reads N typed events (`Stream[Progress]`) from sse-starlette's `EventSourceResponse` under uvicorn on
127.0.0.1, over a real socket.

    python bench/sse_stream.py [--events 20000] [--runs 3]

Prints one line per run: events, wall seconds, events per second (the median run is the figure to quote).
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import generate  # noqa: E402
from generator.config import adhoc_target  # noqa: E402
from tests.support.uvicorn_server import uvicorn_serving  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from sse_starlette import EventSourceResponse
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.routing import Route

    out = Path(tempfile.mkdtemp()) / "ssebench"
    spec = ROOT / "tests" / "fixtures" / "specs" / "events_31.yml"
    generate(adhoc_target(str(spec), str(out), "ssebench", "Events"))
    sys.path.insert(0, str(out / "src"))
    pkg: Any = importlib.import_module("ssebench")
    n = args.events
    payload = [f"data: {json.dumps({'percent': i, 'stage': 's'})}\n\n".encode() for i in range(n)]

    async def progress(request: Request) -> EventSourceResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for i in range(0, n, 100):
                yield b"".join(payload[i : i + 100])

        return EventSourceResponse(chunks())

    rates = []
    app = Starlette(routes=[Route("/v1/jobs/{id}/progress", progress)])
    with uvicorn_serving(app) as origin, pkg.Events(token="t", base_url=f"{origin}/v1") as client:
        for run in range(args.runs):
            start = time.perf_counter()
            got = sum(1 for event in client.jobs.watch_progress("j") if event.data.percent >= 0)
            wall = time.perf_counter() - start
            rates.append(got / wall)
            print(f"run {run}: {got} typed events in {wall:.3f} s ({got / wall:,.0f} events/s)")
    print(f"median: {statistics.median(rates):,.0f} events/s")


if __name__ == "__main__":
    main()
