"""Prose-only regeneration (issue 18): an operation's `summary`/`description` or a parameter's
`description` edited, nothing else.

A full `generate` keeps, per output folder (`.cache/clientgen/stages/`, outside the output folder), a
snapshot of what it built: the IR after the shape stage, the names, the diagnostics, each
operation's api.md doc, for each module a prose edit may leave as it is (types modules, resource modules and their test modules, `types/__init__`,
`operations.json`) a stub of its import lines and its module-cache key, and the spec's prose — where
each string value of a `summary`/`description` key sits (`validation_cache.scan_prose`: its offset in
the text with those values emptied, and its JSON token), checked one by one against the parsed
document's values with their JSON pointers. The snapshot's key is a SHA-256 over the generator
fingerprint, the Python version, the pydantic and openapi-pydantic versions, the target's configuration
digest, the spec's path and label, and the text with the prose emptied. The snapshot is made by a
forked child off the run's critical path and renamed into place once the package is written
(`stage_writer.py`); the file ends with a CRC-32 of its pickle.

The next `generate` scans the spec's text (no JSON parse). Same key and same offsets: the text is the
snapshot's with some prose tokens replaced, each of which must decode as a JSON string — so the new
document is the old one with those string values replaced, and nothing else. A YAML spec has no such
scan: it is parsed as the full path parses it, and its key covers the document with every prose value
emptied (`scan_document`); the values are then compared in place. When every changed value is one
`patched` knows (no `$ref` into `/paths` or out of the document, checked when the snapshot was made),
nothing is parsed or named:

- parse reads an operation object's `summary`/`description` only as `_text(...)` into the
  `Operation`'s fields of the same name, and a parameter object's `description` only into its
  `Parameter.doc` and `says_uuid` (`patched` says when that is exact); the shape stage, the naming
  pass and the features never read those fields (`tests/cli/test_stage_cache.py` pins the modules that
  do), and only `Api.operations` holds operations. So the new IR is the snapshot's with those fields
  replaced as parse computes them, and the names are the snapshot's.
- rendered again: the resource and test modules of every operation that was patched or holds a
  patched parameter, api.md, README and the package-level files, and any resource module with
  features' extras; api.md's doc of each operation (`apidoc_views.MethodDoc`: its call sample,
  signature and links, which the README lists too) is the snapshot's unless the operation was
  patched or holds a patched parameter; every other module listed above gets its formatted bytes from the module cache
  under the key the full run recorded (the types modules' view code never reaches an operation, the
  manifest reads no prose: pinned by the same tests).
- the diagnostics are the snapshot's (openapi-pydantic's do not depend on prose, `validation_cache`;
  parse and naming never quote these fields); a rendering diagnostic the full run did not have sends
  the run down the full path.

`check` uses the same replay to render what the spec produces (it never writes a snapshot).

Anything else — `generate --full`, no snapshot, another key, other offsets, a structural edit, prose
anywhere else (a schema's, a property's, a response's or a tag's description), a parameter description
that names UUIDs or is blank, a damaged or forged file, a module-cache entry gone, any failure while
replaying — is the full path, which writes a new snapshot. Changes are taken relative to the snapshot
of the last full run, which the runs it serves do not rewrite. The file is a pickle read by an
unpickler that admits only the generator's own classes and a few builtins; deleting it costs only
speed, and `CLIENTGEN_CACHE=off` turns it off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import operator
import os
import pickle
import re
import sys
import zlib
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import pointer as jp
from .cache_files import cache_file
from .ir.models import MISSING, _Missing

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .ir import Api
    from .naming.plan import Names
    from .render.apidoc_views import MethodDoc

MAGIC = b"clientgen stage cache 3\n"
KIND = "stages"
PROSE_KEYS = frozenset(("summary", "description"))
_METHOD = "(?:get|put|post|delete|options|head|patch|trace)"
_OPERATION = re.compile(rf"/paths/[^/]+/{_METHOD}")
_PARAMETER_ENTRY = re.compile(
    rf"/paths/[^/]+(?:/{_METHOD})?/parameters/\d+"
)  # where parse reads one
_PARAMETER = re.compile(rf"/components/parameters/[^/]+|{_PARAMETER_ENTRY.pattern}")
_IMPORT_LINE = "from typing_extensions import"

Prose = list[tuple[str, str, str]]  # (pointer of the holder, key, string value), in document order
Places = list[
    tuple[str, str]
]  # (pointer of the holder, key) of each prose value, in document order


@dataclass
class Snapshot:
    """What a full run leaves for the next prose-only one."""

    places: Places
    aliased: set[
        str
    ]  # `$ref` targets reached from elsewhere than a `parameters` entry (`prose_of`)
    offsets: list[int]  # where each prose value sits in the text with them emptied (`scan_prose`)
    tokens: list[str]  # each value's JSON string token as the text spelled it
    api: Api
    names: Names
    diagnostics: list[Diagnostic]
    spec_file: str
    files: dict[str, tuple[str, bytes]]  # module path → (import stub, module-cache key)
    docs: dict[str, MethodDoc]  # operation key → its api.md doc (`apidoc_views.method_docs`)


@dataclass
class Replay:
    """A prose-only run's inputs: the patched IR and what the snapshot gives."""

    api: Api
    names: Names
    diagnostics: list[Diagnostic]
    spec_file: str
    stubs: dict[str, str]  # path → import stub of each module not rendered again (`plan_files`)
    formatted: dict[str, bytes]  # path → its finished bytes
    changed: int  # prose values that differ from the snapshot's
    docs: dict[str, MethodDoc]  # the api.md docs of the operations no change reaches


