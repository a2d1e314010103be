"""What one-operation edits of GitHub's spec cost against a full run, alternating in one run (issue 18).

    nice python bench/edit_kinds.py 4           # 4 rounds with this checkout
    nice python bench/edit_kinds.py 4 TREE      # … with another generator tree (a `git archive` copy)

A project folder like `perf.py --only regen`'s (`regen_speed.PROJECT`) below `--work`; per round, in
turn: a cacheless `generate --full` of the spec as it stands (the baseline), then each edit below with
`generate` and the caches warm (every edit a real change: its text alternates between two), after which
the snapshot's writer is let finish (untimed):

- summary: `repos/get`'s summary (the stage cache's replay);
- parameter description: the description of `repos/list-commits`' inline query parameter `sha`
  (the same resource; the replay too);
- new query parameter: an optional string query parameter added to `repos/get` (one of two names,
  the other removed): structural, the full path with the module cache;
- new operation: a copy of `repos/get` under a path of its own (one of two, the other removed): the
  same.

A second baseline, per round too: a fresh full generation, as `perf.py --only gen` measures it against
openapi-python-client — `generate SPEC -o OUT` of the same text from a folder with no project (so no
project caches are read or written; the compiled templates, like the generator's bytecode, are those of
the installation), into an emptied output folder.

Prints per kind the medians of wall and CPU time (user + sys of the command's process tree, `wait4`)
and their share of each baseline's, the load before and after, and whether the tree after the last edit
equals a cacheless full run of the same spec byte for byte. Not a test.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpora import spec_path
from regen_ab import _env, _run  # the same commands, measured the same way
from regen_speed import PROJECT

REPO = "/repos/{owner}/{repo}"
COMMITS = "/repos/{owner}/{repo}/commits"


def _summary(doc: dict[str, Any], n: int) -> None:
    doc["paths"][REPO]["get"]["summary"] = f"Get a repository (edit {n % 2})"


def _param_doc(doc: dict[str, Any], n: int) -> None:
    sha = next(p for p in doc["paths"][COMMITS]["get"]["parameters"] if p.get("name") == "sha")
    sha["description"] = f"SHA or branch to start listing commits from (edit {n % 2})."


def _query_param(doc: dict[str, Any], n: int) -> None:
    params = doc["paths"][REPO]["get"].setdefault("parameters", [])
    params[:] = [p for p in params if not str(p.get("name", "")).startswith("bench_q")]
    params.append(
        {
            "name": f"bench_q{n % 2}",
            "in": "query",
            "required": False,
            "description": "A query parameter of the benchmark.",
            "schema": {"type": "string"},
        }
    )


def _operation(doc: dict[str, Any], n: int) -> None:
    for i in (0, 1):
        doc["paths"].pop(f"{REPO}/bench-{i}", None)
    op = json.loads(json.dumps(doc["paths"][REPO]["get"]))
    op["operationId"] = f"repos/get-bench-{n % 2}"
    op["parameters"] = [p for p in op.get("parameters", []) if "$ref" in p]
    doc["paths"][f"{REPO}/bench-{n % 2}"] = {"get": op}


KINDS: dict[str, Callable[[dict[str, Any], int], None]] = {
    "summary": _summary,
    "parameter description": _param_doc,
    "new query parameter": _query_param,
    "new operation": _operation,
}


def _settle(folder: Path) -> None:
    """Let the snapshot's writer (a child that outlives the command) finish before the next run."""
    from generator.cache_files import cache_file
    from generator.stage.writer import settle

    snapshot = cache_file(folder, folder / "out" / "github", "stages", ".bin")
    if snapshot is not None:
        settle(snapshot)


def _project(folder: Path, doc: dict[str, Any]) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    (folder / "github.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def main(rounds: int, tree: str, work: Path) -> None:
    from generator.write import read_tree

    doc = json.loads(spec_path("github").read_text(encoding="utf-8"))
    gen = [sys.executable, "-m", "generator", "generate", "-q"]
    tree = str(Path(tree).resolve())
    warm, cold = _project(work / "warm", doc), _project(work / "cold", doc)
    fresh = work / "fresh"  # no pyproject.toml: no project, no project caches
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    once = [
        *gen[:-1],
        str(cold / "github.json"),
        "-o",
        str(fresh / "out"),
        "--package",
        "github",
        "-q",
    ]
    _run(gen, warm, _env(tree))
    _settle(warm)
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in ["full", "fresh", *KINDS]}
    load = os.getloadavg()[0]
    for i in range(rounds):
        (cold / "github.json").write_text(json.dumps(doc), encoding="utf-8")
        runs["full"].append(_run([*gen, "--full"], cold, _env(tree, cold=True)))
        shutil.rmtree(fresh / "out", ignore_errors=True)
        runs["fresh"].append(_run(once, fresh, _env(tree)))
        for kind, change in KINDS.items():
            change(doc, i + 1)
            (warm / "github.json").write_text(json.dumps(doc), encoding="utf-8")
            time.sleep(0.3)
            runs[kind].append(_run(gen, warm, _env(tree)))
            _settle(warm)
    (cold / "github.json").write_text(json.dumps(doc), encoding="utf-8")
    _run([*gen, "--full"], cold, _env(tree, cold=True))
    same = read_tree(warm / "out" / "github") == read_tree(cold / "out" / "github")
    med = statistics.median
    fw, fc = med(w for w, _ in runs["full"]), med(c for _, c in runs["full"])
    nw, nc = med(w for w, _ in runs["fresh"]), med(c for _, c in runs["fresh"])
    print(f"load {load:.2f} -> {os.getloadavg()[0]:.2f}, {rounds} rounds, tree {tree}")
    print(f"full run (no caches): {fw:.3f} s wall / {fc:.3f} s CPU")
    print(f"fresh full generation (no project, empty folder): {nw:.3f} s wall / {nc:.3f} s CPU")
    for kind in KINDS:
        w, c = med(w for w, _ in runs[kind]), med(c for _, c in runs[kind])
        print(
            f"{kind}: {w:.3f} s wall / {c:.3f} s CPU = {100 * w / fw:.1f} % wall, "
            f"{100 * c / fc:.1f} % CPU of the full run; {100 * w / nw:.1f} % wall, "
            f"{100 * c / nc:.1f} % CPU of the fresh one"
        )
    print(f"byte-identical to a full run after the last edit: {same}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    where = sys.argv[2] if len(sys.argv) > 2 else str(Path(__file__).resolve().parent.parent)
    sys.path.insert(0, where)
    main(int(sys.argv[1]), where, Path(".cache", "perf", "kinds").resolve())
