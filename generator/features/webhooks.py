"""Webhooks: the spec's webhook events (OpenAPI 3.1 `webhooks`, or the vendor event list the parser
reads) become `<package>.webhooks` — verify an HMAC signature (`t=…,v1=…` in the header the target's
`webhook_signature_header` names), then parse the delivery into the model of its event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..diagnostics import DiagnosticSink
from ..ir import Api, WebhookEvent
from ..naming.requests import NameRequest
from ..render.annotations import Imports
from ..render.extension import block
from ..render.imports import import_block
from ..render.resource_views import ResourceDraft
from ..render.safe import Code, Name
from .base import Context, Contribution, Preparation, runtime_path

if TYPE_CHECKING:
    from ..config import TargetConfig

DEFAULT_HEADER = "X-Webhook-Signature"


@dataclass(frozen=True, slots=True)
class EventView:
    """One webhook event: its name on the wire and its class."""

    name: str  # raw event name (printed with `py`)
    cls: Name


@dataclass(frozen=True, slots=True)
class WebhooksView:
    """The webhooks module: its events, the envelope class and the signature header."""

    events: tuple[EventView, ...]
    envelope_cls: Name
    signature_header: str  # raw (config)
    import_lines: tuple[Code, ...]


class Webhooks:
    name = "webhooks"

    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        header = config.webhook_signature_header
        return replace(api, target=replace(api.target, webhook_signature_header=header))

    def analyse(self, api: Api, sink: DiagnosticSink) -> tuple[WebhookEvent, ...] | None:
        return api.webhooks or None

    def names(self, facts: tuple[WebhookEvent, ...], api: Api) -> Iterable[NameRequest]:
        return ()

    def prepare(self, facts: tuple[WebhookEvent, ...], ctx: Context) -> Preparation:
        return Preparation()

    def contribute(
        self, facts: tuple[WebhookEvent, ...], ctx: Context, resources: Mapping[str, ResourceDraft]
    ) -> Contribution:
        names = ctx.names
        imports = Imports(schemas={e.schema_id for e in facts} | {facts[0].envelope_id})
        view = WebhooksView(
            events=tuple(EventView(e.name, names.schema_class[e.schema_id]) for e in facts),
            envelope_cls=names.schema_class[facts[0].envelope_id],
            signature_header=ctx.api.target.webhook_signature_header or DEFAULT_HEADER,
            import_lines=tuple(import_block(imports, names, None, ".types.").lines()),
        )
        package = Name(ctx.api.target.package.name)
        return Contribution(
            runtime=(runtime_path(self.name, "_webhooks.py"),),
            files={"webhooks.py": block("features/webhooks/webhooks.py.jinja", view=view)},
            readme={"files": (block("features/webhooks/README.md.jinja", package=package),)},
        )


FEATURE = Webhooks()
