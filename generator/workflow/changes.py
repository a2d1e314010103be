"""What a change report is made of: `Change`s (wire or Python surface, breaking or not) and a `Report`."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from ..exitcode import ExitCode


class Layer(enum.Enum):
    WIRE = "wire"  # the HTTP contract
    PYTHON = "python"  # the generated client's public names and types


class Level(enum.Enum):
    BREAKING = "breaking"  # code or requests that worked before can fail
    NON_BREAKING = "non-breaking"  # additions, relaxations
    PROSE = "prose"  # descriptions, summaries, titles, examples only


@dataclass(eq=False)
class Change:
    layer: Layer
    level: Level
    code: str  # stable identifier, e.g. "response-field-removed"
    subject: str  # where: "SentCaseListItem.cmsId", "client.referrals.close", "POST /referrals/{id}/close"
    message: str  # what happened, one line, without the subject
    operations: set[str] = field(default_factory=set)  # "GET /sent-cases" reached through

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.layer.value, self.code, self.subject, self.message)

    def as_json(self) -> dict[str, object]:
        return {
            "layer": self.layer.value,
            "level": self.level.value,
            "code": self.code,
            "subject": self.subject,
            "message": self.message,
            "operations": sorted(self.operations),
        }


class Collector:
    """Deduplicates changes found through several operations; keeps the first-found order."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str, str, str], Change] = {}

    def add(
        self, layer: Layer, level: Level, code: str, subject: str, message: str, operation: str = ""
    ) -> Change:
        change = Change(layer, level, code, subject, message)
        change = self._by_key.setdefault(change.key, change)
        if operation:
            change.operations.add(operation)
        return change

    def changes(self) -> list[Change]:
        return list(self._by_key.values())


@dataclass
class Side:
    label: str  # what the user called it: a path or a URL
    api_version: str
    package_version: str


@dataclass
class Report:
    old: Side
    new: Side
    package: str
    changes: list[Change]

    def of(self, level: Level, layer: Layer | None = None) -> list[Change]:
        return [c for c in self.changes if c.level is level and (layer is None or c.layer is layer)]

    @property
    def breaking(self) -> bool:
        return any(c.level is Level.BREAKING for c in self.changes)

    def drift(self, prose: bool = False) -> bool:
        """Does the new spec differ in meaning (or, with prose=True, in any way we report)?"""
        return any(c.level is not Level.PROSE or prose for c in self.changes)

    def counts(self) -> dict[str, int]:
        return {level.value: len(self.of(level)) for level in Level}

    def semver(self) -> tuple[str, str]:
        """(bump, suggested version) for the generated package: major / minor / patch / none."""
        if self.breaking:
            bump = "major"
        elif self.of(Level.NON_BREAKING):
            bump = "minor"
        elif self.changes:
            bump = "patch"
        else:
            bump = "none"
        return bump, bump_version(self.old.package_version, bump)

    def exit_code(self) -> ExitCode:
        return ExitCode.BREAKING if self.breaking else ExitCode.OK


_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def bump_version(version: str, bump: str) -> str:
    """1.4.2 + minor → 1.5.0. Below 1.0 a breaking change bumps the minor number (semver §4)."""
    m = _VERSION.match(version.strip())
    if not m or bump == "none":
        return version
    major, minor, patch = (int(g or 0) for g in m.groups())
    if bump == "major" and major == 0:
        bump = "minor"
    elif bump == "minor" and major == 0:
        bump = "patch"
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