# ---- the document's prose --------------------------------------------------------------------------
def prose_of(document: dict[str, Any]) -> tuple[Prose, bool, set[str]]:
    """Every `summary`/`description` string value with its holder's pointer, in document order;
    whether no `$ref` reaches into `/paths` or out of the document (an operation object read from two
    places would need both patched); and the targets of the `$ref`s that are not an entry of an
    operation's or a path item's `parameters` (a parameter object reached so could be read as
    something else too, and its description is not patched)."""
    found: Prose = []
    foreign: list[str] = []
    aliased: set[str] = set()

    def walk(node: Any, where: str) -> None:
        if type(node) is dict:
            for key, value in node.items():
                kind = type(value)
                if kind is str:
                    if key in PROSE_KEYS:
                        found.append((where, key, value))
                    elif key == "$ref":
                        if not _local(value):
                            foreign.append(value)
                        elif not _PARAMETER_ENTRY.fullmatch(where):
                            aliased.add(jp.join("", *jp.split(value)))
                elif kind is dict or kind is list:
                    walk(value, f"{where}/{jp.escape(str(key))}")
        else:
            for i, value in enumerate(node):
                if type(value) is dict or type(value) is list:
                    walk(value, f"{where}/{i}")

    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 20_000))
        walk(document, "")
    except RecursionError:
        return [], False, set()  # nested deeper than any API document: no snapshot
    finally:
        sys.setrecursionlimit(limit)
    return found, not foreign, aliased


def _local(ref: str) -> bool:
    """A `$ref` inside this document and outside `/paths`."""
    if not ref.startswith("#"):
        return False
    try:
        tokens = jp.split(ref)
    except ValueError:
        return False
    return not tokens or tokens[0] != "paths"


# ---- keys --------------------------------------------------------------------------------------------
@dataclass
class Scan:
    """A spec as the snapshot sees it: the key, and its prose values in order — for a JSON text
    their offsets and JSON tokens (`validation_cache.scan_prose`); for a YAML one (`places` set)
    their holders and keys and the values themselves, read from the parsed document."""

    key: bytes
    offsets: list[int]
    tokens: list[str]
    places: Places | None = None


def scan(text: str, spec: str, label: str, config: str) -> Scan | None:
    """`spec`: the spec's path as configured; `label`: the name diagnostics give it. A JSON text is
    scanned as text; any other is parsed (`scan_document`)."""
    from .validation_cache import scan_prose

    if not text.lstrip().startswith("{"):
        return scan_document(text, spec, label, config)
    blanked, offsets, tokens = scan_prose(text)
    return Scan(
        _key(b"json", blanked.encode("utf-8", "surrogatepass"), spec, label, config),
        offsets,
        tokens,
    )


