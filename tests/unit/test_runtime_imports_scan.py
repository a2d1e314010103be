"""`render/plan.py` `_imported`: which package-level `_` modules a source imports, found by searching
for `from ` and checking what precedes it on its line (issue 18: several times faster than a regex
anchored at every line start), agrees with the anchored regex it replaced."""

from __future__ import annotations

import re

from generator.render.plan import _imported, _runtime_sources
from tests.conftest import REPO

_ANCHORED = re.compile(r"^\s*from (\.+)(_\w+)? import ([\w, ()\n]+?)(?:\)|$)", re.MULTILINE)


def _reference(text: str) -> set[str]:
    found = set()
    for _, module, names in _ANCHORED.findall(text):
        if module:
            found.add(module)
        else:
            found.update(n.split(" as ")[0].strip() for n in names.replace("(", "").split(","))
    return {m for m in found if m.startswith("_")}


TRICKY = [
    "from ._a import x\n",
    "    from .._b import (\n        y,\n        z,\n    )\n",
    "from . import _c, _d as dd, e\n",
    "from . import (\n    _e,\n    f,\n)\n",
    "x = 1; from ._f import g\n",  # not at the start of its line
    "datafrom ._g import h\n",
    "'''\n  from ._h import i\n'''\n",  # indented, in a string: counted by both
    "\r\n\t from ._i import j\n",
    "from .x import _j\nfrom ..._k import l",
    "",
]


def test_tricky_sources_agree_with_the_anchored_regex() -> None:
    for text in TRICKY:
        assert _imported(text) == _reference(text), text
    assert _imported(TRICKY[0] + TRICKY[4]) == {"_a"}


def test_runtime_and_committed_sources_agree_with_the_anchored_regex() -> None:
    sources = [source for _, source in _runtime_sources().values()]
    sources += [p.read_text() for p in sorted((REPO / "generated").rglob("*.py"))[:400]]
    assert len(sources) > 100
    for text in sources:
        assert _imported(text) == _reference(text)
