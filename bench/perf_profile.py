"""Profiles behind docs/performance.md (not a test): where the time of a generation run and of a call goes.

    python bench/perf_profile.py gen [SPEC_ID]     # cProfile of pipeline.generate (default: github)
    python bench/perf_profile.py call [N]          # cProfile of N sync `client.webhooks.get(id)` calls
    python bench/perf_profile.py imports           # -X importtime: `clientgen check`'s imports, GitHub client
    python bench/perf_profile.py experiments       # the what-if measurements behind docs/performance.md's
                                                   # recommendations (monkey-patched copies; nothing is changed)
    python bench/perf_profile.py write [SPEC_ID] [DIR]   # the write + ruff stage split into its steps (median
                                                         # of 3), in DIR (default .cache/perf/profile; try /dev/shm)

Each prints the top functions by own time, the same time grouped by area (generator module, library,
runtime module, builtin), and the top generator functions by cumulative time. Profiles are written to
.cache/perf/profile/*.prof (open with `python -m pstats` or snakeviz).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpora  # noqa: E402

OUT = REPO / ".cache" / "perf" / "profile"
STDLIB = sysconfig.get_paths()["stdlib"]


def area(filename: str, func: str) -> str:
    """A readable bucket for a profiled function."""
    if filename == "~" or filename.startswith("<"):
        name = re.sub(r"^<(built-in method |method ')?|'? of .*$|>$", "", func)
        return f"builtin {name}"
    path = filename.replace("\\", "/")
    if "/site-packages/" in path:
        rest = path.split("/site-packages/", 1)[1]
        return rest.split("/", 1)[0].removesuffix(".py")
    if f"{REPO.as_posix()}/generator/" in path:
        return "generator/" + path.split(f"{REPO.as_posix()}/generator/", 1)[1]
    if "/src/casexchange/" in path:
        return "casexchange/" + path.split("/src/casexchange/", 1)[1]
    if path.startswith(STDLIB):
        rel = path[len(STDLIB) :].lstrip("/")
        return "stdlib " + rel.split("/", 1)[0].removesuffix(".py")
    return Path(path).name


def short(filename: str, line: int, func: str) -> str:
    if filename == "~":
        return func
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", f"{REPO.as_posix()}/", "/src/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        path = path.removeprefix(STDLIB + "/")
    return f"{path}:{line}({func})"


def summarize(
    stats: pstats.Stats, total: float, top: int = 25, cum_filter: str | None = None
) -> str:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = [(tt, ct, nc, key) for key, (_cc, nc, tt, ct, _callers) in raw.items()]
    lines = [
        f"total profiled: {total:.2f} s",
        "",
        f"top {top} functions by own time:",
        f"{'own s':>7} {'%':>5} {'cum s':>7} {'calls':>9}  function",
    ]
    for tt, ct, nc, key in sorted(rows, key=lambda r: -r[0])[:top]:
        lines.append(f"{tt:7.3f} {tt / total * 100:5.1f} {ct:7.3f} {nc:9d}  {short(*key)}")
    groups: dict[str, float] = {}
    for tt, _ct, _nc, key in rows:
        groups[area(key[0], key[2])] = groups.get(area(key[0], key[2]), 0.0) + tt
    lines += ["", "own time by area:"]
    for name, tt in sorted(groups.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"{tt:7.3f} {tt / total * 100:5.1f}%  {name}")
    if cum_filter:
        lines += ["", f"top {top} functions under {cum_filter} by cumulative time:"]
        mine = [r for r in rows if cum_filter in r[3][0].replace("\\", "/")]
        for tt, ct, nc, key in sorted(mine, key=lambda r: -r[1])[:top]:
            lines.append(f"{ct:7.3f} {ct / total * 100:5.1f}% {nc:9d}  {short(*key)}")
    return "\n".join(lines)


def profile_gen(spec_id: str) -> None:
    from generator.config import adhoc_target
    from generator import generate

    spec = corpora.spec_path(spec_id)
    out = OUT / "out" / re.sub(r"\W+", "_", spec_id)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    result = generate(
        adhoc_target(str(spec), str(out), "github" if spec_id == "github" else None, None)
    )
    profiler.disable()
    total = time.perf_counter() - start
    profiler.dump_stats(OUT / f"gen-{out.name}.prof")
    stats = pstats.Stats(profiler)
    print(
        f"# cProfile of generate({spec_id}): {result.operations} operations, {result.models} models "
        f"(cProfile roughly doubles pure-Python time; compare shares, not seconds)"
    )
    print(summarize(stats, total, cum_filter="/generator/"))


def profile_call(n: int) -> None:
    """cProfile of the generated call and of the hand-written one; then what the generated path adds."""
    import httpx
    import perf_runtime as pr

    cx = pr._load_casexchange(pr.CASEXCHANGE_SRC)
    from casexchange.types import WebhookSubscriptionResponse

    body = __import__("json").dumps({"data": pr._subscription(1), "meta": pr.META}).encode()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers=pr.JSON_HEADERS)
    )
    client = cx.CaseXchange(
        api_key="k", base_url=pr.BASE, http_client=httpx.Client(transport=transport)
    )
    http = httpx.Client(transport=transport)

    def generated() -> Any:
        return client.webhooks.get("wh_1")

    def hand() -> Any:
        r = http.get(f"{pr.BASE}/webhooks/wh_1", headers={"X-API-Key": "k"})
        r.raise_for_status()
        return WebhookSubscriptionResponse.model_validate_json(r.content).data

    profiles: dict[str, tuple[pstats.Stats, float]] = {}
    for name, fn in (("generated", generated), ("hand", hand)):
        for _ in range(200):
            fn()
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        for _ in range(n):
            fn()
        profiler.disable()
        total = time.perf_counter() - start
        profiler.dump_stats(OUT / f"call-{name}.prof")
        profiles[name] = (pstats.Stats(profiler), total)
    gen_stats, gen_total = profiles["generated"]
    hand_stats, hand_total = profiles["hand"]
    print(
        f"# cProfile of {n} x client.webhooks.get(id) through httpx.MockTransport "
        f"(hand-written equivalent: {hand_total / n * 1e6:.0f} µs/call profiled, generated "
        f"{gen_total / n * 1e6:.0f} µs/call)"
    )
    print(summarize(gen_stats, gen_total, cum_filter="/src/casexchange/"))

    def own(stats: pstats.Stats) -> dict[str, float]:
        out: dict[str, float] = {}
        for key, (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            label = short(*key)
            out[label] = out.get(label, 0.0) + tt
        return out

    g, h = own(gen_stats), own(hand_stats)
    diff = sorted(((g.get(k, 0.0) - h.get(k, 0.0), k) for k in set(g) | set(h)), reverse=True)
    print(
        f"\nwhat the generated path adds: own time per call, generated minus hand-written "
        f"(total {(gen_total - hand_total) / n * 1e6:+.1f} µs/call profiled)"
    )
    for delta, label in diff[:25]:
        print(f"{delta / n * 1e6:+7.2f} µs  {label}")
    print("… and what it saves:")
    for delta, label in diff[-5:]:
        print(f"{delta / n * 1e6:+7.2f} µs  {label}")


def importtime(
    args: list[str], label: str, cwd: Path | None = None, quiet: bool = False
) -> dict[str, int]:
    """Run a fresh interpreter with -X importtime; print own import time by package and the slowest modules.
    Returns {module: own µs}."""
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-X", f"pycache_prefix={OUT / 'pycache'}", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-X", f"pycache_prefix={OUT / 'pycache'}", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )  # second run: bytecode cached
    entries = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            entries.append((int(m.group(1)), int(m.group(2)), m.group(4)))
    if quiet:
        return {name: own for own, _cum, name in entries}
    total = sum(own for own, _cum, _name in entries)
    print(
        f"# -X importtime: {label} — {len(entries)} modules, {total / 1000:.0f} ms of imports (bytecode cached)"
    )
    by_pkg: dict[str, tuple[int, int]] = {}
    for own, _cum, name in entries:
        root = name.split(".")[0]
        t, n = by_pkg.get(root, (0, 0))
        by_pkg[root] = (t + own, n + 1)
    print("own import time by top-level package:")
    for name, (own, n) in sorted(by_pkg.items(), key=lambda kv: -kv[1][0])[:14]:
        print(f"{own / 1000:8.1f} ms  {n:4d} modules  {name}")
    print("slowest single modules (own time):")
    for own, _cum, name in sorted(entries, reverse=True)[:8]:
        print(f"{own / 1000:8.1f} ms  {name}")
    print()
    return {name: own for own, _cum, name in entries}


BASELINE = "import httpx, pydantic\nclass M(pydantic.BaseModel):\n    id: int\nM(id=1)"


def extra_modules(code: str, label: str) -> None:
    """Modules a snippet imports beyond the baseline (httpx + pydantic + one model), by own import time."""
    base = importtime(["-c", BASELINE], "baseline", quiet=True)
    mine = importtime(["-c", code], label, quiet=True)
    extra = {name: own for name, own in mine.items() if name not in base}
    groups: dict[str, tuple[int, int]] = {}
    for name, own in extra.items():
        root = name.split(".")[0]
        if root not in ("github", "casexchange"):
            root = f"{root} (not the package)"
        elif ".types." in name:
            root += ".types.*"
        elif ".resources." in name:
            root += ".resources.*"
        t, n = groups.get(root, (0, 0))
        groups[root] = (t + own, n + 1)
    print(
        f"# modules beyond `import httpx, pydantic` + 1 model: {label} — {len(extra)} modules, "
        f"{sum(extra.values()) / 1000:.0f} ms own import time (bytecode cached; -X importtime inflates a little)"
    )
    for name, (own, n) in sorted(groups.items(), key=lambda kv: -kv[1][0])[:12]:
        print(f"{own / 1000:8.1f} ms  {n:4d} modules  {name}")
    print("slowest:")
    for name, own in sorted(extra.items(), key=lambda kv: -kv[1])[:12]:
        print(f"{own / 1000:8.1f} ms  {name}")
    print()


def profile_imports() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    importtime(
        ["-c", "import generator.cli"], "`import generator.cli` (what `clientgen check` loads)"
    )
    cx = REPO / "generated" / "casexchange" / "src"
    extra_modules(
        f"import sys; sys.path.insert(0, {str(cx)!r}); import casexchange; "
        "c = casexchange.CaseXchange(api_key='k')",
        "import casexchange; CaseXchange(api_key=…)",
    )
    gh = REPO / ".cache" / "perf" / "gen" / "github" / "src"
    if (gh / "github").is_dir():
        extra_modules(
            f"import sys; sys.path.insert(0, {str(gh)!r}); import github; c = github.GitHub()",
            "import github; GitHub()",
        )
        extra_modules(
            f"import sys; sys.path.insert(0, {str(gh)!r}); import github; github.GitHub().repos",
            "import github; GitHub().repos (first use of the largest resource)",
        )
    else:
        print("(run `python bench/perf.py --only gen` first for GitHub's client)")


def profile_write(spec_id: str, where: Path = OUT, runs: int = 3) -> None:
    """What `write.build_tree` + `write_package` spend: writing files, each ruff pass, reading back, hashing."""
    import shutil
    import statistics
    import tempfile

    from generator import provenance
    from generator.config import adhoc_target
    from generator.diagnostics import DiagnosticSink
    from generator.format import CONFIG, ruff_binary
    from generator.load import load_spec
    from generator.features import FEATURES
    from generator.parse import build_api
    from generator.render.plan import plan_files
    from generator.shape.stage import shape
    from generator.write import with_header

    spec = corpora.spec_path(spec_id)
    target = adhoc_target(
        str(spec), str(OUT / "unused"), "github" if spec_id == "github" else None, None
    )
    sink = DiagnosticSink(file=str(spec))
    api = shape(build_api(load_spec(spec, sink), sink), target, sink)
    files, _ = plan_files(api, sink, features=FEATURES)
    ruff = ruff_binary()
    base_check = [
        ruff,
        "check",
        "--fix",
        "--quiet",
        "--exit-zero",
        "--no-cache",
        "--config",
        str(CONFIG),
        ".",
    ]
    base_fmt = [ruff, "format", "--quiet", "--no-cache", "--config", str(CONFIG), "."]
    steps: dict[str, list[float]] = {}
    changed_by_check = changed_by_format = 0
    codes: dict[str, set[str]] = {}

    def timed(name: str, fn: Any) -> Any:
        t0 = time.perf_counter()
        value = fn()
        steps.setdefault(name, []).append(time.perf_counter() - t0)
        return value

    def snapshot(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    def write_all(root: Path) -> None:
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(with_header(rel, text))

    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=where) as tmp:
            root = Path(tmp) / "staging"
            timed(f"write {len(files)} files (mkdir + write_text)", lambda: write_all(root))
            raw = snapshot(root)
            if not codes:  # what `ruff check --fix` is there to fix, by rule
                report = subprocess.run(
                    [
                        ruff,
                        "check",
                        "--no-cache",
                        "--config",
                        str(CONFIG),
                        "--exit-zero",
                        "--output-format",
                        "concise",
                        ".",
                    ],
                    cwd=root,
                    capture_output=True,
                    text=True,
                ).stdout
                for line in report.splitlines():
                    m = re.match(r"(.+?\.py):\d+:\d+: (\w+)", line)
                    if m:
                        codes.setdefault(m.group(2), set()).add(m.group(1))
            timed(
                "ruff check --fix (imports: I, F401)",
                lambda: subprocess.run(base_check, cwd=root, check=True),
            )
            after_check = snapshot(root)
            timed("ruff format", lambda: subprocess.run(base_fmt, cwd=root, check=True))
            out = timed("read every file back", lambda: snapshot(root))
            timed("tree hash (sha256)", lambda: provenance.tree_hash(out))
            changed_by_check = sum(1 for k in raw if raw[k] != after_check[k])
            changed_by_format = sum(1 for k in raw if after_check[k] != out[k])
            fmt_only = Path(tmp) / "format-only"
            write_all(fmt_only)
            timed(
                "(alternative) ruff format alone on the raw tree",
                lambda: subprocess.run(base_fmt, cwd=fmt_only, check=True),
            )
            timed("(alternative) rm -r of the tree", lambda: shutil.rmtree(fmt_only))
    print(
        f"# write stage of generate({spec_id}) in {where}, median of {runs}: {len(files)} files, "
        f"{sum(len(t) for t in files.values()) / 2**20:.1f} MB rendered; ruff check --fix changed "
        f"{changed_by_check} files, ruff format changed {changed_by_format}"
    )
    print(
        "ruff check on the raw tree: "
        + ", ".join(f"{code} in {len(files_)} files" for code, files_ in sorted(codes.items()))
    )
    for name, values in steps.items():
        print(f"{statistics.median(values):7.3f} s  {name}")


def _cpu_median(fn: Any, runs: int = 5) -> float:
    import statistics

    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def experiment_generation() -> None:
    """Sub-steps of load and render on GitHub's spec, and the cheaper variants the recommendations propose."""
    import collections
    import hashlib
    import json

    from generator import load, naming, pointer, refs
    from generator.config import adhoc_target
    from generator.diagnostics import DiagnosticSink
    from generator.features import FEATURES
    from generator.parse import build_api
    from generator.render import annotations
    from generator.render import plan as plan_mod
    from generator.shape.stage import shape

    spec = corpora.spec_path("github")
    text = spec.read_bytes().decode("utf-8-sig")
    doc = json.loads(text)
    print("# load_spec(github), CPU ms (median of 5; validation of 3)")
    steps = {
        "json.loads": lambda: json.loads(text),
        "_stringify_keys (G2: a no-op for JSON)": lambda: load._stringify_keys(doc, 0, "x", [0]),
        "_has_external_ref (G5)": lambda: refs._has_external_ref(doc),
        "  regex over the text instead": lambda: re.search(r'"\$ref"\s*:\s*"(?!#)', text),
        "sha256 of a second read (G8)": lambda: hashlib.sha256(spec.read_bytes()).hexdigest(),
    }
    for name, fn in steps.items():
        print(f"{_cpu_median(fn) * 1000:7.1f}  {name}")
    print(
        f"{_cpu_median(lambda: load._validate(doc, '3.0', DiagnosticSink(file='x')), 3) * 1000:7.1f}  "
        "openapi-pydantic _validate (G1)"
    )
    print(
        f"{_cpu_median(lambda: load.load_spec(spec, DiagnosticSink(file='x')), 3) * 1000:7.1f}  load_spec total"
    )

    words_calls: collections.Counter[str] = collections.Counter()
    split_calls: collections.Counter[str] = collections.Counter()
    doc_texts: list[str] = []
    real_words, real_split, real_doc = naming.words, pointer.split, annotations.docstring

    def spy_words(t: str) -> list[str]:
        words_calls[t] += 1
        return real_words(t)

    def spy_split(t: str) -> list[str]:
        split_calls[t] += 1
        return real_split(t)

    def spy_doc(t: str) -> str:
        doc_texts.append(t)
        return real_doc(t)

    import importlib
    import pkgutil

    import generator.render as render_pkg

    patched = [
        importlib.import_module(f"generator.render.{m.name}")
        for m in pkgutil.iter_modules(render_pkg.__path__)
    ]
    naming.words, pointer.split = spy_words, spy_split
    for mod in patched:
        if getattr(mod, "docstring", None) is real_doc:
            mod.docstring = spy_doc  # type: ignore[attr-defined]
    sink = DiagnosticSink(file="x")
    target = adhoc_target(str(spec), str(OUT / "unused"), "github", None)
    api = shape(build_api(load.load_spec(spec, sink), sink), target, sink)
    plan_mod.plan_files(api, sink, features=FEATURES)
    naming.words, pointer.split = real_words, real_split
    for mod in patched:
        if getattr(mod, "docstring", None) is spy_doc:
            mod.docstring = real_doc  # type: ignore[attr-defined]
    print(
        f"\n# render(github): plan_files {_cpu_median(lambda: plan_mod.plan_files(api, sink, features=FEATURES), 3) * 1000:.0f}"
        " ms CPU; its helpers over the arguments of one parse + render, CPU ms"
    )
    control = re.compile(r"[\x00-\x08\x0b-\x1f]")

    def docstring_regex(text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        text = control.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
        return text + " " if text.endswith('"') else text

    mismatch = sum(1 for t in doc_texts if docstring_regex(t) != real_doc(t))
    print(
        f"{_cpu_median(lambda: [real_doc(t) for t in doc_texts]) * 1000:7.1f}  docstring() x {len(doc_texts)}"
    )
    print(
        f"{_cpu_median(lambda: [docstring_regex(t) for t in doc_texts]) * 1000:7.1f}  regex version (G6; "
        f"{mismatch} texts differ)"
    )
    all_words = list(words_calls.elements())
    all_splits = list(split_calls.elements())
    print(
        f"{_cpu_median(lambda: [real_words(t) for t in all_words]) * 1000:7.1f}  naming.words x {len(all_words)} "
        f"({len(words_calls)} distinct: G7)"
    )
    print(
        f"{_cpu_median(lambda: [real_split(t) for t in all_splits]) * 1000:7.1f}  pointer.split x "
        f"{len(all_splits)} ({len(split_calls)} distinct: G7)"
    )


def experiment_call() -> None:
    """The parts of one generated call, and P1 (build httpx.Request directly) as a monkey-patch."""
    import json
    import statistics
    import timeit

    import httpx
    import perf_runtime as pr

    cx = pr._load_casexchange(pr.CASEXCHANGE_SRC)
    from casexchange import _prepare
    from casexchange._options import RequestOptions
    from casexchange._types import NOT_GIVEN
    from casexchange.resources import webhooks
    from casexchange.types import WebhookSubscriptionResponse

    body = json.dumps({"data": pr._subscription(1), "meta": pr.META}).encode()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers=pr.JSON_HEADERS)
    )
    client = cx.CaseXchange(
        api_key="k", base_url=pr.BASE, http_client=httpx.Client(transport=transport)
    )
    http = httpx.Client(transport=transport)
    opts = RequestOptions(
        {"id": "wh_1"}, None, None, NOT_GIVEN, None, None, None, NOT_GIVEN, NOT_GIVEN
    )
    prep = client._prepare(webhooks._GET, opts)
    resp = client._http.send(prep.build(client._http, client.timeout))
    spec = webhooks._GET.response_spec(200)

    def per_call(fn: Any, n: int = 5000) -> float:
        return min(timeit.repeat(fn, number=n, repeat=7, timer=time.process_time)) / n * 1e6

    print("# parts of client.webhooks.get(id), CPU µs per call (best of 7)")
    parts = {
        "RequestOptions(…)": lambda: RequestOptions(
            {"id": "wh_1"}, None, None, NOT_GIVEN, None, None, None, NOT_GIVEN, NOT_GIVEN
        ),
        "client._prepare (prepare_request)": lambda: client._prepare(webhooks._GET, opts),
        "PreparedRequest.build (httpx build_request, 3 headers)": lambda: prep.build(
            client._http, client.timeout
        ),
        "httpx.Client.build_request, 1 header (hand-written)": lambda: http.build_request(
            "GET", f"{pr.BASE}/webhooks/wh_1", headers={"X-API-Key": "k"}
        ),
        "client._result (validate + unwrap)": lambda: client._result(resp, spec, prep, 1),
        "Model.model_validate_json(…).data (hand-written)": lambda: (
            WebhookSubscriptionResponse.model_validate_json(resp.content).data
        ),
        "httpx send(build) through MockTransport": lambda: client._http.send(
            prep.build(client._http, client.timeout)
        ),
        "the whole generated call": lambda: client.webhooks.get("wh_1"),
    }
    for name, fn in parts.items():
        print(f"{per_call(fn, 2000 if 'send' in name or 'whole' in name else 20000):7.2f}  {name}")

    headers3 = {
        "Accept": "application/json",
        "User-Agent": "casexchange-python/x",
        "X-API-Key": "k",
    }
    original_build = _prepare.PreparedRequest.build
    cache: dict[Any, httpx.Headers] = {}

    def direct_build(self: Any, http_client: Any, timeout: Any) -> httpx.Request:
        if self.stream is not None or http_client.cookies:
            return original_build(self, http_client, timeout)
        key = (id(http_client), tuple(self.headers.items()))
        merged = cache.get(key)
        if merged is None:
            merged = cache[key] = httpx.Headers(http_client.headers)
            merged.update(self.headers)
        return httpx.Request(
            self.method,
            self.url,
            params=self.params or None,
            headers=merged,
            content=self.content,
            extensions={"timeout": timeout.as_dict()},
        )

    def generated() -> Any:
        return client.webhooks.get("wh_1")

    def generated_direct() -> Any:
        _prepare.PreparedRequest.build = direct_build  # type: ignore[method-assign]
        try:
            return client.webhooks.get("wh_1")
        finally:
            _prepare.PreparedRequest.build = original_build  # type: ignore[method-assign]

    def hand(headers: dict[str, str]) -> Any:
        r = http.get(f"{pr.BASE}/webhooks/wh_1", headers=headers)
        r.raise_for_status()
        return WebhookSubscriptionResponse.model_validate_json(r.content).data

    cases = {
        "hand-written (X-API-Key only)": lambda: hand({"X-API-Key": "k"}),
        "hand-written with the generated call's 3 headers": lambda: hand(headers3),
        "generated": generated,
        "generated, P1: httpx.Request built directly": generated_direct,
    }
    samples: dict[str, list[float]] = {k: [] for k in cases}
    for fn in cases.values():
        for _ in range(300):
            fn()
    for _ in range(25):
        for name, fn in cases.items():
            start = time.process_time()
            for _ in range(200):
                fn()
            samples[name].append((time.process_time() - start) / 200 * 1e6)
    base = statistics.median(samples["hand-written (X-API-Key only)"])
    print("\n# whole calls, CPU µs (median of 25 alternating blocks of 200)")
    for name, values in samples.items():
        print(f"{statistics.median(values):7.1f}  {statistics.median(values) / base:4.2f}×  {name}")