def scan_document(text: str, spec: str, label: str, config: str) -> Scan | None:
    """A YAML spec: parsed as the full path parses it; the key covers the document with every prose
    value emptied (in the document's own key order), None when it cannot serve (unreadable, `$ref`s
    into `/paths` or out of the document, a structure JSON cannot spell)."""
    from .diagnostics import SpecError
    from .load import parse_text

    try:
        document = parse_text(text, spec)
    except SpecError:
        return None
    return scan_parsed(document, spec, label, config)


def scan_parsed(document: Any, spec: str, label: str, config: str) -> Scan | None:
    if not isinstance(document, dict):
        return None
    prose, alone, _ = prose_of(document)
    if not alone:
        return None
    try:
        shape = json.dumps(
            _blanked(document), ensure_ascii=False, separators=(",", ":"), default=repr
        )
    except (ValueError, RecursionError):  # a cycle (YAML aliases) or nesting JSON cannot spell
        return None
    key = _key(b"document", shape.encode("utf-8", "surrogatepass"), spec, label, config)
    return Scan(key, [], [v for _, _, v in prose], [(w, k) for w, k, _ in prose])


def _blanked(node: Any) -> Any:
    if type(node) is dict:
        return {
            k: "" if k in PROSE_KEYS and type(v) is str else _blanked(v) for k, v in node.items()
        }
    if type(node) is list:
        return [_blanked(v) for v in node]
    return node


def _key(mode: bytes, shape: bytes, spec: str, label: str, config: str) -> bytes:
    from .provenance import dist_version, generator_fingerprint

    digest = hashlib.sha256(mode + b"\0" + shape)
    for part in (
        generator_fingerprint(),
        sys.version,
        dist_version("pydantic", "pydantic"),
        dist_version("openapi_pydantic", "openapi_pydantic"),
        config,
        spec,
        label,
    ):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.digest()


def read_spec(spec: Path) -> tuple[bytes, str] | None:
    """The spec file's bytes and text, or None for anything `load.read_bytes` would refuse or
    report (the full path then says what is wrong)."""
    from .diagnostics import SpecError
    from .load import read_bytes

    try:
        raw = read_bytes(spec)
        return raw, raw.decode("utf-8-sig")
    except (SpecError, OSError, UnicodeDecodeError):
        return None


def import_stub(text: str) -> str | None:
    """The lines of a rendered module that `plan_files` reads of it (`runtime_modules`' imports and
    `client_view`'s typing_extensions check): every line that says `import`, with the lines of its
    parentheses; None when the stub would not read the same as the text."""
    from .render.plan import _imported

    kept = []
    at = text.find("import")
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end == -1 else end
        opened = text.rfind("(", start, end)
        if opened != -1 and text.find(")", opened, end) == -1:  # `import (` … `)` over lines
            close = text.find(")", end)
            end = len(text) if close == -1 else close + 1
        kept.append(text[start:end])
        at = text.find("import", end)
    stub = "\n".join(kept) + "\n"
    same = _imported(stub) == _imported(text) and (_IMPORT_LINE in stub) == (_IMPORT_LINE in text)
    return stub if same else None


# ---- the snapshot file -------------------------------------------------------------------------------
def stage_file(root: Path | None, out: Path) -> Path | None:
    return cache_file(root, out, KIND, ".bin")


