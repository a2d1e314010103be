"""Alternating A/B of a full generation of GitHub's client in a project with the caches on (issue 18):
two copies of the generator (`git archive` copies), each run `python -m generator generate -q --full`
in a fresh project folder (an emptied `.cache`: no module cache, no findings, no snapshot), with
the copy first on PYTHONPATH and its own bytecode cache.

    git archive main | tar -x -C /tmp/base; git archive HEAD | tar -x -C /tmp/this
    nice .venv/bin/python bench/ab_project.py /tmp/base /tmp/this [PAIRS]

Not a test. Prints each run's wall time and CPU (user + sys of the command and the children it
waited for, `wait4`), then the medians and the load average before and after. After each run it
waits 4 s for the snapshot's writer (a forked child the command does not wait for).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from corpora import spec_path
from regen_speed import PROJECT  # the same project as `perf.py --only regen`

WORK = Path(".cache", "perf", "ab-project").resolve()


def run(tree: Path, name: str) -> tuple[float, float]:
    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    shutil.copy(spec_path("github"), folder / "github.json")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CLIENTGEN_CACHE", "PYTHONDONTWRITEBYTECODE")
    }
    env["PYTHONPATH"] = str(tree)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / f"pycache-{name}")
    args = [sys.executable, "-m", "generator", "generate", "-q", "--full"]
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=folder, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{tree}: the run failed")
    time.sleep(4)  # the snapshot's writer
    return wall, usage.ru_utime + usage.ru_stime


def main(trees: list[Path], pairs: int) -> None:
    load = os.getloadavg()[0]
    runs: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
    for n in range(pairs):
        for i in (0, 1) if n % 2 == 0 else (1, 0):
            wall, cpu = run(trees[i], f"t{i}")
            runs[i].append((wall, cpu))
            print(f"{trees[i]}: wall {wall:.3f} s, CPU {cpu:.3f} s", flush=True)
    med = statistics.median
    for i, tree in enumerate(trees):
        print(
            f"{tree}: median wall {med(w for w, _ in runs[i]):.3f} s, "
            f"CPU {med(c for _, c in runs[i]):.3f} s"
        )
    print(f"load {load:.2f} -> {os.getloadavg()[0]:.2f}, {pairs} pairs")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main([Path(t).resolve() for t in sys.argv[1:3]], int(sys.argv[3]) if len(sys.argv) == 4 else 6)
