"""The package's identity → `ir.Package`, and per-operation overrides → `Operation` fields (the
features' settings are each feature's `shape()`)."""

from __future__ import annotations

from dataclasses import replace

from ..config import TargetConfig
from ..ir import (
    Operation,
    Package,
)


def package_of(config: TargetConfig) -> Package:
    """The generated package's identity."""
    return Package(
        name=config.package,
        client=config.client_name,
        env_prefix=config.env_prefix,
        version=config.package_version,
        distribution=config.distribution,
        folder=config.output.rstrip("/").rsplit("/", 1)[-1],
    )


def with_overrides(op: Operation, config: TargetConfig) -> Operation:
    limit = config.upload_limits.get(op.id)
    name = config.method_names.get(op.id, "")
    if limit is None and not name:
        return op
    return replace(op, max_file_bytes=limit, name_override=name)
