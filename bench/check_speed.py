"""Benchmark (not a test): how long `clientgen check` takes on an unchanged tree, and `clientgen generate`
per target.

    .venv/bin/python bench/check_speed.py [--runs 7] [--project .]

The project's pyproject.toml and the specs its targets use are copied to a temporary folder, every target
is generated there (cold), then timed:
  generate (cold)        first generation into an empty folder, in-process
  generate (unchanged)   regenerating with nothing changed, in-process
  check (fast path)      provenance hashes only, in-process            ← the pre-commit hook's cost
  check --full           re-render and compare, in-process
  `clientgen check`      the whole command in a fresh interpreter (startup + imports + fast path)
Medians of --runs runs (generate cold: one run). Nothing in the project is written.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.config import find_project_file, load_targets
from generator import check, generate


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def whole_command(root: Path, runs: int, attempts: int = 3) -> float:
    """Median wall time of `python -m generator check` in `root` (see `whole_command_cpu`)."""
    return whole_command_cpu(root, runs, attempts)[0]


def whole_command_cpu(root: Path, runs: int, attempts: int = 3) -> tuple[float, float]:
    """Median wall and CPU time (user + sys of the child) of `python -m generator check` in `root`,
    regenerated first by the same command line (a checkout edited while the benchmark runs changes the
    generator fingerprint: then it retries)."""
    import resource

    base = [sys.executable, "-m", "generator"]
    for _ in range(attempts):
        subprocess.run([*base, "generate"], cwd=root, check=True, capture_output=True)
        times, cpus, fast = [], [], True
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(
                [*base, "check"], cwd=root, check=False, capture_output=True, text=True
            )
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            fast = fast and done.returncode == 0 and "fast path" in done.stdout
        if fast:
            return statistics.median(times), statistics.median(cpus)
    sys.exit(
        "`clientgen check` never answered from the fast path: is the generator being edited right now?"
    )


def copy_project(project_file: Path, into: Path) -> Path:
    root = project_file.parent
    shutil.copy(project_file, into / "pyproject.toml")
    for target in load_targets(project_file):
        spec = Path(target.spec)
        rel = spec.relative_to(root)
        (into / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(spec, into / rel)
        for sibling in spec.parent.iterdir():  # relative $refs to neighbouring files
            if (
                sibling.is_file()
                and sibling.suffix in (".yml", ".yaml", ".json")
                and sibling != spec
            ):
                shutil.copy(sibling, into / rel.parent / sibling.name)
    return into / "pyproject.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--project", type=Path, default=REPO)
    args = parser.parse_args()
    project_file = find_project_file(args.project.resolve())
    if project_file is None:
        sys.exit(f"no [tool.clientgen] in a pyproject.toml at or above {args.project}")
    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory(prefix="clientgen-bench-") as tmp:
        copied = copy_project(project_file, Path(tmp))
        root = copied.parent
        for target in load_targets(copied):
            start = time.perf_counter()
            result = generate(target, root)
            rows.append(
                (
                    target.name,
                    f"generate (cold: {result.operations} ops, {result.models} models)",
                    time.perf_counter() - start,
                )
            )
            rows.append(
                (
                    target.name,
                    "generate (unchanged)",
                    median_seconds(lambda t=target: generate(t, root), args.runs),
                )
            )
            fast = check(target, root)
            assert fast.fast_path and not fast.diff.stale, (
                "the fast path did not answer on an unchanged tree"
            )
            rows.append(
                (
                    target.name,
                    "check (fast path, in-process)",
                    median_seconds(lambda t=target: check(t, root), args.runs),
                )
            )
            rows.append(
                (
                    target.name,
                    "check --full (in-process)",
                    median_seconds(
                        lambda t=target: check(t, root, full=True), max(1, args.runs // 2)
                    ),
                )
            )
        rows.append(
            ("all targets", "`clientgen check` (fresh interpreter)", whole_command(root, args.runs))
        )
    width = max(len(f"{t}  {what}") for t, what, _ in rows)
    print(
        f"clientgen benchmark — {project_file.parent}, median of {args.runs} runs (cold generate: 1 run)"
    )
    for target, what, seconds in rows:
        print(f"  {f'{target}  {what}':<{width}}  {seconds * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
