"""The CPU of importing what a full generation imports, A/B between two generator trees (issue 18, imp23).

    nice .venv/bin/python bench/gen_imports.py BASE_TREE THIS_TREE [ROUNDS]

Each round runs, in fresh interpreters and in an order that alternates, `import` of the modules
`bench/perf.py --worker-generate` imports before the spec is read (its first imports and its "lazy
imports") with each tree on `PYTHONPATH` (`git archive` copies), bytecode cached under
`.cache/perf/gen-imports/` (written by a first, untimed round), and prints each process's CPU of those
imports (`time.process_time` around them): the medians, and the load average before and after. `--edit` imports instead what a structural edit's replay imports
(`generator.stage.structural` and the full path's modules it calls). Not a test.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "perf" / "gen-imports"
FULL = (
    "generator.pipeline generator.write generator.config generator.diagnostics generator.load "
    "generator.parse generator.parse.canonical generator.render.plan generator.shape.stage "
    "generator.staging generator.streamed generator.validate generator.features "
    "generator.spec_bytes generator.spec_copy"
)
EDIT = (  # what `generate` imports when a structural edit is served (its parent; 129 generator modules)
    "generator.cli generator.quick generator.pipeline generator.stage.cache "
    "generator.stage.structural generator.stage.replay generator.stage.writer generator.render.plan "
    "generator.render.fanout generator.shape.stage generator.features generator.naming.plan "
    "generator.parse generator.validate generator.staging generator.streamed generator.console "
    "generator.features.jsonapi_analysis generator.features.token_auth generator.parse.operations "
    "generator.parse.canonical generator.parse.defaults generator.spec_bytes generator.target_cache"
)
PROBE = (
    "import time, importlib\n"
    "t = time.process_time()\n"
    "for m in {modules!r}.split(): importlib.import_module(m)\n"
    "print(time.process_time() - t)\n"
)


def run(tree: str, modules: str) -> float:
    """The CPU of the imports in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = tree
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / tree.strip("/").replace("/", "_"))
    proc = subprocess.run(
        [sys.executable, "-c", PROBE.format(modules=modules)],
        env=env,
        cwd=tree,  # (`-c` puts the current folder first on the path)
        stdout=subprocess.PIPE,
        check=False,
    )
    if proc.returncode:
        sys.exit(f"{tree}: exit status {proc.returncode}")
    return float(proc.stdout)


def main(trees: dict[str, str], rounds: int, modules: str) -> None:
    for tree in trees.values():
        run(tree, modules)  # bytecode (and the kept dataclass code) written
    figures: dict[str, list[float]] = {name: [] for name in trees}
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    for i in range(rounds):
        order = list(trees) if i % 2 == 0 else list(reversed(trees))
        for name in order:
            figures[name].append(run(trees[name], modules))
    print(f"load after: {os.getloadavg()[0]:.2f}")
    for name, cpu in figures.items():
        print(
            f"{name}: imports' CPU median {statistics.median(cpu) * 1000:.1f} ms "
            f"(min {min(cpu) * 1000:.1f}, max {max(cpu) * 1000:.1f}, {len(cpu)} runs)"
        )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--edit"]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    main(
        {"A (base)": args[0], "B (this)": args[1]},
        int(args[2]) if len(args) == 3 else 20,
        EDIT if "--edit" in sys.argv else FULL,
    )
