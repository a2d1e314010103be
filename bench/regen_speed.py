"""Regeneration speed (issue 18), used by `bench/perf.py --only regen`: GitHub's spec in a project folder.

Every figure is a whole `python -m generator generate` command in a fresh process (bytecode of the
generator cached under `.cache/perf/pycache`, as an installed clientgen has it), timed by `perf.run_measured`:

- full: `generate --full` with `CLIENTGEN_CACHE=off` — renders and formats everything (the baseline);
- no-op: `generate` when nothing changed (answered from provenance; nothing rendered);
- one-operation edit: one operation's `summary` changed (alternately two texts, so every run has a change),
  then `generate` with the module cache warm. After the last edit the tree is compared byte for byte with a
  full run of the same spec in another folder without the cache.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = """[tool.clientgen.targets.github]
spec = "github.json"
output = "out/github"
package = "github"
client_name = "GitHub"
env_prefix = "GITHUB"
"""


def _project(folder: Path, doc: dict[str, Any]) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    (folder / "github.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def _edit(doc: dict[str, Any], n: int) -> None:
    op = doc["paths"]["/repos/{owner}/{repo}"]["get"]
    op["summary"] = f"Get a repository (edit {n % 2})"


def measure(
    spec: Path,
    work: Path,
    runs: int,
    run_measured: Callable[..., Any],
    py: str,
    pycache: Path,
) -> dict[str, Any]:
    from generator.write import read_tree

    doc = json.loads(spec.read_text(encoding="utf-8"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    cold_env = dict(env, CLIENTGEN_CACHE="off")
    gen = [py, "-m", "generator", "generate", "-q"]
    repo = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = cold_env["PYTHONPATH"] = repo

    def timed(args: list[str], cwd: Path, environ: dict[str, str]) -> Any:
        run = run_measured(args, timeout=900, env=environ, cwd=cwd)
        if not run.ok:
            raise RuntimeError(f"{' '.join(args[2:])} failed: {run.stderr[-400:]}")
        return run

    warm = _project(work / "warm", doc)
    cold = _project(work / "cold", doc)
    timed(gen, warm, env)  # first run: fills the module cache and the bytecode cache
    full, noop, edit = [], [], []
    for i in range(runs):
        full.append(timed([*gen, "--full"], cold, cold_env))
        noop.append(timed(gen, warm, env))
        _edit(doc, i)
        (warm / "github.json").write_text(json.dumps(doc), encoding="utf-8")
        edit.append(timed(gen, warm, env))
    (cold / "github.json").write_text(json.dumps(doc), encoding="utf-8")
    timed([*gen, "--full"], cold, cold_env)
    same = read_tree(warm / "out" / "github") == read_tree(cold / "out" / "github")
    med = statistics.median
    return {
        "runs": runs,
        "full_wall": med(r.wall for r in full),
        "full_cpu": med(r.cpu for r in full),
        "noop_wall": med(r.wall for r in noop),
        "noop_cpu": med(r.cpu for r in noop),
        "edit_wall": med(r.wall for r in edit),
        "edit_cpu": med(r.cpu for r in edit),
        "identical": same,
    }


if __name__ == "__main__":  # pragma: no cover - a manual entry point
    sys.exit("run through bench/perf.py --only regen")
