"""What a generator change does to a committed client's Python surface: `clientgen diff` across generators.

    .venv/bin/python tools/generator_diff.py [--ref main] [--target casexchange] [--format text|markdown]

`clientgen diff OLD NEW` compares two specs with one generator. This compares one spec (the target's, as
committed here) under two generators: the one at git `--ref` (exported with `git archive` into a temporary
folder and run in a subprocess) and the working tree's. The Python-surface changes (methods, arguments,
their types, model classes) are reported like `clientgen diff` reports them, with its semver suggestion;
the wire layer is the same spec on both sides, so it has no changes. Exit 1 when something breaks.
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_DUMP = """
import pickle, sys
from pathlib import Path
from generator.config import load_targets
from generator.workflow.sides import package_name, read_side
from generator.workflow.surface import build_surface
root, name, out = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
target = next(t for t in load_targets(root / "pyproject.toml") if t.name == name)
side = read_side(Path(sys.argv[4]), target)
with open(out, "wb") as f:
    pickle.dump(build_surface(side, package_name(side)), f)
"""


def old_surface(ref: str, target: str, spec: Path, folder: Path) -> object:
    tree = folder / "tree"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", ref, "generator", "templates", "pyproject.toml"],
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    out = folder / "surface.pickle"
    subprocess.run(
        [sys.executable, "-c", _DUMP, str(tree), target, str(out), str(spec)],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1", "PATH": ""},
        check=True,
    )
    with out.open("rb") as f:
        return pickle.load(f)  # our own pickle, written a moment ago


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main")
    parser.add_argument("--target", default="casexchange")
    parser.add_argument("--format", choices=["text", "markdown"], default="text")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    import generator.workflow.diff as diff
    from generator.config import load_targets
    from generator.workflow.markdown_json import render_markdown
    from generator.workflow.sides import read_side
    from generator.workflow.surface import build_surface
    from generator.workflow.text import render_text

    target = next(t for t in load_targets(REPO / "pyproject.toml") if t.name == args.target)
    spec = REPO / target.spec
    with tempfile.TemporaryDirectory() as tmp:
        before = old_surface(args.ref, args.target, spec, Path(tmp))
    old = read_side(spec, target, f"{args.target} (generator at {args.ref})")
    new = read_side(spec, target, f"{args.target} (generator in the working tree)")
    diff.build_surface = lambda side, package: (  # type: ignore[assignment]
        before if side is old else build_surface(side, package)
    )
    report = diff.diff_sides(old, new)
    print(render_text(report) if args.format == "text" else render_markdown(report))
    return 1 if report.breaking else 0


if __name__ == "__main__":
    raise SystemExit(main())
