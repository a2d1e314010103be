"""The validation child's CPU, A/B between two generator trees, alternating (issue 18).

    nice python bench/validation_child.py 8 BASE_TREE [THIS_TREE]

Each round starts a fresh interpreter per tree that forks `validate.Validation` the way the
pipeline does and waits for it, printing the child's user + sys CPU (`RUSAGE_CHILDREN`): once for a
document of one GitHub path item (`/repos/{owner}/{repo}`, what a structural replay's child
validates) and once for GitHub's whole spec (a full run's child). The trees' order is swapped every
round; prints the medians per tree and case, and the load before and after. Not a test.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from corpora import spec_path

CHILD = """
import json, resource, sys
sys.path.insert(0, {tree!r})
from generator.diagnostics import DiagnosticSink
from generator.validate import Validation
doc = json.loads(open({spec!r}, encoding="utf-8").read())
if {item!r}:
    doc = {{"openapi": doc["openapi"], "info": {{"title": "", "version": ""}},
           "paths": {{{item!r}: doc["paths"][{item!r}]}}}}
validation = Validation(doc, "3.0", background=True)
assert validation.in_background
validation.wait(DiagnosticSink())
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(used.ru_utime + used.ru_stime)
"""

CASES = {"one path item": "/repos/{owner}/{repo}", "whole spec": ""}


def _child_cpu(tree: str, spec: str, item: str) -> float:
    code = CHILD.format(tree=tree, spec=spec, item=item)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return float(done.stdout)


def main(rounds: int, trees: dict[str, str]) -> None:
    spec = str(spec_path("github"))
    cpu: dict[tuple[str, str], list[float]] = {(t, c): [] for t in trees for c in CASES}
    load = os.getloadavg()[0]
    for i in range(rounds):
        order = list(trees.items())
        for name, tree in order if i % 2 == 0 else order[::-1]:
            for case, item in CASES.items():
                cpu[name, case].append(_child_cpu(tree, spec, item))
    for case in CASES:
        for name, tree in trees.items():
            median = statistics.median(cpu[name, case])
            print(f"{case}, {name} ({tree}): child {median:.3f} s CPU (median of {rounds})")
    print(f"load {load:.2f} -> {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    this = sys.argv[3] if len(sys.argv) > 3 else str(Path(__file__).resolve().parent.parent)
    main(int(sys.argv[1]), {"base": str(Path(sys.argv[2]).resolve()), "this": this})
