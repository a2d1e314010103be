"""Provenance recorded in each generated package (GENERATION.toml): no timestamps, only hashes.

GENERATION.toml records what the output is a function of and can be named without the generator's
source: the spec's and the configuration's hashes, the generator's version, and a hash of the tree it
describes. It does not record a hash of the generator's own code, so two builds of the generator that
produce the same bytes produce the same GENERATION.toml (a comment edited in the generator changes no
generated file, and `clientgen check` passes).

The `check` fast path still needs to know that *this* build of the generator produced the recorded tree:
after a generate (or a full check that found the tree up to date) the project remembers, outside the
generated folders, the key (generator fingerprint + recorded inputs + tree hash) it verified. When the
key is not remembered (a different generator build, a fresh clone), `check` re-renders and compares bytes,
so a stale result is never reported for identical bytes and a real change is never missed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .diagnostics import Diagnostic, Severity
from .version import __version__

FILE = "GENERATION.toml"
VERIFIED = Path(".cache") / "clientgen" / "verified.json"  # below the project root; git-ignored
WARNINGS = (
    Path(".cache") / "clientgen" / "diagnostics"
)  # the diagnostics of a verified tree, per folder
KEEP_VERIFIED = 8  # keys remembered per output folder


@cache
def generator_fingerprint() -> str:
    """Hash of the generator's own code, templates and ruff version: the output is a function of these.
    Plain `os` calls and no `importlib.metadata`: the no-op `generate` / `check` answers need it.
    Taken from the record kept beside the bytecode when no file it hashes changed
    (`fingerprint_record.py`). Once a process: `fresh_fingerprint` asks the files again."""
    return fresh_fingerprint()


def fresh_fingerprint() -> str:
    """`generator_fingerprint` as the files on disk are now (`clientgen watch` asks it before each
    regeneration: code it imported long ago must not run under another version's fingerprint)."""
    from .fingerprint_record import location
    from .paths import templates_dir

    root = os.fspath(Path(__file__).resolve().parent)
    return fingerprint_of(root, os.fspath(templates_dir()), location(__file__))


def fingerprint_of(root: str, tpl: str, kept: str | None) -> str:
    """`generator_fingerprint` of the code below `root` and the templates below `tpl`; `kept`: where
    its record is (None: no record)."""
    from . import fingerprint_record

    # installed as a wheel, the templates live inside the package: count them once, as templates
    files = _files(root, skip=tpl)
    code = [f for f in files if f.endswith(".py")]
    code += [f for f in files if f.endswith(".toml")]
    # the compiled build's extension modules, by name (each is made from the `.py` counted above):
    # its caches are not the pure build's (their pickles differ), though the sources are the same
    compiled = [f for f in files if f.endswith((".so", ".pyd"))]
    templates = [f for f in _files(tpl) if f.endswith((".py", ".jinja", ".typed"))]
    ruff = _ruff_version()
    hashed = [(root, rel) for rel in code] + [(tpl, rel) for rel in templates]
    seen = (
        None if kept is None else fingerprint_record.stat_data([os.path.join(*p) for p in hashed])
    )
    key: list[object] = [root, tpl, code, templates, compiled, ruff, seen]
    if kept is not None and seen is not None:
        recorded = fingerprint_record.recalled(kept, key)
        if recorded is not None:
            return recorded
    digest = hashlib.sha256()
    for base, rel in hashed:
        with open(os.path.join(base, rel), "rb") as f:
            digest.update(rel.encode() + b"\0" + f.read() + b"\0")
    for rel in compiled:
        digest.update(b"compiled " + rel.encode() + b"\0")
    digest.update(b"ruff " + ruff.encode())
    fingerprint = digest.hexdigest()
    if kept is not None and seen is not None:
        fingerprint_record.record(kept, key, fingerprint, seen)
    return fingerprint


def _files(base: str, skip: str = "") -> list[str]:
    """Every file below `base` (not below `skip`), relative POSIX paths in path order."""
    found = []
    for dirpath, dirnames, filenames in os.walk(base):
        if skip and (dirpath == skip or dirpath.startswith(skip + os.sep)):
            dirnames[:] = []
            continue
        rel = os.path.relpath(dirpath, base).replace(os.sep, "/")
        found += [name if rel == "." else f"{rel}/{name}" for name in filenames]
    return sorted(found, key=lambda r: r.split("/"))


def _ruff_version() -> str:
    return dist_version("ruff", "ruff")


def dist_version(module: str, dist: str) -> str:
    """The installed version of the distribution `dist` that provides `module`, from its
    `.dist-info` beside the module (importing `importlib.metadata` would cost more than the rest of
    the no-op answer); else the slow way."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is not None and spec.origin:
        site = os.path.dirname(os.path.dirname(spec.origin))
        prefix = f"{dist}-"
        infos = [n for n in os.listdir(site) if n.startswith(prefix) and n.endswith(".dist-info")]
        if len(infos) == 1:
            with open(os.path.join(site, infos[0], "METADATA"), encoding="utf-8") as f:
                for line in f:
                    if line.startswith("Version:"):
                        return line.split(":", 1)[1].strip()
    from importlib.metadata import version

    return version(dist)


@dataclass(frozen=True, slots=True)
class Provenance:
    """The inputs a package was generated from, recorded in its provenance file."""

    spec: str
    spec_sha256: str
    config_sha256: str
    generator_version: str
    tree_sha256: str = ""

    def render(self) -> str:
        return (
            f"# {_header()}\n"
            "# Provenance of this package: regenerating with the same inputs gives byte-identical files.\n"
            f"spec = {_q(self.spec)}\n"
            f"spec_sha256 = {_q(self.spec_sha256)}\n"
            f"config_sha256 = {_q(self.config_sha256)}\n"
            f"generator_version = {_q(self.generator_version)}\n"
            f"tree_sha256 = {_q(self.tree_sha256)}\n"
        )

    def same_inputs(self, other: Provenance) -> bool:
        return (self.spec_sha256, self.config_sha256, self.generator_version) == (
            other.spec_sha256,
            other.config_sha256,
            other.generator_version,
        )

    def verified_key(self) -> str:
        """What the fast path must have seen this generator build produce, as one hash."""
        parts = (
            generator_fingerprint(),
            self.spec_sha256,
            self.config_sha256,
            self.generator_version,
            self.tree_sha256,
        )
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def read(folder: Path) -> Provenance | None:
    try:
        text = (folder / FILE).read_text(encoding="utf-8")
    except OSError:
        return None
    written = _as_written(text)
    if written is not None:
        return written
    import tomllib  # (a record `render` did not write so: edited, or another build's header)

    try:
        data = tomllib.loads(text)
        return Provenance(**{k: str(data.get(k, "")) for k in Provenance.__dataclass_fields__})
    except (tomllib.TOMLDecodeError, TypeError):
        return None


def _as_written(text: str) -> Provenance | None:
    """The record in `text` when `text` is exactly what `render` writes for it, read without a TOML
    parser (importing `tomllib` is ≈ 2 ms of every `generate` and `check`, the no-op answer's too):
    each line after the two comments is `key = "value"`, and the record of those values renders to
    the same text, byte for byte — so each value is a TOML basic string `_q` wrote, and `_q` writes
    a value it does not escape as its characters (with an escape, `_q`'s text differs: None).
    Anything else (None) is read by `tomllib`."""
    values: dict[str, str] = {}
    for line in text.split("\n")[2:-1]:
        key, sep, quoted = line.partition(' = "')
        if not sep or not quoted.endswith('"'):
            return None
        values[key] = quoted[:-1]
    if values.keys() != Provenance.__dataclass_fields__.keys():
        return None
    record = Provenance(**values)
    return record if record.render() == text else None


def tree_hash(files: dict[str, bytes]) -> str:
    return tree_hash_of({rel: hashlib.sha256(data).digest() for rel, data in files.items()})


def tree_hash_of(digests: dict[str, bytes]) -> str:
    """`tree_hash` from each file's SHA-256 digest (the tree index knows them without reading)."""
    digest = hashlib.sha256()
    for rel in sorted(digests):
        if rel != FILE:
            digest.update(rel.encode() + b"\0" + digests[rel])
    return digest.hexdigest()


def current(spec: str, spec_sha256: str, config_sha256: str) -> Provenance:
    return Provenance(spec, spec_sha256, config_sha256, __version__)


# ---- what this generator build has verified (per project, outside the generated folders) ----------
def _verified_file(root: Path) -> Path:
    return root / VERIFIED


def _slot(root: Path, out: Path) -> str:
    try:
        return out.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return out.resolve().as_posix()


def is_verified(root: Path | None, out: Path, recorded: Provenance) -> bool:
    if root is None:
        return False
    try:
        known = json.loads(_verified_file(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    keys = known.get(_slot(root, out)) if isinstance(known, dict) else None
    return isinstance(keys, list) and recorded.verified_key() in keys


def remember_verified(root: Path | None, out: Path, recorded: Provenance) -> None:
    """Note that this generator build produced `recorded`'s tree (a cache: failures cost only speed)."""
    if root is None:
        return
    path = _verified_file(root)
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}
    slot, key = _slot(root, out), recorded.verified_key()
    keys = known.get(slot)
    keys = [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []
    if keys[:1] == [key]:
        return
    # the most recent first; a few kept, so switching between generator builds (branches) stays fast
    known[slot] = ([key] + [k for k in keys if k != key])[:KEEP_VERIFIED]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def _warnings_file(root: Path, out: Path) -> Path:
    slot = hashlib.sha256(_slot(root, out).encode()).hexdigest()[:32]
    return root / WARNINGS / f"{slot}.json"


def remember_diagnostics(
    root: Path | None, out: Path, recorded: Provenance, diagnostics: list[Diagnostic]
) -> None:
    """Keep the diagnostics of the run that produced `recorded`'s tree, so that a `generate` answered
    from provenance reports the same warnings (a cache: failures cost only speed)."""
    if root is None:
        return
    path = _warnings_file(root, out)
    data = {
        "key": recorded.verified_key(),
        "diagnostics": [
            [d.severity.value, d.code, d.pointer, d.message, d.hint, d.file] for d in diagnostics
        ],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def recall_diagnostics(
    root: Path | None, out: Path, recorded: Provenance
) -> list[Diagnostic] | None:
    """The diagnostics `remember_diagnostics` kept for exactly `recorded`'s key, or None."""
    if root is None:
        return None
    try:
        data = json.loads(_warnings_file(root, out).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != recorded.verified_key():
            return None
        return [
            Diagnostic(Severity(sev), code, pointer, message, hint, file)
            for sev, code, pointer, message, hint, file in data["diagnostics"]
        ]
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _q(value: str) -> str:
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'  # what `toml_string` gives it (nothing to escape), without its import
    from .escape import toml_string

    return toml_string(value)


def _header() -> str:
    from .paths import HEADER

    return HEADER
