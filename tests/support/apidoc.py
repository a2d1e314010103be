"""Reading a generated package's api.md and README the way a user does: the code blocks, the headings
and the links between them."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def python_blocks(markdown: str) -> list[str]:
    return _BLOCK.findall(markdown)


def example_calls(api_md: str) -> list[str]:
    """api.md's example calls: its Python blocks that are neither a signature stub nor the opening
    `client = …` block."""
    return [
        b
        for b in python_blocks(api_md)
        if not b.lstrip().startswith("def ") and "client = " not in b
    ]


def examples_module(root: Path, package: str, client: str) -> str:
    """A module with one function per api.md example, the example as its body and `client` its
    argument: type-checking it checks every example against the package."""
    calls = example_calls((root / "api.md").read_text(encoding="utf-8"))
    parts = [f"from {package} import {client}\n"]
    for i, block in enumerate(calls):
        parts.append(
            f"\n\ndef example_{i}(client: {client}) -> None:\n{textwrap.indent(block, '    ')}"
        )
    return "".join(parts)


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: its text (code spans unwrapped) lower-cased, punctuation
    other than `-` and `_` dropped, spaces as `-`."""
    text = heading.replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading's anchor (repeats get `-1`, `-2` …, as on GitHub)."""
    seen: dict[str, int] = {}
    out = set()
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        match = re.match(r"#{1,6} (.+)", line)
        if in_code or not match:
            continue
        slug = github_anchor(match.group(1))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return out


def links_to(markdown: str, target: str) -> list[str]:
    """The anchors of `markdown`'s links to `target` (`""`: links within the same document)."""
    return re.findall(rf"\]\({re.escape(target)}#([^)\s]+)\)", markdown)
