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
from jinja2.compiler import CodeGenerator, Frame, optimizeconst

from ..paths import templates_dir
from . import safe
from .contexts import ALLOWED, Lexer, lexer_for
from .template_cache import template_cache


class UnsafeOutput(TypeError):
    """A template tried to print a value that is not marked safe for where it lands (a clientgen bug)."""


class _CheckingCodeGenerator(CodeGenerator):
    """Marks string constants and macro output as `TemplateText`, and checks every printed value against
    the output context its position in the template gives it.

    What the checks cost is kept small (issue 18: GitHub's package prints 315,000 values): a printed
    value whose exact type is one of the markers allowed where it lands is printed as it is, inline
    (its text is what `str()` of it gives); any other goes through `environment.checked`, which
    refuses it or gives its `str()`. The module binds `environment.getattr` once (`_getattr`), and
    each string constant of the template is made `TemplateText` once, when the module loads."""

    _lexer: Lexer
    _where: dict[int, str]
    _kinds: dict[str, str]  # output context → the module global holding its marker types
    _texts: dict[str, str]  # string constant → the module global holding it as TemplateText

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self._lexer = lexer_for(self.name or "")
        self._where = {}
        self._kinds = {}
        self._texts = {}
        super().visit_Template(node, frame)
        if not self._lexer.at_rest:
            raise jinja2.TemplateSyntaxError(
                f"{self.name} ends inside a string, code span or fence", 1, self.name, self.filename
            )
        # module globals, bound when the module loads (the functions above read them when called)
        self.writeline("_getattr = environment.getattr")
        for where, global_name in self._kinds.items():
            self.writeline(f"{global_name} = environment.markers({where!r})")
        for text, global_name in self._texts.items():
            self.writeline(f"{global_name} = environment.template_text({text!r})")

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        self.write("_getattr(")
        self.visit(node.node, frame)
        self.write(f", {node.attr!r})")

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                self._lexer.feed(child.data)
            else:
                self._where[id(child)] = self._lexer.context
        super().visit_Output(node, frame)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write("(_v if type(_v := ")

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        where = self._where[id(node)]
        kinds = self._kinds.setdefault(where, f"_kinds{len(self._kinds)}")
        self.write(f") in {kinds} else environment.checked({self.name!r}, {where!r}, _v))")

    def visit_Const(self, node: nodes.Const, frame: Frame) -> None:
        value = node.as_const(frame.eval_ctx)
        if isinstance(value, str):
            self.write(self._texts.setdefault(value, f"_text{len(self._texts)}"))
        elif isinstance(value, (list, tuple, dict)):  # a folded `{"a": "b"}` holds strings too
            self.write(f"environment.template_text({value!r})")  # (a new one each time: mutable)
        else:
            super().visit_Const(node, frame)

    def return_buffer_contents(self, frame: Frame, force_unescaped: bool = False) -> None:
        self.writeline(f"return environment.template_text(concat({frame.buffer}))")


# Exact types allowed per context (the marker classes are final in practice: no subclasses of them).
_PRINTABLE = {
    where: frozenset({*kinds, int, float, bool, type(None)}) for where, kinds in ALLOWED.items()
}


# The marker types allowed per context, printed as they are (`_CheckingCodeGenerator`).
_MARKERS = {
    where: frozenset(k for k in kinds if issubclass(k, str)) for where, kinds in ALLOWED.items()
}


def _markers(where: str) -> frozenset[type]:
    return _MARKERS[where]


def _checked(template: str, where: str, value: Any) -> str:
    """The text of a value printed where it is allowed (`str()` of it); anything else is refused."""
    if type(value) in _PRINTABLE[where] or isinstance(value, ALLOWED[where]):
        return str(value)
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
    markers = staticmethod(_markers)


def _indent(value: str, width: int = 4) -> safe.Safe:
    """Jinja's `indent` (the first line and blank lines left as they are) keeping the marker type."""
    if not isinstance(value, safe.Safe):
        raise UnsafeOutput(f"indent of an unescaped string: {value[:80]!r}")
    if "\n" not in value:  # (most docs: one line) nothing to indent
        return value
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


PIECE_CHUNKS = 4096  # template output chunks joined into one piece


def render_pieces(template: str, **context: object) -> list[str]:
    """`render` as pieces that end at line ends (their join is its text), for a large document
    (graph-beta's api.md: 25 M characters): `render` joins the list of every output chunk, and one
    character beyond Latin-1 makes the joined text two bytes per character."""
    pieces: list[str] = []
    chunks: list[str] = []
    for chunk in environment().get_template(template).generate(**context):
        chunks.append(chunk)
        if len(chunks) >= PIECE_CHUNKS:
            text = "".join(chunks)
            end = text.rfind("\n") + 1
            chunks = [text[end:]] if end < len(text) else []
            if end:
                pieces.append(text[:end])
    pieces.append("".join(chunks))
    return pieces
