"""The contract every feature module implements (see `features/__init__.py`): the render side
(`render.contribution.Extension`) plus `shape()`, its part of the shape stage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from ..diagnostics import DiagnosticSink
from ..ir import Api
from ..render.contribution import Context, Contribution, Extension, Preparation, runtime_path

if TYPE_CHECKING:
    from ..config import TargetConfig

F = TypeVar("F")

__all__ = ["Context", "Contribution", "Feature", "Preparation", "runtime_path"]


class Feature(Extension[F], Protocol[F]):
    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        """Add what the configuration says about this feature to the IR (the shape stage calls it)."""
        ...
