"""The escapers: the one way spec text reaches each kind of output. Pure functions, no dependencies.

Spec text is untrusted (it comes from a vendor, a docs host behind `live_url`, a pull request). Each output
context has exactly one function here that turns any `str` into text that stays inside that context:

| context                          | function        | what cannot happen                                  |
| -------------------------------- | --------------- | --------------------------------------------------- |
| Python string literal            | `py_string`     | closing the literal, a line break, a bad escape     |
| Python literal of a JSON scalar  | `py_literal`    | as `py_string`; non-finite floats become `None`     |
| Python docstring body            | `py_docstring`  | closing the docstring (`\"\"\"`), a bad escape (`\\N{`)  |
| Python comment                   | `py_comment`    | a line break (which would end the comment)          |
| TOML basic string                | `toml_string`   | closing the string, a raw control character         |
| Markdown prose                   | `md_text`       | markup, HTML, a new block, a table cell break       |
| Markdown inline code             | `md_code`       | closing the code span, a line break                 |
| JSON document                    | `json_document` | text that is not valid UTF-8 JSON                   |

Characters that are not printable (controls, DEL, lone surrogates, line/paragraph separators, bidirectional
overrides) are written as escapes in Python and TOML, and as visible `\\uXXXX` text in Markdown, so no output
file can hide text from a reader (Trojan Source) or fail to encode as UTF-8.

`docstring_text` is no escaper: it is what a `py_docstring` attribute docstring reads as (pydantic's
description of the field), which the renderer writes again through `py_string` as `Field(description=…)`.
"""

from __future__ import annotations

import inspect
import json
import math
import re
from collections.abc import Iterable
from typing import Any

_SHORT = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _u(ch: str) -> str:
    """A `\\xNN`, `\\uNNNN` or `\\UNNNNNNNN` escape: the same in Python source and (as text) in Markdown."""
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def py_string(value: str) -> str:
    """A Python string literal equal to `value`, on one line: in double quotes, or in single quotes when
    that needs fewer escapes (as `ruff format` would write it). The delimiter, `\\`, line breaks and every
    character that is not printable are escaped. For code positions only: in a single-quoted literal a
    `\"\"\"` stays as it is, so it does not belong in a docstring (`py_docstring` does)."""
    quote = "'" if '"' in value and "'" not in value else '"'
    if value.isprintable() and quote not in value and "\\" not in value:
        return f"{quote}{value}{quote}"
    out = [quote]
    for ch in value:
        short = _SHORT.get(ch) if ch != '"' else None
        if ch == quote:
            out.append("\\" + ch)
        elif short is not None:
            out.append(short)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.append(_u(ch))
    out.append(quote)
    return "".join(out)


def py_literal(value: object) -> str:
    """A Python literal for a JSON scalar (str, int, float, bool, None)."""
    if isinstance(value, str):
        return py_string(value)
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "None"
    raise TypeError(f"not a JSON scalar: {type(value).__name__}")


# Characters that hide or reorder text, break lines for some readers, or cannot be encoded as UTF-8:
# C0/C1 controls but tab and line feed, DEL, lone surrogates, line/paragraph separators, bidi controls.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _visible(text: str) -> str:
    if text.isprintable():  # most texts (one line): every character `_HIDDEN` names is unprintable
        return text
    return _HIDDEN.sub(lambda m: _u(m.group()), text)


