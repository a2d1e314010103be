"""The IR root."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .media import MediaKind
from .models import Field, Model, Schema
from .operations import Operation
from .servers import SecurityScheme, Server
from .target import Target
from .types import JsonValue, ModelRef


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A webhook the API sends: its event name and the models of its delivery body."""

    name: str  # the event name on the wire (`case.created`)
    schema_id: str  # the model for the whole delivery body
    envelope_id: str  # the generic envelope model (parses unknown events)


@dataclass(frozen=True, slots=True)
class PackageInfo:
    """What `info` and `externalDocs` say about the API's owner: the generated package's metadata."""

    license_name: str = ""  # info.license.name
    license_identifier: str = ""  # info.license.identifier (OpenAPI 3.1: an SPDX expression)
    license_url: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_url: str = ""
    docs_url: str = ""  # externalDocs.url
    terms_url: str = ""  # info.termsOfService


@dataclass(frozen=True, slots=True)
class Api:
    """The whole API in the IR: metadata, servers, security, schemas and operations."""

    title: str
    version: str
    description: str
    servers: tuple[Server, ...]
    security_schemes: tuple[SecurityScheme, ...]
    # id -> schema, in a deterministic order: a dict, or a replay's `stage.snapshot.LazySchemas`
    # (a Mapping: so typed, the compiled build's native code does not insist on a dict)
    schemas: Mapping[str, Schema]
    operations: tuple[Operation, ...]
    openapi_version: str
    error_codes: tuple[str, ...] = ()  # documented `error.code` values
    webhooks: tuple[WebhookEvent, ...] = ()
    package_info: PackageInfo = PackageInfo()
    extensions: tuple[tuple[str, JsonValue], ...] = ()  # the document's own `x-` keys
    target: Target = field(
        default_factory=Target
    )  # what the target's configuration adds (set by the shape stage)

    def schema(self, schema_id: str) -> Schema:
        return self.schemas[schema_id]

    def form_fields(self, op: Operation) -> tuple[Field, ...]:
        """The fields of `op`'s multipart or form body that its method takes as keyword arguments: the
        body model's but the read-only ones, then those only a `oneOf`/`anyOf` member declares; () when
        the body sent is not such a model."""
        if op.body is None or not op.body.media:
            return ()
        media = op.body.sent
        model = self.schemas.get(media.type.id) if isinstance(media.type, ModelRef) else None
        if media.kind not in (MediaKind.MULTIPART, MediaKind.FORM) or not isinstance(model, Model):
            return ()
        own = {f.wire_name for f in model.fields}
        return tuple(
            [f for f in model.fields if not f.read_only]
            + [f for f in media.member_fields if f.wire_name not in own and not f.read_only]
        )
