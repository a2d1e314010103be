"""Turn an ``Endpoint`` plus call arguments into everything needed to send the request."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import httpx

from ._auth import Auth
from ._constants import IDEMPOTENCY_HEADER
from ._cookies import cookie_header
from ._exceptions import FileTooLargeError
from ._fields import is_omittable
from ._files import FileStream, MultipartStream, open_content
from ._logs import Redactor, sensitive_header_values
from ._options import RequestOptions
from ._serialize import (
    check_header,
    encode,
    form_pairs,
    format_path,
    header_value,
    join_query,
    json_body,
    query_items,
    scalar_to_str,
    to_jsonable,
)
from ._types import NotGiven
from ._wire import to_wire

if TYPE_CHECKING:
    from ._endpoint import AnyEndpoint

__all__ = ["PreparedRequest", "RequestBuilder", "prepare_request"]

_SIMPLE = ("simple", False)
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


@dataclass(slots=True)
class PreparedRequest:
    """A request ready to be built (once per attempt); ``close()`` releases opened files."""

    method: str
    url: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    content: bytes | None = None
    stream: FileStream | MultipartStream | None = None
    replayable: bool = True
    idempotent: bool = True
    redact: Redactor = field(default_factory=lambda: Redactor(()))
    stack: ExitStack | None = None
    credential_params: tuple[str, ...] = ()  # the auth's (dropped when leaving the origin)
    defer_body: bool = False  # leave a success body on the socket (``with_streaming_response``)

    def full_url(self) -> str:
        """The URL with the query string (the pairs are percent-encoded already: RFC 3986, a space is
        ``%20``; httpx's ``params=`` would write ``+``, which RFC 3986 servers read as a plus sign)."""
        if not self.params:
            return self.url
        return f"{self.url}{'&' if '?' in self.url else '?'}{join_query(self.params)}"

    def build(self, client: httpx.Client | httpx.AsyncClient, timeout: Any) -> httpx.Request:
        url = self.full_url()
        request = client.build_request(
            self.method,
            url,
            headers=self.headers,
            content=self.content,
            timeout=timeout,
        )
        if client.params:  # httpx re-encodes the whole query to merge its own: merge them here
            request.url = request.url.copy_with(query=_merged_query(client.params, url))
        if client.cookies and any(name.lower() == "cookie" for name in self.headers):
            # an explicit Cookie header makes httpx skip the client's jar: add the jar's cookies
            probe = httpx.Request(self.method, request.url)
            client.cookies.set_cookie_header(probe)
            jar = probe.headers.get("Cookie")
            if jar:
                request.headers["Cookie"] = f"{jar}; {request.headers['Cookie']}"
        if self.stream is None:
            return request
        headers = request.headers.copy()
        if self.stream.length is not None:
            headers["Content-Length"] = str(self.stream.length)
            headers.pop("Transfer-Encoding", None)
        else:
            headers["Transfer-Encoding"] = "chunked"
            headers.pop("Content-Length", None)
        return httpx.Request(
            request.method,
            request.url,
            headers=headers,
            stream=self.stream,
            extensions=request.extensions,
        )

    def close(self) -> None:
        if self.stack is not None:
            self.stack.close()


class RequestBuilder:
    """``PreparedRequest.build`` without re-merging the httpx client's default headers on every call.

    ``client.build_request`` copies the client's headers and then pops each of ours from the copy (a
    scan per header). The defaults our headers leave in place depend only on our header names, so
    they are computed once per name tuple and reused until the client or its headers change. A client
    with cookies or default params, a relative URL and streamed bodies take ``build_request``.
    """

    __slots__ = ("_state",)

    def __init__(self) -> None:
        self._state: tuple[
            object, list[tuple[bytes, bytes]], dict[tuple[str, ...], list[tuple[bytes, bytes]]]
        ] = (None, [], {})

    def build(
        self, client: httpx.Client | httpx.AsyncClient, prepared: PreparedRequest, timeout: Any
    ) -> httpx.Request:
        url = prepared.url
        if (
            prepared.stream is not None
            or client.cookies
            or client.params
            or not url.startswith(("https://", "http://"))
        ):
            return prepared.build(client, timeout)
        defaults = client.headers.raw
        state = self._state
        if state[0] is not client or state[1] != defaults:
            state = self._state = (client, defaults, {})
        names = tuple(prepared.headers)
        kept = state[2].get(names)
        if kept is None:
            ours = {name.lower() for name in names}
            kept = [(k, v) for k, v in defaults if k.decode("latin-1").lower() not in ours]
            state[2][names] = kept
        headers: Any = [*kept, *prepared.headers.items()]  # httpx takes bytes and str pairs
        return httpx.Request(
            prepared.method,
            prepared.full_url(),
            headers=headers,
            content=prepared.content,
            extensions={"timeout": _as_timeout(timeout).as_dict()},
        )


def _merged_query(defaults: httpx.QueryParams, url: str) -> bytes:
    """An ``http_client``'s default query parameters, then the URL's own (which replace same-named
    ones)."""
    query = url.partition("?")[2]
    ours = {part.partition("=")[0] for part in query.split("&") if part}
    pairs = [(encode(k), encode(v)) for k, v in defaults.multi_items() if encode(k) not in ours]
    parts = [join_query(pairs)] if pairs else []
    if query:
        parts.append(query)
    return "&".join(parts).encode("ascii")


def _as_timeout(value: Any) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


def _is_json_media(media: str) -> bool:
    media = media.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _form_items(
    body: object, extra: Mapping[str, object] | None, endpoint: AnyEndpoint
) -> list[tuple[str, str]]:
    """The percent-encoded pairs of a form body, each property per its ``encoding`` (``form_styles``)."""
    data = to_jsonable(body)
    if isinstance(data, NotGiven):
        data = {}
    if not isinstance(data, dict):
        raise TypeError("A form body must be a mapping or a model")
    if extra:
        data.update(to_jsonable(extra))
    return form_pairs(data, endpoint.form_styles, endpoint.allow_reserved)


def _check_size(endpoint: AnyEndpoint, name: str, size: int | None) -> None:
    limit = endpoint.max_file_bytes
    if limit is not None and size is not None and size > limit:
        raise FileTooLargeError(
            f"{name!r} is {size:,} bytes; {endpoint.operation_id or endpoint.path} accepts at most "
            f"{limit:,} bytes. Nothing was sent.",
            size=size,
            limit=limit,
        )


def _left_out(body: object) -> bool:
    """A body built from keyword arguments none of which was given."""
    return isinstance(body, Mapping) and all(isinstance(v, NotGiven) for v in body.values())


def _set_body(prepared: PreparedRequest, endpoint: AnyEndpoint, options: RequestOptions) -> None:
    body, extra_body = options.body, options.extra_body
    if not endpoint.body_required and not extra_body and _left_out(body):
        return
    if isinstance(body, NotGiven) and not extra_body:
        return
    media = endpoint.body_media or "application/json"
    headers = prepared.headers
    if _is_json_media(media):
        if endpoint.body_type is not None:
            body = to_wire(body, endpoint.body_type(), wire_keys=endpoint.flat_body)
        prepared.content = json_body(body, extra_body)
    elif media.startswith("multipart/form-data"):
        stack = prepared.stack = ExitStack()
        fields = to_jsonable_fields(body)
        if extra_body:
            fields.update(extra_body)
        stream = MultipartStream(_styled_parts(fields, endpoint), stack, endpoint.part_types)
        prepared.stream, prepared.replayable = stream, stream.replayable
        try:
            for name, size in stream.file_sizes:
                _check_size(endpoint, name, size)
        except FileTooLargeError:
            stack.close()
            raise
        headers["Content-Type"] = stream.content_type
        return
    elif media == "application/x-www-form-urlencoded":
        prepared.content = join_query(_form_items(body, extra_body, endpoint)).encode("ascii")
    else:
        if media.startswith("text/") and "charset" not in media:
            media = f"{media}; charset=utf-8"
        stack = prepared.stack = ExitStack()
        content = open_content(body, stack)
        try:
            _check_size(
                endpoint, "body", len(content) if isinstance(content, bytes) else content.length
            )
        except FileTooLargeError:
            stack.close()
            raise
        if isinstance(content, FileStream):
            prepared.stream, prepared.replayable = content, content.replayable
        else:
            prepared.content = content
    headers.setdefault("Content-Type", media)


def _styled_parts(fields: dict[str, object], endpoint: AnyEndpoint) -> list[tuple[str, object]]:
    """Multipart fields; one whose ``encoding`` names a style (``deepObject``: Stripe's
    ``file_link_data[create]``) becomes the text parts that style gives."""
    styles = endpoint.form_styles
    if not styles:
        return list(fields.items())
    out: list[tuple[str, object]] = []
    for name, value in fields.items():
        style = styles.get(name)
        if style is None or style[0] == "json" or value is None or isinstance(value, NotGiven):
            out.append((name, value))
        else:
            out.extend(form_pairs({name: to_jsonable(value)}, styles, encoded=False))
    return out


def to_jsonable_fields(body: object) -> dict[str, object]:
    """Top-level multipart fields: a model is dumped shallowly so file values stay intact."""
    if isinstance(body, NotGiven):
        return {}
    if hasattr(body, "model_dump") and hasattr(body, "model_fields_set"):
        fields = type(body).model_fields  # type: ignore[attr-defined]
        out: dict[str, object] = {}
        for name in body.model_fields_set:
            info = fields.get(name)
            value = getattr(body, name)
            if info is not None and value is None and is_omittable(info):
                continue  # not nullable: `None` means left out
            key = (info.serialization_alias or info.alias or name) if info is not None else name
            out[key] = value
        for key, constant in getattr(type(body), "__clientgen_constants__", {}).items():
            out.setdefault(key, constant)
        return out
    if isinstance(body, Mapping):
        return dict(body)
    raise TypeError("A multipart body must be a mapping or a model")


def _link_params(url: str, auth: Mapping[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """A next-page link's query as pairs, encoded as the link has them, less the credentials the
    auth adds again."""
    split = urlsplit(url)
    kept = []
    for part in split.query.split("&") if split.query else ():
        key, _, value = part.partition("=")
        if unquote_plus(key) not in auth:
            kept.append((key, value))
    return urlunsplit((split.scheme, split.netloc, split.path, "", "")), kept


def _drop_header(headers: dict[str, str], name: str) -> None:
    lowered = name.lower()
    for key in [k for k in headers if k.lower() == lowered]:
        del headers[key]


def prepare_request(
    endpoint: AnyEndpoint,
    options: RequestOptions,
    *,
    base_url: str,
    base_headers: Mapping[str, str],
    auth: Auth | None,
    idempotency_header: str | None = None,
) -> PreparedRequest:
    """Everything but the transport: URL, query, headers (validated), body."""
    if options.url is not None:
        url = options.url  # a next-page link: its own path and query (same origin, checked)
    else:
        path = format_path(endpoint.path, options.path, endpoint.path_styles)
        if "#" in path:  # a fragment in the path key (AWS: `/tags/{arn}#tagKeys`) is never sent
            path = path.partition("#")[0]
        url = base_url + path.lstrip("/")
    headers = dict(base_headers)
    auth_query: dict[str, str] = {}
    secrets: list[str] = []
    if auth is not None:  # the caller chose it for this endpoint
        auth.apply(headers, auth_query)
        secrets.extend(auth.secrets())
    if options.headers:
        for name, value in options.headers.items():
            if value is None and ("header", name) in endpoint.nulls:
                headers[name] = ""  # the simple style's null form: an empty value
                continue
            if value is None or isinstance(value, NotGiven):
                continue
            _drop_header(headers, name)  # the operation's own header wins over an auth's
            headers[name] = header_value(value, endpoint.header_styles.get(name, _SIMPLE))
    cookie = cookie_header(options.cookies, endpoint.cookie_styles, endpoint.nulls)
    if cookie:
        existing = next((k for k in headers if k.lower() == "cookie"), None)
        if existing:  # a cookie the call sets itself (an API key cookie's name) is not sent twice
            own = {part.split("=", 1)[0] for part in cookie.split("; ")}
            kept = [p for p in headers.pop(existing).split("; ") if p.split("=", 1)[0] not in own]
            cookie = "; ".join([*kept, cookie])
        headers["Cookie"] = cookie
    if options.extra_headers:
        lowered = {name.lower() for name in options.extra_headers}
        headers = {k: v for k, v in headers.items() if k.lower() not in lowered}
        for name, value in options.extra_headers.items():
            if value is not None and not isinstance(value, NotGiven):
                headers[name] = scalar_to_str(value)
    params = query_items(
        options.query,
        endpoint.query_styles,
        options.extra_query,
        reserved=endpoint.allow_reserved,
        nulls=endpoint.nulls,
    )
    if auth_query and options.url is not None:
        url, params = _link_params(url, auth_query)
    if auth_query:  # a query parameter the call sets itself is not sent twice
        named = {name for name, _ in params}
        params.extend(
            (encode(k), encode(v)) for k, v in auth_query.items() if encode(k) not in named
        )
    method = endpoint.method
    idempotent = method in _IDEMPOTENT_METHODS
    if not idempotent:
        header_names = {name.lower() for name in headers}
        if idempotency_header and idempotency_header.lower() not in header_names:
            headers[idempotency_header] = f"clientgen-{uuid.uuid4()}"
            header_names.add(idempotency_header.lower())
        keys = {IDEMPOTENCY_HEADER.lower(), (idempotency_header or IDEMPOTENCY_HEADER).lower()}
        idempotent = bool(keys & header_names)
    for name, value in headers.items():
        check_header(name, value)
    secrets.extend(sensitive_header_values(headers))
    prepared = PreparedRequest(
        method=method,
        url=url,
        params=params,
        headers=headers,
        idempotent=idempotent,
        redact=Redactor(secrets),
        credential_params=tuple(auth_query),
    )
    try:
        _set_body(prepared, endpoint, options)
    except BaseException:
        prepared.close()
        raise
    return prepared
