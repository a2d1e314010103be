"""The code `dataclasses` compiles for the generator's classes, kept beside their bytecode (issue 18).

`@dataclass` writes each method it adds (`__init__`, `__repr__`, `__eq__`, `__hash__`, a frozen
class's `__setattr__` and `__delattr__`) as Python source and compiles it with `exec` when the class
is made: ≈ 630 small compilations when a full run imports the generator, about a third of the
imports' CPU (imp23). The text is the same every time for the same class (it is made from the
field names and the options only), so what it compiles to is too.

`install()` puts a function named `exec` in the `dataclasses` module's namespace (its calls of the
builtin `exec` find it first: `_create_fn` on Python 3.11 and 3.12, `_FuncBuilder` on 3.13; no
function of the module is replaced). For a class of a `generator` module read from a `.py` file it
takes the code object for that exact text from that module's file of kept code, beside the module's
bytecode (`importlib.util.cache_from_source`, `.dataclass-code` for `.pyc`), and compiles and keeps
it when absent; every other call (anyone else's dataclasses, the modules mypyc compiled) is passed
on. Either way the text is compiled as the builtin `exec` compiles a string — file name `<string>`,
the `__future__` flags of the calling frame, the interpreter's optimisation level — and run in the
same namespaces, so the class is the one `dataclasses` would have made. `quick_init` runs its
`__init__`s through the same function.

The kept code cannot be stale: it is looked up by the whole text and the compile flags, and a file
is read only when its header names this interpreter's bytecode (`importlib.util.MAGIC_NUMBER`) and
optimisation level; a file that cannot be read or decoded is ignored. New entries are written when
the process ends (`atexit`, which `quick.leave` runs too), atomically, with what the process used
of the module's entries (a module's classes are all made when it is imported), unless bytecode is
not being written (`sys.dont_write_bytecode`); a folder that cannot be written is left as it is.
The trust is a `.pyc` file's: the same folder, the same `marshal`.
"""

import atexit
import builtins
import dataclasses
import marshal
import os
import sys
from types import CodeType
from typing import Any

_SUFFIX = ".dataclass-code"
# the `__future__` flags a compile of a string inherits from the frame that asks (CPython's
# PyCF_MASK: every `__future__` feature's flag but the obsolete `nested_scopes`)
_FUTURE_FLAGS = 0x1FE0000
_Entries = dict[tuple[int, str], CodeType]


class _Kept:
    """Each module's kept code (its file read once), what this process used of it, and the modules
    with new entries."""

    def __init__(self) -> None:
        self.modules: dict[str, _Entries] = {}
        self.used: dict[str, _Entries] = {}
        self.files: dict[str, str | None] = {}
        self.dirty: set[str] = set()
        self.saving = False

    def code(self, module: str, origin: str, source: str, flags: int) -> CodeType:
        """`source` compiled with `flags` (as `exec` compiles a string), kept for `module`."""
        entries = self.modules.get(module)
        if entries is None:
            entries = self.modules[module] = self._read(module, origin)
            self.used[module] = {}
        key = (flags, source)
        code = entries.get(key)
        if code is None:
            code = entries[key] = _compile(source, flags)
            if self.files[module] is not None and not sys.dont_write_bytecode:
                self.dirty.add(module)
                if not self.saving:
                    self.saving = True
                    atexit.register(self.save)
        self.used[module][key] = code
        return code

    def _read(self, module: str, origin: str) -> _Entries:
        from importlib.util import cache_from_source

        try:
            path = cache_from_source(origin).removesuffix(".pyc") + _SUFFIX
        except (NotImplementedError, ValueError):
            self.files[module] = None
            return {}
        self.files[module] = path
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return {}
        header = _header()
        if not data.startswith(header):
            return {}
        try:
            entries = marshal.loads(memoryview(data)[len(header) :])
        except (EOFError, ValueError, TypeError):
            return {}
        if type(entries) is not dict or not all(
            type(key) is tuple
            and len(key) == 2
            and type(key[0]) is int
            and type(key[1]) is str
            and type(value) is CodeType
            for key, value in entries.items()
        ):
            return {}
        return entries

    def save(self) -> None:
        """Write, for each module with new entries, what this process used of its kept code (a
        module's classes are all made when it is imported, so entries of an older text of it go)."""
        for module in sorted(self.dirty):
            path = self.files[module]
            if path is not None:
                write_whole(path, _header() + marshal.dumps(self.used[module]))
        self.dirty.clear()


def _header() -> bytes:
    """What a file of kept code starts with: this interpreter's bytecode and optimisation level."""
    from importlib.util import MAGIC_NUMBER

    return MAGIC_NUMBER + bytes([sys.flags.optimize])


def _compile(source: str | bytes, flags: int) -> CodeType:
    """`source` compiled as `exec` compiles a string given it by a frame with these future flags."""
    code: CodeType = compile(source, "<string>", "exec", flags, dont_inherit=True)
    return code


def write_whole(path: str, data: bytes) -> None:
    """`data` in `path`, whole or not at all; nothing when the folder cannot be written (a cache
    kept beside the bytecode: here and `fingerprint_record.py`)."""
    tmp = f"{path}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


_KEPT = _Kept()


def _kept(module: object, origin: object) -> bool:
    """Is the code compiled for this module's classes kept: a generator module read from a `.py`
    file (not one compiled with mypyc, nor anyone else's)?"""
    return (
        type(module) is str
        and (module == "generator" or module.startswith("generator."))
        and type(origin) is str
        and origin.endswith(".py")
    )


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
    """The builtin `exec`, a string compiled as it compiles one — kept when it is the text of a
    generator module's dataclass method."""
    caller = sys._getframe(1)
    if globals is None:  # the caller's namespaces, as the builtin takes them
        globals = caller.f_globals
        if locals is None:
            locals = caller.f_locals
    if type(globals) is dict and isinstance(source, str | bytes) and not options:
        flags = caller.f_code.co_flags & _FUTURE_FLAGS
        module = globals.get("__name__")
        origin = globals.get("__file__")
        if type(source) is str and _kept(module, origin):
            source = _KEPT.code(str(module), str(origin), source, flags)
        else:
            source = _compile(source, flags)
    builtins.exec(source, globals, locals, **options)  # noqa: S102 - what `dataclasses` asked


def install() -> None:
    """Have `dataclasses` compile through `_exec` (`generator/__init__.py` calls it, so it is in
    place before the first of the generator's classes is made)."""
    vars(dataclasses)["exec"] = _exec
