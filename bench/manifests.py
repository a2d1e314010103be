"""Generate clients with a `clientgen` executable and read back what they say about themselves.

Shared by `bench/pagination_eval.py` and `bench/name_quality.py`. Generation goes through the command line
(`clientgen generate SPEC -o OUT --package PKG -v`), not through `generator/` imports, so the same code
measures this checkout, another checkout (`OTHER/.venv/bin/clientgen`) or an installed release, whatever
its internals look like. What is read back: `operations.json` (the manifest every client carries) and the
diagnostics printed on stderr (`warning[code] pointer: message`).
"""

from __future__ import annotations

import collections
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import corpora

REPO = Path(__file__).resolve().parent.parent
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# A diagnostic as `Diagnostic.render()` prints it: `warning[method-name-collision] /paths/...: ...`.
DIAGNOSTIC = re.compile(r"^\s*(error|warning|info|note)\[([A-Za-z0-9_.-]+)\]", re.MULTILINE)


def default_clientgen(checkout: Path = REPO) -> Path:
    """`<checkout>/.venv/bin/clientgen` (what `bash /work/notes/mkwt.sh` and `pip install -e .` create)."""
    return checkout / ".venv" / "bin" / "clientgen"


def resolve_spec(spec_id: str) -> Path:
    """A corpus id (`stripe.com`, `github`) or a spec file (absolute, or relative to the repository)."""
    if spec_id.endswith((".json", ".yaml", ".yml")):
        path = Path(spec_id)
        return path if path.is_absolute() else (REPO / path).resolve()
    return corpora.spec_path(spec_id)


def package_name(spec_id: str) -> str:
    """A valid import name for a spec id: `googleapis.com/drive` → `googleapis_com_drive`."""
    if spec_id.endswith((".json", ".yaml", ".yml")):
        spec_id = "_".join(Path(spec_id).with_suffix("").parts[-2:])
    name = re.sub(r"[^0-9a-zA-Z]+", "_", spec_id).strip("_").lower() or "api"
    return name if name[0].isalpha() else "api_" + name


def load_spec(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)  # type: ignore[no-any-return]
    import yaml

    return yaml.safe_load(text)  # type: ignore[no-any-return]


def spec_operations(
    doc: dict[str, Any],
) -> Iterable[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(METHOD, path, operation, path item) for every operation of a spec document."""
    paths = doc.get("paths")
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                yield method.upper(), path, op, item


@dataclass
class Generated:
    """One `clientgen generate` run: the manifest it wrote, the diagnostics it printed."""

    spec_id: str
    ok: bool
    manifest: dict[str, Any] | None = None
    diagnostics: collections.Counter[str] = field(default_factory=collections.Counter)
    error: str = ""
    seconds: float = 0.0

    @property
    def operations(self) -> list[dict[str, Any]]:
        return list((self.manifest or {}).get("operations", []))


def generate(
    spec_id: str, clientgen: Path, out_root: Path, timeout: float, keep: bool = False
) -> Generated:
    """Generate one spec into `out_root/<package>` and read its manifest (the package is removed after)."""
    spec = resolve_spec(spec_id)
    if not spec.is_file():
        return Generated(spec_id, False, error=f"spec file not found: {spec}")
    package = package_name(spec_id)
    out = out_root / package
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(clientgen), "generate", str(spec), "-o", str(out), "--package", package, "-v"]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,  # -v lists every file written there
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: a timeout ends ruff too
    )
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return Generated(spec_id, False, error=f"timeout after {timeout:.0f}s")
    seconds = round(time.perf_counter() - start, 2)
    diagnostics = collections.Counter(m.group(2) for m in DIAGNOSTIC.finditer(stderr))
    manifest_file = out / "operations.json"
    if proc.returncode != 0 or not manifest_file.is_file():
        tail = " ".join(stderr.split())[-400:]
        return Generated(
            spec_id, False, None, diagnostics, f"exit {proc.returncode}: {tail}", seconds
        )
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    if not keep:
        shutil.rmtree(out, ignore_errors=True)
    return Generated(spec_id, True, manifest, diagnostics, "", seconds)


def generate_many(
    spec_ids: list[str],
    clientgen: Path,
    *,
    jobs: int = 2,
    timeout: float = 300.0,
    keep: Path | None = None,
    progress: Callable[[Generated], None] | None = None,
) -> dict[str, Generated]:
    """Generate every spec (largest first, `jobs` at a time) and return the runs by spec id."""
    if not Path(clientgen).is_file():
        raise SystemExit(f"error: no clientgen executable at {clientgen}")
    corpora.install(quiet=True)

    def size(spec_id: str) -> int:
        path = resolve_spec(spec_id)
        return path.stat().st_size if path.is_file() else 0

    ordered = sorted(dict.fromkeys(spec_ids), key=lambda s: (-size(s), s))
    results: dict[str, Generated] = {}
    with (
        _WorkDir(keep) as root,
        concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool,
    ):
        futures = {
            pool.submit(generate, s, clientgen, root, timeout, keep is not None): s for s in ordered
        }
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results[result.spec_id] = result
            if progress is not None:
                progress(result)
    return {s: results[s] for s in spec_ids if s in results}


class _WorkDir:
    """`keep` itself when given (created), else a temporary folder removed on exit."""

    def __init__(self, keep: Path | None) -> None:
        self.keep = keep
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path:
        if self.keep is not None:
            self.keep.mkdir(parents=True, exist_ok=True)
            return self.keep
        self._tmp = tempfile.TemporaryDirectory(prefix="clientgen-bench-")
        return Path(self._tmp.name)

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
