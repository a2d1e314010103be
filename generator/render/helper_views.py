"""Helper methods configured per target: pre-signed uploads and two-way JSON:API links."""

from __future__ import annotations

from ..config import TargetConfig
from ..diagnostics import DiagnosticSink
from ..ir import Api, Operation
from ..naming import param_name
from .jsonapi_views import JsonApiInfo
from .names import Names, op_key
from .resource_views import HelperView
from .safe import Code, Name, doc

_FILE_KEYS = ("name", "type", "size")


def helper_views(
    api: Api, config: TargetConfig, names: Names, info: JsonApiInfo, sink: DiagnosticSink
) -> dict[str, tuple[HelperView, ...]]:
    """Helpers by resource tag (the tag of the operation they build on)."""
    by_id = {op.id: op for op in api.operations}
    out: dict[str, list[HelperView]] = {}
    for op_id, upload in sorted(config.presigned_uploads.items()):
        op = _find(by_id, op_id, "presigned_uploads", sink)
        if op is None:
            continue
        if (
            op_key(op) not in info.bodies
        ):  # the helper passes attributes=/relationships= to the create method
            sink.error(
                "bad-upload-helper",
                op.pointer,
                f"presigned_uploads: {op_id!r} is not a JSON:API create "
                "operation (a `data` document with a single-valued `type`)",
                "fix [tool.clientgen.targets.*.presigned_uploads]",
            )
            continue
        attrs = tuple(
            (k, a)
            for k, a in zip(
                _FILE_KEYS,
                (upload.name_attribute, upload.type_attribute, upload.size_attribute),
                strict=True,
            )
            if a
        )
        limit = upload.max_bytes
        text = (
            f"Upload a file in two steps: `{names.op_method[op_key(op)]}` creates the record, then the file "
            f"is PUT to the pre-signed URL in its response (`{upload.url_field}`), without this API's "
            "credentials."
            + (f" Files over {limit:,} bytes are refused before any request." if limit else "")
        )
        out.setdefault(names.op_resource[op_key(op)], []).append(
            HelperView(
                "upload",
                Name(upload.method),
                doc(text),
                Code(""),
                names.op_method[op_key(op)],
                url_field=upload.url_field,
                max_bytes=limit,
                file_attributes=attrs,
            )
        )
    for link in config.link_helpers:
        left = _find(by_id, link.left_operation, "link_helpers", sink)
        right = _find(by_id, link.right_operation, "link_helpers", sink)
        if left is None or right is None:
            continue
        lbody, rbody = info.bodies.get(op_key(left)), info.bodies.get(op_key(right))
        if (
            lbody is None
            or rbody is None
            or names.op_resource[op_key(left)] != names.op_resource[op_key(right)]
        ):
            sink.error(
                "bad-link-helper",
                left.pointer,
                f"link helper {link.method!r}: both operations must be "
                "JSON:API updates of resources in the same resource group",
                "fix [tool.clientgen.targets.*.link_helpers]",
            )
            continue
        text = (
            f"Link a `{lbody.type_name}` and a `{rbody.type_name}` resource both ways: sets "
            f"`{link.left_relationship}` on the first (`{names.op_method[op_key(left)]}`), then "
            f"`{link.right_relationship}` on the second (`{names.op_method[op_key(right)]}`)."
        )
        out.setdefault(names.op_resource[op_key(left)], []).append(
            HelperView(
                "link",
                Name(link.method),
                doc(text),
                Code(""),
                names.op_method[op_key(left)],
                other=names.op_method[op_key(right)],
                left_rel=link.left_relationship,
                right_rel=link.right_relationship,
                left_type=lbody.type_name,
                right_type=rbody.type_name,
                left_arg=_arg(lbody.type_name),
                right_arg=_arg(rbody.type_name),
            )
        )
    return {tag: tuple(views) for tag, views in out.items()}


def _arg(type_name: str) -> Name:
    singular = (
        type_name[:-1] if type_name.endswith("s") and not type_name.endswith("ss") else type_name
    )
    return Name(param_name(singular + "_id"))


def _find(
    by_id: dict[str, Operation], op_id: str, key: str, sink: DiagnosticSink
) -> Operation | None:
    op = by_id.get(op_id)
    if op is None:
        sink.error(
            "bad-helper-config",
            "/paths",
            f"{key}: operation {op_id!r} is not in the spec",
            f"fix [tool.clientgen.targets.*.{key}]",
        )
    return op
