"""`render/template_cache.py`: compiled templates kept between runs like Python's bytecode (issue 18).
A hit gives the same text as a compile; an edited template, a damaged file or another code generator
is never served stale code; failures are misses; nothing is written under PYTHONDONTWRITEBYTECODE."""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import pytest

from generator.render import template_cache
from generator.render.environment import environment, render
from generator.render.template_cache import TemplateCache, cache_folder


def _env(templates: Path, cache: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=TemplateCache(cache)
    )


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def _compiles(env: jinja2.Environment, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = env._compile  # type: ignore[attr-defined]

    def spy(source: str, filename: str) -> object:
        seen.append(filename)
        return real(source, filename)

    monkeypatch.setattr(env, "_compile", spy)
    return seen


def test_a_second_run_loads_what_the_first_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: None
) -> None:
    (tmp_path / "t.jinja").write_text("{% for x in xs %}{{ x }},{% endfor %}")
    first = _env(tmp_path, tmp_path / "cache")
    assert first.get_template("t.jinja").render(xs=[1, 2]) == "1,2,"
    assert len(list((tmp_path / "cache").glob("*.cache"))) == 1
    second = _env(tmp_path, tmp_path / "cache")
    compiled = _compiles(second, monkeypatch)
    assert second.get_template("t.jinja").render(xs=[3]) == "3,"
    assert compiled == []  # loaded, not compiled


def test_an_edited_template_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: None
) -> None:
    (tmp_path / "t.jinja").write_text("old {{ x }}")
    _env(tmp_path, tmp_path / "cache").get_template("t.jinja")
    (tmp_path / "t.jinja").write_text("new {{ x }}")
    env = _env(tmp_path, tmp_path / "cache")
    compiled = _compiles(env, monkeypatch)
    assert env.get_template("t.jinja").render(x=1) == "new 1"
    assert len(compiled) == 1


def test_a_damaged_file_is_a_miss(tmp_path: Path, writes: None) -> None:
    (tmp_path / "t.jinja").write_text("{{ x }}!")
    _env(tmp_path, tmp_path / "cache").get_template("t.jinja")
    (cached,) = (tmp_path / "cache").glob("*.cache")
    for damage in (cached.read_bytes()[:-7], b"", b"\x00" * 64):
        cached.write_bytes(damage)
        assert _env(tmp_path, tmp_path / "cache").get_template("t.jinja").render(x=2) == "2!"


def test_an_unwritable_folder_is_no_error(tmp_path: Path, writes: None) -> None:
    (tmp_path / "t.jinja").write_text("{{ x }}")
    (tmp_path / "file").write_text("a file where the folder should be")
    env = _env(tmp_path, tmp_path / "file" / "cache")
    assert env.get_template("t.jinja").render(x=3) == "3"


def test_nothing_is_written_without_bytecode_but_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: None
) -> None:
    (tmp_path / "t.jinja").write_text("{{ x }}")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    _env(tmp_path, tmp_path / "cache").get_template("t.jinja")
    assert not (tmp_path / "cache").exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    _env(tmp_path, tmp_path / "cache").get_template("t.jinja")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    env = _env(tmp_path, tmp_path / "cache")
    compiled = _compiles(env, monkeypatch)
    env.get_template("t.jinja")
    assert compiled == []


def test_the_folder_names_the_code_generator_and_follows_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "pycache_prefix", None)
    here = cache_folder(tmp_path)
    assert here.parent == tmp_path.resolve() / "__pycache__"
    monkeypatch.setattr(jinja2, "__version__", "0.0.0-other")
    assert cache_folder(tmp_path) != here  # another Jinja: another folder
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "prefix"))
    assert cache_folder(tmp_path).is_relative_to(tmp_path / "prefix")
    monkeypatch.setenv("CLIENTGEN_CACHE", "off")
    assert template_cache.template_cache() is None


def test_package_templates_render_the_same_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writes: None
) -> None:
    env = environment()
    monkeypatch.setattr(env, "bytecode_cache", TemplateCache(tmp_path / "cache"))
    plain = render("package/tests/init.py.jinja")
    for _ in range(2):  # compiled and stored, then loaded from the file
        env.cache.clear()  # type: ignore[union-attr]
        assert render("package/tests/init.py.jinja") == plain
    assert list((tmp_path / "cache").glob("*.cache"))
