"""The code `dataclasses` compiles for the generator's classes, kept beside their bytecode
(`generator/dataclass_code.py`, issue 18): what `exec` is given compiles as the builtin compiles
it, a kept entry is the code of that exact text, a file of another interpreter or a broken one is
never used, and a second import of the generator compiles none of its dataclasses' methods again,
making the same classes."""

from __future__ import annotations

import __future__
import dataclasses
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import generator
from generator import dataclass_code
from generator.dataclass_code import _exec, _header, _Kept
from tests.conftest import REPO

_TEXT = "def __create_fn__(_type_a):\n def f(self, a:_type_a)->None:\n  return a\n return f"


def test_dataclasses_compiles_through_the_kept_code() -> None:
    assert vars(dataclasses)["exec"] is _exec  # installed by `import generator`
    assert generator.dataclass_code is dataclass_code


def test_the_future_flags_are_cpythons_mask() -> None:
    every = 0
    for name in __future__.all_feature_names:
        every |= getattr(__future__, name).compiler_flag
    assert dataclass_code._FUTURE_FLAGS == every & ~__future__.nested_scopes.compiler_flag


@pytest.mark.parametrize("future", [0, __future__.annotations.compiler_flag])
def test_exec_compiles_a_string_as_the_builtin_does(future: int) -> None:
    """Called from a frame with or without `from __future__ import annotations`, `_exec` makes the
    function the builtin makes there: the same code (annotations evaluated or kept as text)."""
    caller = (
        "def run(exec, text, namespace):\n"
        "    exec(text, {'__name__': 'elsewhere'}, namespace)\n"
        "    return namespace['__create_fn__'](int)\n"
    )
    made = []
    for exec_ in (_exec, exec):
        scope: dict[str, Any] = {}
        exec(compile(caller, "<caller>", "exec", future, dont_inherit=True), scope)  # noqa: S102
        made.append(scope["run"](exec_, _TEXT, {}))
    ours, builtin = made
    assert ours.__code__ == builtin.__code__
    assert ours.__annotations__ == builtin.__annotations__
    assert ours.__annotations__["a"] == ("_type_a" if future else int)


def test_exec_without_namespaces_uses_the_callers() -> None:
    scope: dict[str, Any] = {"__name__": "elsewhere", "exec": _exec}
    exec("exec('made = 1')", scope)  # noqa: S102
    assert scope["made"] == 1


def _kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[_Kept, str]:
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "pycache"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    origin = tmp_path / "mod.py"
    origin.write_text("")
    return _Kept(), str(origin)


def _no_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(source: object, flags: int) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(dataclass_code, "_compile", refuse)


def test_kept_code_is_read_back_and_not_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, origin = _kept(tmp_path, monkeypatch)
    first = kept.code("generator.x", origin, _TEXT, 0)
    assert first == compile(_TEXT, "<string>", "exec", 0, dont_inherit=True)
    kept.save()
    (path,) = (tmp_path / "pycache").rglob("*.dataclass-code")
    assert path.name.startswith("mod.") and path.read_bytes().startswith(_header())
    _no_compile(monkeypatch)
    again = _Kept().code("generator.x", origin, _TEXT, 0)
    assert again == first
    with pytest.raises(AssertionError, match="compiled again"):  # another text, or other flags
        _Kept().code("generator.x", origin, _TEXT, __future__.annotations.compiler_flag)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: b"\0\0\0\0" + data[4:],  # another interpreter's bytecode
        lambda data: data[:5] + bytes([data[5] ^ 1]) + data[6:],  # another optimisation level
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: _header() + marshal.dumps({"text": 1}),  # not code
        lambda data: _header() + marshal.dumps([1, 2]),
        lambda data: b"",
    ],
)
def test_a_file_of_another_interpreter_or_a_broken_one_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: Any
) -> None:
    kept, origin = _kept(tmp_path, monkeypatch)
    kept.code("generator.x", origin, _TEXT, 0)
    kept.save()
    (path,) = (tmp_path / "pycache").rglob("*.dataclass-code")
    path.write_bytes(spoil(path.read_bytes()))
    _no_compile(monkeypatch)
    with pytest.raises(AssertionError, match="compiled again"):
        _Kept().code("generator.x", origin, _TEXT, 0)


def test_only_what_the_process_used_is_written_and_only_when_bytecode_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, origin = _kept(tmp_path, monkeypatch)
    old = _TEXT.replace("return a", "return a + 1")
    kept.code("generator.x", origin, old, 0)
    kept.save()
    kept = _Kept()  # the module's text changed: the old method is not made any more
    kept.code("generator.x", origin, _TEXT, 0)
    kept.save()
    (path,) = (tmp_path / "pycache").rglob("*.dataclass-code")
    entries = marshal.loads(path.read_bytes()[len(_header()) :])
    assert list(entries) == [(0, _TEXT)]
    path.unlink()
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    kept = _Kept()
    kept.code("generator.x", origin, _TEXT, 0)
    kept.save()
    assert not path.exists()


def test_an_unwritable_folder_is_left_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, origin = _kept(tmp_path, monkeypatch)
    (tmp_path / "pycache").write_text("a file where the folder would be")
    kept.code("generator.x", origin, _TEXT, 0)
    kept.save()  # no error
    assert (tmp_path / "pycache").read_text() == "a file where the folder would be"


_CLASSES = """
import dataclasses, inspect, json, sys
sys.path.insert(0, {repo!r})
import generator
if sys.argv[1] == "builtin":
    del vars(dataclasses)["exec"]
compiled = []
real = generator.dataclass_code._compile
def counted(source, flags):
    compiled.append(source)
    return real(source, flags)
generator.dataclass_code._compile = counted
import generator.pipeline, generator.parse, generator.render.plan, generator.shape.stage
import generator.naming.plan, generator.features, generator.ir.quick_init
made = {{}}
for name, module in sorted(sys.modules.items()):
    if not name.startswith("generator"):
        continue
    for cls in vars(module).values():
        if not isinstance(cls, type) or not dataclasses.is_dataclass(cls) or cls.__module__ != name:
            continue
        methods = {{}}
        for attr in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
            fn = getattr(getattr(cls, attr, None), "__wrapped__", getattr(cls, attr, None))
            code = getattr(fn, "__code__", None)
            if code is not None:
                methods[attr] = [code.co_code.hex(), repr(code.co_consts), code.co_names,
                                 code.co_varnames, code.co_flags, fn.__defaults__ is None,
                                 repr(getattr(fn, "__annotations__", None))]
        made[name + "." + cls.__qualname__] = [str(inspect.signature(cls)), methods]
print(json.dumps({{"compiled": len(compiled), "classes": made}}))
"""


def _classes(how: str, cache: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    proc = subprocess.run(
        [sys.executable, "-c", _CLASSES.format(repo=str(REPO)), how],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_a_second_import_compiles_nothing_and_makes_the_same_classes(tmp_path: Path) -> None:
    """Three fresh interpreters: the builtin `exec` (no kept code), a first import through the kept
    code (which compiles and writes it) and a second (which reads it): the same classes, method for
    method, and the second compiles none of them."""
    builtin = _classes("builtin", tmp_path / "none")
    first = _classes("kept", tmp_path / "cache")
    second = _classes("kept", tmp_path / "cache")
    assert len(builtin["classes"]) > 100
    assert builtin["classes"] == first["classes"] == second["classes"]
    assert first["compiled"] > 500  # each dataclass's methods, and quick_init's `__init__`s
    assert second["compiled"] == 0
    assert list((tmp_path / "cache").rglob("*.dataclass-code"))
