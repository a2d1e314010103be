"""Diagnostics are data: every problem found in a spec is a `Diagnostic`, never a traceback."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.Enum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about the spec or the configuration: severity, code, where, message, hint."""

    severity: Severity
    code: str
    pointer: str
    message: str
    hint: str = ""
    file: str = ""

    def render(self) -> str:
        where = (self.file or "<spec>") + (f"#{self.pointer}" if self.pointer else "")
        text = f"{self.severity.value}[{self.code}] {where}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class SpecError(Exception):
    """A fatal problem: the document cannot be turned into a client at all."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.render())
        self.diagnostic = diagnostic


def fatal(
    code: str, message: str, *, file: str = "", pointer: str = "", hint: str = ""
) -> SpecError:
    return SpecError(Diagnostic(Severity.ERROR, code, pointer, message, hint, file))


@dataclass
class DiagnosticSink:
    """Collects diagnostics while a spec is processed; deduplicates and sorts them for output."""

    file: str = ""
    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[tuple[str, str, str]] = field(default_factory=set)

    def warn(self, code: str, pointer: str, message: str, hint: str = "") -> None:
        self._add(Diagnostic(Severity.WARNING, code, pointer, message, hint, self.file))

    def error(self, code: str, pointer: str, message: str, hint: str = "") -> None:
        self._add(Diagnostic(Severity.ERROR, code, pointer, message, hint, self.file))

    def _add(self, diagnostic: Diagnostic) -> None:
        key = (diagnostic.code, diagnostic.pointer, diagnostic.message)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(diagnostic)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.pointer, d.code, d.message))

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in self.items:
            out[d.code] = out.get(d.code, 0) + 1
        return dict(sorted(out.items()))


def render_report(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(d.render() for d in diagnostics)
