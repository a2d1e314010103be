"""Paths → IR operations: parameters by location, request bodies, responses, security."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from .. import pointer as jp
from ..diagnostics import DiagnosticSink
from ..ir import (
    MISSING,
    AnyType,
    Header,
    Kind,
    Location,
    MediaKind,
    MediaType,
    Operation,
    Parameter,
    Primitive,
    RequestBody,
    Response,
    Server,
    TypeRef,
)
from ..refs import Resolver
from .field_facts import says_uuid
from .form_body import encodings, member_fields
from .media import media_kind
from .nodes import sequence
from .nodes import text as _text
from .schema_facts import node_constraints, schema_example
from .schemas import SchemaBuilder
from .servers import servers

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# RFC 6265 cookie-name = RFC 2616 token: visible ASCII except separators (the runtime's _cookies checks the same)
_COOKIE_SEPARATORS = frozenset('()<>@,;:\\"/[]?={} \t')
_DEFAULT_STYLE = {
    Location.QUERY: "form",
    Location.COOKIE: "form",
    Location.PATH: "simple",
    Location.HEADER: "simple",
}


class OperationBuilder:
    def __init__(self, resolver: Resolver, schemas: SchemaBuilder, sink: DiagnosticSink) -> None:
        self.resolver = resolver
        self.schemas = schemas
        self.sink = sink
        doc = resolver.document
        self.root_security: list[Any] = sequence(doc.get("security"))
        self._tag_order: dict[str, int] | None = None
        # a parameter reached by `$ref` (`components/parameters`), by its place, when what it made
        # does not depend on the place that names it (`_parameter`)
        self._shared: dict[str, Parameter] = {}

    def build_all(self) -> list[Operation]:
        paths = self.resolver.document.get("paths") or {}
        if not isinstance(paths, dict):
            self.sink.warn("bad-paths", "/paths", "paths is not a mapping; no operations generated")
            return []
        ops: list[Operation] = []
        for path, item in paths.items():
            ops += self.build_item(path, item)
        # paths come sorted (canonical.py); the document's `tags` list is ordered on purpose
        # (OpenAPI: "the order of the tags can be used to reflect on their order by the parsing tools")
        return sorted(ops, key=self._tag_rank)

    def build_item(
        self, path: str, item: Any, methods: Collection[str] = METHODS
    ) -> list[Operation]:
        """The operations of one path item, in `METHODS` order; `methods`: only these (the stage
        cache's structural replay parses a changed operation alone: `stage/structural.py`)."""
        where = jp.join("/paths", path)
        if not isinstance(item, dict):
            self.sink.warn("bad-path-item", where, "path item is not a mapping; skipped")
            return []
        _, item = self.resolver.deref(item, where)
        shared = item.get("parameters") or []
        path_servers = servers(item.get("servers"), jp.join(where, "servers"), self.sink, "path")
        return [
            self.build(path, method, node, shared, jp.join(where, method), path_servers)
            for method in METHODS
            if method in methods and isinstance(node := item.get(method), dict)
        ]

    def tag_rank(self, op: Operation) -> int:
        """Where the operation's first tag is in the document's `tags` list (`build_all`'s order)."""
        return self._tag_rank(op)

    def _tag_rank(self, op: Operation) -> int:
        if self._tag_order is None:
            listed = self.resolver.document.get("tags")
            names = (
                [t.get("name") for t in listed if isinstance(t, dict)]
                if isinstance(listed, list)
                else []
            )
            self._tag_order = {
                n: i for i, n in reversed(list(enumerate(names))) if isinstance(n, str)
            }
        first = op.tags[0] if op.tags else ""
        return self._tag_order.get(first, len(self._tag_order))

    def build(
        self,
        path: str,
        method: str,
        node: dict[str, Any],
        shared: list[Any],
        where: str,
        path_servers: tuple[Server, ...],
    ) -> Operation:
        op_id = node.get("operationId")
        has_id = isinstance(op_id, str) and bool(op_id.strip())
        if not has_id:
            op_id = f"{method} {path}"
        hint = str(op_id)
        params = self._parameters(shared, node.get("parameters") or [], where, path, hint)
        body = self._body(node.get("requestBody"), jp.join(where, "requestBody"), hint)
        responses = self._responses(node.get("responses") or {}, jp.join(where, "responses"), hint)
        own = node.get("security")
        security: list[Any] = own if isinstance(own, list) else self.root_security
        schemes = tuple(sorted({name for req in security if isinstance(req, dict) for name in req}))
        requires_auth = bool(security) and all(isinstance(r, dict) and r for r in security)
        requirements = tuple(
            tuple(str(name) for name in req) for req in security if isinstance(req, dict)
        )
        op_servers = servers(node.get("servers"), jp.join(where, "servers"), self.sink, "operation")
        tags = tuple(t for t in node.get("tags") or [] if isinstance(t, str))
        extensions = tuple(sorted((k, v) for k, v in node.items() if k.startswith("x-")))
        return Operation(
            id=str(op_id),
            method=method,
            path=path,
            tags=tags,
            summary=_text(node.get("summary")),
            description=_text(node.get("description")),
            parameters=params,
            body=body,
            responses=responses,
            results=(),
            requires_auth=requires_auth,
            security=schemes,
            deprecated=bool(node.get("deprecated")),
            extensions=extensions,
            pointer=where,
            servers=op_servers or path_servers,
            has_operation_id=has_id,
            security_requirements=requirements,
        )

    def _parameters(
        self, shared: list[Any], own: list[Any], where: str, path: str, hint: str
    ) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, str], Parameter] = {}
        for source, items in (("shared", shared), ("own", own)):
            base = (
                jp.join(where.rsplit("/", 1)[0], "parameters")
                if source == "shared"
                else jp.join(where, "parameters")
            )
            for i, raw in enumerate(items if isinstance(items, list) else []):
                param = self._parameter(raw, jp.join(base, i), hint)
                if param is not None:
                    merged[(param.wire_name, param.location.value)] = param
        for name in _path_names(path):
            if (name, "path") not in merged:
                self.sink.warn(
                    "undeclared-path-param",
                    where,
                    f"path parameter {{{name}}} is not declared; typed as str",
                    "declare it under parameters with in: path",
                )
                merged[(name, "path")] = Parameter(
                    name, Location.PATH, Primitive(Kind.STRING), True, pointer=where
                )
        order = {Location.PATH: 0, Location.QUERY: 1, Location.HEADER: 2, Location.COOKIE: 3}
        path_order = {n: i for i, n in enumerate(_path_names(path))}
        return tuple(
            sorted(
                merged.values(), key=lambda p: (order[p.location], path_order.get(p.wire_name, 0))
            )
        )

    def _parameter(self, raw: Any, where: str, hint: str) -> Parameter | None:
        reported, placed = len(self.sink.items), self.schemas.placed
        pointer, node = self.resolver.deref(raw, where)
        shared = pointer != where  # a `$ref`: the same node at each place that names it
        if shared and (known := self._shared.get(pointer)) is not None:
            return known
        param = self._new_parameter(node, pointer, where, hint)
        # kept when it is the same at every place: no diagnostic (each is reported where it is met)
        # and no inline schema named from this place's hint (each place adds its own)
        if (
            shared
            and param is not None
            and len(self.sink.items) == reported
            and self.schemas.placed == placed
        ):
            self._shared[pointer] = param
        return param

    def _new_parameter(self, node: Any, pointer: str, where: str, hint: str) -> Parameter | None:
        if not isinstance(node, dict) or not isinstance(node.get("name"), str):
            self.sink.warn("bad-parameter", where, "parameter has no name; skipped")
            return None
        try:
            location = Location(node.get("in"))
        except ValueError:
            self.sink.warn(
                "bad-parameter",
                where,
                f"parameter location {node.get('in')!r} is not path/query/header/cookie; skipped",
            )
            return None
        name = node["name"]
        if location is Location.HEADER and name.lower() in (
            "accept",
            "content-type",
            "authorization",
        ):
            return None  # OpenAPI says these are ignored as parameters
        required = bool(node.get("required")) or location is Location.PATH
        if location is Location.PATH and node.get("required") is not True:
            self.sink.warn(
                "path-param-not-required",
                jp.join(pointer, "required"),
                f"path parameter {name!r} does not say `required: true` (OpenAPI requires it of path "
                "parameters); it is treated as required",
                "add `required: true`",
            )
        if location is Location.COOKIE and not is_cookie_name(name):
            _warn_cookie_name(self.sink, name, jp.join(pointer, "name"), required)
        if location is Location.HEADER and not is_cookie_name(name):
            warn_header_name(self.sink, name, jp.join(pointer, "name"), "header parameter")
        schema = node.get("schema")
        content_media = ""
        if schema is None and isinstance(node.get("content"), dict) and node["content"]:
            content_media, media = next(iter(node["content"].items()))
            schema = media.get("schema") if isinstance(media, dict) else None
        with self.schemas.sent():
            t = (
                self.schemas.type_of(
                    schema if schema is not None else {},
                    jp.join(pointer, "schema"),
                    (f"{hint} {name}", name),
                )
                if schema is not None
                else AnyType()
            )
        schema_node = self.resolver.deref(schema, where)[1] if isinstance(schema, dict) else {}
        schema_node = schema_node if isinstance(schema_node, dict) else {}
        if t == Primitive(Kind.STRING) and says_uuid(node, schema_node):
            t = Primitive(Kind.UUID)  # arguments then take `uuid.UUID | str`: wider, never narrower
        style = node.get("style") or _DEFAULT_STYLE[location]
        example = self._example(node, pointer)
        return Parameter(
            wire_name=name,
            location=location,
            type=t,
            required=required,
            doc=_text(node.get("description")) or _schema_doc(schema_node),
            style=str(style),
            explode=bool(node.get("explode", style == "form")),
            default=schema_node.get("default", MISSING),
            deprecated=bool(node.get("deprecated")),
            pointer=pointer,
            sort_fields=_sort_fields(node, schema_node)
            if name == "sort" or "x-sortable-fields" in node
            else (),
            constraints=node_constraints(schema_node),
            example=schema_example(schema_node) if example is MISSING else example,
            content_media=str(content_media),
            allow_reserved=location is Location.QUERY and node.get("allowReserved") is True,
        )

    def _example(self, node: dict[str, Any], where: str) -> Any:
        """A parameter's or media type's `example`, else the value of the first of its `examples`
        (Example objects, by name; a `$ref` to `components/examples` is followed)."""
        if "example" in node:
            return node["example"]
        examples = node.get("examples")
        if isinstance(examples, dict):
            for name, raw in examples.items():
                _, example = self.resolver.deref(raw, jp.join(where, "examples", name))
                if isinstance(example, dict) and "value" in example:
                    return example["value"]
        return MISSING

    def _body(self, raw: Any, where: str, hint: str) -> RequestBody | None:
        if raw is None:
            return None
        pointer, node = self.resolver.deref(raw, where)
        if not isinstance(node, dict):
            return None
        with self.schemas.sent():
            media = self._media(
                node.get("content") or {},
                jp.join(pointer, "content"),
                (f"{hint} body", None),
                request=True,
            )
        doc = _text(node.get("description")) or self._body_schema_doc(
            node.get("content"), jp.join(pointer, "content")
        )
        return RequestBody(required=bool(node.get("required")), media=media, doc=doc)

    def _body_schema_doc(self, content: Any, where: str) -> str:
        """The description written in the body's schema, when the request body has none."""
        for media_type, media in content.items() if isinstance(content, dict) else ():
            schema = media.get("schema") if isinstance(media, dict) else None
            if isinstance(schema, dict):
                own = _schema_doc(schema)
                resolved = self.resolver.deref(schema, jp.join(where, media_type, "schema"))[1]
                return own or (_schema_doc(resolved) if isinstance(resolved, dict) else "")
        return ""

    def _responses(self, raw: Any, where: str, hint: str) -> tuple[Response, ...]:
        out = []
        if not isinstance(raw, dict):
            self.sink.warn("bad-responses", where, "responses is not a mapping")
            return ()
        for status, resp in raw.items():
            status = str(status).upper() if str(status).lower() != "default" else "default"
            if not _STATUS.fullmatch(status):
                self.sink.warn(
                    "bad-response-status",
                    jp.join(where, status),
                    f"response key {status!r} is not a status code (100-599), a range (2XX) or "
                    "`default`; this response is ignored",
                    "use the numeric status code, e.g. 200, 2XX or default",
                )
                continue
            pointer, node = self.resolver.deref(resp, jp.join(where, status))
            if not isinstance(node, dict):
                continue
            is_error = status[:1] in ("4", "5") or status == "default"
            short = "error response" if is_error else None
            suffix = "" if status in ("200", "201") else f" {status}"
            media = self._media(
                node.get("content") or {},
                jp.join(pointer, "content"),
                (f"{hint} response{suffix}", short),
            )
            headers = self._headers(node.get("headers") or {}, jp.join(pointer, "headers"), hint)
            out.append(Response(status, _text(node.get("description")), media, headers))
        return tuple(out)

    def _media(
        self, content: Any, where: str, hint: tuple[str, str | None], request: bool = False
    ) -> tuple[MediaType, ...]:
        """`request`: a request body's media types, which keep their example (the generated tests and
        api.md send it; a response's examples, which can be large, are not needed) and, for form and
        multipart bodies, their encodings and member fields."""
        out = []
        if not isinstance(content, dict):
            return ()
        for media_type, media in content.items():
            mwhere = jp.join(where, media_type, "schema")
            schema = media.get("schema") if isinstance(media, dict) else None
            t: TypeRef
            kind = media_kind(str(media_type))
            if schema is None and kind is MediaKind.EVENT_STREAM and isinstance(media, dict):
                schema, mwhere = self._event_data(media, jp.join(where, media_type))
            if schema is None:
                t = Primitive(Kind.BINARY) if not kind.is_json else AnyType()
            else:
                t = self.schemas.type_of(schema, mwhere, hint)
            example = (
                self._example(media, jp.join(where, media_type))
                if request and isinstance(media, dict)
                else MISSING
            )
            if request and kind in (MediaKind.FORM, MediaKind.MULTIPART):
                members = (
                    member_fields(self.schemas, self.resolver, schema, mwhere, hint[0])
                    if schema is not None
                    else ()
                )
                out.append(
                    MediaType(str(media_type), t, kind, encodings(media), members, example=example)
                )
                continue
            out.append(MediaType(str(media_type), t, kind, example=example))
        return tuple(out)

    def _event_data(self, media: dict[str, Any], where: str) -> tuple[Any, str]:
        """An event stream's data schema from an OpenAPI 3.2 `itemSchema` (one event:
        `{event, data, id, retry}`): `data`'s `contentSchema` (JSON data), else `data` itself."""
        if "itemSchema" not in media:
            return None, where
        pointer, item = self.resolver.deref(media["itemSchema"], jp.join(where, "itemSchema"))
        props = item.get("properties") if isinstance(item, dict) else None
        if not isinstance(props, dict) or "data" not in props:
            return None, pointer
        pointer, data = self.resolver.deref(props["data"], jp.join(pointer, "properties", "data"))
        if isinstance(data, dict) and "contentSchema" in data:
            return data["contentSchema"], jp.join(pointer, "contentSchema")
        return data, pointer

    def _headers(self, headers: Any, where: str, hint: str) -> tuple[Header, ...]:
        out = []
        for name, raw in headers.items() if isinstance(headers, dict) else ():
            pointer, node = self.resolver.deref(raw, jp.join(where, name))
            if not isinstance(node, dict):
                continue
            schema = node.get("schema", {})
            t = self.schemas.type_of(schema, jp.join(pointer, "schema"), (f"{hint} {name}", name))
            out.append(Header(name, t, bool(node.get("required")), _text(node.get("description"))))
        return tuple(out)


