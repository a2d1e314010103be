"""Alternating A/B of GitHub's full generation: two copies of the generator (issue 18; `git archive`
copies, so that edits in a worktree cannot leak into the runs), each run a fresh process, the two
interleaved.

    git archive main | tar -x -C /tmp/base; git archive HEAD | tar -x -C /tmp/this
    nice .venv/bin/python bench/ab_full.py /tmp/base /tmp/this [PAIRS]

Either side may instead be a venv with clientgen installed (a folder with `pyvenv.cfg`): the compiled
install, `nice .venv/bin/python bench/ab_full.py /tmp/this .cache/compiled/venv 8` (pure against
compiled, the same sources); its runs are that venv's python with this checkout's `bench/perf.py`
as the worker and no `PYTHONPATH`.

Not a test. Each run is `bench/perf.py --worker-generate` of that copy (`PYTHONPATH` set to it, its
bytecode cached, a new output folder), measured from outside: wall time, and CPU (user + sys) of the
process and the children it waited for (`wait4`: the render child, ruff, the validation child, the
pool). Which copy runs first alternates from pair to pair. Prints each run, then the medians and the
load average before and after.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / ".cache/corpora/node_modules/@octokit/openapi/generated/api.github.com.json"
WORK = REPO / ".cache" / "ab"


def run(tree: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) of one full generation by the generator in `tree`."""
    shutil.rmtree(out.parent, ignore_errors=True)
    out.parent.mkdir(parents=True)
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    }
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    if (tree / "pyvenv.cfg").is_file():  # an installed clientgen (the compiled wheel's venv)
        args = [str(tree / "bin" / "python"), str(REPO / "bench" / "perf.py"), "--worker-generate"]
    else:
        env["PYTHONPATH"] = str(tree)
        args = [sys.executable, str(tree / "bench" / "perf.py"), "--worker-generate"]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*args, str(SPEC), str(out), "gh", "Gh"], env=env, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{tree}: exit status {status}")
    return wall, usage.ru_utime + usage.ru_stime


def main(base: Path, this: Path, pairs: int) -> None:
    trees = {"A (base)": base.resolve(), "B (this)": this.resolve()}
    for tree in trees.values():  # bytecode compiled, caches warm
        run(tree, WORK / "warm" / "gh")
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    for pair in range(pairs):
        order = list(trees) if pair % 2 == 0 else list(reversed(trees))
        for name in order:
            wall, cpu = run(trees[name], WORK / "out" / "gh")
            figures[name].append((wall, cpu))
            print(f"pair {pair + 1} {name}: wall {wall:.3f} s, CPU {cpu:.3f} s", flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")
    for name, runs in figures.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name}: median wall {wall:.3f} s, CPU {cpu:.3f} s ({len(runs)} runs)")
    shutil.rmtree(WORK / "out", ignore_errors=True)
    shutil.rmtree(WORK / "warm", ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 6)
