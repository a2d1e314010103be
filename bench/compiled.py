"""The compiled install: clientgen's wheel built with the mypyc build hook (pyproject.toml,
`[tool.hatch.build.targets.wheel.hooks.mypyc]`) and installed into a venv of its own, for benchmarks
and the slow tier's checks (tests/package/test_compiled_build.py). Not the project's `.venv`, which
stays the pure-Python editable install.

    .venv/bin/python bench/compiled.py          # build if the sources changed; print the venv's path
    .venv/bin/python bench/compiled.py --force  # build again

What it does: copies the files a wheel is built from (`git ls-files` of pyproject.toml, README.md,
LICENSE, generator/ and templates/: the hook compiles in place, so never in the checkout, where a
stale `.so` would shadow the edited `.py`) to `.cache/compiled/src`, builds the wheel there with
`python -m build --wheel` (an isolated build environment: the hook's pinned hatch-mypyc and mypy from
PyPI) and `HATCH_BUILD_HOOK_ENABLE_MYPYC=1`, and installs it into `.cache/compiled/venv`. The venv is
reused while the sources hash the same (`.cache/compiled/stamp`), one build at a time
(`.cache/compiled.lock`). The C compiles run two at a time (`DIST_EXTRA_CONFIG`: setuptools'
`build_ext --parallel`). Needs a C compiler (`cc`/`gcc`) and PyPI.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".cache" / "compiled"
VENV = WORK / "venv"
STAMP = WORK / "stamp"
# what the wheel is built from (pyproject.toml's wheel target, its readme and licence)
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "generator", "templates")


class BuildError(Exception):
    """The compiled install could not be made; the message says why."""


def source_files() -> list[str]:
    """The tracked files the wheel is built from, and the untracked ones not ignored (work in progress)."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *SOURCES],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(p for p in out.splitlines() if (REPO / p).is_file())


def sources_hash(files: list[str]) -> str:
    digest = hashlib.sha256(f"{sys.version}\n{sysconfig.get_platform()}\n".encode())
    for name in files:
        digest.update(name.encode() + b"\0" + (REPO / name).read_bytes() + b"\0")
    return digest.hexdigest()


def venv_python() -> Path:
    return VENV / "bin" / "python"


def compiler() -> str:
    """The C compiler setuptools will call, or a BuildError saying none is there."""
    name = (sysconfig.get_config_var("CC") or "cc").split()[0]
    found = shutil.which(name) or shutil.which("cc") or shutil.which("gcc")
    if found is None:
        raise BuildError(
            f"no C compiler found ({name!r}, cc and gcc are not on PATH): the compiled build needs one"
        )
    return found


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BuildError(
            f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )


def build(files: list[str]) -> None:
    compiler()
    src = WORK / "src"
    shutil.rmtree(WORK, ignore_errors=True)
    src.mkdir(parents=True)
    for name in files:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, src / name)
    extra = WORK / "build_ext.cfg"
    extra.write_text("[build_ext]\nparallel = 2\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["HATCH_BUILD_HOOK_ENABLE_MYPYC"] = "1"
    env["DIST_EXTRA_CONFIG"] = str(extra)
    dist = WORK / "dist"
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(src)], src, env)
    wheels = sorted(dist.glob("clientgen-*.whl"))
    if len(wheels) != 1 or wheels[0].name.endswith("-none-any.whl"):
        raise BuildError(f"expected one platform wheel in {dist}, found {[w.name for w in wheels]}")
    _run([sys.executable, "-m", "venv", str(VENV)], WORK)
    _run([str(venv_python()), "-m", "pip", "install", "-q", str(wheels[0])], WORK, env)


def ensure(force: bool = False) -> Path:
    """The compiled install's venv, built first unless the stamp says it holds these sources. One
    process at a time (a lock beside the folder): two test workers asking at once build it once."""
    import fcntl

    files = source_files()
    digest = sources_hash(files)

    def fresh() -> bool:
        return venv_python().exists() and STAMP.exists() and STAMP.read_text() == digest

    if force or not fresh():
        compiler()  # no compiler: say so at once, not after waiting for another process's build
    WORK.parent.mkdir(parents=True, exist_ok=True)
    with open(WORK.parent / "compiled.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not force and fresh():
            return VENV
        build(files)
        STAMP.write_text(digest)
    return VENV


def main() -> int:
    start = time.perf_counter()
    try:
        venv = ensure(force="--force" in sys.argv[1:])
    except BuildError as error:
        print(f"compiled build: {error}", file=sys.stderr)
        return 1
    print(venv)
    print(f"({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
