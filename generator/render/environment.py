"""The Jinja environment: strict, no autoescape, whitespace-controlled; filters are pure functions.

Templates cannot print a raw spec string, and cannot print escaped text in the wrong place. The code
generator below reads each template's own text as it compiles it (`contexts.py`) and wraps every
`{{ ... }}` in a check that knows where the value lands — Python code, a docstring, a one-line string, a
comment; Markdown prose, a code span, a fenced block; a TOML value or string — and lets through only the
marker types of `safe.py` allowed there (`contexts.ALLOWED`), plus numbers, booleans and `None`. Anything
else, a plain `str` above all (which is what any spec string is), raises `UnsafeOutput`.

What the templates themselves contain is marked `TemplateText`: their string literals
(`{{ "async " if is_async else "" }}`) and the output of their macros. Joining or concatenating at render
time gives a plain `str` again, which is refused, so text is composed in the views.

The escaping filters are the only ones that turn a plain string into printable text, one per context:
`py` (a Python literal), `doc` (a docstring), `comment`, `toml`, `md` (Markdown prose), `md_code` (a
Markdown code span; `md_code(table=true)` in a table cell). `pyrepr`, `docstring` and `tomlstr`, their
former names, are the same functions.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

from ..paths import templates_dir
from . import safe
from .contexts import ALLOWED, Lexer, lexer_for
from .template_cache import template_cache


class UnsafeOutput(TypeError):
    """A template tried to print a value that is not marked safe for where it lands (a clientgen bug)."""


class _CheckingCodeGenerator(CodeGenerator):
    """Marks string constants and macro output as `TemplateText`, and checks every printed value against
    the output context its position in the template gives it."""

    _lexer: Lexer
    _where: dict[int, str]

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self._lexer = lexer_for(self.name or "")
        self._where = {}
        super().visit_Template(node, frame)
        if not self._lexer.at_rest:
            raise jinja2.TemplateSyntaxError(
                f"{self.name} ends inside a string, code span or fence", 1, self.name, self.filename
            )

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                self._lexer.feed(child.data)
            else:
                self._where[id(child)] = self._lexer.context
        super().visit_Output(node, frame)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        where = self._where[id(node)]
        self.write(f"str(environment.checked({self.name!r}, {where!r}, ")

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write("))")

    def visit_Const(self, node: nodes.Const, frame: Frame) -> None:
        value = node.as_const(frame.eval_ctx)
        if isinstance(value, (str, list, tuple, dict)):  # a folded `{"a": "b"}` holds strings too
            self.write(f"environment.template_text({value!r})")
        else:
            super().visit_Const(node, frame)

    def return_buffer_contents(self, frame: Frame, force_unescaped: bool = False) -> None:
        self.writeline(f"return environment.template_text(concat({frame.buffer}))")


# Exact types allowed per context (the marker classes are final in practice: no subclasses of them).
_PRINTABLE = {
    where: frozenset({*kinds, int, float, bool, type(None)}) for where, kinds in ALLOWED.items()
}


def _checked(template: str, where: str, value: Any) -> Any:
    if type(value) in _PRINTABLE[where] or isinstance(value, ALLOWED[where]):
        return value
    raise UnsafeOutput(
        f"template {template} printed {type(value).__name__} {str(value)[:80]!r} in a {where}; "
        f"allowed there: {', '.join(t.__name__ for t in ALLOWED[where])} (use an escaping filter or a "
        "marked view field)"
    )


def _template_text(value: Any) -> Any:
    """A template's constant with every string in it marked `TemplateText`."""
    if isinstance(value, str):
        return safe.TemplateText(value)
    if isinstance(value, dict):
        return {_template_text(k): _template_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_template_text(v) for v in value)
    return value


class _Environment(jinja2.Environment):
    code_generator_class = _CheckingCodeGenerator
    template_text = staticmethod(_template_text)
    checked = staticmethod(_checked)


def _indent(value: str, width: int = 4) -> safe.Safe:
    """Jinja's `indent` (the first line and blank lines left as they are) keeping the marker type."""
    if not isinstance(value, safe.Safe):
        raise UnsafeOutput(f"indent of an unescaped string: {value[:80]!r}")
    first, *rest = value.split("\n")
    pad = " " * width
    return type(value)("\n".join([first, *(pad + line if line else line for line in rest)]))


def _join(values: Any, sep: str = "") -> safe.Safe:
    """Jinja's `join` for marked values only; the result keeps their marker when they share one (names
    joined by template text are template text)."""
    items = list(values)
    for item in items:
        if not isinstance(item, safe.Safe):
            raise UnsafeOutput(f"join of an unescaped value: {str(item)[:80]!r}")
    kinds = {type(item) for item in items} - {safe.Name, safe.TemplateText}
    if len(kinds) > 1:
        raise UnsafeOutput(
            f"join of text escaped for different contexts: {sorted(k.__name__ for k in kinds)}"
        )
    kind = kinds.pop() if kinds else safe.TemplateText
    return kind(sep.join(items))


@cache
def environment() -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=template_cache(),  # compiled templates kept like Python's bytecode
    )
    env.filters.clear()  # only the filters below: none of Jinja's returns unmarked text by accident
    env.filters.update(
        py=safe.py,
        doc=safe.doc,
        comment=safe.comment,
        toml=safe.toml,
        md=safe.md,
        md_code=safe.md_code,
        # the names these filters had before (same functions: still one escaper per context)
        pyrepr=safe.py,
        docstring=safe.doc,
        tomlstr=safe.toml,
        indent=_indent,
        join=_join,
        map=jinja2.filters.FILTERS["map"],
        selectattr=jinja2.filters.FILTERS["selectattr"],
        rejectattr=jinja2.filters.FILTERS["rejectattr"],
        list=jinja2.filters.FILTERS["list"],
    )
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
