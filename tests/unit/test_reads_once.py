"""What a structural edit's parent computes once instead of twice (issue 18, cpu25): the route index
of the same paths, a staged module's imports (read by the plan, then by the stage cache's note),
a snapshot maker's code per slot count, and a `render.safe` string unpickled without a Python call."""

from __future__ import annotations

import io
import sys
from types import FrameType
from typing import Any

import pytest

from generator.naming import routes
from generator.render import plan
from generator.render.safe import Code, Markdown, Name
from generator.stage import cache as stage_cache
from generator.stage import snapshot

PATHS = ["/pets", "/pets/{id}", "/pets/{id}/toys", "/stores/{sid}", "/pets"]


def test_the_route_index_of_the_same_paths_is_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[tuple[str, ...]] = []
    real = routes.RouteIndex._made
    monkeypatch.setattr(
        routes.RouteIndex, "_made", classmethod(lambda cls, p: made.append(p) or real(p))
    )
    routes.route_index.cache_clear()
    first = routes.RouteIndex.of(iter(PATHS))  # (any iterable: a generator over operations)
    assert routes.RouteIndex.of(list(PATHS)) is first and made == [tuple(PATHS)]
    other = routes.RouteIndex.of([*PATHS, "/stores"])  # another API's: its own
    assert other is not first and len(made) == 2
    assert other.collections == {"/pets", "/stores"} and first.collections == {"/pets"}
    assert first == real(tuple(PATHS))  # what it answers is the index of these paths
    routes.route_index.cache_clear()


def test_a_staged_modules_imports_are_read_once_for_the_plan_and_its_stub(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`Planned.add` reads a text's imports, then the stage cache's note of the same text
    (`Staging.observe` → `import_stub`) takes that answer; another text is read again."""
    reads: list[str] = []
    real = plan._imported
    monkeypatch.setattr(plan, "_imported", lambda text: reads.append(text) or real(text))
    text = "from ._models import A\nfrom .._errors import E\nfrom typing_extensions import Self\n"
    stubs: list[str | None] = []
    planned = plan.Planned(lambda rel, t: stubs.append(stage_cache.import_stub(str(t))))
    planned.add("src/p/a.py", text)
    assert reads.count(text) == 1 and planned.imported == {"_models", "_errors"}
    assert stubs[0] is not None and real(stubs[0]) == {"_models", "_errors"}  # (its check reads it)
    other = "from ._client import C\n"
    planned.add("src/p/b.py", other)
    assert reads.count(other) == 1 and reads.count(text) == 1
    assert stage_cache.import_stub(text) == stubs[0]  # (read again: not the last text)
    assert reads.count(text) == 2


def test_a_snapshot_maker_is_compiled_once_per_slot_count() -> None:
    from generator.ir import Field, Primitive

    snapshot._make_code.cache_clear()
    one = snapshot._maker(Field)
    assert snapshot._maker(Primitive).__code__ is snapshot._make_code(
        len(snapshot._slots(Primitive) or ())
    )
    again = snapshot._maker(Field)
    assert again.__code__ is one.__code__ and again is not one
    made = one(
        *(getattr(Field("a", Primitive("str"), False), n) for n in snapshot._slots(Field) or ())
    )
    assert made == Field("a", Primitive("str"), False)


def test_safe_strings_are_unpickled_without_a_python_call_each() -> None:
    values: list[Any] = [Name(f"name_{i}") for i in range(200)]
    values += [Code("x = 1"), Markdown("*a*"), {"k": Name("key")}, "plain"]
    buffer = io.BytesIO()
    snapshot._Pickler(buffer).dump(values)  # type: ignore[arg-type]
    calls = 0

    def count(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    unpickler = snapshot._Unpickler(io.BytesIO(buffer.getvalue()))
    unpickler.find_class("generator.render.safe", "Name")  # (the look-ups: once a process)
    sys.setprofile(count)
    try:
        loaded = unpickler.load()
    finally:
        sys.setprofile(None)
    assert loaded == values and [type(v) for v in loaded] == [type(v) for v in values]
    assert type(loaded[-2]["k"]) is Name
    assert calls < 20  # (the class look-ups; not one a string: 200 Names)


def test_the_runtime_modules_are_planned_without_reading_their_imports(
    build: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runtime modules come last, chosen from what the files before them import
    (`runtime_modules`): nothing planned after them reads their imports, so `Planned.add` does not
    (`last`); the files are those of a plan that reads every text."""
    from tests.support.views import PETSHOP

    api, sink = build(PETSHOP)
    runtime = {source for _, source in plan._runtime_sources().values()}
    reads: list[str] = []
    real = plan._imported
    monkeypatch.setattr(plan, "_imported", lambda text: reads.append(text) or real(text))
    texts, _ = plan.plan_files(api, sink)
    shipped = [t for rel, t in texts.items() if rel.rsplit("/", 1)[-1].startswith("_")]
    assert any(t in runtime for t in shipped)  # (runtime modules were planned)
    planned_reads = [t for t in reads if t in runtime and t in shipped]
    closure = {t for t in reads if t in runtime}  # (`runtime_modules` reads each source it follows)
    assert len(planned_reads) == len(closure)  # once each: by the closure, not again by the plan
    monkeypatch.setattr(plan.Planned, "add", _reading_add(plan.Planned.add))
    again, _ = plan.plan_files(*build(PETSHOP))
    assert again == texts


def _reading_add(real: Any) -> Any:
    def add(self: plan.Planned, rel: str, text: Any, **options: Any) -> None:
        options.pop("last", None)  # (every text read, as before)
        real(self, rel, text, **options)

    return add
