"""Alternating timelines of two copies of the generator (issue 18, tail26): GitHub's full generation
through `bench/timeline.py`, each copy in turn, and per run the moments of the tail after the render
(relative ones, which a loaded host moves less than the whole run), then their medians and the
paired medians.

    git archive main | tar -x -C /tmp/base; git archive HEAD | tar -x -C /tmp/this
    python bench/timeline_ab.py /tmp/base /tmp/this [PAIRS]

Not a test. Each run: `nice python bench/timeline.py SPEC OUT` of this checkout with `PYTHONPATH`
set to the copy (its bytecode cached apart). Columns: `total` (the run), `apart_start` (the
background ruff of the render child's modules started, after the child wrote them), `child_to_join`
(the child's modules written → the parent has the child's result), `join_to_end`, `parent_ruff`,
`apart_wait` (the parent waiting for the background ruff after its own), `finish_to_end`.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / ".cache/corpora/node_modules/@octokit/openapi/generated/api.github.com.json"
WORK = REPO / ".cache" / "timeline_ab"
LINE = re.compile(r"\s*([\d.]+)\s+cpu\s+[\d.]+.*\] (.*)$")


def one(tag: str, copy: Path) -> dict[str, float]:
    """The tail's moments of one run of `copy`."""
    out = WORK / tag
    shutil.rmtree(out, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(copy)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / f"pycache-{tag}")
    args = ["nice", sys.executable, str(REPO / "bench" / "timeline.py"), str(SPEC), str(out / "gh")]
    text = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    events: dict[str, float] = {}
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            events.setdefault(match[2], float(match[1]))  # (the first time)

    def at(name: str) -> float:
        return events.get(name, math.nan)

    written = at("the child writes its modules apart <")
    starts = (at("ruff apart started >"), at("the child becomes the ruff apart >"))
    started = min((t for t in starts if not math.isnan(t)), default=math.nan)
    joined = at("join (the parent takes from the back) <")
    end = at("generated")
    return {
        "total": end,
        "apart_start": started - written,
        "child_to_join": joined - written,
        "join_to_end": end - joined,
        "parent_ruff": at("ruff <") - at("ruff >"),
        "apart_wait": at("ruff apart waited for <") - at("ruff apart waited for >"),
        "finish_to_end": end - at("finish <"),
    }


def main(base: Path, this: Path, pairs: int) -> None:
    copies = {"A": base.resolve(), "B": this.resolve()}
    rows: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
    for tag, copy in copies.items():  # bytecode compiled, caches warm
        one(tag, copy)
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    for pair in range(pairs):
        for tag in ["A", "B"] if pair % 2 == 0 else ["B", "A"]:
            rows[tag].append(one(tag, copies[tag]))
            shown = " ".join(f"{k} {v:.3f}" for k, v in rows[tag][-1].items())
            print(f"pair {pair + 1} {tag}: {shown}", flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")
    for key in rows["A"][0]:
        a, b = [r[key] for r in rows["A"]], [r[key] for r in rows["B"]]
        paired = statistics.median(y - x for x, y in zip(a, b, strict=True))
        print(
            f"{key}: A {statistics.median(a):.3f}, B {statistics.median(b):.3f}, "
            f"paired {paired:+.3f}"
        )
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 6)
