"""Speed benchmarks (issue 7): prints a table of figures with ratios against baselines measured in the same run.

    python bench/perf.py                 # everything (~3 min on 2 cores, graph-beta included)
    python bench/perf.py --quick         # fewer runs, no microsoft.com/graph-beta (~1.5 min)
    python bench/perf.py --only gen      # one section: gen, scale, check, import, call, page (comma-separated)

Not a test and not part of the test suite. Sections:
  gen     GitHub's spec end to end (load → IR → render → ruff → write) in a fresh process per run, median of 5,
          alternating with openapi-python-client on the same spec (installed into .cache/bench-venvs/); by
          the pure-Python editable install and by the compiled install (the mypyc wheel, what a release
          ships: `bench/compiled.py`, built into .cache/compiled/ on first use) — the target row
          is the compiled one's
  regen   no-op `generate` and a one-operation edit of GitHub's spec (module cache) vs a full run
  scale   seconds per 1,000 operations from small specs to microsoft.com/graph-beta (not with --quick)
  check   `python -m generator check` (fast path) in a fresh interpreter, and the in-process fast path
  import  `import pkg; client = Client(…)` minus `import httpx, pydantic` + one model, in fresh interpreters,
          for CaseXchange and GitHub's client; first use of a resource; modules imported
  call    per-call overhead of a generated method vs hand-written httpx + `Model.model_validate_json`
          on the same `httpx.MockTransport`, sync and async (bench/perf_runtime.py)
  page    10,000 items through the paginator (100 pages of 100): time vs a hand-written page loop, and
          tracemalloc peaks after 10 %, 50 % and 100 % of the items (flat = pages are not kept)

Results also go to .cache/perf/results.json and .cache/perf/results.md. Profiles: bench/perf_profile.py.
Findings and recommendations: docs/performance.md.
Run it under `nice` on a shared machine; each section runs one heavy process at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpora  # noqa: E402

WORK = REPO / ".cache" / "perf"
VENVS = REPO / ".cache" / "bench-venvs"
OPC_VENV = VENVS / "openapi-python-client"
PYCACHE = WORK / "pycache"
PY = sys.executable
SECTIONS = ("gen", "regen", "scale", "check", "import", "call", "page")
SCALE_IDS = [
    "healthcare.gov",
    "googleapis.com/drive",
    "asana.com",
    "linode.com",
    "stripe.com",
    "kubernetes.io",
    "github",
]
HUGE_ID = "microsoft.com/graph-beta"


# ---------------------------------------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------------------------------------
@dataclass
class Row:
    section: str
    what: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    ok: bool | None = None  # None: no target


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> None:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        print(
            f"  {row.what}: {row.value}"
            + (f"  (baseline {row.baseline}, {row.ratio})" if row.baseline else "")
            + (
                f"  target {row.target}: {'ok' if row.ok else 'MISSED'}"
                if row.ok is not None
                else ""
            ),
            flush=True,
        )


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def render_text(rows: list[Row]) -> str:
    head = ("section", "figure", "value", "baseline", "ratio", "target", "")
    table = [head] + [
        (r.section, r.what, r.value, r.baseline, r.ratio, r.target, verdict(r.ok)) for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(head))]
    out = []
    for n, line in enumerate(table):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def render_markdown(rows: list[Row]) -> str:
    out = [
        "| section | figure | value | baseline | ratio | target | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        cells = (r.section, r.what, r.value, r.baseline, r.ratio, r.target, verdict(r.ok))
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------------------------------------------------
# running a measured process
# ---------------------------------------------------------------------------------------------------------
def _group_rss_mb(pgid: int) -> dict[str, float]:
    """RSS in MB of every process of a process group, summed by command name (`python3.11`, `ruff`, …)."""
    by_name: dict[str, float] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.find(b"(") + 1 : stat.rfind(b")")].decode(errors="replace")
        fields = stat[stat.rfind(b")") + 2 :].split()
        if (
            int(fields[2]) == pgid
        ):  # fields after the command: state, ppid, pgrp, …; rss is the 22nd
            by_name[name] = by_name.get(name, 0.0) + int(fields[21]) * page / 2**20
    return by_name


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the child and every descendant it waited for
    returncode: int | None  # None: killed after the timeout
    maxrss_mb: (
        float  # wait4: largest of the child and its waited-for descendants (a forked child counts
    )
    #                   its parent's pages until exec, so this is never below the parent's size at the fork)
    tree_peak_mb: float  # sampled every 0.1 s: the most the whole process group held at once
    peak_by_name_mb: dict[
        str, float
    ]  # sampled: the most each command name (python, ruff, …) held at once
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_measured(
    args: list[str],
    *,
    timeout: float,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    sample: bool = True,
) -> Run:
    """Run `args` in its own process group; wall and CPU time, wait4 peak RSS, sampled process-group RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            args, stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True
        )
        peak = [0.0]
        by_name: dict[str, float] = {}
        done = threading.Event()

        def sampler() -> None:
            while not done.wait(0.1):
                with contextlib.suppress(Exception):
                    now = _group_rss_mb(proc.pid)
                    peak[0] = max(peak[0], sum(now.values()))
                    for name, mb in now.items():
                        by_name[name] = max(by_name.get(name, 0.0), mb)

        def killer() -> None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 9)

        threads = [threading.Thread(target=sampler, daemon=True)] if sample else []
        for t in threads:
            t.start()
        timer = threading.Timer(timeout, killer)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            done.set()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        with contextlib.suppress(ProcessLookupError):  # stray grandchildren
            os.killpg(proc.pid, 9)
        killed = proc.returncode == -9 and wall >= timeout
        out.seek(0)
        err.seek(0)
        return Run(
            wall,
            usage.ru_utime + usage.ru_stime,
            None if killed else proc.returncode,
            usage.ru_maxrss / 1024,
            peak[0],
            dict(by_name),
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


def tail(text: str, lines: int = 3) -> str:
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(kept[-lines:])[-400:]


# ---------------------------------------------------------------------------------------------------------
# generation worker (fresh process per run)
# ---------------------------------------------------------------------------------------------------------
def worker_generate(spec: str, out: str, package: str, client: str) -> None:
    """`pipeline.generate` with timers around its stages (the same code path); prints JSON."""
    t_start = time.perf_counter()
    import resource

    import generator.pipeline as pipeline
    import generator.write as write
    from generator.config import adhoc_target
    from generator.diagnostics import SpecError

    t_imported = time.perf_counter()
    stages: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    # pipeline imports these lazily (inside `_render`), so they are patched where they are defined;
    # imported here, they are timed as a stage of their own (else they fall into the row of what no
    # stage holds: 0.2 s of a slow host's 0.5 s there, most of it making the dataclasses' methods)
    t_lazy = time.perf_counter()
    import importlib

    import generator.load as load
    import generator.parse as parse
    import generator.parse.canonical as canonical
    import generator.render.plan as plan
    import generator.shape.stage as shape_stage
    import generator.staging as staging  # `generate` stages while rendering, formats in `finish`
    import generator.streamed as streamed  # the cacheless path stages, then applies from there
    import generator.validate as validate

    for lazy in ("generator.features", "generator.spec_bytes", "generator.spec_copy"):
        importlib.import_module(lazy)  # the rest of what `_render` imports when it starts
    stages["lazy imports"] = time.perf_counter() - t_lazy

    load.open_spec = timed("load", load.open_spec)
    # the key-sorted copy parse reads (made while decoding, inside `load`, for a moderate JSON spec);
    # in the compiled build `Canonical` is a native class, which takes no new attribute: its time
    # stays in "load". The other timers wrap functions of uncompiled modules, called from uncompiled
    # ones (`pipeline`, `streamed`, `staging`), so their rows hold for the compiled build too.
    compiled = canonical.__file__ is not None and canonical.__file__.endswith((".so", ".pyd"))
    if not compiled:
        canonical.Canonical.__init__ = timed("canonical copy", canonical.Canonical.__init__)  # type: ignore[method-assign]
    parse.build_api = timed("parse (IR)", parse.build_api)
    shape_stage.shape = timed("shape", shape_stage.shape)
    plan.plan_files = timed("render", plan.plan_files)
    validate.Validation.wait = timed("validation wait", validate.Validation.wait)
    streamed.apply_package = timed("write+ruff", streamed.apply_package)
    write.format_tree = timed("ruff", write.format_tree)
    staging.Staging.finish = timed("write+ruff", staging.Staging.finish)  # type: ignore[method-assign]
    staging.format_tree = timed("ruff", staging.format_tree)
    result: dict[str, Any] = {"imports": t_imported - t_start, "compiled": compiled}
    try:
        res = pipeline.generate(adhoc_target(spec, out, package, client))
        result.update(
            ok=True,
            operations=res.operations,
            models=res.models,
            seconds=res.seconds,
            diagnostics=len(res.diagnostics),
        )
    except SpecError as exc:
        result.update(ok=False, error=exc.diagnostic.render()[:500])
    stages["write"] = stages.pop("write+ruff", 0.0) - stages.get("ruff", 0.0)
    result["stages"] = stages
    result["self_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["children_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(result))
    from generator.quick import leave

    leave(0)  # as `clientgen generate` ends: no teardown of what the run built


def bytecode_env() -> dict[str, str]:
    """The environment with the generator's bytecode cached (under .cache/perf/pycache), as an installed
    clientgen has it: this machine sets PYTHONDONTWRITEBYTECODE=1, which would otherwise make every
    fresh process compile the generator from source (~0.25 s), while the baseline tool, installed by
    pip, runs from its .pyc files."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def compile_generator() -> None:
    PYCACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [PY, "-X", f"pycache_prefix={PYCACHE}", "-m", "compileall", "-q", str(REPO / "generator")],
        check=False,
        capture_output=True,
    )


def generate_fresh(
    spec: Path, out: Path, package: str, client: str, timeout: float, python: str = PY
) -> tuple[Run, dict[str, Any]]:
    """`python`: the compiled install's interpreter for its runs (its `generator` is the wheel's)."""
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    run = run_measured(
        [python, str(Path(__file__)), "--worker-generate", str(spec), str(out), package, client],
        timeout=timeout,
        env=bytecode_env(),
    )
    info: dict[str, Any] = {}
    if run.stdout.strip():
        with contextlib.suppress(ValueError):
            info = json.loads(run.stdout.strip().splitlines()[-1])
    if not run.ok and not info:
        info = {"ok": False, "error": "timeout" if run.returncode is None else tail(run.stderr)}
    return run, info


# ---------------------------------------------------------------------------------------------------------
# openapi-python-client in a throw-away venv
# ---------------------------------------------------------------------------------------------------------
def ensure_opc() -> tuple[Path | None, str]:
    """(the executable, version) — or (None, why not)."""
    exe = OPC_VENV / "bin" / "openapi-python-client"
    if not exe.is_file():
        print(f"  installing openapi-python-client into {OPC_VENV.relative_to(REPO)} …", flush=True)
        VENVS.mkdir(parents=True, exist_ok=True)
        made = subprocess.run(
            [PY, "-m", "venv", "--clear", str(OPC_VENV)], capture_output=True, text=True
        )
        if made.returncode != 0:
            return None, f"venv failed: {tail(made.stderr)}"
        pip = subprocess.run(
            [
                str(OPC_VENV / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "openapi-python-client",
            ],
            capture_output=True,
            text=True,
        )
        if pip.returncode != 0 or not exe.is_file():
            return None, f"pip install failed: {tail(pip.stderr)}"
    ver = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    if ver.returncode != 0:
        return None, f"does not start: {tail(ver.stderr)}"
    return exe, ver.stdout.strip().rsplit(" ", 1)[-1]


def run_opc(exe: Path, spec: Path, out: Path, timeout: float) -> Run:
    if out.exists():
        shutil.rmtree(out)
    env = {
        **os.environ,
        "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }  # its ruff post-hooks
    return run_measured(
        [
            str(exe),
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(out),
            "--overwrite",
            "--meta",
            "none",
        ],
        timeout=timeout,
        env=env,
    )


def ensure_compiled() -> tuple[Path | None, str]:
    """The compiled install's python (built first when its sources changed: minutes), or why not."""
    import compiled

    print("  the compiled install (bench/compiled.py) …", flush=True)
    try:
        venv = compiled.ensure()
    except compiled.BuildError as error:
        return None, str(error)
    return venv / "bin" / "python", ""


