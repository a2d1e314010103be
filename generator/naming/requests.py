"""Names a feature needs, asked of the naming pass as data: the pass claims them, nobody else mints.

A feature (`generator/features/`) describes each name it needs — what kind of identifier, in which
namespace, from which words — and reads the result back from `Names.requested[key]` by its own key."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class NameKind(enum.Enum):
    CLASS = (
        "class"  # a package-level class, unique among the schema classes and the runtime's names
    )
    ERROR_CLASS = "error class"  # an exception class, unique among the runtime's exceptions
    METHOD = "method"  # a method of the resource of operation `scope` (an op key), beside its own
    ARGUMENT = "argument"  # an argument of the signature `scope`
    ATTRIBUTE = "attribute"  # an attribute of the class `scope`
    VARIABLE = "variable"  # a variable of an example `scope`


@dataclass(frozen=True, slots=True)
class NameRequest:
    """A name a feature asks the naming pass for, and how to make it."""

    key: tuple[str, ...]  # the feature's handle: ("jsonapi", "fields", schema id)
    kind: NameKind
    hint: str  # the words to make it from (raw spec or config text)
    scope: str = ""  # the namespace within its kind (METHOD: a resource tag; others: a key)
    after_class: str = ""  # a schema id: the name starts with that schema's class name
    exact: bool = False  # the configuration gave this name: used as it is unless it is taken
    singular: bool = False  # the hint's last word made singular (`providers` → `provider`)
    suffix: str = ""  # words after the hint (`providers` + `id` → `provider_id`)