def save(
    path: Path, key: bytes, snapshot: Snapshot, ready: Callable[[], bool] = lambda: True
) -> bool:
    """Write the snapshot (False when it cannot serve: an operation object the IR holds twice).
    `ready()` is asked before the file is renamed into place: False throws it away (the run that
    made it did not write its package, `stage_writer.py`), and the old file stays."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:  # pickled straight into the file: no second copy in memory
            f.write(MAGIC + key)
            summed = _Summed(f)
            pickler = _Pickler(summed)
            pickler.dump(snapshot)
            f.write(summed.crc.to_bytes(4, "big"))  # a damaged file is no snapshot (`load`)
        if pickler.operations != len(snapshot.api.operations):
            tmp.unlink()
            return False
        if not ready():
            tmp.unlink()
            return True
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError):
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    return True


def load(path: Path, key: bytes) -> Snapshot | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = MAGIC + key
    if not blob.startswith(head) or len(blob) < len(head) + 4:
        return None
    body = memoryview(blob)[len(head) : -4]
    if zlib.crc32(body) != int.from_bytes(blob[-4:], "big"):
        return None  # damaged (a flipped byte in a text would still unpickle)
    try:
        found = _Unpickler(io.BytesIO(body)).load()
    except Exception:  # noqa: BLE001 - a damaged cache is no cache, whatever the unpickler says
        return None
    return found if isinstance(found, Snapshot) else None


class _Summed:
    """A file that keeps the CRC-32 of what is written to it."""

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self.crc = 0

    def write(self, data: Any) -> int:
        self.crc = zlib.crc32(data, self.crc)
        return self._f.write(data)


def unlink(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass


# ---- the prose-only path ------------------------------------------------------------------------------
def replay(path: Path, now: Scan, memo: Any) -> Replay | None:
    """The prose-only run's inputs, or None when the snapshot cannot prove them (see the module).

    The snapshot's text T was valid JSON, and its prose values were checked to be, in order, the
    decoded `tokens` at `offsets`. The new text has the same key, so the same text with the prose
    emptied; with the same offsets it is T with the tokens at those places replaced; each token
    that differs is decoded as a JSON string (and must be one): so it is T's document with those
    string values replaced, and nothing else."""
    snapshot = load(path, now.key)
    if snapshot is None or now.offsets != snapshot.offsets:
        return None
    if now.places is not None and now.places != snapshot.places:
        return None  # (a YAML spec: the same key with other places cannot happen; checked anyway)
    if len(now.tokens) != len(snapshot.tokens):
        return None
    changes: list[Change] = []
    for i, (new, old) in enumerate(zip(now.tokens, snapshot.tokens, strict=True)):
        if new != old:
            values: list[Any] = [old, new]
            if now.places is None:  # JSON tokens
                try:
                    values = [json.loads(old), json.loads(new)]
                except ValueError:
                    return None
            if not all(isinstance(v, str) for v in values):
                return None
            where, key = snapshot.places[i]
            changes.append(Change(where, key, values[0], values[1]))
    api = patched(snapshot.api, changes, snapshot.aliased)
    if api is None:
        return None
    again, edited = _touched(api, snapshot.names, {c.where for c in changes})
    formatted = {}
    stubs = {}
    for rel, (stub, memo_key) in snapshot.files.items():
        data = memo.get(memo_key)  # looked up for every file: the module cache keeps what it is
        if rel in again:  # asked for, so a later edit elsewhere finds this file's snapshot bytes
            continue
        if data is None:
            return None
        formatted[rel] = data
        stubs[rel] = stub
    return Replay(
        api=api,
        names=snapshot.names,
        diagnostics=snapshot.diagnostics,
        spec_file=snapshot.spec_file,
        stubs=stubs,
        formatted=formatted,
        changed=len(changes),
        docs={k: d for k, d in snapshot.docs.items() if k not in edited},
    )


def _touched(api: Api, names: Names, places: set[str]) -> tuple[set[str], set[str]]:
    """The resource and test modules of the resources holding the operations at `places` or an
    operation with a parameter at `places` (their methods' docstrings and call samples read the
    operations' and parameters' prose: `resource_views`, `call_samples.call_sample`), and the keys
    of those operations (their api.md docs read the same: `apidoc_views`)."""
    from .naming.plan import op_key

    package = api.target.package.name
    out = set()
    edited = set()
    for op in api.operations:
        if op.pointer in places or any(p.pointer in places for p in op.parameters):
            key = op_key(op)
            edited.add(key)
            module = names.resources[names.op_resource[key]].module
            out.add(f"src/{package}/resources/{module}.py")
            out.add(f"tests/api_resources/test_{module}.py")
    return out, edited


@dataclass(frozen=True)
class Change:
    """One prose value that differs from the snapshot's."""

    where: str  # the JSON pointer of the object holding it
    key: str  # `summary` or `description`
    old: str
    new: str


