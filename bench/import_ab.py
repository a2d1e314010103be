"""Alternating A/B of `import pkg; Client(…)` against the baseline (issue 18, imp19; not a test).

    nice .venv/bin/python bench/import_ab.py BASE_SRC THIS_SRC PACKAGE CLIENT [ROUNDS]

BASE_SRC and THIS_SRC are folders holding the package (`generated/casexchange/src` of a `git archive`
copy of main and of this branch, or two generated GitHub trees' `src`). Each round runs, in fresh
interpreters and in an order that alternates from round to round, `bench/perf_runtime.py import-probe
--baseline` (httpx + pydantic + one model) and the import probe of each tree, exactly as `bench/perf.py
--only import` does (bytecode in `.cache/perf/pycache`). Prints the medians of CPU and wall for each, the
difference to the baseline, and the load average before and after.

    nice .venv/bin/python bench/import_ab.py --instructions BASE_SRC THIS_SRC PACKAGE CLIENT

    nice .venv/bin/python bench/import_ab.py --first-call BASE_SRC THIS_SRC PACKAGE CLIENT BODY [ROUNDS]

times, alternating, the first call of a method in a fresh interpreter (`perf_runtime.py
first-call-probe`: `FIRST_CALLS[PACKAGE]`, the response BODY through `httpx.MockTransport`; write BODY
with `perf_runtime.first_call_body`) for each tree: medians of the import + construction, the first use
of the resource and the first call (CPU and wall), then the instructions of one probe process of each
tree (`valgrind`, as below).

counts instead the instructions each of the three processes runs (`valgrind --tool=cachegrind`, one
run each: the count does not depend on the load), the interpreter's start (`python -I -c pass`) as a
fourth line; the differences are what the import and construction add.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYCACHE = HERE.parent / ".cache" / "perf" / "pycache"


def probe(args: list[str], mode: str = "import-probe") -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-I", "-X", f"pycache_prefix={PYCACHE}", str(HERE / "perf_runtime.py")]
        + [mode, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def instructions(args: list[str], mode: str = "import-probe") -> int:
    proc = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
        + [sys.executable, "-I", "-X", f"pycache_prefix={PYCACHE}"]
        + ([str(HERE / "perf_runtime.py"), mode, *args] if args else ["-c", "pass"]),
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    assert match, proc.stderr[-2000:]
    return int(match[1].replace(",", ""))


def count(base: str, this: str, package: str, client: str) -> None:
    runs = {
        "start": [],
        "baseline": ["--baseline"],
        "A (base)": [base, package, client],
        "B (this)": [this, package, client],
    }
    for args in runs.values():  # bytecode cached
        if args:
            probe(args)
    got = {name: instructions(args) for name, args in runs.items()}
    for name, n in got.items():
        extra = f"  → +{(n - got['baseline']) / 1e6:.1f} M over the baseline" if "(" in name else ""
        print(f"{name}: {n / 1e6:.1f} M instructions{extra}")


def main(base: str, this: str, package: str, client: str, rounds: int) -> None:
    runs = {
        "baseline": ["--baseline"],
        "A (base)": [base, package, client],
        "B (this)": [this, package, client],
    }
    for src in (base, this):
        subprocess.run(
            [sys.executable, "-X", f"pycache_prefix={PYCACHE}", "-m", "compileall", "-q", src],
            check=False,
            capture_output=True,
        )
    for args in runs.values():  # bytecode cached, files in the page cache
        probe(args)
    got: dict[str, list[dict[str, float]]] = {name: [] for name in runs}
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    for i in range(rounds):
        order = list(runs) if i % 2 == 0 else list(reversed(runs))
        for name in order:
            got[name].append(probe(runs[name]))
    print(f"load after: {os.getloadavg()[0]:.2f}")
    med = {
        name: (
            statistics.median(r["import_cpu_ms"] for r in rs),
            statistics.median(r["import_ms"] for r in rs),
        )
        for name, rs in got.items()
    }
    for name, (cpu, wall) in med.items():
        extra = ""
        if name != "baseline":
            extra = (
                f"  → +{cpu - med['baseline'][0]:.1f} ms CPU, +{wall - med['baseline'][1]:.1f} ms wall"
                f" over the baseline; {got[name][0].get('package_modules')} package modules,"
                f" {got[name][0]['modules']} new in all"
            )
        print(f"{name}: CPU {cpu:.1f} ms, wall {wall:.1f} ms (median of {rounds}){extra}")


def first_calls(base: str, this: str, package: str, client: str, body: str, rounds: int) -> None:
    trees = {"A (base)": base, "B (this)": this}
    for src in trees.values():
        subprocess.run(
            [sys.executable, "-X", f"pycache_prefix={PYCACHE}", "-m", "compileall", "-q", src],
            check=False,
            capture_output=True,
        )

    def args(src: str) -> list[str]:
        return [src, package, client, body]

    for src in trees.values():  # bytecode cached, files in the page cache
        probe(args(src), "first-call-probe")
    got: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    for i in range(rounds):
        for name in list(trees) if i % 2 == 0 else list(reversed(trees)):
            got[name].append(probe(args(trees[name]), "first-call-probe"))
    print(f"load after: {os.getloadavg()[0]:.2f}")
    for name, rs in got.items():
        parts = []
        for key, label in (
            ("import", "import + construction"),
            ("first_use", "first use"),
            ("first_call", "first call"),
        ):
            cpu = statistics.median(r[f"{key}_cpu_ms"] for r in rs)
            wall = statistics.median(r[f"{key}_ms"] for r in rs)
            parts.append(f"{label} CPU {cpu:.1f} / wall {wall:.1f} ms")
        print(
            f"{name}: " + "; ".join(parts) + f" (medians of {rounds}); the call loads"
            f" {rs[0]['call_modules']} modules, reads {rs[0]['sources_read']} package source files"
        )
    for name, src in trees.items():
        n = instructions(args(src), "first-call-probe")
        print(f"{name}: {n / 1e6:.1f} M instructions, the whole probe process")


if __name__ == "__main__":
    if sys.argv[1] == "--first-call":
        first_calls(*sys.argv[2:7], int(sys.argv[7]) if len(sys.argv) > 7 else 9)
    elif sys.argv[1] == "--instructions":
        count(*sys.argv[2:6])
    else:
        main(*sys.argv[1:5], int(sys.argv[5]) if len(sys.argv) > 5 else 9)
