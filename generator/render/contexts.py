"""Where in the output file a template prints a value: read from the template's own text at compile time.

The templates' literal text is scanned in the order Jinja compiles it (source order), with a small lexer per
output language, so every `{{ ... }}` is known to sit in Python code, a docstring, a one-line string or a
comment; in Markdown prose, an inline code span or a fenced code block (lexed as Python); or in TOML outside
or inside a string. `environment.py` then lets each position print only the marker types that are safe
there (`ALLOWED`): a `Doc` can never land in code, raw text never anywhere.

The scan assumes that each branch of an `{% if %}` leaves the lexer where it found it (a branch does not
open a string another branch closes); `Lexer.finish` checks that a template ends in its starting state.
"""

from __future__ import annotations

from . import safe

PY_CODE, PY_DOC, PY_STR, PY_COMMENT = "python code", "docstring", "string literal", "comment"
MD_TEXT, MD_CODE = "markdown text", "markdown code span"
TOML_VALUE, TOML_STR = "toml value", "toml string"

_ANYWHERE = (safe.Name, safe.TemplateText)
ALLOWED: dict[str, tuple[type, ...]] = {
    PY_CODE: (safe.Code, *_ANYWHERE),
    PY_DOC: (safe.Doc, *_ANYWHERE),
    PY_STR: _ANYWHERE,
    PY_COMMENT: (safe.Comment, *_ANYWHERE),
    MD_TEXT: (safe.Markdown, *_ANYWHERE),
    MD_CODE: _ANYWHERE,
    TOML_VALUE: (safe.Toml, *_ANYWHERE),
    TOML_STR: _ANYWHERE,
}


def language(template_name: str) -> str:
    if template_name.endswith(".md.jinja"):
        return "markdown"
    if template_name.endswith(".toml.jinja"):
        return "toml"
    return "python"


class PythonLexer:
    """Tracks code / docstring / string / comment across chunks of Python source."""

    def __init__(self) -> None:
        self.quote = ""  # '"""', "'''", '"', "'" while inside a string
        self.comment = False
        self.escaped = False

    @property
    def context(self) -> str:
        if self.comment:
            return PY_COMMENT
        if len(self.quote) == 3:
            return PY_DOC
        return PY_STR if self.quote else PY_CODE

    def feed(self, text: str) -> None:
        i = 0
        while i < len(text):
            ch = text[i]
            if self.comment:
                self.comment = ch != "\n"
            elif self.escaped:
                self.escaped = False
            elif self.quote:
                if ch == "\\":
                    self.escaped = True
                elif text.startswith(self.quote, i):
                    i += len(self.quote) - 1
                    self.quote = ""
                elif ch == "\n" and len(self.quote) == 1:
                    raise ValueError("a one-line string literal runs past the end of its line")
            elif ch == "#":
                self.comment = True
            elif ch in "\"'":
                triple = ch * 3
                self.quote = triple if text.startswith(triple, i) else ch
                i += len(self.quote) - 1
            i += 1

    @property
    def at_rest(self) -> bool:
        return not self.quote and not self.escaped


class MarkdownLexer:
    """Tracks prose / inline code / fenced code (lexed as Python) across chunks of Markdown."""

    def __init__(self) -> None:
        self.fence: PythonLexer | None = None
        self.span = 0  # length of the backtick run that opened the current code span
        self.line_start = True

    @property
    def context(self) -> str:
        if self.fence is not None:
            return self.fence.context
        return MD_CODE if self.span else MD_TEXT

    def feed(self, text: str) -> None:
        for line in text.splitlines(keepends=True):
            if self.line_start and line.lstrip(" ").startswith("```") and not self.span:
                self.fence = PythonLexer() if self.fence is None else None
                self.line_start = line.endswith("\n")
                continue
            if self.fence is not None:
                self.fence.feed(line)
            else:
                self._inline(line)
            self.line_start = line.endswith("\n")

    def _inline(self, line: str) -> None:
        i = 0
        while i < len(line):
            if line[i] == "`":
                run = len(line[i:]) - len(line[i:].lstrip("`"))
                if not self.span:
                    self.span = run
                elif run == self.span:
                    self.span = 0
                i += run
            else:
                i += 1

    @property
    def at_rest(self) -> bool:
        return self.fence is None and not self.span


class TomlLexer:
    """Tracks value / string / comment positions across chunks of TOML (basic strings only)."""

    def __init__(self) -> None:
        self.python = PythonLexer()  # TOML's basic strings and comments lex like Python's here

    @property
    def context(self) -> str:
        return TOML_STR if self.python.context != PY_CODE else TOML_VALUE

    def feed(self, text: str) -> None:
        self.python.feed(text)

    @property
    def at_rest(self) -> bool:
        return self.python.at_rest


Lexer = PythonLexer | MarkdownLexer | TomlLexer


def lexer_for(template_name: str) -> Lexer:
    kind = language(template_name)
    if kind == "markdown":
        return MarkdownLexer()
    if kind == "toml":
        return TomlLexer()
    return PythonLexer()
