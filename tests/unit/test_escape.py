"""The escapers (generator/escape.py) and the template output check (render/environment.py, contexts.py).

Each escaper is checked with the parser of its output language on any text Hypothesis draws (lone
surrogates, controls and separators included): the result parses as exactly one value of the right kind,
equal to the input (or to its documented normalisation), and nothing else. Then the Jinja environment:
a template cannot print a plain string anywhere, nor escaped text in a place it was not escaped for.
"""

from __future__ import annotations

import ast
import json
import tomllib
from typing import Any

import jinja2
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from generator import escape
from generator.render import safe
from generator.render.environment import UnsafeOutput, environment
from tests.support.examples import examples

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40) | st.sampled_from(
    ['"""', "'''", "\\", "\\N{", "\r\n", "\x00", "\x7f", "{{ x }}", "\u2028", "\ud800", "`", "``"]
)
SURROGATES = range(0xD800, 0xE000)


def _no_surrogates(text: str) -> str:
    return "".join("\ufffd" if ord(c) in SURROGATES else c for c in text)


@settings(max_examples=examples(400), deadline=None)
@given(text=ANY_TEXT)
def test_python_string_literal_is_one_literal_equal_to_the_text(text: str) -> None:
    literal = escape.py_string(text)
    assert "\n" not in literal and "\r" not in literal
    tree = ast.parse(f"x = {literal}  # trailing code stays code")
    assert len(tree.body) == 1 and ast.literal_eval(literal) == text


@settings(max_examples=examples(400), deadline=None)
@given(text=ANY_TEXT)
def test_docstring_text_stays_one_docstring(text: str) -> None:
    source = f'def f():\n    """{escape.py_docstring(text)}"""\n    return 1\n'
    tree = ast.parse(source)
    (func,) = tree.body
    assert isinstance(func, ast.FunctionDef) and len(func.body) == 2
    value = ast.get_docstring(func, clean=False)
    assert value is not None
    value.encode("utf-8")  # hidden characters are shown as text: a class __doc__ must encode
    visible = escape._visible(text.replace("\r\n", "\n").replace("\r", "\n").strip())
    assert value.rstrip(" ") == visible.rstrip(" ")


LINES = st.lists(
    st.sampled_from(["", " ", "\t", "  - item", "\tcode", "    deep", "text", ' "q"', "a  "])
    | ANY_TEXT,
    max_size=6,
).map("\n".join)


def _attribute_docstring(source: str) -> str | None:
    """The description pydantic (`use_attribute_docstrings`) reads from the attribute docstring of
    `x` in `source`: the class's source through `textwrap.dedent`, the string after the annotated
    assignment, `inspect.cleandoc`."""
    import inspect
    import textwrap

    (cls,) = ast.parse(textwrap.dedent(source)).body
    assert isinstance(cls, ast.ClassDef)
    ann, expr = cls.body
    assert isinstance(ann, ast.AnnAssign) and isinstance(expr, ast.Expr)
    assert isinstance(expr.value, ast.Constant) and isinstance(expr.value.value, str)
    return inspect.cleandoc(expr.value.value)


@settings(max_examples=examples(400), deadline=None)
@given(text=LINES)
@example(text="a\n\tcode\n  - item")  # a tab: its width depends on the indentation before it
@example(text="a  \n  \n\t\nb")  # lines of blanks: emptied
def test_docstring_text_is_what_pydantic_reads_from_the_attribute_docstring(text: str) -> None:
    """A field's `Field(description=…)` (`escape.docstring_text`) is the description pydantic took from
    the attribute docstring the field still has (`types_module.py.jinja`: indented by 4)."""
    if not text.strip():
        return  # no docstring is written
    body = escape.py_docstring(text).split("\n")
    indented = "\n".join([body[0], *("    " + line if line else line for line in body[1:])])
    source = f'class C:\n    x: int\n    """{indented}"""\n'
    assert escape.docstring_text(text, 4) == _attribute_docstring(source)


def test_docstring_text_ending_in_a_quote_does_not_close_early() -> None:
    source = f'"""{escape.py_docstring("say " + chr(34))}"""\nx = 1\n'
    assert len(ast.parse(source).body) == 2


@settings(max_examples=examples(300), deadline=None)
@given(text=ANY_TEXT)
def test_comment_text_stays_one_comment(text: str) -> None:
    tree = ast.parse(f"# {escape.py_comment(text)}\nx = 1\n")
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)


