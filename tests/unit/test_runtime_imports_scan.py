"""`render/plan.py` `_imported`: which package-level `_` modules a source imports, found by searching
for `from ` and checking what precedes it on its line (issue 18: several times faster than a regex
anchored at every line start). It decides which runtime modules a package ships, so a missed import
is a module missing from the package: checked against explicit answers and against Python's own
parser on every runtime and committed module."""

from __future__ import annotations

import ast

import pytest

from generator.render.plan import _imported, _runtime_sources
from tests.conftest import REPO


def _parsed(text: str) -> set[str]:
    """The same question answered by `ast`: relative imports of `_` modules, at any depth."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("_")}


TRICKY = [
    ("from ._a import x\n", {"_a"}),
    ("    from .._b import (\n        y,\n        z,\n    )\n", {"_b"}),
    ("from . import _c, _d as dd, e\n", {"_c", "_d"}),
    ("from . import (\n    _e,\n    f,\n)\n", {"_e"}),
    ("x = 1; from ._f import g\n", set()),  # not at the start of its line
    ("datafrom ._g import h\n", set()),
    (
        "'''\n  from ._h import i\n'''\n",
        {"_h"},
    ),  # indented, in a string: counted (a superset is safe)
    ("\r\n\t from ._i import j\n", {"_i"}),
    ("from .x import _j\nfrom ..._k import l", {"_k"}),
    ("", set()),
    # a comment after the import (imp19 found `_checks` missing from a package for this)
    ("from ._checks import check  # strict parsing only\n", {"_checks"}),
    ("from . import _m, _n as n  # why\n", {"_m", "_n"}),
    (
        "from . import (\n    _o,  # a comment (with parentheses)\n    p,\n    _q,\n)\n",
        {"_o", "_q"},
    ),
    ("from . import (_r, _s)\n", {"_r", "_s"}),
    ("from . import _t; x = 1\n", {"_t"}),
    ("from . import (\n    _u", {"_u"}),  # cut off: what is there
]


@pytest.mark.parametrize(("text", "expected"), TRICKY)
def test_tricky_sources(text: str, expected: set[str]) -> None:
    assert _imported(text) == expected


def test_runtime_and_committed_sources_agree_with_pythons_parser() -> None:
    sources = [source for _, source in _runtime_sources().values()]
    sources += [p.read_text() for p in sorted((REPO / "generated").rglob("*.py"))[:400]]
    assert len(sources) > 100
    for text in sources:
        assert _imported(text) == _parsed(text)
