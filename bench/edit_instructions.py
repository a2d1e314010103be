"""One edit per tree under callgrind: the parent process's instructions (issue 18, io24).

    nice python bench/edit_instructions.py "new operation" N BASE_TREE [THIS_TREE] [--warm K]

Instruction counts do not move with the host's load (wall and CPU times here moved by up to 2×
within minutes). A warm project per tree below `.cache/perf/edit-instructions/` (a full run, the
snapshot's writer let finish), then edit N of `edit_kinds.KINDS[kind]` written to both and one
`generate` per tree under `valgrind --tool=callgrind` (≈ 1–2 min each): the parent's total `Ir`
(its forked children — the validation child, the snapshot's writer — write files of their own and
are not counted; ruff runs outside valgrind's view as an exec'd child). `--warm K`: K edits of the
kind first, untimed (edits N+K … N+1, each served and its snapshot writer let finish: what a
replay after earlier replays keeps — edit26's kept cuts — is in place), then edit N under
callgrind. Needs valgrind. Not a test.
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import edit_kinds as ek
from corpora import spec_path
from regen_ab import _env, _run


def main(kind: str, edit: int, trees: dict[str, str], work: Path, warm: int = 0) -> None:
    doc = json.loads(spec_path("github").read_text(encoding="utf-8"))
    gen = [sys.executable, "-m", "generator", "generate", "-q"]
    counts = {}
    for name, tree in trees.items():
        folder = ek._project(work / name, doc)
        _run(gen, folder, _env(tree))
        ek._settle(folder)
        for before in range(edit + warm, edit, -1):  # (untimed: see `--warm`)
            earlier = json.loads(json.dumps(doc))
            ek.KINDS[kind](earlier, before)
            (folder / "github.json").write_text(json.dumps(earlier), encoding="utf-8")
            _run(gen, folder, _env(tree))
            ek._settle(folder)
        edited = json.loads(json.dumps(doc))
        ek.KINDS[kind](edited, edit)
        (folder / "github.json").write_text(json.dumps(edited), encoding="utf-8")
        prefix = str(work / f"{name}.callgrind")
        for old in glob.glob(prefix + ".*"):
            os.unlink(old)
        grind = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={prefix}.%p", *gen]
        subprocess.run(grind, cwd=folder, env=_env(tree), capture_output=True, check=False)
        ek._settle(folder)
        parent = _parent(glob.glob(prefix + ".*"))
        text = Path(parent).read_text(encoding="utf-8", errors="replace")
        found = re.search(r"^totals: (\d+)", text, re.MULTILINE)
        counts[name] = int(found.group(1)) if found else 0
        print(
            f"{kind}, edit {edit}, {name} ({tree}): parent {counts[name] / 1e9:.3f} G instructions"
        )
    change = counts["this"] - counts["base"]
    print(
        f"this - base: {change / 1e6:+.1f} M instructions ({100 * change / counts['base']:+.1f} %)"
    )


def _parent(files: list[str]) -> str:
    """The parent's file: the first process id of the run, its children's after it — in the
    kernel's circular order (ids wrap at `pid_max`, so the smallest is not always the first): the
    one after the largest gap between the sorted ids, going round."""
    pids = sorted(int(f.rsplit(".", 1)[1]) for f in files)
    try:
        top = int(Path("/proc/sys/kernel/pid_max").read_text())
    except (OSError, ValueError):
        top = 1 << 22
    gaps = [(pids[i] - pids[i - 1]) % top for i in range(len(pids))]  # (i = 0: round from the last)
    first = pids[max(range(len(pids)), key=lambda i: gaps[i] if len(pids) > 1 else 0)]
    return next(f for f in files if int(f.rsplit(".", 1)[1]) == first)


if __name__ == "__main__":
    args = sys.argv[1:]
    warm = 0
    if "--warm" in args:
        at = args.index("--warm")
        warm = int(args[at + 1])
        del args[at : at + 2]
    if len(args) < 3:
        sys.exit(__doc__)
    this = args[3] if len(args) > 3 else str(Path(__file__).resolve().parent.parent)
    trees = {"base": str(Path(args[2]).resolve()), "this": str(Path(this).resolve())}
    main(args[0], int(args[1]), trees, Path(".cache/perf/edit-instructions").resolve(), warm)