def experiment_paginate() -> None:
    """R1: the paginator without its per-page `to_json` fingerprint."""
    import httpx
    import perf_runtime as pr

    cx = pr._load_casexchange(pr.CASEXCHANGE_SRC)
    from casexchange import _pagination

    bodies = pr._page_bodies(100, 100)

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        return httpx.Response(200, content=bodies[page - 1], headers=pr.JSON_HEADERS)

    client = cx.CaseXchange(
        api_key="k",
        base_url=pr.BASE,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )

    def run() -> int:
        return sum(1 for _ in client.webhooks.list(limit=100))

    assert run() == 10_000
    real = _pagination._BasePage._fingerprint
    now = _cpu_median(run, 7)
    _pagination._BasePage._fingerprint = lambda self: hash((self.page_number, len(self.items)))  # type: ignore
    without = _cpu_median(run, 7)
    _pagination._BasePage._fingerprint = real  # type: ignore[method-assign]
    print(
        f"\n# 10,000 items through client.webhooks.list(): {now * 1000:.1f} ms CPU; without the to_json page "
        f"fingerprint (R1): {without * 1000:.1f} ms"
    )


def experiment_imports() -> None:
    """I1/I3: httpx.Client() construction cost; GitHub's `repos` first use with the _models config changed."""
    import shutil

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    prefix = f"pycache_prefix={OUT / 'pycache'}"

    def cpu_ms(code: str, runs: int = 5) -> float:
        values = []
        for _ in range(runs + 1):
            proc = subprocess.run(
                [sys.executable, "-X", prefix, "-c", code],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            values.append(float(proc.stdout.strip()))
        import statistics

        return statistics.median(values[1:])  # the first run compiles the bytecode

    clock = "import time, sys; c = time.process_time()\n"
    done = "\nprint((time.process_time() - c) * 1000)"
    base = "import httpx, pydantic\nclass M(pydantic.BaseModel):\n    id: int\nM(id=1)"
    print("\n# imports, CPU ms in fresh interpreters (median of 5, bytecode cached)")
    print(f"{cpu_ms(clock + base + done):7.1f}  baseline: import httpx, pydantic + 1 model")
    print(
        f"{cpu_ms(base + chr(10) + clock + 'httpx.Client()' + done):7.1f}  httpx.Client() after that (I1)"
    )
    cx = REPO / "generated" / "casexchange" / "src"
    cx_code = (
        f"sys.path.insert(0, {str(cx)!r}); import casexchange; casexchange.CaseXchange(api_key='k')"
    )
    print(f"{cpu_ms(clock + cx_code + done):7.1f}  import casexchange; CaseXchange(…)")
    gh = REPO / ".cache" / "perf" / "gen" / "github" / "src"
    if not (gh / "github").is_dir():
        print("(run `python bench/perf.py --only gen` first for GitHub's client)")
        return
    variants = OUT / "variants"
    shutil.rmtree(variants, ignore_errors=True)
    edits = {
        "as generated": [],
        "use_attribute_docstrings=False (I3)": [
            ("use_attribute_docstrings=True", "use_attribute_docstrings=False")
        ],
        "… and defer_build=True (I3)": [
            ("use_attribute_docstrings=True", "use_attribute_docstrings=False, defer_build=True")
        ],
    }
    for n, (label, replacements) in enumerate(edits.items()):
        src = variants / str(n)
        shutil.copytree(gh / "github", src / "github")
        models = src / "github" / "_models.py"
        text = models.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, f"{old!r} not in _models.py"
            text = text.replace(old, new)
        models.write_text(text, encoding="utf-8")
        code = (
            f"import sys; sys.path.insert(0, {str(src)!r}); import github, time; g = github.GitHub(); "
            "c = time.process_time(); g.repos; print((time.process_time() - c) * 1000)"
        )
        print(f"{cpu_ms(code):7.1f}  GitHub().repos first use, {label}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    mode = sys.argv[1] if len(sys.argv) > 1 else "gen"
    if mode == "gen":
        profile_gen(sys.argv[2] if len(sys.argv) > 2 else "github")
    elif mode == "call":
        profile_call(int(sys.argv[2]) if len(sys.argv) > 2 else 20000)
    elif mode == "imports":
        profile_imports()
    elif mode == "experiments":
        experiment_generation()
        experiment_call()
        experiment_paginate()
        experiment_imports()
    elif mode == "write":
        profile_write(
            sys.argv[2] if len(sys.argv) > 2 else "github",
            Path(sys.argv[3]) if len(sys.argv) > 3 else OUT,
        )
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