def patched(api: Api, changes: list[Change], aliased: AbstractSet[str] = frozenset()) -> Api | None:
    """`api` with what the changes give, computed as parse computes it; None when a change is
    anything else. Two kinds are patched:

    - an operation object's `summary`/`description` (`/paths/<path>/<method>`): parse reads them only
      as `_text(...)` into the `Operation`'s fields of the same name;
    - a parameter object's `description` (every `Parameter` whose `pointer` is the object's: inline,
      a path item's shared one, or a `components/parameters` entry many operations use, reached by no
      `$ref` but those of `parameters` entries under `/paths`, `aliased`): parse reads
      it as `doc = _text(description) or <the schema's description>` and, for a string parameter,
      `says_uuid` (the word "UUID" in it types the parameter as a UUID). So only a new text that is
      not blank, and neither the old nor the new one naming UUIDs: then `doc` is `_text(new)` and the
      type is what it was."""
    from .parse.field_facts import says_uuid
    from .parse.operations import _text

    ops: dict[str, dict[str, str]] = {}
    params: dict[str, str] = {}
    for change in changes:
        if _OPERATION.fullmatch(change.where):
            ops.setdefault(change.where, {})[change.key] = _text(change.new)
        elif (
            change.key == "description"
            and _text(change.new)
            and _PARAMETER.fullmatch(change.where)
            and not _reached(change.where, aliased)
        ):
            if says_uuid({"description": change.old}, {}) or says_uuid(
                {"description": change.new}, {}
            ):
                return None
            params[change.where] = _text(change.new)
        else:
            return None
    if not ops and not params:
        return api
    hit = set()
    operations = []
    for op in api.operations:
        fix = ops.get(op.pointer)
        if fix is not None:
            op = dataclasses.replace(op, **fix)  # type: ignore[arg-type]
            hit.add(op.pointer)
        if any(p.pointer in params for p in op.parameters):
            parameters = []
            for p in op.parameters:
                if p.pointer in params:
                    p = dataclasses.replace(p, doc=params[p.pointer])
                    hit.add(p.pointer)
                parameters.append(p)
            op = dataclasses.replace(op, parameters=tuple(parameters))
        operations.append(op)
    if hit != ops.keys() | params.keys():
        return None  # a place that holds no operation or parameter of the IR
    return dataclasses.replace(api, operations=tuple(operations))


def _reached(where: str, aliased: AbstractSet[str]) -> bool:
    """Whether a `$ref` from elsewhere than a `parameters` entry reaches `where` or a parent of it."""
    return any(where == target or where.startswith(target + "/") for target in aliased)


# ---- pickling the IR ---------------------------------------------------------------------------------
# The IR is frozen slotted dataclasses; their generated `__getstate__`/`__setstate__` make the default
# pickle slow (0.39 s to load GitHub's). Here each is one call with its slot values.
_SLOTS: dict[type, tuple[str, ...] | None] = {}
_MAKERS: dict[type, Any] = {}


def _slots(cls: type) -> tuple[str, ...] | None:
    names = _SLOTS.get(cls, ())
    if names == ():
        found: tuple[str, ...] | None = None
        if dataclasses.is_dataclass(cls) and cls.__module__.startswith("generator."):
            names_ = tuple(
                n
                for c in reversed(cls.__mro__)
                for n in c.__dict__.get("__slots__", ())
                if n not in ("__weakref__", "__dict__")
            )
            found = names_ or None
        _SLOTS[cls] = names = found
    return names


def _make(cls: type, values: tuple[Any, ...]) -> Any:
    """An instance of slotted class `cls` with `values` in its slots (no `__init__`: the state is
    restored as it was)."""
    maker = _MAKERS.get(cls)
    if maker is None:
        maker = _MAKERS[cls] = _maker(cls)
    return maker(*values)


