"""The test process reads each large YAML spec text once: `generator.yaml_text.load_yaml` of a text
over `MIN_CHARS` characters keeps a pickle of what it returned, and the same text read again (with the
same loader settings) is answered with a fresh copy of it.

The committed and vendor specs are large YAML documents with anchors, which the generator reads with
PyYAML's pure-Python composer (it counts aliases: `generator/yaml_text.py`) — about 2 s of CPU for
CaseXchange's spec on the test host, paid again by every test that loads the same text in the same
worker (`check`, `fetch`, the fidelity tests, the history tests). `load_yaml` is a pure function of the
text and of three settings (`_BoundedComposer.max_aliases`, `MAX_NODES`, the libyaml loader), which are
part of the key, so a test that lowers a bound is never answered from a read made under another bound.

What is not remembered, so the loader's own behaviour stays under test on every call: a text that raised
(every bad or hostile document is read for real each time), and every text under `MIN_CHARS` (the
fixtures and the hostile documents of tests/load_parse and tests/security). Each answer is
`pickle.loads` of the first result — new objects each time, the aliasing of YAML anchors (one object
in two places) kept — so a test that mutates its document cannot reach another test's. Fresh
interpreters the tests start read their specs themselves.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

from generator import yaml_text

MIN_CHARS = 50_000
MAX_ENTRIES = 32  # distinct large texts kept per process (the vendor's spec history is ~10)

_memo: dict[tuple[str, int, int, object], bytes] = {}
stats = {"reads": 0, "answers": 0}


def _key(text: str) -> tuple[str, int, int, object]:
    return (
        text,
        yaml_text._BoundedComposer.max_aliases,
        yaml_text.MAX_NODES,
        yaml_text._FastLoader,
    )


def remembering(load: Callable[[str], Any]) -> Callable[[str], Any]:
    def load_yaml(text: str) -> Any:
        if len(text) < MIN_CHARS:
            return load(text)
        key = _key(text)
        blob = _memo.get(key)
        if blob is not None:
            stats["answers"] += 1
            return pickle.loads(blob)
        stats["reads"] += 1
        data = load(text)  # raises for a bad document: nothing is remembered
        if len(_memo) < MAX_ENTRIES:
            _memo[key] = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        return data

    load_yaml.__wrapped__ = load  # type: ignore[attr-defined]
    load_yaml.__doc__ = load.__doc__
    return load_yaml


def install() -> None:
    """Wrap `generator.yaml_text.load_yaml` for this process (idempotent). `load.parse_text` imports
    it at each call, so every in-process reader of YAML spec text goes through the wrapper."""
    if not hasattr(yaml_text.load_yaml, "__wrapped__"):
        yaml_text.load_yaml = remembering(yaml_text.load_yaml)
