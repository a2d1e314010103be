"""Progress of a long run (stages, modules rendered N/M), reported to whoever listens.

The pipeline calls a `Progress`; the CLI passes one that draws on a terminal (`console.TerminalProgress`)
and stays silent otherwise; library callers get `SILENT`.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, name: str) -> None:
        """A new stage begins (`reading the spec`, `rendering`, `formatting`, `writing`)."""

    def step(self, done: int, total: int) -> None:
        """`done` of `total` units of the current stage are finished."""


class _Silent:
    def stage(self, name: str) -> None:
        pass

    def step(self, done: int, total: int) -> None:
        pass


SILENT: Progress = _Silent()
