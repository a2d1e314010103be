"""The target's identity and settings → `ir.Target`, and per-operation overrides → `Operation` fields."""

from __future__ import annotations

from dataclasses import replace

from ..config import ErrorCodeConfig, TargetConfig
from ..ir import (
    Api,
    ErrorCode,
    LinkHelper,
    Operation,
    Package,
    PresignedUpload,
    SessionLogin,
    Target,
)

_FILE_KEYS = ("name", "type", "size")


def target_facts(api: Api, config: TargetConfig) -> Target:
    session = config.session
    return Target(
        package=Package(
            name=config.package,
            client=config.client_name,
            env_prefix=config.env_prefix,
            version=config.package_version,
            distribution=config.distribution,
            folder=config.output.rstrip("/").rsplit("/", 1)[-1],
        ),
        regions=tuple(config.regions.items()),
        session=SessionLogin(
            session.login_operation,
            session.refresh_operation,
            session.access_token,
            session.refresh_token,
            session.credentials,
        )
        if session is not None
        else None,
        uploads=tuple(
            PresignedUpload(
                op_id,
                upload.method,
                upload.url_field,
                upload.max_bytes,
                tuple(
                    (key, attribute)
                    for key, attribute in zip(
                        _FILE_KEYS,
                        (upload.name_attribute, upload.type_attribute, upload.size_attribute),
                        strict=True,
                    )
                    if attribute
                ),
            )
            for op_id, upload in sorted(config.presigned_uploads.items())
        ),
        links=tuple(
            LinkHelper(
                link.method,
                link.left_operation,
                link.left_relationship,
                link.right_operation,
                link.right_relationship,
            )
            for link in config.link_helpers
        ),
        error_codes=_error_codes(api, config),
        webhook_signature_header=config.webhook_signature_header,
    )


def _error_codes(api: Api, config: TargetConfig) -> tuple[ErrorCode, ...]:
    out = []
    for code in dict.fromkeys([*api.error_codes, *config.error_codes]):
        raw = config.error_codes.get(code)
        cfg = raw if isinstance(raw, ErrorCodeConfig) else ErrorCodeConfig(status=raw)
        out.append(ErrorCode(code, cfg.status, cfg.name, cfg.details))
    return tuple(out)


def with_overrides(op: Operation, config: TargetConfig) -> Operation:
    limit = config.upload_limits.get(op.id)
    name = config.method_names.get(op.id, "")
    if limit is None and not name:
        return op
    return replace(op, max_file_bytes=limit, name_override=name)
