"""Import blocks rendered in the order ruff's isort rules give them, so emitted files need no `ruff check --fix`.

The rules are those of `generator/ruff_generated.toml` (ruff's isort defaults otherwise): sections future,
standard library, third party, local folder (relative imports), one blank line between them; within a
section `import x` lines before `from x import ...` lines; modules in natural, case-insensitive order,
relative ones furthest first (`..` before `.`); names ordered constants, classes, then the rest; an aliased
name (`a as b`) on a line of its own. `tests/cli/test_structure.py` runs `ruff check` on generated trees to keep
this in step with ruff.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .safe import Code

if TYPE_CHECKING:
    from ..naming.names import Names
    from .annotations import Imports

_THIRD_PARTY = frozenset({"httpx", "pydantic", "pydantic_core", "typing_extensions"})
_DIGITS = re.compile(r"\d+")


def _encode_digits(match: re.Match[str]) -> str:
    digits = match.group().lstrip("0") or "0"
    return (
        "0" + chr(0x100 + len(digits)) + digits
    )  # "0" sorts a run among other characters like any digit


# bounded to a quarter of their former 65,536 entries (31 MB together for graph-beta, alive to the end of
# render): GitHub's spec fills 15,620 and 7,957 entries, so none of its keys is computed twice
_KEYS = 16384


@functools.lru_cache(maxsize=_KEYS)
def natural_key(text: str) -> str:
    """Order strings like ruff does (natural order: `a2` before `a10`): characters compare by code point,
    except that a run of digits compares by its value (a longer number is larger, then digit by digit)."""
    return _DIGITS.sub(_encode_digits, text)


@functools.lru_cache(maxsize=_KEYS)
def _member_key(name: str, alias: str | None) -> tuple[int, str, str, str]:
    if len(name) > 1 and name.isupper():
        kind = 0  # CONSTANT
    elif name[:1].isupper():
        kind = 1  # Class
    else:
        kind = 2  # variable, function, module
    return kind, natural_key(name.lower()), natural_key(name), natural_key(alias or "")


def _section(module: str) -> int:
    if module.startswith("."):
        return 3
    if module == "__future__":
        return 0
    top = module.partition(".")[0]
    if top in _THIRD_PARTY or top not in sys.stdlib_module_names:
        return 2
    return 1


@dataclass
class ImportBlock:
    """Collects `import m [as a]` and `from m import n [as a]` statements; `lines()` renders them sorted."""

    straight: set[tuple[str, str | None]] = field(default_factory=set)
    members: dict[str, set[tuple[str, str | None]]] = field(default_factory=dict)

    def add(self, module: str, alias: str | None = None) -> ImportBlock:
        self.straight.add((module, alias))
        return self

    def add_from(self, module: str, *names: str | tuple[str, str]) -> ImportBlock:
        bucket = self.members.setdefault(module, set())
        for n in names:
            bucket.add((n, None) if isinstance(n, str) else n)
        return self

    def lines(self, wrap: int | None = None) -> list[Code]:
        """The statements, sections separated by an empty string (a blank line). Module and member
        names are the generator's own (runtime modules, names from the naming pass). `wrap`: the line
        length past which a `from` import is wrapped as ruff's isort does (top-level blocks only)."""
        sections: dict[int, list[tuple[tuple[object, ...], str]]] = {}
        for module, alias in self.straight:
            text = f"import {module}" + (f" as {alias}" if alias else "")
            key: tuple[object, ...] = (
                0,
                natural_key(module.lower()),
                natural_key(module),
                natural_key(alias or ""),
            )
            sections.setdefault(_section(module), []).append((key, text))
        for module, names in self.members.items():
            plain = sorted((n for n in names if n[1] is None), key=lambda n: _member_key(*n))
            groups = [plain] if plain else []
            groups += [[n] for n in sorted(names - set(plain), key=lambda n: _member_key(*n))]
            level = len(module) - len(module.lstrip("."))
            bare = module.lstrip(".")
            for group in groups:
                members = [n + (f" as {a}" if a else "") for n, a in group]
                text = f"from {module} import " + ", ".join(members)
                if wrap is not None and len(text) > wrap and len(members) > 1:
                    text = (
                        f"from {module} import (\n" + "".join(f"    {m},\n" for m in members) + ")"
                    )
                key = (
                    1,
                    -level,
                    natural_key(bare.lower()),
                    natural_key(bare),
                    _member_key(*group[0]),
                )
                sections.setdefault(_section(module), []).append((key, text))
        out: list[Code] = []
        for number in sorted(sections):
            if out:
                out.append(Code(""))
            out.extend(Code(text) for _, text in sorted(sections[number]))
        return out


def import_block(
    imports: Imports, names: Names, current_module: str | None, prefix: str
) -> ImportBlock:
    """`prefix` is the relative path to the types package ("." inside it, "..types." outside)."""
    block = ImportBlock()
    if imports.builtins:
        block.add("builtins", "_b")
    if imports.typing:
        block.add("typing", "_t")
    if imports.datetime:
        block.add("datetime", "_dt")
    if imports.uuid:
        block.add("uuid", "_uuid")
    if imports.runtime:
        block.add_from(
            "._fields" if prefix == ".types." else ".._fields",
            *((name, "_" + name) for name in sorted(imports.runtime)),
        )
    if imports.unions:
        block.add_from(
            "._unions" if prefix == ".types." else ".._unions",
            ("Tag", "_Tag"),
            ("discriminator", "_disc"),
        )
    for sid in imports.schemas:
        module = names.schema_module[sid]
        if module != current_module:
            block.add_from(f"{prefix}{module}", names.schema_class[sid])
    for sid in imports.params:
        module = names.schema_module[sid]
        if module != current_module:
            block.add_from(f"{prefix}{module}", names.param_class[sid])
    return block
