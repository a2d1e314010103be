"""Names: the identifier rules (`rules.py`) and the naming pass over the IR (`plan.py`).

The package face re-exports the rules, so `from generator import naming; naming.snake(...)` reads as it did
when the rules were one module."""

from .rules import (
    CLIENT_OPTIONS,
    CLIENT_RESERVED,
    METHOD_RESERVED,
    MODEL_RESERVED,
    PY_BUILTINS,
    PY_KEYWORDS,
    RESOURCE_RESERVED,
    Scope,
    ascii_fold,
    class_name,
    enum_member_name,
    error_class_name,
    field_name,
    method_name,
    param_name,
    pascal,
    safe_identifier,
    singular,
    snake,
    upper_snake,
    words,
)

__all__ = [
    "CLIENT_OPTIONS",
    "CLIENT_RESERVED",
    "METHOD_RESERVED",
    "MODEL_RESERVED",
    "PY_BUILTINS",
    "PY_KEYWORDS",
    "RESOURCE_RESERVED",
    "Scope",
    "ascii_fold",
    "class_name",
    "enum_member_name",
    "error_class_name",
    "field_name",
    "method_name",
    "param_name",
    "pascal",
    "safe_identifier",
    "singular",
    "snake",
    "upper_snake",
    "words",
]
