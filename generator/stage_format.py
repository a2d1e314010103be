"""The stage cache's snapshot file (`stage_cache.py`): what it holds, and how it is written and read
— a pickle of the generator's own classes (each slotted IR object one call with its slot values),
followed by a CRC-32 of the pickle; read by an unpickler that admits nothing else."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import operator
import os
import pickle
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .cache_files import cache_file
from .ir.models import MISSING, _Missing
from .stage_prose import Places

if TYPE_CHECKING:
    from .diagnostics import Diagnostic
    from .ir import Api
    from .naming.plan import Names
    from .render.apidoc_views import MethodDoc
    from .render.readme_views import ExamplePart

MAGIC = b"clientgen stage cache 4\n"
KIND = "stages"


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
    examples: dict[
        str, ExamplePart
    ]  # operation key → its README part (`readme_views.example_parts`)


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
