"""Spec document → IR (`Api`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir import Api, SecurityScheme

if TYPE_CHECKING:  # the builders are imported by `build_api`: a replay imports `parse.results` only
    from ..diagnostics import DiagnosticSink
    from ..load import LoadedSpec  # (the loader, yaml: not for a run that only renders)
    from ..refs import Resolver
    from .canonical import Canonical


def build_api(spec: LoadedSpec, sink: DiagnosticSink, canonical: Canonical | None = None) -> Api:
    """The IR of the spec alone (the shape stage adds what the target's configuration decides).
    `canonical`: the document's key-sorted copy when the caller made it (so that it could let the
    document go before the IR is built: `pipeline._render`); else it is made here."""
    from ..refs import Resolver
    from .canonical import Canonical
    from .defaults import checked_operation, checked_schemas
    from .errors import known_error_codes
    from .info import package_info
    from .nodes import mapping
    from .operations import OperationBuilder
    from .results import with_results
    from .schemas import SchemaBuilder
    from .servers import servers
    from .webhooks import build_events, register_webhook_payloads, vendor_events

    if canonical is None:  # key order carries no meaning: nothing may depend on it
        canonical = Canonical(spec.document)
    doc = canonical.document
    if spec.version == "3.1" and not any(k in doc for k in ("paths", "components", "webhooks")):
        sink.warn(
            "empty-document",
            "",
            "the document has none of `paths`, `components` and `webhooks` (OpenAPI 3.1 requires at "
            "least one); the client has no operations and no types",
            "add the API's paths",
        )
    resolver = Resolver(doc, spec.path, sink)
    schemas = SchemaBuilder(resolver, sink, spec.version, canonical)
    schemas.register_components()
    ops = OperationBuilder(resolver, schemas, sink).build_all()
    register_webhook_payloads(doc, schemas)
    entries = vendor_events(doc, schemas, sink)
    built = checked_schemas(schemas.finish(), sink)
    synthetic, webhooks = build_events(entries, built, sink)
    built.update(synthetic)
    operations = tuple(with_results(checked_operation(op, built, sink)) for op in ops)
    info = mapping(doc.get("info"))
    return Api(
        title=str(info.get("title") or ""),
        version=str(info.get("version") or "0.0.0"),
        description=str(info.get("description") or "").strip(),
        servers=servers(doc.get("servers"), "/servers", sink, "document"),
        security_schemes=_security(
            mapping(mapping(doc.get("components")).get("securitySchemes")), resolver, sink
        ),
        schemas=built,
        operations=operations,
        openapi_version=spec.version,
        error_codes=known_error_codes(resolver),
        webhooks=webhooks,
        package_info=package_info(doc),
        extensions=tuple(sorted((k, v) for k, v in doc.items() if str(k).startswith("x-"))),
    )


def _security(raw: Any, resolver: Resolver, sink: DiagnosticSink) -> tuple[SecurityScheme, ...]:
    from .. import pointer as jp
    from .nodes import mapping
    from .operations import is_cookie_name, warn_header_name

    out = []
    for name, node in raw.items() if isinstance(raw, dict) else ():
        where, node = resolver.deref(node, jp.join("/components/securitySchemes", name))
        if not isinstance(node, dict):
            continue
        cookie = node.get("name")
        if (
            node.get("type") == "apiKey"
            and node.get("in") == "cookie"
            and not is_cookie_name(str(cookie or ""))
        ):
            sink.warn(
                "bad-cookie-name",
                jp.join(where, "name"),
                f"API key cookie name {cookie!r} is not a valid cookie name (RFC 6265 token); the generated "
                "client still takes the key, but a call that would send it raises ValueError before "
                "sending anything",
                "rename the cookie to a token: letters, digits and !#$%&'*+-.^_`|~",
            )
        if (
            node.get("type") == "apiKey"
            and node.get("in") == "header"
            and not is_cookie_name(str(cookie or ""))
        ):
            warn_header_name(sink, str(cookie), jp.join(where, "name"), "API key header")
        cc = mapping(mapping(node.get("flows")).get("clientCredentials"))
        out.append(
            SecurityScheme(
                name=name,
                kind=str(node.get("type", "")),
                location=str(node.get("in", "")),
                param_name=str(node.get("name", "")),
                scheme=str(node.get("scheme", "")).lower(),
                token_url=str(cc.get("tokenUrl", "")),
            )
        )
    return tuple(out)
