"""A structural replay's snapshot load, A/B between two generator trees, alternating (issue 18).

    nice python bench/snapshot_load.py 8 BASE_TREE [THIS_TREE]

A warm GitHub project per tree (a full run: its snapshot, below `.cache/perf/snapshot-load/`), then
per round a fresh interpreter per tree that imports the modules the snapshot's classes live in and
times `stage.snapshot.load` as `stage/structural.py` calls it in that tree (the cycle collector
paused, as in the run), twice: the first load (each class name looked up) and a second one. The
trees' order is swapped every round; prints the medians of the CPU times and the load. Not a test.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import edit_kinds as ek
from corpora import spec_path
from regen_ab import _env, _run

TIMED = """
import gc, sys, time
from pathlib import Path
sys.path.insert(0, {tree!r})
from generator.cache_files import cache_file
from generator.stage import snapshot
import generator.diagnostics, generator.ir, generator.naming.names
import generator.render.apidoc_views, generator.render.readme_views
folder = Path({folder!r})
path = cache_file(folder, folder / "out" / "github", "stages", ".bin")
key = snapshot.peek(path).key
structural = Path({tree!r}, "generator", "stage", "structural.py").read_text(encoding="utf-8")
if "with_prose=False" in structural:
    def load():
        return snapshot.load(path, key, with_prose=False)
else:
    def load():
        return snapshot.load(path, key, lambda at, places, offsets, tokens: True)
gc.disable()
times = []
for _ in range(2):
    start = time.process_time()
    assert load() is not None
    times.append(time.process_time() - start)
print(*times)
"""


def main(rounds: int, trees: dict[str, str], work: Path) -> None:
    doc = json.loads(spec_path("github").read_text(encoding="utf-8"))
    gen = [sys.executable, "-m", "generator", "generate", "-q"]
    folders = {}
    for name, tree in trees.items():
        folders[name] = ek._project(work / name, doc)
        _run(gen, folders[name], _env(tree))
        ek._settle(folders[name])
    times: dict[str, list[list[float]]] = {name: [] for name in trees}
    load = os.getloadavg()[0]
    for i in range(rounds):
        order = list(trees.items())
        for name, tree in order if i % 2 == 0 else order[::-1]:
            code = TIMED.format(tree=tree, folder=str(folders[name]))
            done = subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                check=True,
                env=_env(tree),
            )
            times[name].append([float(t) for t in done.stdout.split()])
    for name, tree in trees.items():
        first = statistics.median(t[0] for t in times[name])
        second = statistics.median(t[1] for t in times[name])
        print(
            f"{name} ({tree}): first load {first:.4f} s, second {second:.4f} s CPU "
            f"(medians of {rounds})"
        )
    print(f"load {load:.2f} -> {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    this = sys.argv[3] if len(sys.argv) > 3 else str(Path(__file__).resolve().parent.parent)
    trees = {"base": str(Path(sys.argv[2]).resolve()), "this": str(Path(this).resolve())}
    main(int(sys.argv[1]), trees, Path(".cache/perf/snapshot-load").resolve())