def is_cookie_name(name: str) -> bool:
    return bool(name) and all(0x21 <= ord(c) <= 0x7E and c not in _COOKIE_SEPARATORS for c in name)


def _warn_cookie_name(sink: DiagnosticSink, name: str, where: str, required: bool) -> None:
    every = "; it is required, so every call does" if required else ""
    sink.warn(
        "bad-cookie-name",
        where,
        f"cookie parameter name {name!r} is not a valid cookie name (RFC 6265 token: visible ASCII "
        'without spaces or ()<>@,;:\\"/[]?={}); the generated method still takes the argument, but a '
        f"call that passes a value for it raises ValueError before sending anything{every}",
        "rename the cookie to a token: letters, digits and !#$%&'*+-.^_`|~",
    )


def warn_header_name(sink: DiagnosticSink, name: str, where: str, what: str) -> None:
    sink.warn(
        "bad-header-name",
        where,
        f"{what} name {name!r} is not a valid HTTP header name (RFC 9110 token: visible ASCII without "
        'spaces or ()<>@,;:\\"/[]?={}); the generated method still takes the argument, but a call that '
        "would send it raises ValueError before sending anything",
        "rename the header to a token: letters, digits and !#$%&'*+-.^_`|~",
    )


def _schema_doc(schema: Any) -> str:
    """A description written inside a parameter's or body's schema (not its `title`: FastAPI titles
    every schema after its name)."""
    return _text(schema.get("description")) if isinstance(schema, dict) else ""


_STATUS = re.compile(r"[1-5](?:[0-9]{2}|XX)|default")


def _path_names(path: str) -> list[str]:
    return re.findall(r"{([^{}]+)}", path)


def _sort_fields(node: dict[str, Any], schema: Any) -> tuple[str, ...]:
    """Fields a sort parameter accepts: `x-sortable-fields`, else the (item) enum without `-`."""
    listed = node.get("x-sortable-fields")
    if isinstance(listed, list):
        return tuple(dict.fromkeys(str(v) for v in listed if isinstance(v, str)))
    if not isinstance(schema, dict):
        return ()
    items = schema.get("items") if isinstance(schema.get("items"), dict) else schema
    values = items.get("enum") if isinstance(items, dict) else None
    if not isinstance(values, list):
        return ()
    return tuple(
        dict.fromkeys(v.lstrip("-") for v in values if isinstance(v, str) and v.lstrip("-"))
    )