# ---------------------------------------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------------------------------------
def section_gen(rep: Report, quick: bool) -> None:
    print("== gen: GitHub's spec end to end", flush=True)
    spec = corpora.spec_path("github")
    runs = 3 if quick else 5
    compile_generator()
    exe, opc_version = ensure_opc()
    compiled_py, compiled_why = ensure_compiled()
    cg_runs: list[tuple[Run, dict[str, Any]]] = []
    cgc_runs: list[tuple[Run, dict[str, Any]]] = []
    opc_runs: list[Run] = []
    tools = ("cg", "opc") if compiled_py is None else ("cg", "cgc", "opc")
    for i in range(runs):
        order = tools[i % len(tools) :] + tools[: i % len(tools)]  # each first in turn
        for tool in order:
            if tool in ("cg", "cgc"):
                python = PY if tool == "cg" else str(compiled_py)
                run, info = generate_fresh(
                    spec, WORK / "gen" / "github", "github", "GitHub", timeout=600, python=python
                )
                (cg_runs if tool == "cg" else cgc_runs).append((run, info))
                print(
                    f"    clientgen {'compiled ' if tool == 'cgc' else ''}run {i + 1}: "
                    f"{run.wall:.2f} s, {run.maxrss_mb:.0f} MB "
                    f"{'ok' if info.get('ok') else 'FAILED ' + str(info.get('error'))}",
                    flush=True,
                )
            elif exe is not None:
                run = run_opc(exe, spec, WORK / "gen" / "opc-github", timeout=900)
                opc_runs.append(run)
                print(
                    f"    openapi-python-client run {i + 1}: {run.wall:.2f} s, {run.maxrss_mb:.0f} MB "
                    f"rc={run.returncode}",
                    flush=True,
                )
    good = [(r, info) for r, info in cg_runs if r.ok and info.get("ok")]
    if not good:
        rep.add("gen", "clientgen GitHub end to end", f"FAILED: {cg_runs[0][1].get('error')}")
        return
    wall = med([r.wall for r, _ in good])
    cpu = med([r.cpu for r, _ in good])
    rss = med([r.maxrss_mb for r, _ in good])
    tree = med([r.tree_peak_mb for r, _ in good])
    info0 = good[0][1]
    stage_names = [
        "lazy imports",
        "load",
        "canonical copy",
        "parse (IR)",
        "shape",
        "render",
        "validation wait",
        "ruff",
        "write",
    ]
    stages = {
        name: med([info["stages"].get(name, 0.0) for _, info in good]) for name in stage_names
    }
    imports = med([info["imports"] for _, info in good])
    rep.data["gen"] = {
        "clientgen": [
            dict(asdict(r), stdout="", stderr="") | {"info": info} for r, info in cg_runs
        ],
        "openapi-python-client": [
            dict(asdict(r), stdout="", stderr=tail(r.stderr)) for r in opc_runs
        ],
        "openapi-python-client version": opc_version,
        "stages": stages,
    }
    opc_ok = [r for r in opc_runs if r.ok and any((WORK / "gen" / "opc-github").rglob("*.py"))]
    good_c = [(r, info) for r, info in cgc_runs if r.ok and info.get("ok")]
    what = f"clientgen, GitHub ({info0['operations']} ops, {info0['models']} models), wall, median of {len(good)}"
    if compiled_py is not None or compiled_why:
        what = what.replace("clientgen,", "clientgen pure Python,")
    targeted = not good_c  # the target row is the compiled build's when there is one
    if exe is None:
        rep.add(
            "gen",
            what,
            f"{wall:.2f} s",
            f"openapi-python-client: {opc_version}",
            "",
            "≤ 3 s",
            wall <= 3,
        )
    elif not opc_ok:
        why = tail(opc_runs[0].stderr or opc_runs[0].stdout) if opc_runs else "not run"
        rep.add(
            "gen",
            what,
            f"{wall:.2f} s",
            f"openapi-python-client {opc_version} crashed: {why}",
            "",
            "≤ 3 s",
            wall <= 3,
        )
    else:
        opc_wall = med([r.wall for r in opc_ok])
        opc_cpu = med([r.cpu for r in opc_ok])
        rep.add(
            "gen",
            what,
            f"{wall:.2f} s",
            f"{opc_wall:.2f} s (openapi-python-client {opc_version}, {len(opc_ok)} runs)",
            f"{opc_wall / wall:.1f}× faster",
            "≤ 3 s, ≥ 6× faster" if targeted else "",
            wall <= 3 and opc_wall / wall >= 6 if targeted else None,
        )
        rep.add(
            "gen",
            "  same, CPU time (user+sys, ruff included)",
            f"{cpu:.2f} s",
            f"{opc_cpu:.2f} s",
            f"{opc_cpu / cpu:.1f}× less",
        )
    if compiled_why:
        rep.add("gen", "clientgen compiled (mypyc wheel)", f"not built: {compiled_why[:300]}")
    elif cgc_runs and not good_c:
        rep.add("gen", "clientgen compiled (mypyc wheel)", f"FAILED: {cgc_runs[0][1].get('error')}")
    rep.add(
        "gen",
        "  of which: interpreter start, first imports, exit",
        f"{wall - sum(stages.values()):.2f} s",
        f"imports alone {imports:.2f} s",
    )
    for name in stage_names:
        rep.add("gen", f"  of which: {name}", f"{stages[name]:.2f} s")
    if good_c:  # the compiled install's rows (the target row when there is one)
        c_wall = med([r.wall for r, _ in good_c])
        c_cpu = med([r.cpu for r, _ in good_c])
        opc_wall = med([r.wall for r in opc_ok]) if opc_ok else None
        opc_cpu = med([r.cpu for r in opc_ok]) if opc_ok else None
        rep.add(
            "gen",
            f"clientgen compiled (mypyc wheel), GitHub, wall, median of {len(good_c)}",
            f"{c_wall:.2f} s",
            f"{opc_wall:.2f} s (the same openapi-python-client runs)" if opc_wall else "",
            f"{opc_wall / c_wall:.1f}× faster" if opc_wall else "",
            "≤ 3 s, ≥ 6× faster",
            c_wall <= 3 and opc_wall is not None and opc_wall / c_wall >= 6,
        )
        rep.add(
            "gen",
            "  same, CPU time (user+sys, ruff included)",
            f"{c_cpu:.2f} s",
            f"{opc_cpu:.2f} s" if opc_cpu else "",
            f"{opc_cpu / c_cpu:.1f}× less" if opc_cpu else "",
        )
        c_stages = {
            name: med([info["stages"].get(name, 0.0) for _, info in good_c])
            for name in stage_names
            if name != "canonical copy"  # (a native class: its time is in load)
        }
        rep.add(
            "gen",
            "  compiled, of which (its canonical copy is in load)",
            ", ".join(f"{n} {v:.2f}" for n, v in c_stages.items()),
        )
        rep.data["gen"]["clientgen compiled"] = [
            dict(asdict(r), stdout="", stderr="") | {"info": info} for r, info in cgc_runs
        ]
    opc_rss = med([r.maxrss_mb for r in opc_ok]) if opc_ok else None
    opc_tree = med([r.tree_peak_mb for r in opc_ok]) if opc_ok else None
    rep.add(
        "gen",
        "peak RSS, largest process (wait4 ru_maxrss)",
        f"{rss:.0f} MB",
        f"{opc_rss:.0f} MB" if opc_rss else "",
        f"{rss / opc_rss:.2f}×" if opc_rss else "",
        "≤ 300 MB",
        rss <= 300,
    )

    def by_name(runs: list[Run]) -> str:
        names = sorted({n for r in runs for n in r.peak_by_name_mb})
        return ", ".join(
            f"{n} {med([r.peak_by_name_mb.get(n, 0.0) for r in runs]):.0f} MB" for n in names
        )

    rep.add(
        "gen",
        "  sampled peak by process (every 0.1 s)",
        by_name([r for r, _ in good]),
        by_name(opc_ok) if opc_ok else "",
    )
    rep.add(
        "gen",
        "peak RSS, whole process tree at once (sampled)",
        f"{tree:.0f} MB",
        f"{opc_tree:.0f} MB" if opc_tree else "",
        f"{tree / opc_tree:.2f}×" if opc_tree else "",
    )


