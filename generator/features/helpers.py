"""Helper methods over generated JSON:API ones, configured per target: pre-signed uploads
(`presigned_uploads`: create the record, then PUT the file to the URL in its response) and two-way
links (`link_helpers`: one update of each of two resources that reference each other)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..diagnostics import DiagnosticSink
from ..ir import Api, LinkHelper, Operation, PresignedUpload
from ..naming.names import op_key
from ..naming.requests import NameKind, NameRequest
from ..render.extension import ResourceExtras, block
from ..render.resource_views import ResourceDraft
from ..render.safe import NO_NAME, Code, Doc, Name, TemplateText, code, doc
from .base import Context, Contribution, Preparation, runtime_path
from .jsonapi_analysis import DocumentBody, jsonapi_info

if TYPE_CHECKING:
    from ..config import TargetConfig

_FILE_KEYS = ("name", "type", "size")


@dataclass(frozen=True, slots=True)
class Upload:
    """A presigned-upload helper's configuration and the operation it wraps."""

    config: PresignedUpload
    op: Operation


@dataclass(frozen=True, slots=True)
class Link:
    """A link helper's configuration, its two update operations and their document bodies."""

    config: LinkHelper
    left: Operation
    right: Operation
    left_body: DocumentBody
    right_body: DocumentBody


