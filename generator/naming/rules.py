"""Every identifier rule in one place: sanitising, casing, reserved words, and scoped unique names.

Names are decided once, in `plan_names` (see naming.plan), from the frozen IR; nothing is renamed later.
A name that had to change to become unique keeps its wire name as an alias, and a collision is reported
as a warning diagnostic naming both sources.
"""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

_WORD_SPLIT = re.compile(r"[^0-9a-zA-Z]+")
# Where a camel-case spelling is cut (`userId`, `HTTPServer`): between a lower-case letter or digit
# and a capital, and between two capitals when a lower-case letter follows. Marked as empty matches
# at every such place of the text at once: the same places two passes of the consuming pattern
# `([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])` (each pass leaves the overlapping ones to the next) find.
_CAMEL_CUT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

PY_KEYWORDS = frozenset(keyword.kwlist)
PY_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_"))
# Attribute names of pydantic.BaseModel (and our own) that a field must not shadow.
MODEL_RESERVED = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
        "to_dict",
        "to_json",
        "model_config",
        "model_fields",
        "model_computed_fields",
        "model_extra",
        "model_fields_set",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "model_private_attributes",
        "fields",
        "register",
    }
)
# Names the generated method signatures use for themselves.
METHOD_RESERVED = frozenset(
    {"self", "body", "extra_headers", "extra_query", "extra_body", "timeout", "max_retries"}
)
# what a field may not be called (`field_name`, once per property: computed once)
_FIELD_RESERVED = PY_BUILTINS & {"print", "exec", "eval"} | MODEL_RESERVED
RESOURCE_RESERVED = frozenset({"with_raw_response"})
# what an argument (`param_name`) and a class (`class_name`) may not be called: built once
_PARAM_RESERVED = METHOD_RESERVED | {"cast", "httpx"}
_CLASS_RESERVED = frozenset({"None", "True", "False"})
# Keyword arguments of the generated clients' constructors; credential arguments must not take them.
CLIENT_OPTIONS = frozenset(
    {
        "self",
        "base_url",
        "region",
        "timeout",
        "max_retries",
        "http_client",
        "default_headers",
        "strict_response_validation",
        "max_retry_wait",
        "pace_rate_limit",
        "max_response_bytes",
        "total_timeout",
    }
)
# Public attributes and methods of the generated clients (runtime BaseClient); resources must not shadow them.
CLIENT_RESERVED = frozenset(
    {
        "with_raw_response",
        "close",
        "with_options",
        "request",
        "base_url",
        "copy",
        "timeout",
        "max_retries",
        "default_headers",
        "error_codes",
        "user_agent",
        "strict_response_validation",
        "max_retry_wait",
        "pace_rate_limit",
        "idempotency_header",
        "is_closed",
    }
)


def ascii_fold(text: str) -> str:
    if text.isascii():  # NFKD leaves ASCII as it is
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """Split any spelling (camelCase, snake_case, kebab-case, spaces, PascalCase) into lower words."""
    text = ascii_fold(text)
    lower = text.lower()
    if text == lower:  # no capital letter: nothing for `_CAMEL_CUT` to cut (snake_case, kebab-case)
        return tuple(filter(None, _WORD_SPLIT.split(lower)))  # the non-empty pieces
    # ASCII (folded): lower-casing before the split cuts at the same places
    return tuple(filter(None, _WORD_SPLIT.split(_CAMEL_CUT.sub(" ", text).lower())))


def snake(text: str) -> str:
    return "_".join(words(text))


def pascal(text: str) -> str:
    # `words` gives lower-case ASCII letters and digits only: `capitalize` upper-cases the first
    # character as `w[:1].upper() + w[1:]` would (the rest is lower case already)
    return "".join(map(str.capitalize, words(text)))


def upper_snake(text: str) -> str:
    return snake(text).upper()