def _maker(cls: type) -> Any:
    """`make(v0, v1, …)`: one statement per slot, each the slot descriptor's own `__set__` (C)."""
    names = _slots(cls) or ()
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    for i, name in enumerate(names):
        scope[f"set{i}"] = getattr(cls, name).__set__
    params = ", ".join(f"v{i}" for i in range(len(names)))
    lines = [f"def make({params}):", "    o = new(cls)"]
    lines += [f"    set{i}(o, v{i})" for i in range(len(names))]
    lines.append("    return o")
    exec("\n".join(lines), scope)  # noqa: S102 - code made of slot numbers only
    return scope["make"]


_GETTERS: dict[type, Any] = {}


def _getter(cls: type) -> Any:
    """The slot values of an instance of `cls` as a tuple (one C call), or False: not an IR class."""
    names = _slots(cls)
    if names is None:
        return False
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (one(obj),)
    return operator.attrgetter(*names)


def _safe(cls: type[str], value: str) -> str:
    """A `render.safe` string as it was (checked when it was first made)."""
    return str.__new__(cls, value)


def _missing() -> _Missing:
    return MISSING


class _Pickler(pickle.Pickler):
    def __init__(self, file: _Summed) -> None:
        super().__init__(file, protocol=5)  # only its `write` is used
        self.operations = 0
        from .ir import Operation

        self._operation = Operation

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls is _Missing:
            return _missing, ()
        if cls is self._operation:
            self.operations += 1
        if isinstance(obj, str) and cls.__module__ == "generator.render.safe":
            return _safe, (cls, str(obj))
        getter = _GETTERS.get(cls)
        if getter is None:
            getter = _GETTERS[cls] = _getter(cls)
        if getter is False:
            return NotImplemented
        return _make, (cls, getter(obj))


_BUILTINS = frozenset(("set", "frozenset", "complex", "bytearray", "slice", "range"))


class _Unpickler(pickle.Unpickler):
    """Only the generator's own classes and functions and a few builtins (a cache file is not code)."""

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name in ("_make", "_missing", "_safe"):
            return super().find_class(module, name)
        if module == "builtins" and name in _BUILTINS:
            return super().find_class(module, name)
        if module == "copyreg" and name == "__newobj__":
            return super().find_class(module, name)
        if module.startswith("generator."):
            found = super().find_class(module, name)
            if isinstance(found, type):  # a class of the generator's, never one of its functions
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a stage cache")


