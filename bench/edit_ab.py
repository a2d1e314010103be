"""One edit kind of `edit_kinds.py`, A/B between two generator trees, alternating for N rounds (issue 18).

    nice python bench/edit_ab.py "new operation" 10 BASE_TREE [THIS_TREE]
    nice python bench/edit_ab.py summary 10 BASE_TREE --after "new query parameter"
    nice python bench/edit_ab.py "new operation" 10 BASE_TREE --wide

A warm project per tree (its own snapshot and caches, below `.cache/perf/edit-ab/`), a full run each,
then per round the edit (`edit_kinds.KINDS`, its text alternating between two) written to both and
`generate` run in each, the trees' order swapped every round; the snapshot's writer is let finish
(untimed). Prints the medians of wall and CPU time (the command's process tree, `wait4`) per tree and
the load before and after. `--fresh` gives the new query parameter a name never seen before each round
(so the changed path item is validated every time). `--after KIND`: each round, another edit kind
first (run, untimed, and its snapshot writer let finish), then the timed one — a summary after a
structural edit, say. `--wide`: the spec written with its characters outside ASCII as they are
(`ensure_ascii=False`, as octokit's own file is: one beyond U+FFFF makes its decoded text 4 bytes a
character), not escaped. Also prints the median of the paired differences (this − base, CPU and
wall, round by round). Not a test.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

import edit_kinds as ek
from corpora import spec_path
from regen_ab import _env, _run


def main(
    kind: str,
    rounds: int,
    trees: dict[str, str],
    fresh: bool,
    work: Path,
    after: str | None = None,
    wide: bool = False,
) -> None:
    doc = json.loads(spec_path("github").read_text(encoding="utf-8"))
    gen = [sys.executable, "-m", "generator", "generate", "-q"]
    docs, dirs = {}, {}

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=not wide)

    for name, tree in trees.items():
        dirs[name] = ek._project(work / name, doc)
        (dirs[name] / "github.json").write_text(dump(doc), encoding="utf-8")
        _run(gen, dirs[name], _env(tree))
        ek._settle(dirs[name])
        docs[name] = json.loads(json.dumps(doc))
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    load = os.getloadavg()[0]
    for i in range(rounds):
        order = list(trees.items())
        for name, tree in order if i % 2 == 0 else order[::-1]:
            if after is not None:  # (untimed)
                ek.KINDS[after](docs[name], i + 1)
                (dirs[name] / "github.json").write_text(dump(docs[name]), encoding="utf-8")
                _run(gen, dirs[name], _env(tree))
                ek._settle(dirs[name])
            ek.KINDS[kind](docs[name], i + 1)
            if fresh and kind == "new query parameter":
                docs[name]["paths"][ek.REPO]["get"]["parameters"][-1]["name"] = f"bench_f{i}_{load}"
            (dirs[name] / "github.json").write_text(dump(docs[name]), encoding="utf-8")
            time.sleep(0.3)
            times[name].append(_run(gen, dirs[name], _env(tree)))
            ek._settle(dirs[name])
    for name, tree in trees.items():
        wall = statistics.median(w for w, _ in times[name])
        cpu = statistics.median(c for _, c in times[name])
        print(f"{kind}, {name} ({tree}): {wall:.3f} s wall / {cpu:.3f} s CPU (medians of {rounds})")
    pairs = list(zip(times["this"], times["base"], strict=True))
    cpu_diff = statistics.median(t[1] - b[1] for t, b in pairs)
    wall_diff = statistics.median(t[0] - b[0] for t, b in pairs)
    print(f"paired (this - base, medians): {cpu_diff:+.3f} s CPU, {wall_diff:+.3f} s wall")
    print(f"load {load:.2f} -> {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    argv = sys.argv[1:]
    after = None
    if "--after" in argv:
        at = argv.index("--after")
        after = argv[at + 1]
        del argv[at : at + 2]
    args = [a for a in argv if a not in ("--fresh", "--wide")]
    if len(args) < 3:
        sys.exit(__doc__)
    this = args[3] if len(args) > 3 else str(Path(__file__).resolve().parent.parent)
    trees = {"base": str(Path(args[2]).resolve()), "this": str(Path(this).resolve())}
    work = Path(".cache/perf/edit-ab").resolve()
    main(args[0], int(args[1]), trees, "--fresh" in argv, work, after, "--wide" in argv)