@settings(max_examples=examples(400), deadline=None)
@given(text=ANY_TEXT)
def test_toml_string_is_one_value_equal_to_the_text(text: str) -> None:
    parsed = tomllib.loads(f"k = {escape.toml_string(text)}\nother = 1\n")
    assert parsed == {"k": _no_surrogates(text), "other": 1}


_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _inline_tokens(markdown: str) -> list[Any]:
    blocks = _MD.parse(markdown)
    inline = [t for t in blocks if t.type == "inline"]
    return [child for t in inline for child in (t.children or [])]


@settings(max_examples=examples(400), deadline=None)
@given(text=ANY_TEXT)
def test_markdown_text_is_plain_text(text: str) -> None:
    """In a sentence, the escaped text renders as that text only (no emphasis, link, code, HTML, line
    break, entity); hidden characters show as `\\uXXXX`."""
    tokens = _inline_tokens(f"before {escape.md_text(text)} after")
    assert {t.type for t in tokens} <= {"text", "text_special"}, [t.type for t in tokens]
    rendered = "".join(t.content for t in tokens)
    assert rendered == "before " + escape._visible(" ".join(text.split())) + " after"


@settings(max_examples=examples(400), deadline=None)
@given(text=ANY_TEXT)
def test_markdown_code_span_is_one_code_span(text: str) -> None:
    shown = escape._visible(" ".join(text.split()))
    tokens = _inline_tokens(f"see {escape.md_code(text)} here")
    kinds = [t.type for t in tokens]
    if not shown:
        return
    assert kinds == ["text", "code_inline", "text"], kinds
    assert tokens[1].content.replace("\ufffd", "\x00") == shown


@settings(max_examples=examples(200), deadline=None)
@given(text=ANY_TEXT)
def test_markdown_code_in_a_table_cell_stays_in_its_cell(text: str) -> None:
    table = f"| a | b |\n| --- | --- |\n| {escape.md_code(text, table=True)} | x |\n"
    blocks = _MD.parse(table)
    cells = [t for t in blocks if t.type == "td_open"]
    assert len(cells) == 2  # the `|` in the text did not open a third cell


@settings(max_examples=examples(200), deadline=None)
@given(data=st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=4))
def test_json_document_is_utf8_json(data: dict[str, str]) -> None:
    text = escape.json_document(data)
    text.encode("utf-8")
    assert json.loads(text) == data


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(ANY_TEXT, inner, max_size=3)
        | st.dictionaries(st.integers() | st.booleans() | st.none(), inner, max_size=2)
    ),
    max_leaves=8,
)


@settings(max_examples=examples(200), deadline=None)
@given(
    data=st.dictionaries(ANY_TEXT.filter(lambda k: k != "items"), _JSON, max_size=3),
    items=st.lists(_JSON, max_size=4),
)
def test_json_document_items_is_json_document_one_item_at_a_time(
    data: dict[str, Any], items: list[Any]
) -> None:
    """The manifest's encoder (one operation at a time) writes exactly what `json_document` writes."""
    streamed = escape.json_document_items(data, "items", iter(items))
    assert streamed == escape.json_document({**data, "items": items})


# ---- the template output check -------------------------------------------------------------------
def render(source: str, template: str = "t.py.jinja", **context: Any) -> str:
    env = environment()
    code = env.compile(source, name=template)
    return env.template_class.from_code(env, code, env.make_globals(None)).render(**context)


RAW = 'x"""; import os  #'


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("x = {{ v }}\n", "t.py.jinja"),
        ('"""{{ v }}"""\n', "t.py.jinja"),
        ('x = "{{ v }}"\n', "t.py.jinja"),
        ("# {{ v }}\n", "t.py.jinja"),
        ("# {{ v }}\n", "t.md.jinja"),
        ("a `{{ v }}` b\n", "t.md.jinja"),
        ("```python\nx = {{ v }}\n```\n", "t.md.jinja"),
        ("k = {{ v }}\n", "t.toml.jinja"),
        ('k = "{{ v }}"\n', "t.toml.jinja"),
    ],
)
def test_a_plain_string_is_refused_everywhere(source: str, name: str) -> None:
    with pytest.raises(UnsafeOutput, match="printed str"):
        render(source, name, v=RAW)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("x = {{ v }}\n", safe.doc(RAW)),  # docstring text in code
        ('"""{{ v }}"""\n', safe.py(RAW)),  # a literal inside a docstring
        ('x = "{{ v }}"\n', safe.py(RAW)),  # a literal inside a literal
        ('x = "{{ v }}"\n', safe.doc(RAW)),
        ("x = {{ v }}\n", safe.md(RAW)),
        ("# {{ v }}\n", safe.doc(RAW)),
    ],
)
def test_escaped_text_is_refused_in_the_wrong_place(source: str, value: safe.Safe) -> None:
    with pytest.raises(UnsafeOutput, match=type(value).__name__):
        render(source, v=value)


