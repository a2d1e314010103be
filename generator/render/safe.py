"""Marker types for text a template may print, and the constructors that make them.

The Jinja environment (`environment.py`) prints only instances of `Safe` (plus numbers, booleans and
`None`); a plain `str` — which is what any spec string is — stops the render with `UnsafeOutput`. So spec
text reaches a generated file only through one of the escapers of `generator/escape.py`, applied here (in
the view layer) or by the template filters of the same names. The marker says what the text was cleared
for:

- `Name`: an ASCII identifier or dotted path (`client.people.list`, `CASEBOOK_API_KEY`): checked when made,
  harmless in every context.
- `Code`: a Python source fragment the generator assembled from names, literals (`py_string`) and fixed
  punctuation (an annotation, a default, an import line).
- `Doc`: docstring text (`py_docstring`); `Comment`: one comment line (`py_comment`).
- `Toml`: a TOML string (`toml_string`); `Markdown`: Markdown prose or code (`md_text`, `md_code`).
- `TemplateText`: what the templates themselves contain (string literals, rendered macro output).
"""

from __future__ import annotations

import re
from typing import Self, TypeVar

from .. import escape


class Safe(str):
    """Text cleared for printing by a template."""

    __slots__ = ()


class Name(Safe):
    """An ASCII identifier, or identifiers joined by dots; "" allowed (prints nothing)."""

    __slots__ = ()
    _RE = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?\Z")

    def __new__(cls, value: str) -> Self:
        if (
            cls is Name
        ):  # one object per distinct name (graph-beta makes 943,000 Names, most repeats)
            known = _NAMES.get(value)
            if known is not None:
                return known  # type: ignore[return-value]
        # a plain ASCII identifier is what the expression matches without a dot, and most names
        # are one: `str`'s own checks first (≈ 0.13 against 0.32 µs), the expression for the rest
        if not (value.isascii() and value.isidentifier()) and not cls._RE.match(value):
            raise ValueError(f"not an identifier: {value!r}")
        made = super().__new__(cls, value)
        if cls is Name:
            if len(_NAMES) >= _MAX_NAMES:
                _NAMES.clear()
            _NAMES[made] = made
        return made


_NAMES: dict[str, Name] = {}  # keyed by the Name itself (a str): no second copy of the text
_MAX_NAMES = 1 << 20


class Code(Safe):
    """Python source the generator assembled (never raw spec text: literals come from `py`)."""

    __slots__ = ()


class Doc(Safe):
    """Docstring body text, escaped by `escape.py_docstring`."""

    __slots__ = ()


class Comment(Safe):
    """One line of comment text, escaped by `escape.py_comment`."""

    __slots__ = ()


class Toml(Safe):
    """A TOML string, escaped by `escape.toml_string`."""

    __slots__ = ()


class Markdown(Safe):
    """Markdown, escaped by `escape.md_text` / `escape.md_code`."""

    __slots__ = ()


class TemplateText(Safe):
    """Text written in a template (a string literal) or rendered by one (a macro's output)."""

    __slots__ = ()


NO_NAME = Name("")  # dataclass defaults
NO_CODE = Code("")
NO_DOC = Doc("")


_S = TypeVar("_S", bound=Safe)
_ESCAPED = (Code, Doc, Comment, Toml, Markdown)


def _raw(value: object, target: type[Safe]) -> str:
    """The text to escape: a plain string, a name or template text. Text escaped for another context is
    refused (escaping it again would garble it, and it is a sign of text printed in the wrong place)."""
    if isinstance(value, _ESCAPED) and not isinstance(value, target):
        raise TypeError(
            f"{type(value).__name__} text cannot be re-escaped as {target.__name__}: {value[:60]!r}"
        )
    return str(value)


def py(value: object) -> Code:
    """A Python literal: a string (`escape.py_string`), or a JSON scalar (None, bool, int, float)."""
    if isinstance(value, str):  # Code too: a forward reference is code in a string
        return Code(escape.py_string(_raw(value, Code)))
    return Code(escape.py_literal(value))


def doc(value: str) -> Doc:
    if not value and type(value) is str:  # (most docs of fields and enum members) nothing to escape
        return NO_DOC
    return value if isinstance(value, Doc) else Doc(escape.py_docstring(_raw(value, Doc)))


def comment(value: str) -> Comment:
    return value if isinstance(value, Comment) else Comment(escape.py_comment(_raw(value, Comment)))


def toml(value: str) -> Toml:
    if isinstance(value, Toml):
        raise TypeError(f"already a TOML string: {value[:60]!r}")
    return Toml(escape.toml_string(_raw(value, Toml)))


def md(value: str) -> Markdown:
    return value if isinstance(value, Markdown) else Markdown(escape.md_text(_raw(value, Markdown)))


def md_code(value: str, table: bool = False) -> Markdown:
    return Markdown(escape.md_code(_raw(value, Code), table=table))


def code(text: str) -> Code:
    """Mark generator-assembled Python source. Every part of `text` that came from the spec must already
    have gone through `py`, `Name` or the naming pass; use this only where the parts are visible."""
    return Code(text)


def join(sep: str, parts: list[_S] | tuple[_S, ...]) -> Code:
    """`sep.join(parts)` for code fragments (each one a marker, so nothing raw slips in)."""
    for part in parts:
        if not isinstance(part, (Code, Name)):
            raise TypeError(f"not code: {part!r}")
    return Code(sep.join(parts))
