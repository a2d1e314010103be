"""Short cuts in the views (issue 18): each answers as the general path does."""

from __future__ import annotations

from typing import Any

import jinja2
import pytest

from generator import escape
from generator.ir import AnyType, Field, Kind, ListOf, Model, Primitive, Schema, TypeRef, UnionOf
from generator.ir.models import NO_CONSTRAINTS, Constraints
from generator.naming.plan import Names
from generator.render import checks, field_views, safe
from generator.render.annotations import Annotator, Context, Imports, py_literal, union_members
from generator.render.contexts import PY_CODE
from generator.render.environment import UnsafeOutput, environment


def test_no_constraints_answer_as_an_equal_object() -> None:
    assert checks._constraint_items(NO_CONSTRAINTS) == checks._constraint_items(Constraints()) == []
    limits = Constraints(min_length=1, pattern="^a$", maximum=float("inf"))
    assert checks._constraint_items(limits) == [("pattern", '"^a$"'), ("min_length", "1")]


def test_one_member_union_as_the_general_ordering() -> None:
    """`top_parts` returns a single member (and `None` when nullable) without de-duplicating:
    what `union_members` makes of the same parts."""
    schemas: dict[str, Schema] = {}
    annotator = Annotator(schemas, Names(), frozenset({"str"}))
    cases: list[TypeRef] = [
        Primitive(kind)
        for kind in Kind
        if kind is not Kind.BINARY  # (a file in INPUT: one part as well)
    ]
    cases += [Primitive(Kind.INTEGER, nullable=True), Primitive(Kind.NULL, nullable=True)]
    cases += [AnyType(), AnyType(nullable=True), ListOf(Primitive(Kind.STRING), nullable=True)]
    cases += [UnionOf((Primitive(Kind.NULL), Primitive(Kind.INTEGER), Primitive(Kind.INTEGER)))]
    for t in cases:
        for ctx in Context:
            fast = annotator.top_parts(t, ctx, Imports())
            general = union_members(annotator._parts(t, ctx, Imports()), t.nullable)
            assert fast == general, (t, ctx)
    assert annotator.top_parts(Primitive(Kind.STRING, nullable=True), Context.MODEL, Imports()) == [
        "_b.str",
        "None",
    ]


def test_field_doc_without_notes_is_the_spec_text() -> None:
    plain = Field("a", Primitive(Kind.STRING), required=False, doc="The name.")
    empty = Field("b", Primitive(Kind.STRING), required=True)
    for f in (plain, empty):
        assert field_views._doc(f) == field_views.doc_with_notes(f) == f.doc
    noted = Field("c", Primitive(Kind.STRING), required=False, doc="Id.", deprecated=True)
    assert field_views._doc(noted) == field_views.doc_with_notes(noted) == "Id. Deprecated."


def test_docs_escaped_once_are_the_same_docs() -> None:
    for text in ("", 'Say "hi"', "a\\b", "x\r\ny"):
        assert field_views._field_doc(text) == safe.doc(text) == escape.py_docstring(text)
        assert type(safe.doc(text)) is safe.Doc
    assert safe.doc(safe.Doc("")) == ""


def _render(source: str, template: str = "t.py.jinja", **context: Any) -> str:
    env = environment()
    code = env.compile(source, name=template)
    return env.template_class.from_code(env, code, env.make_globals(None)).render(**context)


class _SubCode(safe.Code):  # not a marker type itself: the general check takes it
    __slots__ = ()


def test_values_printed_inline_as_the_general_check_prints_them() -> None:
    """A value of a marker type allowed where it lands is printed inline; every other value goes
    through `environment.checked`: both give its `str()`."""
    values: list[object] = [
        safe.Code("a + 1"),
        safe.Name("n"),
        safe.TemplateText("t"),
        _SubCode("s"),
    ]
    values += [3, 1.5, True, None]
    for value in values:
        assert _render("x = {{ v }}\n", v=value) == f"x = {value}\n"
        assert environment().checked("t.py.jinja", PY_CODE, value) == str(value)
        assert type(environment().checked("t.py.jinja", PY_CODE, value)) is str
    assert type(_SubCode("s")) not in environment().markers(PY_CODE)
    assert environment().markers(PY_CODE) == {safe.Code, safe.Name, safe.TemplateText}


def test_attributes_and_constants_as_jinja_gives_them() -> None:
    """`_getattr` is Jinja's: an item of a mapping when there is no attribute; a string constant is
    `TemplateText` (made once per module) and compares as its text."""
    view = {"kind": safe.TemplateText("model"), "name": safe.Name("Pet")}
    source = '{% if v.kind == "model" %}{{ v.name }} = {{ "x" }}{% endif %}\n'
    assert _render(source, v=view) == "Pet = x"  # (trim_blocks: the line end after a tag)
    assert (
        _render('{{ "a" if v.name else "b" }}{{ "a" if not v.name else "b" }}\n', v=view) == "ab\n"
    )
    with pytest.raises(jinja2.UndefinedError):
        _render("{{ v.missing }}\n", v=view)


def test_indent_of_one_line_is_the_line() -> None:
    indent = environment().filters["indent"]
    for value in (safe.Doc("one line"), safe.Doc(""), safe.Code("x = 1"), safe.Name("n")):
        assert indent(value, 4) == value and type(indent(value, 4)) is type(value)
    assert indent(safe.Doc("a\n\nb"), 4) == "a\n\n    b"
    with pytest.raises(UnsafeOutput):
        indent("plain", 4)


def test_json_scalars_as_the_encoder_writes_them() -> None:
    values: list[object] = ["a", 'é"\\\n\x00\ud800\u2028', "", True, False, None, 0, -5, 10**30]
    values += [1.5, -0.0, 1e300, float("nan"), float("inf")]
    for value in values:
        assert escape._scalar(value) == escape._SCALAR.encode(value), value


def test_strict_checks_skip_only_fields_without_checks() -> None:
    """A field without constraints and without a checked format adds nothing; the keys are the
    literals `py_literal` writes."""
    model = Model(
        "#/components/schemas/M",
        "M",
        "",
        extra=None,
        fields=(
            Field("a", Primitive(Kind.STRING), required=True),
            Field("b", Primitive(Kind.STRING), required=True, format="email"),
            Field(
                "c", Primitive(Kind.STRING), required=True, constraints=Constraints(max_length=3)
            ),
            Field("d", Primitive(Kind.STRING), required=True, constraints=Constraints()),
        ),
    )
    names = Names(fields={(model.id, w): safe.Name(w) for w in "abcd"})
    assert checks.strict_checks(model, names) == (
        '{"b": {"format": "email"}, "c": {"max_length": 3}}'
    )
    assert checks._KEYS == {k: py_literal(k) for k in checks._KEYS}
