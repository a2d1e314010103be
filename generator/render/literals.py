"""Python source for a sample value (`samples.py`), as a caller of the generated client writes it.

Every string, number and key goes through `safe.py` (`escape.py_literal`); the rest is punctuation
and names from the naming pass, so the result is `Code`. Two spellings:

- *typed*: what the argument's annotation asks for — `_dt.date(2024, 5, 6)` for a date, a model's
  `Cls.model_validate({...})`, an enum's value, a list of those;
- *wire*: JSON as it goes over the wire (dates as ISO text), for arguments that take a mapping
  (`body: Model | Mapping[str, Any]`, JSON:API `attributes=`).

A file is `("sample.pdf", b"...", "application/pdf")` (a form field), bytes (a raw body), or
`Path("sample.pdf")` (documentation).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..ir import (
    Alias,
    Kind,
    ListOf,
    MapOf,
    Model,
    ModelRef,
    Primitive,
    Schema,
    TypeRef,
    UnionOf,
)
from ..naming.names import Names
from .safe import Code, code, py
from .samples import FileSample, Sample, Sampler, parse_datetime

SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Files(enum.Enum):
    PART = "part"  # (filename, bytes, content type)
    BYTES = "bytes"
    PATH = "path"  # Path("sample.pdf"): documentation


@dataclass
class Uses:
    """What the literals written so far need imported."""

    schemas: set[str] = field(default_factory=set)  # model classes (`Cls.model_validate`)
    datetime: bool = False  # `import datetime as _dt`
    path: bool = False  # `from pathlib import Path`


class Literals:
    def __init__(self, schemas: Mapping[str, Schema], names: Names) -> None:
        self.schemas = schemas
        self.names = names
        self.sampler = Sampler(schemas)

    def typed(self, value: Sample, t: TypeRef, imports: Uses, files: Files = Files.PART) -> Code:
        """`value` spelled as a value of the Python type `t` is annotated with."""
        if isinstance(value, FileSample):
            return file_literal(value, files, imports)
        if value is None:
            return Code("None")
        if isinstance(t, Primitive) and isinstance(value, str):
            made = _temporal(t.kind, value, imports)
            if made is not None:
                return made
        if isinstance(t, ListOf) and isinstance(value, list):
            return code("[" + ", ".join(self.typed(v, t.item, imports, files) for v in value) + "]")
        if isinstance(t, MapOf) and isinstance(value, dict):
            return code(
                "{"
                + ", ".join(
                    f"{py(k)}: {self.typed(v, t.value, imports, files)}" for k, v in value.items()
                )
                + "}"
            )
        if isinstance(t, UnionOf):
            variant = next((v for v in t.variants if self.sampler.fits(v, value)), None)
            return (
                self.wire(value) if variant is None else self.typed(value, variant, imports, files)
            )
        if isinstance(t, ModelRef):
            schema = self.schemas[t.id]
            if isinstance(schema, Alias):
                return self.typed(value, schema.target, imports, files)
            if isinstance(schema, Model) and isinstance(value, dict):
                imports.schemas.add(t.id)
                return code(f"{self.names.schema_class[t.id]}.model_validate({self.wire(value)})")
        return self.wire(value)

    def wire(self, value: Sample) -> Code:
        """`value` as a JSON-like Python literal (dicts, lists, str, int, float, bool, None)."""
        if isinstance(value, FileSample):
            return py(value.filename)
        if isinstance(value, dict):
            return code("{" + ", ".join(f"{py(k)}: {self.wire(v)}" for k, v in value.items()) + "}")
        if isinstance(value, list):
            return code("[" + ", ".join(self.wire(v) for v in value) + "]")
        return py(value)


def file_literal(value: FileSample, files: Files, imports: Uses) -> Code:
    if files is Files.PATH:
        imports.path = True
        return code(f"Path({py(value.filename)})")
    content = Code(_bytes_literal(SAMPLE_PDF))
    if files is Files.BYTES:
        return content
    return code(f"({py(value.filename)}, {content}, {py(value.content_type)})")


def _bytes_literal(data: bytes) -> str:
    """A bytes literal of generator-owned content (never spec text)."""
    return repr(data)


def _temporal(kind: Kind, text: str, imports: Uses) -> Code | None:
    try:
        if kind is Kind.DATE:
            d = dt.date.fromisoformat(text)
            imports.datetime = True
            return code(f"_dt.date({d.year}, {d.month}, {d.day})")
        if kind is Kind.DATETIME:
            t = parse_datetime(text)
            imports.datetime = True
            parts = [t.year, t.month, t.day, t.hour, t.minute, t.second]
            args = ", ".join(str(p) for p in parts + ([t.microsecond] if t.microsecond else []))
            return code(f"_dt.datetime({args}{_tz(t.utcoffset())})")
        if kind is Kind.TIME:
            tm = dt.time.fromisoformat(text.upper().replace("Z", "+00:00"))
            imports.datetime = True
            args = ", ".join(
                str(p)
                for p in [tm.hour, tm.minute, tm.second]
                + ([tm.microsecond] if tm.microsecond else [])
            )
            return code(f"_dt.time({args}{_tz(tm.utcoffset())})")
    except ValueError:
        return None
    return None


def _tz(offset: dt.timedelta | None) -> str:
    if offset is None:
        return ""
    if not offset:
        return ", tzinfo=_dt.timezone.utc"
    return f", tzinfo=_dt.timezone(_dt.timedelta(seconds={int(offset.total_seconds())}))"