def test_composing_at_render_time_is_refused() -> None:
    with pytest.raises(UnsafeOutput):
        render('x = {{ "prefix" + v }}\n', v=safe.Name("ok"))
    with pytest.raises(UnsafeOutput):
        render("x = {{ [v, v] | join(', ') }}\n", v=RAW)
    with pytest.raises(UnsafeOutput):
        render("x = {{ v | indent(4) }}\n", v=RAW)


def test_the_escaping_filters_and_marked_values_are_printed() -> None:
    out = render(
        'x = {{ v | py }}\n"""{{ v | doc | indent(4) }}"""\n# {{ v | comment }}\n'
        "{{ name }} = {{ n }} + {{ f }}\n{{ 'literal' }}\n",
        v=RAW,
        name=safe.Name("value"),  # a Name is printable anywhere
        n=3,
        f=1.5,
    )
    namespace: dict[str, Any] = {}
    exec(compile(out.replace("literal\n", ""), "t", "exec"), namespace)  # noqa: S102 - the test's own text
    assert namespace["x"] == RAW and namespace["value"] == 4.5


def test_toml_and_markdown_filters() -> None:
    toml = render("k = {{ v | toml }}\n", "t.toml.jinja", v=RAW + "\x7f")
    assert tomllib.loads(toml) == {"k": RAW + "\x7f"}
    md = render("# {{ v | md }}\n\n{{ v | md_code }}\n", "t.md.jinja", v="<b>*x*</b>")
    assert "<b>" not in _MD.render(md)


def test_a_template_that_ends_inside_a_string_does_not_compile() -> None:
    with pytest.raises(jinja2.TemplateSyntaxError, match="ends inside"):
        render('x = """{{ v }}\n', v=safe.Name("a"))


def test_names_are_checked_when_made() -> None:
    assert safe.Name("client.people.list") == "client.people.list"
    for bad in ["a b", "1x", "a-b", "x;y", "a\n", "é"]:
        with pytest.raises(ValueError):
            safe.Name(bad)


NAME_LIKE = st.text(
    st.sampled_from("aZ_09.é\u00aa\u0660\ufb01\u212a \n-$") | st.characters(codec=None), max_size=12
)


@settings(max_examples=examples(600), deadline=None)
@given(text=ANY_TEXT | NAME_LIKE)
@example(text="")
@example(text="a.b_1")
@example(text="a..b")
@example(text=".a")
@example(text="a.")
@example(text="\ufb01")  # an identifier to `str.isidentifier`, not ASCII
@example(text="\u212a")  # KELVIN SIGN: an identifier, not ASCII
@example(text="a\n")  # `$` would match before the newline; `\Z` does not
@example(text="_\u0660")
def test_a_name_is_accepted_exactly_when_the_expression_matches(text: str) -> None:
    """`Name`'s short cut (`isascii() and isidentifier()`) decides as its regular expression does."""
    expected = safe.Name._RE.match(text) is not None
    try:
        made = safe.Name(text)
    except ValueError:
        assert not expected
    else:
        assert expected and made == text and type(made) is safe.Name


def test_a_printable_text_has_no_hidden_character() -> None:
    """`_visible` returns a text `str.isprintable()` accepts as it is: no character of `_HIDDEN` is
    printable (every code point checked), and such a text is what the substitution leaves alone."""
    printable = "".join(ch for ch in map(chr, range(0x110000)) if ch.isprintable())
    assert escape._HIDDEN.search(printable) is None
    assert escape._visible("a\u200eb") == "a\\u200eb"  # unprintable: still shown
    assert escape._visible("tab\tand\nline") == "tab\tand\nline"  # unprintable, nothing hidden
    text = "plain text, ünïcode — and “quotes”"
    assert escape._visible(text) is text