@dataclass(frozen=True, slots=True)
class Helpers:
    """The helpers feature's facts: the uploads and links it adds."""

    uploads: tuple[Upload, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class HelperView:
    """One helper method, as the resource template prints it."""

    name: Name
    doc: Doc
    returns: Code
    target: Name  # the method it calls (upload: the create method; link: the left update)
    other: Name = NO_NAME  # link: the right update method
    left_rel: str = ""  # raw, like the three below: printed with `py`
    right_rel: str = ""
    left_type: str = ""
    right_type: str = ""
    left_arg: Name = NO_NAME
    right_arg: Name = NO_NAME
    url_field: str = ""
    max_bytes: int | None = None
    file_attributes: tuple[tuple[str, str], ...] = ()  # (name|type|size, attribute)


@dataclass(frozen=True, slots=True)
class HelpersExample:
    """The calls the README shows for the helpers (none: not shown)."""

    upload_call: Name = NO_NAME
    link_call: Name = NO_NAME


class HelperMethods:
    name = "helpers"

    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        uploads = tuple(
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
        )
        links = tuple(
            LinkHelper(
                link.method,
                link.left_operation,
                link.left_relationship,
                link.right_operation,
                link.right_relationship,
            )
            for link in config.link_helpers
        )
        return replace(api, target=replace(api.target, uploads=uploads, links=links))

    def analyse(self, api: Api, sink: DiagnosticSink) -> Helpers | None:
        if not api.target.uploads and not api.target.links:
            return None
        info = jsonapi_info(api)
        by_id = {op.id: op for op in api.operations}
        uploads = []
        for upload in api.target.uploads:
            op = _find(by_id, upload.operation, "presigned_uploads", sink)
            if op is None:
                continue
            if op_key(op) not in info.bodies:  # it passes attributes=/relationships= to the create
                sink.error(
                    "bad-upload-helper",
                    op.pointer,
                    f"presigned_uploads: {upload.operation!r} is not a JSON:API create "
                    "operation (a `data` document with a single-valued `type`)",
                    "fix [tool.clientgen.targets.*.presigned_uploads]",
                )
                continue
            uploads.append(Upload(upload, op))
        links = []
        for link in api.target.links:
            left = _find(by_id, link.left_operation, "link_helpers", sink)
            right = _find(by_id, link.right_operation, "link_helpers", sink)
            if left is None or right is None:
                continue
            lbody, rbody = info.bodies.get(op_key(left)), info.bodies.get(op_key(right))
            if lbody is None or rbody is None:
                _bad_link(sink, link, left)
                continue
            links.append(Link(link, left, right, lbody, rbody))
        return Helpers(tuple(uploads), tuple(links)) if uploads or links else None

    def names(self, facts: Helpers, api: Api) -> Iterable[NameRequest]:
        for u in facts.uploads:
            yield _method_request(u.config.method, u.op)
        for link in facts.links:
            yield _method_request(link.config.method, link.left)
            for side, body in (("left", link.left_body), ("right", link.right_body)):
                yield NameRequest(
                    ("helpers", side, link.config.method),
                    NameKind.ARGUMENT,
                    body.type_name,
                    f"helper {link.config.method}",
                    singular=True,
                    suffix="id",
                )

    def prepare(self, facts: Helpers, ctx: Context) -> Preparation:
        return Preparation()

    def contribute(
        self, facts: Helpers, ctx: Context, resources: Mapping[str, ResourceDraft]
    ) -> Contribution:
        names = ctx.names
        views: dict[str, list[tuple[str, HelperView]]] = {}
        example: dict[str, Name] = {}
        for u in facts.uploads:
            tag = names.op_resource[op_key(u.op)]
            target = names.op_method[op_key(u.op)]
            limit = u.config.max_bytes
            text = (
                f"Upload a file in two steps: `{target}` creates the record, then the file is PUT "
                f"to the pre-signed URL in its response (`{u.config.url_field}`), without this "
                "API's credentials."
                + (f" Files over {limit:,} bytes are refused before any request." if limit else "")
            )
            name = names.requested[("helpers", "method", u.config.method)]
            view = HelperView(
                name,
                doc(text),
                resources[tag].method(target).returns,
                target,
                url_field=u.config.url_field,
                max_bytes=limit,
                file_attributes=u.config.file_attributes,
            )
            views.setdefault(tag, []).append(("upload", view))
            example.setdefault("upload_call", Name(f"client.{names.resources[tag].access}.{name}"))
        for link in facts.links:
            tag = names.op_resource[op_key(link.left)]
            if tag != names.op_resource[op_key(link.right)]:
                _bad_link(ctx.sink, link)
                continue
            left, right = names.op_method[op_key(link.left)], names.op_method[op_key(link.right)]
            c = link.config
            text = (
                f"Link a `{link.left_body.type_name}` and a `{link.right_body.type_name}` resource "
                f"both ways: sets `{c.left_relationship}` on the first (`{left}`), then "
                f"`{c.right_relationship}` on the second (`{right}`)."
            )
            draft = resources[tag]
            name = names.requested[("helpers", "method", c.method)]
            view = HelperView(
                name,
                doc(text),
                code(f"tuple[{draft.method(left).returns}, {draft.method(right).returns}]"),
                left,
                other=right,
                left_rel=c.left_relationship,
                right_rel=c.right_relationship,
                left_type=link.left_body.type_name,
                right_type=link.right_body.type_name,
                left_arg=names.requested[("helpers", "left", c.method)],
                right_arg=names.requested[("helpers", "right", c.method)],
            )
            views.setdefault(tag, []).append(("link", view))
            example.setdefault("link_call", Name(f"client.{names.resources[tag].access}.{name}"))
        extras = {}
        for tag, found in views.items():
            uploads = any(kind == "upload" for kind, _ in found)
            extras[tag] = ResourceExtras(
                sync_blocks=_blocks(found, False),
                async_blocks=_blocks(found, True),
                imports=((("..", ("_upload",)),) if uploads else ()),
                typing=True,
                file_types=uploads,
            )
        return Contribution(
            runtime=(runtime_path(self.name, "_upload.py"),) if facts.uploads else (),
            resources=extras,
            readme={
                "lists": (block("features/helpers/README.md.jinja", hx=HelpersExample(**example)),)
            },
        )


def _blocks(found: list[tuple[str, HelperView]], is_async: bool) -> tuple[TemplateText, ...]:
    return tuple(
        block(f"features/helpers/{kind}.py.jinja", h=view, is_async=is_async)
        for kind, view in found
    )


def _method_request(method: str, op: Operation) -> NameRequest:
    """A method on the resource of `op` (the naming pass knows which resource that is)."""
    return NameRequest(
        ("helpers", "method", method), NameKind.METHOD, method, op_key(op), exact=True
    )


def _bad_link(sink: DiagnosticSink, link: LinkHelper | Link, left: Operation | None = None) -> None:
    config = link.config if isinstance(link, Link) else link
    where = left if left is not None else link.left if isinstance(link, Link) else None
    sink.error(
        "bad-link-helper",
        where.pointer if where is not None else "/paths",
        f"link helper {config.method!r}: both operations must be "
        "JSON:API updates of resources in the same resource group",
        "fix [tool.clientgen.targets.*.link_helpers]",
    )


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


FEATURE = HelperMethods()
