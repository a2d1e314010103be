"""Regeneration speed (issue 18), used by `bench/perf.py --only regen`: GitHub's spec in a project folder.

Every figure is a whole `python -m generator generate` command in a fresh process (bytecode of the
generator cached under `.cache/perf/pycache`, as an installed clientgen has it), timed by `perf.run_measured`:

- full: `generate --full` with `CLIENTGEN_CACHE=off` — renders and formats everything (the baseline);
- no-op: `generate` when nothing changed (answered from provenance; nothing rendered);
- no-op `check`: the same answer from provenance, as the pre-commit hook asks it;
- one-operation edit: one operation's `summary` changed (alternately two texts, so every run has a change),
  then `generate` with the module cache warm. After the last edit the tree is compared byte for byte with a
  full run of the same spec in another folder without the cache;
- where an edit's time goes: one more edit run in a fresh process with CPU timers around its stages
  (`python bench/regen_speed.py --stages FOLDER`; the validation child's CPU from `RUSAGE_CHILDREN`).
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
    full, noop, check, edit = [], [], [], []
    for i in range(runs):
        full.append(timed([*gen, "--full"], cold, cold_env))
        noop.append(timed(gen, warm, env))
        check.append(timed([py, "-m", "generator", "check", "-q"], warm, env))
        _edit(doc, i)
        (warm / "github.json").write_text(json.dumps(doc), encoding="utf-8")
        edit.append(timed(gen, warm, env))
    (cold / "github.json").write_text(json.dumps(doc), encoding="utf-8")
    timed([*gen, "--full"], cold, cold_env)
    same = read_tree(warm / "out" / "github") == read_tree(cold / "out" / "github")
    staged = timed([py, __file__, "--stages", str(warm)], warm, env)
    stages = json.loads(staged.stdout.strip().splitlines()[-1])
    med = statistics.median
    return {
        "runs": runs,
        "full_wall": med(r.wall for r in full),
        "full_cpu": med(r.cpu for r in full),
        "noop_wall": med(r.wall for r in noop),
        "noop_cpu": med(r.cpu for r in noop),
        "check_wall": med(r.wall for r in check),
        "check_cpu": med(r.cpu for r in check),
        "edit_wall": med(r.wall for r in edit),
        "edit_cpu": med(r.cpu for r in edit),
        "identical": same,
        "stages": stages,
    }


def stages_of_an_edit(folder: Path, n: int = 7) -> dict[str, float]:
    """One more summary edit in `folder`, regenerated in this process with CPU timers (process time)
    around the pipeline's stages; `validation child` is the forked validation's CPU."""
    import resource
    import time

    start = time.process_time()
    import generator.load as load
    import generator.parse as parse
    import generator.render.plan as plan
    import generator.shape.stage as shape
    from generator import pipeline, staging
    from generator.config import select_targets

    cpu: dict[str, float] = {"imports": time.process_time() - start}

    def timed(module: Any, name: str, label: str) -> None:
        fn = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                cpu[label] = cpu.get(label, 0.0) + time.process_time() - t0

        setattr(module, name, wrapper)

    timed(load, "open_spec", "load")
    timed(parse, "build_api", "parse (IR)")
    timed(shape, "shape", "shape")
    timed(plan, "plan_names", "naming")
    timed(plan, "plan_files", "plan_files")
    timed(pipeline, "build_package", "build_package (module cache, ruff)")  # `check`, `prepare`
    timed(staging.Staging, "finish", "build_package (module cache, ruff)")  # `generate`: staged
    # while rendering (the module-cache lookups and writes are inside plan_files), formatted here
    timed(pipeline, "apply_package", "apply_package (compare, write)")
    doc = json.loads((folder / "github.json").read_text(encoding="utf-8"))
    _edit(doc, n)
    (folder / "github.json").write_text(json.dumps(doc), encoding="utf-8")
    (target,), root = select_targets(["github"], folder)
    t0 = time.process_time()
    pipeline.generate(target, root)
    cpu["generate"] = time.process_time() - t0
    cpu["views + templates"] = cpu.pop("plan_files", 0.0) - cpu.get("naming", 0.0)
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu["validation child (+ ruff)"] = child.ru_utime + child.ru_stime
    return cpu


if __name__ == "__main__":  # pragma: no cover - a manual entry point
    if sys.argv[1:2] == ["--stages"]:
        print(json.dumps(stages_of_an_edit(Path(sys.argv[2]), int((sys.argv[3:] or ["7"])[0]))))
        sys.exit(0)
    sys.exit("run through bench/perf.py --only regen")