def section_regen(rep: Report, quick: bool) -> None:
    print(
        "== regen: no-op generate and a one-operation edit (GitHub, project with the module cache)"
    )
    import regen_speed

    runs = 3 if quick else 5
    compile_generator()
    r = regen_speed.measure(
        corpora.spec_path("github"), WORK / "regen", runs, run_measured, PY, PYCACHE
    )
    rep.data["regen"] = r
    base = f"{r['full_wall']:.2f} s (CPU {r['full_cpu']:.2f} s): generate --full, no cache"
    rep.add(
        "regen",
        f"no-op `generate` (nothing changed), fresh process, median of {runs}",
        f"{r['noop_wall']:.2f} s (CPU {r['noop_cpu']:.2f} s)",
        base,
        f"{r['noop_wall'] / r['full_wall']:.0%} of full (CPU {r['noop_cpu'] / r['full_cpu']:.0%})",
        "≤ 0.3 s (judged on CPU)",
        r["noop_cpu"] <= 0.3,
    )
    rep.add(
        "regen",
        f"`generate --full` with the caches on (cache folder emptied first), median of {runs}",
        f"{r['full_on_wall']:.2f} s (CPU {r['full_on_cpu']:.2f} s)",
        base,
        f"{r['full_on_wall'] / r['full_wall']:.0%} of full "
        f"(CPU {r['full_on_cpu'] / r['full_cpu']:.0%})",
        "≤ 105 % of full (judged on CPU; the snapshot's child not counted)",
        r["full_on_cpu"] <= 1.05 * r["full_cpu"],
    )
    rep.add(
        "regen",
        f"no-op `check`, fresh process, median of {runs}",
        f"{r['check_wall']:.2f} s (CPU {r['check_cpu']:.2f} s)",
        "",
        "",
        "",
        None,
    )
    rep.add(
        "regen",
        f"one operation's summary edited, then `generate` (caches warm), median of {r['edit_runs']}",
        f"{r['edit_wall']:.2f} s (CPU {r['edit_cpu']:.2f} s)",
        base,
        f"{r['edit_wall'] / r['full_wall']:.0%} of full (CPU {r['edit_cpu'] / r['full_cpu']:.0%})",
        "≤ 20 % of full (judged on CPU)",
        r["edit_cpu"] <= 0.2 * r["full_cpu"],
    )
    for key, what in (
        ("new_op", "a new operation (structural: full path, module cache)"),
        ("schema", "a property added to a schema hundreds of responses use (full path)"),
    ):
        rep.add(
            "regen",
            f"{what}, then `generate`, median of {runs}",
            f"{r[key + '_wall']:.2f} s (CPU {r[key + '_cpu']:.2f} s)",
            base,
            f"{r[key + '_wall'] / r['full_wall']:.0%} of full "
            f"(CPU {r[key + '_cpu'] / r['full_cpu']:.0%})",
            "",
            None,
        )
    rep.add(
        "regen",
        "  output after the edits = a full run of the same spec without the cache",
        "byte-identical" if r["identical"] else "DIFFERENT",
        "",
        "",
        "identical",
        bool(r["identical"]),
    )
    for name, cpu in r["stages"].items():
        rep.add("regen", f"  one edit, in-process CPU: {name}", f"{cpu:.2f} s", "", "", "", None)