def safe_identifier(name: str, fallback: str, reserved: frozenset[str] = frozenset()) -> str:
    """Make `name` a usable identifier: non-empty, not starting with a digit, not reserved."""
    if not name:
        name = fallback
    if name[0].isdigit():
        pascal_case = fallback[0].isupper() and not fallback.isupper()
        name = f"{fallback}{name}" if pascal_case else f"{fallback}_{name}"
    if name in PY_KEYWORDS or name in reserved:
        name = name + "_"
    return name


@lru_cache(maxsize=65536)  # GitHub's spec: 37,700 fields, 4,900 distinct wire names
def field_name(wire: str) -> str:
    return safe_identifier(snake(wire), "field", _FIELD_RESERVED)


def param_name(wire: str) -> str:
    return safe_identifier(snake(wire), "param", _PARAM_RESERVED)


def class_name(hint: str) -> str:
    return safe_identifier(pascal(hint), "Model", _CLASS_RESERVED)


# File systems allow 255 bytes per name; a module name derived from spec text (an inline schema's place,
# a tag) can be longer. Module names are cut to this many characters (collision suffixes and the
# `test_` prefix of the shipped tests come on top), so every generated file name stays under 120 bytes.
MODULE_NAME_LIMIT = 100
_DIGEST_LEN = 10


