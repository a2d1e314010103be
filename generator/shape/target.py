"""The package's identity → `ir.Package`, and per-operation overrides → `Operation` fields (the
features' settings are each feature's `shape()`)."""

from __future__ import annotations

from ..config import TargetConfig
from ..ir import (
    Operation,
    Package,
    Target,
)
from ..ir.quick_init import quick_replace


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


def target_of(target: Target, config: TargetConfig) -> Target:
    """The package's identity and the resource and class renames the configuration asks for."""
    return quick_replace(
        target,
        package=package_of(config),
        resource_names=tuple(config.resource_names.items()),
        class_names=tuple(config.class_names.items()),
    )


def with_overrides(op: Operation, config: TargetConfig) -> Operation:
    limit = config.upload_limits.get(op.id)
    name = config.method_names.get(op.id, "")
    if limit is None and not name:
        return op
    return quick_replace(op, max_file_bytes=limit, name_override=name)
