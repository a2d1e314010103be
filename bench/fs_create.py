"""What writing a new package's files costs on a file system: creating files vs renaming and filling
files that exist (issue 18: why `generator/prewrite.py` makes a pool of empty files ahead).

    python bench/fs_create.py [FOLDER] [--files 1680] [--runs 3]

In FOLDER (default: .cache/perf/fs, on the output's file system), per run: N files created and
written (3,000 bytes each, as `write_files.create` did), then N empty files created (what the pool process
does), renamed to the same names in another folder and filled (what writing does with the pool:
without O_TRUNC; `FS_TRUNC=1` adds it, which on ext4 makes the fill allocate blocks at close).
Prints wall and CPU seconds of each step. Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

DATA = b"x" * 3000
TRUNC = os.O_TRUNC if os.environ.get("FS_TRUNC") else 0


def _step(name: str, work: object) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    work()  # type: ignore[operator]
    print(
        f"  {name:<22} {time.perf_counter() - wall:6.3f} s wall {time.process_time() - cpu:6.3f} s CPU"
    )


def run(folder: Path, files: int) -> None:
    direct, pool, placed = folder / "direct", folder / "pool", folder / "placed" / "types"
    for made in (direct, pool, placed):
        made.mkdir(parents=True)
    excl = os.O_WRONLY | os.O_CREAT | os.O_EXCL

    def create_and_write() -> None:
        for i in range(files):
            fd = os.open(direct / f"m{i}.py", excl, 0o644)
            os.write(fd, DATA)
            os.close(fd)

    def create_empty() -> None:
        for i in range(files):
            os.close(os.open(pool / str(i), excl, 0o644))

    def rename() -> None:
        for i in range(files):
            os.rename(pool / str(i), placed / f"m{i}.py")

    def fill() -> None:
        for i in range(files):
            fd = os.open(placed / f"m{i}.py", os.O_WRONLY | os.O_NOFOLLOW | TRUNC)
            os.write(fd, DATA)
            os.close(fd)

    _step("create + write", create_and_write)
    _step("create empty (pool)", create_empty)
    _step("rename", rename)
    _step("fill", fill)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(Path(".cache") / "perf" / "fs"))
    parser.add_argument("--files", type=int, default=1680)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for number in range(args.runs):
        folder = Path(args.folder) / f"run{number}"
        shutil.rmtree(folder, ignore_errors=True)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"run {number + 1}, load {load:.2f}, {args.files} files in {folder}")
        try:
            run(folder, args.files)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