def section_scale(rep: Report, quick: bool) -> None:
    print("== scale: seconds per 1,000 operations", flush=True)
    ids = SCALE_IDS + ([] if quick else [HUGE_ID])
    rep.data["scale"] = {}
    for spec_id in ids:
        spec = corpora.spec_path(spec_id)
        if not spec.is_file():
            rep.add("scale", spec_id, "spec missing")
            continue
        pkg = "".join(c if c.isalnum() else "_" for c in spec_id).lower()
        huge = spec_id == HUGE_ID
        run, info = generate_fresh(
            spec, WORK / "scale" / pkg, pkg, "Client", timeout=3600 if huge else 600
        )
        shutil.rmtree(WORK / "scale" / pkg, ignore_errors=True)
        mb = spec.stat().st_size / 2**20
        rep.data["scale"][spec_id] = dict(asdict(run), stdout="", stderr="") | {"info": info}
        if not info.get("ok"):
            rep.add(
                "scale",
                f"{spec_id} ({mb:.1f} MB)",
                f"FAILED after {run.wall:.1f} s: {info.get('error')}",
            )
            continue
        ops = info["operations"]
        per_k = info["seconds"] / ops * 1000 if ops else float("nan")
        cpu_per_k = run.cpu / ops * 1000 if ops else float("nan")
        cpu_per_k_both = run.cpu / (ops + info["models"]) * 1000
        st = info["stages"]
        split = ", ".join(
            f"{k} {st.get(k, 0.0):.1f}"
            for k in ("load", "parse (IR)", "render", "validation wait", "ruff", "write")
        )
        rep.add(
            "scale",
            f"{spec_id}: {ops} ops, {info['models']} models, {mb:.1f} MB",
            f"{per_k:.2f} s/1k ops (CPU {cpu_per_k:.2f})",
            f"{info['seconds']:.2f} s in-process, {run.wall:.1f} s wall, {run.cpu:.1f} s CPU; "
            f"CPU {cpu_per_k_both:.2f} s/1k ops+models, {run.cpu / mb:.2f} s/MB",
            f"peak {run.maxrss_mb:.0f} MB",
            "graph-beta finishes" if huge else "",
            True if huge else None,
        )
        rep.add("scale", "  stages (s)", split)