def py_docstring(text: str) -> str:
    """Text made safe inside a `\"\"\"` docstring: line breaks kept (CR/LF normalised), hidden characters
    shown as `\\uXXXX` text (a docstring holding a lone surrogate cannot even be a class's `__doc__`),
    every backslash doubled (so `\\N{`, `\\u` and a final `\\` are text), `\"\"\"` broken up, other quotes
    kept, and a space after a final `"`."""
    return _docstring_value(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def docstring_text(text: str, indent: int) -> str:
    """What pydantic takes as a field's description from an attribute docstring written as
    `py_docstring(text)`, its lines after the first indented by `indent` spaces: the docstring's value
    (escapes undone) with its blank lines emptied (pydantic reads the class's source through
    `textwrap.dedent`, which empties lines of only spaces and tabs) and cleaned by `inspect.cleandoc`.
    The generator writes it as the field's `Field(description=…)`, so pydantic reads no source."""
    first, *rest = _docstring_value(text).split("\n")
    pad = " " * indent
    value = "\n".join([first, *(pad + line if line else line for line in rest)])
    return inspect.cleandoc(_BLANK_LINE.sub("", value))


_BLANK_LINE = re.compile(r"^[ \t]+$", re.MULTILINE)


def _docstring_value(text: str) -> str:
    """The value of `py_docstring(text)` in a docstring: the text with its escapes undone."""
    text = _visible(text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return text + " " if text.endswith('"') else text


def py_comment(text: str) -> str:
    """One line of comment text: whitespace runs (line breaks included) become one space, hidden
    characters are escaped."""
    return _visible(" ".join(text.split()))


_TOML_SHORT = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(value: str) -> str:
    """A TOML basic string (`"..."`) equal to `value`. Controls, DEL and the other hidden characters are
    `\\uXXXX` escapes; a lone surrogate (which TOML cannot represent) becomes U+FFFD."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        short = _TOML_SHORT.get(ch)
        if short is not None:
            out.append(short)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\uFFFD")
        elif code < 0x20 or _HIDDEN.match(ch):
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# ASCII punctuation that means something inline to CommonMark or GitHub (code, emphasis, links, images,
# HTML, entities, table cells, strikethrough, math); a backslash makes each one literal. An underscore
# between two letters or digits cannot start or end emphasis and is left as it is.
_MD_INLINE = re.compile(r"[\\`*{}\[\]<>!|~&$]|(?<![^\W_])_|_(?![^\W_])")


def md_text(value: str) -> str:
    """Markdown prose inside a line (a heading's text, a sentence, a table cell): one line, every inline
    markup character escaped, hidden characters shown as `\\uXXXX` text. Not for the start of a line,
    where `-`, `#` or `1.` would open a block."""
    return _MD_INLINE.sub(r"\\\g<0>", _visible(" ".join(value.split())))


def md_code(value: str, *, table: bool = False) -> str:
    """An inline code span showing `value` on one line; `table`: it sits in a table cell, where `|` must be
    written `\\|` even inside code."""
    line = _visible(" ".join(value.split()))
    if table:
        line = line.replace("|", "\\|")
    runs = re.findall(r"`+", line) if "`" in line else ()  # (most spans: no backtick in them)
    fence = "`" * (max((len(run) for run in runs), default=0) + 1)
    if line.startswith("`") or line.endswith("`") or (line[:1] == " " and line[-1:] == " "):
        line = f" {line} "
    return f"{fence}{line}{fence}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_document(data: Any) -> str:
    """`data` as indented UTF-8 JSON text; a lone surrogate (not encodable as UTF-8) is written `\\udXXX`."""
    return _no_surrogates(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def _no_surrogates(text: str) -> str:
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_document_items(data: dict[str, Any], key: str, items: Iterable[Any]) -> str:
    """`json_document({**data, key: list(items)})`, with `key` last, encoded one item at a time: json's
    indented encoder builds a list of every token first (for graph-beta's 22,361 operations, about six
    times the 30 MB of text), and the items themselves are never all in memory."""
    return "".join(json_document_pieces(data, key, items))


def json_document_pieces(data: dict[str, Any], key: str, items: Iterable[Any]) -> list[str]:
    """`json_document_items` as the pieces that make it, one per item (and the document around them):
    written one after the other they are the text, which is never built (graph-beta's manifest is
    30 MB of ASCII, which joined with the header's dash would be a 60 MB string)."""
    pieces = [item if type(item) is Made else item_piece(item) for item in items]
    if not pieces:
        return [json_document({**data, key: []})]
    head, tail = document_shell(data, key)
    for i in range(len(pieces) - 1):
        pieces[i] += ",\n    "
    return [head, *pieces, tail]


class Made(str):
    """An item's piece as `item_piece` made it (an earlier run's: `json_document_pieces` takes it
    as it is)."""

    __slots__ = ()


def item_piece(item: Any) -> str:
    """One item of `json_document_pieces`' list, as its text holds it (at depth 2)."""
    return _no_surrogates(_indented(item, "\n    "))


def document_shell(data: dict[str, Any], key: str) -> tuple[str, str]:
    """What `json_document_pieces` writes before its items and after them (a non-empty list)."""
    shell = _no_surrogates(json.dumps({**data, key: [None]}, indent=2, ensure_ascii=False))
    at = shell.rindex("null")  # the placeholder: the last value of the document
    return shell[:at], shell[at + 4 :] + "\n"


def item_pieces(text: str, data: dict[str, Any], key: str) -> list[Made] | None:
    """The items' pieces of a text `json_document_pieces(data, key, …)` wrote, or None when it is
    not one. Each item is an object at depth 2: between two, the text holds `,` and a new line
    indented four spaces then `{`, which no item holds (a string's new lines are escaped, and an
    item's own members are indented deeper)."""
    head, tail = document_shell(data, key)
    if not (text.startswith(head) and text.endswith(tail)) or len(text) < len(head) + len(tail):
        return None
    middle = text[len(head) : len(text) - len(tail)]
    if not middle.startswith("{"):
        return None
    parts = middle.split(",\n    {")
    return [Made(p if i == 0 else "{" + p) for i, p in enumerate(parts)]


def _indented(value: Any, newline: str) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)` at the depth `newline` indents to. Written out
    because json's indented encoder is pure Python whose closures form a reference cycle per call,
    garbage the pipeline's paused cycle collector would keep (`pipeline._no_cycle_collection`); the
    scalars go through json's C encoder, which has none."""
    if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        inner = newline + "  "
        body = (",").join(f"{inner}{_scalar(k)}: {_indented(v, inner)}" for k, v in value.items())
        return "{" + body + newline + "}"
    if isinstance(value, (list, tuple)) and value:
        inner = newline + "  "
        return "[" + ",".join(inner + _indented(v, inner) for v in value) + newline + "]"
    if isinstance(value, (dict, list, tuple)) and not value:
        return "{}" if isinstance(value, dict) else "[]"
    if isinstance(value, dict):  # keys json would convert: its own encoder, indented the same way
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)
    return _scalar(value)


_SCALAR = json.JSONEncoder(ensure_ascii=False)
_STRING = json.encoder.encode_basestring  # what the encoder above does with a `str` (C)
_PLAIN = {True: "true", False: "false", None: "null"}


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:  # (most scalars of operations.json) without the encoder's own call
        return _STRING(value)
    if kind is bool or value is None:
        return _PLAIN[value]
    if kind is int:
        return int.__repr__(value)
    return _SCALAR.encode(value)
