"""One side of a comparison: a spec file read through the generator's own pipeline (load → IR → names)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import TargetConfig, adhoc_target
from ..diagnostics import DiagnosticSink
from ..ir import Api
from ..load import load_spec
from ..parse import build_api
from ..render.names import Names, plan_names


@dataclass(frozen=True)
class SpecSide:
    label: str
    document: dict[str, Any]  # the parsed document (external refs bundled)
    api: Api
    names: Names
    config: TargetConfig

    @property
    def package_version(self) -> str:
        return self.config.package_version or self.api.version


def read_side(path: Path, config: TargetConfig, label: str = "") -> SpecSide:
    """Raises SpecError when the file cannot be used as a spec (the caller reports it)."""
    sink = DiagnosticSink(file=str(path))
    loaded = load_spec(path, sink)
    cfg = config.model_copy(update={"spec": str(path)})
    api = build_api(loaded, cfg, sink)
    names = plan_names(api, cfg, sink)
    return SpecSide(label or str(path), loaded.document, api, names, cfg)


def default_config(path: Path) -> TargetConfig:
    """Settings for a spec that no configured target owns: names as `clientgen generate SPEC -o client`."""
    return adhoc_target(str(path), "client", "client", None)