# ---- what a full run records -------------------------------------------------------------------------
class Recorder:
    """Filled by a full run (`pipeline._render`), then `keep` writes the snapshot."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.prose: Prose | None = None
        self.names: Names | None = None
        self._files: dict[str, tuple[str, bytes]] | None = None
        self.parsed: Scan | None = None
        self.spec_file: str | None = None  # the name of the spec's copy in the package
        self.aliased: set[str] = set()
        self.deferred = False  # a JSON spec: its prose is read when the snapshot is made
        self._texts: dict[str, str] | None = None
        self.docs: dict[str, MethodDoc] | None = None  # set by `plan_files` (`on_docs`)

    def seen_docs(self, docs: dict[str, MethodDoc]) -> None:
        self.docs = docs

    def document(self, document: dict[str, Any], spec: str, label: str, config: str) -> None:
        """The parsed document (before parse; `spec`, `label`, `config` as `scan` takes them). A JSON
        spec's prose is left to `keep`, which parses the text again (off the run's critical path,
        `stage_writer.py`); a YAML one's is read here (parsing YAML again would cost more)."""
        if _json_text(Path(spec)):
            self.deferred = True
            return
        self._read(document, spec, label, config)

    def _read(self, document: dict[str, Any], spec: str, label: str, config: str) -> None:
        from .spec_copy import BUNDLED

        prose, alone, self.aliased = prose_of(document)
        # a snapshot that could never serve is not kept
        self.prose = prose if alone and BUNDLED not in document else None
        if self.prose is not None and not self.deferred and not _json_text(Path(spec)):
            self.parsed = scan_parsed(document, spec, label, config)  # YAML: from the document

    def begin(
        self,
        files: dict[str, Any],
        api: Api,
        diagnostics: list[Diagnostic],
        memo: Any,
        spec: str,
        label: str,
        config: str,
        sha256: str,
    ) -> Any:
        """Start making the snapshot of a full run whose package is rendered (`files`, not yet
        handed over to be formatted): a `stage_writer.Writer`, committed once the package is written."""
        from .stage_writer import start

        names = self.names
        assert names is not None
        package = api.target.package.name
        diagnostics = list(diagnostics)
        stubbed = []

        def prepare() -> None:
            self.stubs(files, names, package, memo)
            stubbed.append(True)

        def write(ready: Callable[[], bool]) -> None:
            if not stubbed:
                prepare()
            self.keep(api, diagnostics, read_spec(Path(spec)), sha256, spec, label, config, ready)

        return start(self.path, prepare, write)

    def stubs(self, files: dict[str, Any], names: Names, package: str, memo: Any) -> None:
        """Note the stubs and module-cache keys of the modules a prose-only run may take as they
        are (before the texts are handed over to be formatted)."""
        from .write import with_header

        self.names = names
        pkg = f"src/{package}"
        rels = [f"{pkg}/types/{module}.py" for module in names.module_members]
        rels += [f"{pkg}/types/__init__.py", "operations.json"]
        for resource in names.resources.values():
            rels += [
                f"{pkg}/resources/{resource.module}.py",
                f"tests/api_resources/test_{resource.module}.py",
            ]
        self._files = {}
        for rel in rels:
            text = files.get(rel)
            if not isinstance(text, str):
                continue  # a resource without operations has no test module
            stub = import_stub(text)
            if stub is None:
                self._files = None
                return
            self._files[rel] = (stub, memo.text_key(rel, with_header(rel, text)))

    def keep(
        self,
        api: Api,
        diagnostics: list[Diagnostic],
        read: tuple[bytes, str] | None,
        sha256: str,
        spec: str,
        label: str,
        config: str,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        """Write the snapshot, or remove the old one when this run cannot leave one. `read`: the
        spec file's bytes and text, read again (they must be what the run read: `sha256`);
        `ready`: see `save`."""
        kept = self._files
        found = None
        if read is not None and hashlib.sha256(read[0]).hexdigest() == sha256:
            if self.deferred:  # a JSON spec: its prose, from the text the run read
                from .diagnostics import SpecError
                from .load import parse_text

                try:
                    document = parse_text(read[1], spec)
                except SpecError:
                    document = None
                if isinstance(document, dict):
                    self._read(document, spec, label, config)
                del document
            found = (
                scan(read[1], spec, label, config)
                if read[1].lstrip().startswith("{")
                else self.parsed  # YAML: the scan of the document the run parsed
            )
        if (
            found is None
            or self.prose is None
            or self.names is None
            or kept is None
            or self.spec_file is None
            or self.docs is None
            or not (
                found.places == [(w, k) for w, k, _ in self.prose]
                if found.places is not None
                else _aligned(self.prose, found.tokens)
            )
        ):
            unlink(self.path)
            return
        snapshot = Snapshot(
            [(where, key) for where, key, _ in self.prose],
            self.aliased,
            found.offsets,
            found.tokens,
            api,
            self.names,
            list(diagnostics),
            self.spec_file,
            kept,
            self.docs,
        )
        if not save(self.path, found.key, snapshot, ready):
            unlink(self.path)


def _json_text(spec: Path) -> bool:
    """Whether the spec file's text starts (after a BOM and white space) with `{` (as `load` tells
    JSON from YAML); a file that cannot be read is no JSON here (the snapshot then waits for
    `keep`, which reads it whole)."""
    try:
        with open(spec, "rb") as f:
            head = f.read(65536)
    except OSError:
        return False
    return head.decode("utf-8-sig", errors="replace").lstrip().startswith("{")


def _aligned(prose: Prose, tokens: list[str]) -> bool:
    """The text's prose tokens decode, one by one, to the document's prose values."""
    if len(prose) != len(tokens):
        return False
    try:
        return all(json.loads(t) == v for (_, _, v), t in zip(prose, tokens, strict=True))
    except ValueError:
        return False