def section_check(rep: Report, quick: bool) -> None:
    print("== check: `clientgen check` fast path", flush=True)
    import check_speed

    from generator.config import find_project_file

    runs = 5 if quick else 11
    project = find_project_file(REPO)
    assert project is not None
    with tempfile.TemporaryDirectory(prefix="clientgen-perf-") as tmp:
        copied = check_speed.copy_project(project, Path(tmp))
        root = copied.parent
        # generates there first (which keeps the configuration's reading), then times `check`
        whole, whole_cpu = check_speed.whole_command_cpu(root, runs)
        inproc = subprocess.run(
            [PY, str(Path(__file__)), "--worker-check", str(root), str(runs)],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        info = json.loads(inproc.stdout.strip().splitlines()[-1])
    startup = med(
        [run_measured([PY, "-c", "pass"], timeout=60, sample=False).wall for _ in range(runs)]
    )
    imports = (
        med(
            [
                run_measured([PY, "-c", "import generator.cli"], timeout=60, sample=False).wall
                for _ in range(runs)
            ]
        )
        - startup
    )
    rep.data["check"] = {
        "whole": whole,
        "whole_cpu": whole_cpu,
        "startup": startup,
        "imports": imports,
        **info,
    }
    rep.add(
        "check",
        f"`python -m generator check` (fresh interpreter, {info['targets']} targets, median of {runs})",
        f"{ms(whole)} (CPU {ms(whole_cpu)})",
        "",
        "",
        "≤ 300 ms (judged on CPU)",
        whole_cpu <= 0.3,
    )
    rep.add("check", "  of which: interpreter start (wall)", ms(startup))
    rep.add(
        "check",
        "  of which: import generator.cli (wall; click — the configuration and the pipeline are "
        "imported by the commands that need them)",
        ms(imports),
    )
    rep.add(
        "check",
        "fast path in-process, all targets (generator fingerprint recomputed)",
        ms(info["cold"]),
    )
    rep.add(
        "check", "  generator fingerprint (hash generator + templates)", ms(info["fingerprint"])
    )
    rep.add("check", "fast path in-process, fingerprint cached", ms(info["warm"]))
    rep.add("check", "check --full in-process (re-render + ruff), all targets", ms(info["full"]))


def worker_check(root: str, runs: int) -> None:
    from generator import provenance
    from generator.config import load_targets
    from generator import check

    project = Path(root) / "pyproject.toml"
    targets = load_targets(project)

    def all_fast() -> None:
        for t in targets:
            res = check(t, Path(root))
            assert res.fast_path and not res.diff.stale, f"{t.name}: fast path did not answer"

    def timed(fn: Any, n: int, clear: bool) -> float:
        times = []
        for _ in range(n):
            if clear:
                provenance.generator_fingerprint.cache_clear()
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return med(times)

    all_fast()
    fingerprint = timed(provenance.generator_fingerprint, runs, clear=True)
    cold = timed(all_fast, runs, clear=True)
    warm = timed(all_fast, runs, clear=False)
    full = timed(
        lambda: [check(t, Path(root), full=True) for t in targets], max(1, runs // 4), clear=False
    )
    print(
        json.dumps(
            {
                "targets": len(targets),
                "cold": cold,
                "warm": warm,
                "fingerprint": fingerprint,
                "full": full,
            }
        )
    )


def _resources_by_size(project: Path, package: str) -> tuple[str, str]:
    """(the resource attribute with the fewest operations, the one with the most), from operations.json."""
    manifest = json.loads((project / "operations.json").read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for op in manifest["operations"]:
        attr = op["call"].split(".", 1)[0]
        counts[attr] = counts.get(attr, 0) + 1
    ranked = sorted(counts, key=lambda a: (counts[a], a))
    return ranked[0], ranked[-1]


def _probe(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [
            PY,
            "-I",
            "-X",
            f"pycache_prefix={PYCACHE}",
            str(HERE / "perf_runtime.py"),
            *(args if args[0] == "first-call-probe" else ["import-probe", *args]),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"import probe failed: {tail(proc.stderr, 6)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def section_import(rep: Report, quick: bool) -> None:
    print("== import: cost of importing a generated client", flush=True)
    rounds = 7 if quick else 15
    github_src = WORK / "gen" / "github" / "src"
    if not (github_src / "github" / "__init__.py").is_file():
        print("    generating GitHub's client into .cache/perf/gen/github …", flush=True)
        _, info = generate_fresh(
            corpora.spec_path("github"), WORK / "gen" / "github", "github", "GitHub", 600
        )
        if not info.get("ok"):
            rep.add("import", "GitHub client", f"could not generate: {info.get('error')}")
    packages = [
        ("casexchange", REPO / "generated" / "casexchange" / "src", "CaseXchange"),
        ("github", github_src, "GitHub"),
    ]
    PYCACHE.mkdir(parents=True, exist_ok=True)
    rep.data["import"] = {}
    for package, src, client in packages:
        if not (src / package / "__init__.py").is_file():
            continue
        subprocess.run(
            [PY, "-X", f"pycache_prefix={PYCACHE}", "-m", "compileall", "-q", str(src / package)],
            check=False,
            capture_output=True,
        )
        small, big = _resources_by_size(src.parent, package)
        args = [str(src), package, client, small, big]
        _probe(["--baseline"]), _probe(args)  # warm the bytecode cache of httpx, pydantic, …
        base, pkg = [], []
        for _ in range(rounds):
            base.append(_probe(["--baseline"]))
            pkg.append(_probe(args))
        b = med([x["import_ms"] for x in base])
        p = med([x["import_ms"] for x in pkg])
        b_cpu = med([x["import_cpu_ms"] for x in base])
        p_cpu = med([x["import_cpu_ms"] for x in pkg])
        rep.data["import"][package] = {"baseline": base, "package": pkg}
        n_files = sum(1 for _ in (src / package).rglob("*.py"))
        rep.add(
            "import",
            f"{package} ({n_files} modules on disk): import + {client}(…), median of {rounds}",
            f"{p:.0f} ms (CPU {p_cpu:.0f} ms)",
            f"{b:.0f} ms (CPU {b_cpu:.0f} ms): httpx + pydantic + 1 model",
            f"+{p - b:.0f} ms (CPU +{p_cpu - b_cpu:.0f} ms)",
            "≤ +40 ms (judged on CPU)",
            p_cpu - b_cpu <= 40,
        )
        rep.add(
            "import",
            f"  modules imported ({package}.* / total new)",
            f"{pkg[0]['package_modules']} / {pkg[0]['modules']}",
            f"{base[0]['modules']}",
            f"+{pkg[0]['modules'] - base[0]['modules']}",
        )
        for attr in (small, big):
            res = [x["resources"][attr] for x in pkg]
            r_ms, r_cpu = med([x["ms"] for x in res]), med([x["cpu_ms"] for x in res])
            eager = med([x["all_models_cpu_ms"] for x in res])
            label = "smallest" if attr == small else "largest"
            rep.add(
                "import",
                f"  first use of client.{attr} ({label} resource, after the other)"
                if attr == big
                else f"  first use of client.{attr} ({label} resource)",
                f"{r_ms:.1f} ms (CPU {r_cpu:.1f} ms), {res[0]['modules']} modules",
                f"CPU {r_cpu + eager:.1f} ms with its methods' response models "
                f"({res[0]['model_modules']} modules) imported at first use, as before issue 18",
                f"{(r_cpu + eager) / max(r_cpu, 0.1):.1f}× less",
                "≤ 50 ms (CPU)",
                r_cpu <= 50,
            )
            rep.add(
                "import",
                f"    then the first call of one of its methods loads its models (client.{attr})",
                f"{med([x['first_method_ms'] for x in res]):.1f} ms "
                f"(CPU {med([x['first_method_cpu_ms'] for x in res]):.1f} ms)",
            )
        _first_call_row(rep, package, src, client, rounds)


def _first_call_row(rep: Report, package: str, src: Path, client: str, rounds: int) -> None:
    """The first call of a method in a fresh interpreter, through `httpx.MockTransport` with a valid
    body (`perf_runtime.first-call-probe`): its models load, pydantic builds their validators."""
    import perf_runtime

    if package not in perf_runtime.FIRST_CALLS:
        return
    resource, method, _ = perf_runtime.FIRST_CALLS[package]
    body = WORK / f"first_call_{package}.json"
    spec = corpora.spec_path("github") if package == "github" else None
    body.write_bytes(perf_runtime.first_call_body(package, spec))
    args = ["first-call-probe", str(src), package, client, str(body)]
    _probe(args)  # bytecode cached
    got = [_probe(args) for _ in range(rounds)]
    rep.data["import"][package]["first_call"] = got
    rep.add(
        "import",
        f"  first call of client.{resource}.{method}(…) in a fresh interpreter (MockTransport), "
        f"median of {rounds}",
        f"{med([x['first_call_ms'] for x in got]):.1f} ms "
        f"(CPU {med([x['first_call_cpu_ms'] for x in got]):.1f} ms), {got[0]['call_modules']} modules, "
        f"{got[0]['sources_read']} package sources read",
        f"the second call {med([x['second_call_ms'] for x in got]):.1f} ms",
    )


def _runtime(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [PY, str(HERE / "perf_runtime.py"), *args], capture_output=True, text=True, timeout=1800
    )
    if proc.returncode != 0:
        raise RuntimeError(f"perf_runtime {args[0]} failed: {tail(proc.stderr, 8)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def section_call(rep: Report, quick: bool) -> None:
    print("== call: per-call overhead (CaseXchange client, MockTransport)", flush=True)
    res = _runtime(["call", "--iterations", "200", "--blocks", "9" if quick else "31"])
    rep.data["call"] = res
    labels = {
        "sync GET": "client.webhooks.get(id) (auth header, path param, unwrap `data`)",
        "sync POST json": "client.webhooks.create(url=…, description=…) (JSON body)",
        "async GET": "await aclient.webhooks.get(id)",
    }
    for case, r in res["cases"].items():
        ratio = r["generated"] / r["hand"]
        rep.add(
            "call",
            f"{case}: {labels[case]}",
            f"{r['generated']:.1f} µs",
            f"{r['hand']:.1f} µs hand-written",
            f"{ratio:.2f}×",
            "≤ 1.3×",
            ratio <= 1.3,
        )
        if "httpx" in r:
            rep.add(
                "call",
                f"  {case}: httpx + MockTransport alone (no parsing)",
                f"{r['httpx']:.1f} µs",
                "",
                "",
                f"generated adds {r['generated'] - r['hand']:.1f} µs",
            )


def section_page(rep: Report, quick: bool) -> None:
    print("== page: 10,000 items through the paginator", flush=True)
    res = _runtime(
        ["paginate", "--pages", "100", "--per-page", "100", "--runs", "3" if quick else "5"]
    )
    rep.data["page"] = res
    us = res["us_per_item"]
    rep.add(
        "page",
        f"iterate {res['items']:,} items ({res['pages']} pages): generated paginator",
        f"{res['seconds']['generated'] * 1000:.0f} ms ({us['generated']:.2f} µs/item)",
        f"{res['seconds']['hand'] * 1000:.0f} ms hand-written page loop",
        f"{us['generated'] / us['hand']:.2f}×",
        "≤ 1.3×",
        us["generated"] / us["hand"] <= 1.3,
    )
    rep.add(
        "page",
        "  async paginator (`async for`)",
        f"{res['seconds']['async generated'] * 1000:.0f} ms",
        f"{res['seconds']['hand'] * 1000:.0f} ms (sync hand loop)",
        f"{us['async generated'] / us['hand']:.2f}×",
    )
    m = res["memory"]
    flat = m["generated_100pct_kib"] <= 2 * m["generated_10pct_kib"] + 256
    rep.add(
        "page",
        "tracemalloc peak after 1,000 / 5,000 / 10,000 items",
        f"{m['generated_10pct_kib']:.0f} / {m['generated_50pct_kib']:.0f} / {m['generated_100pct_kib']:.0f} KiB",
        f"hand loop {m['hand_10pct_kib']:.0f} → {m['hand_100pct_kib']:.0f} KiB; "
        f"list(all items) {m['accumulate_100pct_kib']:.0f} KiB",
        f"{m['generated_100pct_kib'] / m['generated_10pct_kib']:.2f}× from 10 % to 100 %",
        "flat",
        flat,
    )


RUNNERS = {
    "gen": section_gen,
    "scale": section_scale,
    "regen": section_regen,
    "check": section_check,
    "import": section_import,
    "call": section_call,
    "page": section_page,
}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker-generate":
        worker_generate(*sys.argv[2:6])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--worker-check":
        worker_check(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs, no microsoft.com/graph-beta"
    )
    parser.add_argument(
        "--only", default="", help=f"comma-separated sections: {', '.join(SECTIONS)}"
    )
    args = parser.parse_args()
    only = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(
            f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}"
        )
    corpora.install(quiet=True)
    WORK.mkdir(parents=True, exist_ok=True)
    rep = Report()
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    for name in SECTIONS:
        if name in only:
            try:
                RUNNERS[name](rep, args.quick)
            except Exception as exc:  # one broken section must not hide the others' figures
                rep.add(name, "section failed", f"{type(exc).__name__}: {str(exc)[:300]}")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--", "generator", "templates"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    meta = {
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commit": commit + ("+dirty generator/templates" if dirty else ""),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "quick": args.quick,
        "sections": only,
        "loadavg_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "seconds": round(time.perf_counter() - started, 1),
    }
    (WORK / "results.json").write_text(
        json.dumps(
            {"meta": meta, "rows": [asdict(r) for r in rep.rows], "data": rep.data}, indent=1
        ),
        encoding="utf-8",
    )
    title = (
        f"clientgen perf — {meta['finished']}, commit {meta['commit']}, Python {meta['python']}, "
        f"{meta['cpus']} CPUs, load {meta['loadavg_before_after'][0]} → {meta['loadavg_before_after'][1]}, "
        f"{meta['seconds']} s{' (--quick)' if args.quick else ''}"
    )
    (WORK / "results.md").write_text(f"{title}\n\n{render_markdown(rep.rows)}\n", encoding="utf-8")
    print()
    print(title)
    print(render_text(rep.rows))
    print(f"\n(also in {(WORK / 'results.md').relative_to(REPO)} and results.json)")


if __name__ == "__main__":
    main()