def module_name(name: str, limit: int = MODULE_NAME_LIMIT) -> str:
    """A module (file) name of at most `limit` characters for the snake_case `name`: itself when it
    fits, else a readable prefix (cut at a word boundary) then `_` and the first 10 hex digits of the
    SHA-256 of the whole name. The result depends on `name` alone (deterministic, independent of
    document order); two different long names get different digests (short of a 40-bit collision,
    which the module scope's numeric suffix would still keep apart)."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:_DIGEST_LEN]
    room = limit - _DIGEST_LEN - 1
    cut = name[:room]
    head = cut.rsplit("_", 1)[0]
    if name[room] != "_" and len(head) >= room // 2:  # end on a whole word unless that loses much
        cut = head
    return f"{cut.rstrip('_') or 'module'}_{digest}"


def error_class_name(code: str, runtime: frozenset[str]) -> str:
    """The exception class of an `error.code` value: `invalid_state` → `InvalidStateError`; a name the
    runtime has (`not_found` → `NotFoundError`) becomes `NotFoundCodeError`."""
    base = class_name(code)
    name = base if base.endswith("Error") else base + "Error"
    return base.removesuffix("Error") + "CodeError" if name in runtime else name


_SEPARATED = re.compile(r"[^0-9a-zA-Z]")
_LOWER_UPPER = re.compile(r"([a-z0-9])([A-Z])")


def member_words(text: str) -> tuple[str, ...]:
    """Words of an enum value: a value written with separators (`a Thing WIth spaces`, `in-progress`)
    is split at them only, and at lower→upper changes inside a word (`fooBar`); a value without any
    (`HTTPServer`, `inProgress`) is split like an identifier (`words`)."""
    folded = ascii_fold(text)
    if not _SEPARATED.search(folded.strip()):
        return words(text)
    split = _LOWER_UPPER.sub(r"\1 \2", folded)
    return tuple(w.lower() for w in _WORD_SPLIT.split(split) if w)


def enum_member_name(value: object) -> str:
    if type(value) is str:  # most values; GitHub: 9,200 members, 830 distinct values
        return text_member_name(value)
    return _member_name(value)


@lru_cache(maxsize=65536)
def text_member_name(value: str) -> str:
    """`enum_member_name` of a string, remembered (emptied with the other naming caches)."""
    return _member_name(value)


def _member_name(value: object) -> str:
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    text = "_".join(member_words(str(value))).upper()
    if not text:
        text = "VALUE" if isinstance(value, str) and value == "" else "EMPTY"
        if not isinstance(value, str):
            text = "VALUE"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # `abs` of an int-or-float is typed `float`; as `Any` the compiled build keeps 1 an int (not 1.0)
        number: Any = value
        text = ("NEG_" if number < 0 else "") + "VALUE_" + str(abs(number)).replace(".", "_")
    return safe_identifier(text, "VALUE", frozenset({"MRO", "NAME", "VALUE_"}))


@dataclass
class Scope:
    """Hands out unique names in one namespace; the first claimant keeps the plain name."""

    taken: set[str] = field(default_factory=set)
    casefold: bool = False  # for module names on case-insensitive file systems
    sep: str = ""  # "_" for snake_case scopes (attributes, arguments, modules)

    def claim(self, name: str) -> str:
        key = name.lower() if self.casefold else name
        if key not in self.taken:  # most claims: the plain name is free
            self.taken.add(key)
            return name
        candidate, n = name, 2
        sep = self.sep or ("_" if name[-1:].isdigit() else "")
        while self._key(candidate) in self.taken:
            candidate, n = f"{name}{sep}{n}", n + 1
        self.taken.add(self._key(candidate))
        return candidate

    def reserve(self, *names: str) -> None:
        if self.casefold:
            self.taken.update(n.lower() for n in names)
        else:  # (the names are their own keys: GitHub's 6,900 schema classes in one call)
            self.taken.update(names)

    def is_taken(self, name: str) -> bool:
        return self._key(name) in self.taken

    def _key(self, name: str) -> str:
        return name.lower() if self.casefold else name


@cache
def _singular_rules() -> tuple[re.Pattern[str], list[tuple[re.Pattern[str], str]]]:
    """`inflection.singularize`'s rules, compiled once: it spells a pattern per uncountable word and
    looks each rule up in `re`'s cache for every call (GitHub: 28,000 lookups for 557 words). Made at
    the first word (≈ 3 ms of the import otherwise: an edit that names nothing never asks)."""
    import inflection

    uncountable = re.compile(r"(?i)\b(" + "|".join(sorted(inflection.UNCOUNTABLES)) + r")\Z")
    return uncountable, [
        (re.compile(rule), replacement) for rule, replacement in inflection.SINGULARS
    ]


# `singular`'s answers an earlier process worked out with the same rules (`tell_singulars`)
_TOLD: dict[str, str] = {}


def tell_singulars(answers: Mapping[str, str]) -> None:
    """Take these answers of `singular` (word → its singular), worked out by another process of
    the same generator (a structural replay's: the snapshot's notes, `stage/notes.py`), instead
    of the rules: the words a replay names with need not compile them (48 patterns)."""
    _TOLD.update(answers)


def told_singulars() -> dict[str, str]:
    """What `tell_singulars` was told in this process."""
    return dict(_TOLD)


@lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """The singular of an English noun (`statuses` → `status`, `people` → `person`), by the maintained
    Rails inflector port's rules (`inflection.singularize`'s answer); words it leaves alone (`data`,
    `news`, `series`) stay as they are."""
    told = _TOLD.get(word)
    if told is not None:
        return told
    uncountable, rules = _singular_rules()
    if uncountable.search(word):
        return word
    for rule, replacement in rules:
        if rule.search(word):
            return rule.sub(replacement, word)
    return word


def resource_words(*texts: str) -> frozenset[str]:
    """Every word of `texts`, as written and singular: what a method name need not repeat."""
    return frozenset(w for t in texts for x in words(t) for w in (x, singular(x)))


def method_words(operation_id: str, own: frozenset[str]) -> list[str]:
    """The words of an operationId a method name keeps: not the resource's own words (`own`, see
    `resource_words`), and no trailing `by id` after other words."""
    kept = [w for w in words(operation_id) if w not in own and singular(w) not in own]
    if kept[-2:] == ["by", "id"] and len(kept) > 2:
        kept = kept[:-2]
    return kept


def method_name(operation_id: str, tag: str) -> str:
    """Derive a verb-like method name: `sendReferral` on tag `Referrals` → `send`."""
    kept = method_words(operation_id, resource_words(tag)) or list(words(operation_id))
    return safe_identifier("_".join(kept), "call", METHOD_RESERVED | RESOURCE_RESERVED)
