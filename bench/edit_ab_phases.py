"""One edit kind, A/B between two generator trees, with the parent's phases (issue 18, io24).

    nice python bench/edit_ab_phases.py "new query parameter" 14 BASE_TREE [THIS_TREE]

As `edit_ab.py` (a warm project per tree below `.cache/perf/edit-ab-phases/`, alternating, the
snapshot's writer let finish untimed), but each `generate` runs under `replay_phases.py`: per tree
the medians of wall, the process tree's CPU (`os.times` of the children: 10 ms ticks), the parent's
CPU (`process CPU`) and the CPU of the phases below, and the median of the per-round differences
(this − base, the two runs of a round a second apart: less of the host's drift), and the tail after
the package is formatted (`replay_phases.py`'s "after staging": wall, CPU, waiting for a CPU,
blocked). `PHASES_MORE`: more `module:name` to wrap (as `REPLAY_PHASES_MORE`). Not a test.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import edit_kinds as ek
from corpora import spec_path
from regen_ab import _env, _run

PHASES = [
    "generator.streamed:apply_package",
    "generator.tree_index:TreeIndex.scan",
    "generator.staging:Staging.add",
    "generator.tree_index:TreeIndex.for_output",
]
TAIL = ("tail wall", "tail CPU", "tail run queue", "tail blocked")  # (`replay_phases.py`)
SHOWN = [
    "wall",
    "tree CPU",
    "process CPU",
    *TAIL,
    "quick.answered",
    "plan.plan_files",
    "streamed.apply_package",
    "tree_index.TreeIndex.scan",
    "staging.Staging.add",
    "tree_index.TreeIndex.for_output",
    "replay._replay",
    "structural.structural",
]


def main(kind: str, rounds: int, trees: dict[str, str], work: Path) -> None:
    here = Path(__file__).resolve().parent
    doc = json.loads(spec_path("github").read_text(encoding="utf-8"))
    gen = [sys.executable, "-m", "generator", "generate", "-q"]
    more = ",".join([*PHASES, *filter(None, os.environ.get("PHASES_MORE", "").split(","))])
    dirs, docs = {}, {}
    for name, tree in trees.items():
        dirs[name] = ek._project(work / name, doc)
        _run(gen, dirs[name], _env(tree))
        ek._settle(dirs[name])
        docs[name] = json.loads(json.dumps(doc))
    res: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    load = os.getloadavg()[0]
    for i in range(rounds):
        order = list(trees.items())
        for name, tree in order if i % 2 == 0 else order[::-1]:
            ek.KINDS[kind](docs[name], i + 1)
            (dirs[name] / "github.json").write_text(json.dumps(docs[name]), encoding="utf-8")
            time.sleep(0.3)
            env = dict(_env(tree), REPLAY_PHASES_MORE=more)
            start, before = time.perf_counter(), os.times()
            proc = subprocess.run(
                [sys.executable, str(here / "replay_phases.py"), "generate", "-q"],
                cwd=dirs[name],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            after, got = os.times(), res[name]
            got.setdefault("wall", []).append(time.perf_counter() - start)
            cpu = after.children_user - before.children_user
            got.setdefault("tree CPU", []).append(
                cpu + after.children_system - before.children_system
            )
            for line in proc.stderr.splitlines():
                if found := re.match(r"process CPU ([\d.]+) s", line):
                    got.setdefault("process CPU", []).append(float(found.group(1)))
                if found := re.match(r"\s+(\S+)\s+x\d+\s+CPU ([\d.]+) s", line):
                    got.setdefault(found.group(1), []).append(float(found.group(2)))
                if line.startswith("after staging:"):
                    figures = re.findall(r"(-?[\d.]+) s", line)
                    for key, figure in zip(TAIL, figures, strict=True):
                        got.setdefault(key, []).append(float(figure))
            ek._settle(dirs[name])
    print(f"{kind}, {rounds} rounds, load {load:.2f} -> {os.getloadavg()[0]:.2f}")
    base, this = res["base"], res["this"]
    for key in SHOWN + [k for k in this if k not in SHOWN]:
        if key in base and key in this and len(base[key]) == len(this[key]):
            paired = statistics.median(b - a for a, b in zip(base[key], this[key], strict=True))
            print(
                f"  {key:32} base {1000 * statistics.median(base[key]):7.1f} ms"
                f"  this {1000 * statistics.median(this[key]):7.1f} ms"
                f"  paired difference {1000 * paired:+6.1f} ms"
            )


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    this = sys.argv[4] if len(sys.argv) > 4 else str(Path(__file__).resolve().parent.parent)
    trees = {"base": str(Path(sys.argv[3]).resolve()), "this": str(Path(this).resolve())}
    main(sys.argv[1], int(sys.argv[2]), trees, Path(".cache/perf/edit-ab-phases").resolve())
