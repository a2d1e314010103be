"""Runtime benchmarks of a generated client, run by `bench/perf.py` in fresh interpreters (not a test).

    python bench/perf_runtime.py import-probe SRC PACKAGE CLIENT RESOURCE...   # one import measurement
    python bench/perf_runtime.py import-probe --baseline                       # httpx + pydantic + 1 model
    python bench/perf_runtime.py first-call-probe SRC PACKAGE CLIENT BODY      # a method's first call
    python bench/perf_runtime.py call [--iterations N] [--blocks B]            # per-call overhead
    python bench/perf_runtime.py paginate [--pages 100] [--per-page 100]       # paginator time and memory

Every mode prints one JSON object on stdout. The client is CaseXchange's (`generated/casexchange/src`,
or `--src`), driven through `httpx.MockTransport`; the hand-written equivalent uses the same transport and
the same pydantic models (`Model.model_validate_json`), so the difference is what the generated runtime adds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CASEXCHANGE_SRC = REPO / "generated" / "casexchange" / "src"
BASE = "https://api.example.test/v1"
# The call and paginate timings are CPU time of this process: on a shared machine, wall time of a
# CPU-bound loop mostly measures the neighbours. (No I/O happens: MockTransport answers in-process.)
CLOCK = time.process_time


# ---------------------------------------------------------------------------------------------------------


def envelopes(types: Any) -> tuple[Any, Any]:
    """What a hand-written client would declare for the `{data, meta}` envelope of a webhook
    subscription (the generated client unwraps it without naming such a class)."""
    from pydantic import create_model

    plain = create_model(
        "WebhookSubscriptionResponse", data=(types.WebhookSubscription, ...), meta=(dict, ...)
    )
    secret = create_model(
        "WebhookSubscriptionWithSecretResponse",
        data=(types.WebhookSubscriptionWithSecret, ...),
        meta=(dict, ...),
    )
    return plain, secret


# import cost
# ---------------------------------------------------------------------------------------------------------
def import_probe(argv: list[str]) -> dict[str, Any]:
    """Time `import pkg; client = Client(dummy credentials)` (or the baseline) from a clean start.

    Run with `python -I -X pycache_prefix=…`: nothing from the environment, bytecode in our own cache."""
    n0 = len(sys.modules)
    if argv == ["--baseline"]:
        t0, c0 = time.perf_counter(), time.process_time()
        import httpx  # noqa: F401
        import pydantic

        class Tiny(pydantic.BaseModel):
            id: int
            name: str

        Tiny.model_validate_json(b'{"id": 1, "name": "x"}')
        t1, c1 = time.perf_counter(), time.process_time()
        return {
            "import_ms": (t1 - t0) * 1000,
            "import_cpu_ms": (c1 - c0) * 1000,
            "modules": len(sys.modules) - n0,
        }
    src, package, client_name, *resources = argv
    sys.path.insert(0, src)
    import importlib
    import inspect

    t0, c0 = time.perf_counter(), time.process_time()
    pkg = importlib.import_module(package)
    cls = getattr(pkg, client_name)
    t_import = time.perf_counter()
    # credentials: the positional-or-keyword parameters (api_key, token, …); every other option is keyword-only
    creds = {
        name: "http://127.0.0.1:9/token" if name.endswith("url") else "dummy-credential"
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD
    }
    client = cls(**creds)
    t1, c1 = time.perf_counter(), time.process_time()
    out: dict[str, Any] = {
        "import_ms": (t1 - t0) * 1000,
        "import_cpu_ms": (c1 - c0) * 1000,
        "import_only_ms": (t_import - t0) * 1000,
        "modules": len(sys.modules) - n0,
        "package_modules": sum(
            1 for m in sys.modules if m == package or m.startswith(package + ".")
        ),
        "resources": {},
    }
    for attr in resources:  # first use of each resource, in order, on the same client
        n1 = len(sys.modules)
        t2, c2 = time.perf_counter(), time.process_time()
        getattr(client, attr)
        t3, c3 = time.perf_counter(), time.process_time()
        out["resources"][attr] = {
            "ms": (t3 - t2) * 1000,
            "cpu_ms": (c3 - c2) * 1000,
            "modules": len(sys.modules) - n1,
        }
    for attr in resources:  # then the models its methods parse responses with (lazy since issue 18)
        module = sys.modules[type(getattr(client, attr)).__module__]
        endpoint = importlib.import_module(f"{package}._endpoint").Endpoint
        specs = [
            r
            for e in vars(module).values()
            if isinstance(e, endpoint)
            for r in e.responses.values()
        ]
        n1 = len(sys.modules)
        t2, c2 = time.perf_counter(), time.process_time()
        loaded = [specs[0].body_type] if specs else []  # one method's first call: its models load
        t3, c3 = time.perf_counter(), time.process_time()
        loaded += [spec.body_type for spec in specs]
        t4, c4 = time.perf_counter(), time.process_time()
        out["resources"][attr].update(
            first_method_ms=(t3 - t2) * 1000,
            first_method_cpu_ms=(c3 - c2) * 1000,
            all_models_ms=(t4 - t2) * 1000,
            all_models_cpu_ms=(c4 - c2) * 1000,
            model_modules=len(sys.modules) - n1,
        )
    return out


# the first call of a method in a fresh interpreter
# ---------------------------------------------------------------------------------------------------------
# package: (resource, method, positional arguments); the response body is `first_call_body(package, …)`
FIRST_CALLS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "casexchange": ("webhooks", "get", ("00000000-0000-4000-8000-000000000001",)),
    "github": ("repos", "get", ("octocat", "hello-world")),
}


def first_call_body(package: str, spec: Path | None = None) -> bytes:
    """A valid response body for `FIRST_CALLS[package]`: CaseXchange's webhook envelope, or GitHub's
    spec example of a full repository (`spec`: GitHub's JSON spec) with the two `language` fields it
    leaves out, which the schema requires (null)."""
    if package == "casexchange":
        return json.dumps({"data": _subscription(1), "meta": META}).encode()
    assert spec is not None, "GitHub's body comes from its spec's example"
    examples = json.loads(spec.read_bytes())["components"]["examples"]
    body = examples["full-repository-default-response"]["value"]
    body["language"] = None
    body["source"]["language"] = None
    return json.dumps(body).encode()


def first_call_probe(argv: list[str]) -> dict[str, Any]:
    """`import pkg; client = Client(…, http_client=<MockTransport>)`, the first use of the resource, then
    time its method's first call (its models load, pydantic builds their validators and parses the
    body) and a second one. Run with `python -I -X pycache_prefix=…`, as `import_probe`."""
    src, package, client_name, body_path = argv
    resource, method, args = FIRST_CALLS[package]
    body = Path(body_path).read_bytes()
    sys.path.insert(0, src)
    import importlib
    import inspect
    import linecache

    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=JSON_HEADERS)

    t0, c0 = time.perf_counter(), time.process_time()
    cls = getattr(importlib.import_module(package), client_name)
    creds = {
        name: "dummy-credential"
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self" and p.kind is p.POSITIONAL_OR_KEYWORD
    }
    client = cls(**creds, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    t1, c1 = time.perf_counter(), time.process_time()
    res = getattr(client, resource)
    t2, c2 = time.perf_counter(), time.process_time()
    n = len(sys.modules)
    result = getattr(res, method)(*args)
    t3, c3 = time.perf_counter(), time.process_time()
    getattr(res, method)(*args)
    t4 = time.perf_counter()
    root = str(Path(src).resolve())
    return {
        "import_ms": (t1 - t0) * 1000,
        "import_cpu_ms": (c1 - c0) * 1000,
        "first_use_ms": (t2 - t1) * 1000,
        "first_use_cpu_ms": (c2 - c1) * 1000,
        "first_call_ms": (t3 - t2) * 1000,
        "first_call_cpu_ms": (c3 - c2) * 1000,
        "second_call_ms": (t4 - t3)
        * 1000,  # the same method again: what a call costs after the first
        "call_modules": len(sys.modules) - n,
        "result": type(result).__name__,
        "sources_read": sum(1 for f in linecache.cache if str(f).startswith(root)),
    }


# ---------------------------------------------------------------------------------------------------------
# per-call overhead
# ---------------------------------------------------------------------------------------------------------
def _subscription(i: int) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{i:012d}",
        "url": f"https://hooks.example.test/{i}",
        "description": "benchmark hook",
        "isActive": True,
        "isEchoActive": False,
        "originalUrl": None,
        "createdAt": "2025-01-02T03:04:05Z",
        "updatedAt": "2025-01-02T03:04:05Z",
    }


META = {"requestId": "req_1", "timestamp": "2025-01-02T03:04:05Z"}
JSON_HEADERS = {"content-type": "application/json"}


def _load_casexchange(src: Path) -> Any:
    sys.path.insert(0, str(src))
    import casexchange

    return casexchange


def _median_per_call(samples: list[float], iterations: int) -> float:
    return statistics.median(samples) / iterations


def bench_calls(iterations: int, blocks: int, src: Path) -> dict[str, Any]:
    """Generated method vs hand-written httpx + `Model.model_validate_json`, same MockTransport, alternating
    blocks of `iterations` calls; medians of `blocks` blocks, in µs of CPU time per call."""
    import asyncio
    import gc

    import httpx

    casexchange = _load_casexchange(src)
    import casexchange.types

    WebhookSubscriptionResponse, WebhookSubscriptionWithSecretResponse = envelopes(
        casexchange.types
    )

    get_body = json.dumps({"data": _subscription(1), "meta": META}).encode()
    post_body = json.dumps(
        {"data": {**_subscription(2), "secret": "whsec_x"}, "meta": META}
    ).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201, content=post_body, headers=JSON_HEADERS)
        return httpx.Response(200, content=get_body, headers=JSON_HEADERS)

    transport = httpx.MockTransport(handler)
    key = "cx_benchmark_key"
    new_hook = {"url": "https://hooks.example.test/new", "description": "created by the benchmark"}

    http = httpx.Client(transport=transport)
    client = casexchange.CaseXchange(
        api_key=key, base_url=BASE, http_client=httpx.Client(transport=transport)
    )
    hdrs = {"X-API-Key": key}

    def gen_get() -> Any:
        return client.webhooks.get("wh_1")

    def hand_get() -> Any:
        r = http.get(f"{BASE}/webhooks/wh_1", headers=hdrs)
        r.raise_for_status()
        return WebhookSubscriptionResponse.model_validate_json(r.content).data

    def httpx_only_get() -> Any:
        return http.get(f"{BASE}/webhooks/wh_1", headers=hdrs)

    def gen_post() -> Any:
        return client.webhooks.create(**new_hook)

    def hand_post() -> Any:
        r = http.post(f"{BASE}/webhooks", json=new_hook, headers=hdrs)
        r.raise_for_status()
        return WebhookSubscriptionWithSecretResponse.model_validate_json(r.content).data

    assert gen_get() == hand_get() and gen_post() == hand_post()

    aclient = casexchange.AsyncCaseXchange(
        api_key=key, base_url=BASE, http_client=httpx.AsyncClient(transport=transport)
    )
    ahttp = httpx.AsyncClient(transport=transport)

    async def agen_get() -> Any:
        return await aclient.webhooks.get("wh_1")

    async def ahand_get() -> Any:
        r = await ahttp.get(f"{BASE}/webhooks/wh_1", headers=hdrs)
        r.raise_for_status()
        return WebhookSubscriptionResponse.model_validate_json(r.content).data

    async def ahttpx_only_get() -> Any:
        return await ahttp.get(f"{BASE}/webhooks/wh_1", headers=hdrs)

    sync_cases = {
        "sync GET": (gen_get, hand_get, httpx_only_get),
        "sync POST json": (gen_post, hand_post, None),
    }
    results: dict[str, Any] = {}

    def time_sync(fn: Any) -> float:
        start = CLOCK()
        for _ in range(iterations):
            fn()
        return CLOCK() - start

    for name, (gen, hand, floor) in sync_cases.items():
        for fn in (gen, hand, floor):
            if fn is not None:
                time_sync(fn)  # warm-up block (adapters, caches)
        samples: dict[str, list[float]] = {"generated": [], "hand": [], "httpx": []}
        for _ in range(blocks):
            gc.collect()
            samples["generated"].append(time_sync(gen))
            samples["hand"].append(time_sync(hand))
            if floor is not None:
                samples["httpx"].append(time_sync(floor))
        results[name] = {k: _median_per_call(v, iterations) * 1e6 for k, v in samples.items() if v}

    async def time_async(fn: Any) -> float:
        start = CLOCK()
        for _ in range(iterations):
            await fn()
        return CLOCK() - start

    async def run_async() -> dict[str, float]:
        assert await agen_get() == await ahand_get()
        for fn in (agen_get, ahand_get, ahttpx_only_get):
            await time_async(fn)
        samples: dict[str, list[float]] = {"generated": [], "hand": [], "httpx": []}
        for _ in range(blocks):
            gc.collect()
            samples["generated"].append(await time_async(agen_get))
            samples["hand"].append(await time_async(ahand_get))
            samples["httpx"].append(await time_async(ahttpx_only_get))
        return {k: _median_per_call(v, iterations) * 1e6 for k, v in samples.items()}

    results["async GET"] = asyncio.run(run_async())
    return {"iterations": iterations, "blocks": blocks, "cases": results}


# ---------------------------------------------------------------------------------------------------------
# pagination
# ---------------------------------------------------------------------------------------------------------
def _page_bodies(pages: int, per_page: int) -> list[bytes]:
    bodies = []
    for p in range(1, pages + 1):
        items = [_subscription((p - 1) * per_page + i) for i in range(per_page)]
        bodies.append(
            json.dumps(
                {
                    "data": items,
                    "pagination": {
                        "page": p,
                        "limit": per_page,
                        "total": pages * per_page,
                        "totalPages": pages,
                    },
                    "meta": META,
                }
            ).encode()
        )
    return bodies


def bench_paginate(pages: int, per_page: int, runs: int, src: Path) -> dict[str, Any]:
    """Iterate pages×per_page items through `client.webhooks.list()` (sync and async) vs a hand-written page
    loop; then tracemalloc peaks after 10 % of the items and after all of them (flat = pages not kept)."""
    import asyncio
    import gc
    import tracemalloc

    import httpx

    casexchange = _load_casexchange(src)
    from casexchange.types import ListWebhooksResponse

    bodies = _page_bodies(
        pages, per_page
    )  # built before tracemalloc starts: the "server" is not measured

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        if not 1 <= page <= pages:
            body = json.dumps(
                {"data": [], "pagination": {"page": page, "totalPages": pages}, "meta": META}
            )
            return httpx.Response(200, content=body.encode(), headers=JSON_HEADERS)
        return httpx.Response(200, content=bodies[page - 1], headers=JSON_HEADERS)

    transport = httpx.MockTransport(handler)
    key = "cx_benchmark_key"
    client = casexchange.CaseXchange(
        api_key=key, base_url=BASE, http_client=httpx.Client(transport=transport)
    )
    aclient = casexchange.AsyncCaseXchange(
        api_key=key, base_url=BASE, http_client=httpx.AsyncClient(transport=transport)
    )
    http = httpx.Client(transport=transport)
    total = pages * per_page

    def generated(max_items: int | None = None) -> int:
        n = 0
        for _item in client.webhooks.list(limit=per_page).iter_items(max_items=max_items):
            n += 1
        return n

    def hand(max_items: int | None = None) -> int:
        n, page = 0, 1
        while True:
            r = http.get(
                f"{BASE}/webhooks",
                params={"page": page, "limit": per_page},
                headers={"X-API-Key": key},
            )
            r.raise_for_status()
            parsed = ListWebhooksResponse.model_validate_json(r.content)
            for _item in parsed.data:
                n += 1
                if max_items is not None and n >= max_items:
                    return n
            if not parsed.data or page >= (parsed.pagination.total_pages or 0):
                return n
            page += 1

    def accumulate() -> int:  # what "not flat" looks like: every item kept
        return len(list(client.webhooks.list(limit=per_page)))

    async def agenerated() -> int:
        n = 0
        async for _item in await aclient.webhooks.list(limit=per_page):
            n += 1
        return n

    assert generated() == hand() == total, "the paginator did not yield every item"
    assert asyncio.run(agenerated()) == total
    times: dict[str, list[float]] = {"generated": [], "hand": [], "async generated": []}
    for _ in range(runs):
        gc.collect()
        for name, fn in (
            ("generated", generated),
            ("hand", hand),
            ("async generated", lambda: asyncio.run(agenerated())),
        ):
            start = CLOCK()
            fn()
            times[name].append(CLOCK() - start)
    seconds = {k: statistics.median(v) for k, v in times.items()}

    def peak_kib(fn: Any, *args: Any) -> float:
        gc.collect()
        tracemalloc.start()
        try:
            fn(*args)
            return tracemalloc.get_traced_memory()[1] / 1024
        finally:
            tracemalloc.stop()

    memory = {
        f"generated_{pct}pct_kib": peak_kib(generated, max(1, total * pct // 100))
        for pct in (10, 50, 100)
    }
    memory["hand_10pct_kib"] = peak_kib(hand, max(1, total // 10))
    memory["hand_100pct_kib"] = peak_kib(hand)
    memory["accumulate_100pct_kib"] = peak_kib(accumulate)
    return {
        "pages": pages,
        "per_page": per_page,
        "items": total,
        "runs": runs,
        "seconds": seconds,
        "us_per_item": {k: v / total * 1e6 for k, v in seconds.items()},
        "memory": memory,
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "import-probe":
        print(json.dumps(import_probe(sys.argv[2:])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "first-call-probe":
        print(json.dumps(first_call_probe(sys.argv[2:])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("call", "paginate"))
    parser.add_argument("--src", type=Path, default=CASEXCHANGE_SRC)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--blocks", type=int, default=25)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.mode == "call":
        print(json.dumps(bench_calls(args.iterations, args.blocks, args.src)))
    else:
        print(json.dumps(bench_paginate(args.pages, args.per_page, args.runs, args.src)))


if __name__ == "__main__":
    main()
