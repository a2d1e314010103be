"""A/B of GitHub's one-operation edit between two generator trees (issue 18), alternating in one run.

    git archive main | tar -x -C /tmp/main-tree      # a copy of main beside the branch
    nice python bench/regen_ab.py 4 /tmp/main-tree .  # 4 rounds

Each tree gets its own project folders below `--work` and its own bytecode cache; every command is
`python -m generator generate -q` with the tree first on PYTHONPATH. Per round, for each tree in turn:
one summary edit of `repos/get` with a new text (so always a real change against the snapshot),
regenerated with the caches warm; then a cacheless `generate --full` of each; then a full run with the
caches on in an emptied cache folder (after which the snapshot's writer is given time to finish).
Prints per tree the medians of wall and CPU time (user + sys of the command's process tree, `wait4`)
and the edit's share of the full run measured in the same run. Not a test.
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

KEY = '"summary": "Get a repository'


def _env(tree: str, cold: bool = False) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=tree)
    env["PYTHONPYCACHEPREFIX"] = str(
        Path(".cache", "perf", "ab-pycache", tree.strip("/").replace("/", "_")).resolve()
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("CLIENTGEN_CACHE", None)
    if cold:
        env["CLIENTGEN_CACHE"] = "off"
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError(err.decode(errors="replace")[-800:])
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def _project(folder: Path, text: str) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    (folder / "github.json").write_text(text, encoding="utf-8")
    return folder


def main(rounds: int, trees: list[str], work: Path) -> None:
    text = spec_path("github").read_text(encoding="utf-8")
    at = text.index(KEY)
    gen = [sys.executable, "-m", "generator", "generate", "-q"]
    trees = [str(Path(t).resolve()) for t in trees]
    warm = [_project(work / f"warm{i}", text) for i in range(len(trees))]
    cold = [_project(work / f"cold{i}", text) for i in range(len(trees))]
    fresh = [_project(work / f"fresh{i}", text) for i in range(len(trees))]
    for tree, folder in zip(trees, warm, strict=True):
        _run(gen, folder, _env(tree))
    time.sleep(5)  # the snapshots' writers
    edits: dict[str, list[tuple[float, float]]] = {t: [] for t in trees}
    fulls: dict[str, list[tuple[float, float]]] = {t: [] for t in trees}
    cached: dict[str, list[tuple[float, float]]] = {t: [] for t in trees}
    load = os.getloadavg()[0]
    for _ in range(rounds):
        for tree, folder in zip(trees, warm, strict=True):
            edited = text[:at] + KEY + f" {time.time_ns()}" + text[at + len(KEY) :]
            (folder / "github.json").write_text(edited, encoding="utf-8")
            time.sleep(0.3)
            edits[tree].append(_run(gen, folder, _env(tree)))
        for tree, folder in zip(trees, cold, strict=True):
            fulls[tree].append(_run([*gen, "--full"], folder, _env(tree, cold=True)))
        for tree, folder in zip(trees, fresh, strict=True):
            shutil.rmtree(folder / ".cache", ignore_errors=True)
            cached[tree].append(_run([*gen, "--full"], folder, _env(tree)))
            time.sleep(4)  # the snapshot's writer
    med = statistics.median
    print(f"load {load:.2f} -> {os.getloadavg()[0]:.2f}, {rounds} rounds")
    for tree in trees:
        ew, ec = med(w for w, _ in edits[tree]), med(c for _, c in edits[tree])
        fw, fc = med(w for w, _ in fulls[tree]), med(c for _, c in fulls[tree])
        oc = med(c for _, c in cached[tree])
        print(
            f"{tree}: edit {ew:.3f} s wall / {ec:.3f} s CPU; full {fw:.3f} s wall / {fc:.3f} s CPU; "
            f"edit/full wall {100 * ew / fw:.1f} % CPU {100 * ec / fc:.1f} %; "
            f"full with caches on CPU {100 * oc / fc:.1f} %"
        )


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(int(sys.argv[1]), sys.argv[2:], Path(".cache", "perf", "ab").resolve())
