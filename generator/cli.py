"""The `clientgen` console script (`main`). The commands are declared in `commands/` (click); a
plain `generate` or `check` of configured targets is first answered by `quick.py`, without click,
when nothing or only prose changed. `generate` and `check` end with `quick.leave` (no teardown of
what they built)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .gcpause import cycle_collection_paused
from .keep import will_leave
from .quick import answer, leave, leaves_at_once, plain

if TYPE_CHECKING:
    from .pipeline import TargetResult


def main() -> None:
    """The `clientgen` console script."""
    args = sys.argv[1:]
    if not leaves_at_once(args):
        from .commands import run

        run()
        return
    will_leave()
    try:
        done: dict[str, TargetResult] = {}
        with cycle_collection_paused():  # (the imports too: the replay's are ≈ 0.1 s of classes)
            code = answer(args, done)
        if code is None:
            from .commands import run

            run(done if plain(args) is not None else None)
    except SystemExit as exc:
        leave(exc.code)
    leave(code or 0)


def __getattr__(name: str) -> Any:
    """What `cli` named before the commands moved to `commands/` (`cli.cli`, the click group).
    Not the module's own attributes (`__path__`, which every `from generator.cli import` asks)."""
    if name.startswith("__"):
        raise AttributeError(name)
    from . import commands

    return getattr(commands, name)
