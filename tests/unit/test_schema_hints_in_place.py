"""Each named schema's naming hints set in place at `SchemaBuilder.finish` (`ir.quick_init.fill_once`,
issue 18, crumbs27) instead of a copy of every schema: the same IR as the copies, frozen to everyone
after; a copy wherever the one write cannot be made."""

from __future__ import annotations

import dataclasses
from dataclasses import FrozenInstanceError, make_dataclass
from pathlib import Path
from typing import Any

import pytest

import generator.parse.schemas
from generator.diagnostics import DiagnosticSink
from generator.ir import Alias, Enum, Model, ModelRef, NameHints, Primitive
from generator.ir.quick_init import fill_once, quick_init
from generator.ir.types import Kind
from generator.load import load_spec
from generator.parse import build_api
from generator.parse.canonical import Canonical
from generator.parse.schemas import SchemaBuilder
from generator.refs import Resolver

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted(
    [*(REPO / "tests" / "fixtures" / "specs").glob("*.y*ml")]
    + [*(REPO / "tests" / "fixtures" / "specs").glob("*.json")]
    + [*(REPO / "specs").glob("*/openapi.yml")]
)
HINTS = NameHints((("a", None),), (("a", None),), True)


# the same two fields, as each kind of class
_FIELDS: list[Any] = [("name", str), ("note", Any, None)]
Quick = quick_init(make_dataclass("Quick", _FIELDS, frozen=True, slots=True))
Frozen = make_dataclass("Frozen", _FIELDS, frozen=True, slots=True)
Open = make_dataclass("Open", _FIELDS, slots=True)
NoSlots = make_dataclass("NoSlots", _FIELDS, frozen=True)


@pytest.mark.parametrize("cls", [Quick, Frozen], ids=lambda c: c.__name__)
def test_a_field_holding_none_is_filled_once(cls: type[Any]) -> None:
    obj = cls("x")
    assert fill_once(obj, "note", HINTS) is True
    assert obj.note is HINTS and obj == cls("x", HINTS) and hash(obj) == hash(cls("x", HINTS))
    assert fill_once(obj, "note", "other") is False  # filled: never again
    assert obj.note is HINTS
    with pytest.raises(FrozenInstanceError):
        obj.note = None  # the class's own refusal is untouched


@pytest.mark.parametrize(
    ("obj", "name"),
    [
        (Quick("x", "set"), "note"),  # holds a value already
        (Quick("x"), "name"),  # not None
        (Quick("x"), "missing"),  # not a field
        (Open("x"), "note"),  # not frozen
        (NoSlots("x"), "note"),  # no slot
        (object(), "note"),  # not a dataclass
    ],
    ids=["set", "not-none", "no-field", "open", "no-slots", "plain"],
)
def test_nothing_is_written_where_the_one_write_does_not_apply(obj: object, name: str) -> None:
    before = dataclasses.astuple(obj) if dataclasses.is_dataclass(obj) else ()
    assert fill_once(obj, name, HINTS) is False
    assert (dataclasses.astuple(obj) if dataclasses.is_dataclass(obj) else ()) == before


def _api(spec: Path) -> tuple[str, list[Any]]:
    loaded = load_spec(spec, DiagnosticSink(file=str(spec)))
    sink = DiagnosticSink(file="spec")
    api = build_api(loaded, sink, Canonical(loaded.document))
    for schema in api.schemas.values():
        with pytest.raises(FrozenInstanceError):
            schema.hints = None  # type: ignore[misc]
        if schema.hints is not None:
            assert fill_once(schema, "hints", None) is False
    return repr(api), sink.sorted()


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_the_ir_equals_the_one_made_with_copies(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each fixture and committed spec: the IR and diagnostics with the hints set in place equal
    those of a run that copies every schema (as before), and no schema can be written to after."""
    in_place = _api(spec)
    monkeypatch.setattr(generator.parse.schemas, "fill_once", lambda obj, name, value: False)
    assert _api(spec) == in_place


def test_one_object_under_two_ids_is_copied_for_the_second() -> None:
    """A schema object `finish` meets twice (none does today) keeps each id's own hints: the second
    gets a copy, not a second write into the first."""
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "A": {"type": "object", "properties": {"x": {"type": "string"}}},
                "B": {"type": "object", "properties": {"x": {"type": "string"}}},
            }
        },
    }
    sink = DiagnosticSink()
    builder = SchemaBuilder(Resolver(doc, Path("spec.json"), sink), sink, "3.0", Canonical(doc))
    builder.register_components()
    builder.drain()
    a, b = "/components/schemas/A", "/components/schemas/B"
    builder.built[b] = builder.built[a]
    out = builder.finish()
    assert out[a] is builder.built[a] and out[b] is not out[a]
    assert (out[a].hints, out[b].hints) == (
        NameHints((("A", None),), (("A", None),), True),
        NameHints((("B", None),), (("B", None),), True),
    )
    assert isinstance(out[b], Model) and out[b].id == a  # otherwise the same object's fields


def test_every_kind_of_schema_takes_the_write() -> None:
    """Model, Enum and Alias: each a frozen slotted dataclass the one write applies to."""
    for schema in (
        Model("m", "M", "", (), None),
        Enum("e", "E", "", (), "string"),
        Alias("a", "A", "", ModelRef("m")),
        Alias("p", "P", "", Primitive(Kind.STRING)),
    ):
        assert fill_once(schema, "hints", HINTS) is True and schema.hints is HINTS
