"""Download a live spec: timeout, retries with backoff, ETag / If-None-Match caching, and validation
that what came back is a complete OpenAPI document (not an HTML page, not a truncated file).

Nothing is cached here: the caller `remember`s a download once it has accepted it. Every failure is a `FetchError` with a one-line reason
and a hint; the CLI turns it into exit code 3.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from .. import pointer as jp
from ..diagnostics import SpecError
from ..load import parse_text
from ..version import __version__

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 30.0
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_NULLABLE_KEYS = frozenset({"default", "example", "examples", "const", "enum"})
# keys whose value must be a mapping keyed by names the spec chose (`_SHAPES`); all are `_NAME_MAPS`
_OBJECT_MAPS = (
    "paths",
    "schemas",
    "properties",
    "responses",
    "content",
    "headers",
    "securitySchemes",
    "variables",
    "mapping",
    "encoding",
    "links",
    "callbacks",
)
_NAME_MAPS = frozenset(
    {
        *_OBJECT_MAPS,
        "requestBodies",
        "patternProperties",
        "examples",
        "parameters",
        "webhooks",
    }
)
_FREE_FORM = frozenset({"example", "examples", "default", "const", "enum"})
_SHAPES: dict[str, tuple[type, ...]] = {
    **{k: (dict,) for k in ("components", *_OBJECT_MAPS)},
    "schema": (dict, bool),
    "items": (dict, bool),
    "additionalProperties": (dict, bool),
    **{k: (list,) for k in ("allOf", "oneOf", "anyOf", "enum", "servers", "security")},
}
ACCEPT = "application/yaml, application/x-yaml, text/yaml, application/json;q=0.9, */*;q=0.5"


class FetchError(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Fetched:
    url: str
    body: bytes
    document: dict[str, Any]
    not_modified: bool  # answered 304: the cached copy is current
    etag: str
    seconds: float


MAX_LIVE_BYTES = 50 * 1024 * 1024  # a live spec larger than this (after decompression) is refused


class _TooLarge(Exception):
    pass


@dataclass(frozen=True)
class _Reply:
    status_code: int
    reason_phrase: str
    headers: httpx.Headers
    body: bytes


def fetch_spec(
    url: str,
    cache_dir: Path | None,
    *,
    timeout: float = 30.0,
    retries: int = 2,
    backoff: float = 0.5,
    transport: httpx.BaseTransport | None = None,
    max_bytes: int = MAX_LIVE_BYTES,
) -> Fetched:
    """Download `url`. `timeout` bounds the whole download, every attempt and pause included: a server
    that answers slowly (even one byte at a time) is cut off when it runs out, measured on the monotonic
    clock. The body is refused past `max_bytes` (as declared, or as decoded so far)."""
    if not url.startswith(("http://", "https://")):
        raise FetchError(
            f"{url!r} is not an http(s) URL", "set live_url (or --url) to the raw spec's address"
        )
    start = time.monotonic()
    deadline = start + timeout
    cached = _read_cache(cache_dir, url)
    headers = {"Accept": ACCEPT, "User-Agent": f"clientgen/{__version__}"}
    if cached is not None and cached[1].get("etag"):
        headers["If-None-Match"] = cached[1]["etag"]
    response = _get(url, headers, timeout, deadline, retries, backoff, transport, max_bytes)
    if response.status_code == 304 and cached is not None:
        body, etag, not_modified = cached[0], str(cached[1].get("etag", "")), True
    elif response.status_code == 200:
        body, etag, not_modified = response.body, response.headers.get("etag", ""), False
    else:
        raise FetchError(
            f"HTTP {response.status_code} {response.reason_phrase} from {url}",
            _status_hint(response.status_code),
        )
    document = validate(body, url, response.headers.get("content-type", ""))
    return Fetched(url, body, document, not_modified, etag, time.monotonic() - start)


def remember(fetched: Fetched, cache_dir: Path | None) -> None:
    """Store a download the caller accepted, so the next fetch can send If-None-Match."""
    if not fetched.not_modified and fetched.etag:
        _write_cache(cache_dir, fetched.url, fetched.body, fetched.etag)


def remember_file(fetched: Fetched, body: Path, cache_dir: Path | None) -> None:
    """`remember` for a download whose bytes are in the file `body` (read only when stored)."""
    if cache_dir is not None and not fetched.not_modified and fetched.etag:
        _write_cache(cache_dir, fetched.url, body.read_bytes(), fetched.etag)


def _get(
    url: str,
    headers: dict[str, str],
    timeout: float,
    deadline: float,
    retries: int,
    backoff: float,
    transport: httpx.BaseTransport | None,
    max_bytes: int,
) -> _Reply:
    last = ""
    out_of_time = f"the download did not finish within --timeout {timeout:g}s"
    # httpx's timeout applies to each connect / read; the whole-download deadline is enforced here.
    with httpx.Client(timeout=timeout, follow_redirects=True, transport=transport) as client:
        for attempt in range(retries + 1):
            if time.monotonic() >= deadline:
                last = out_of_time
                break
            delay = backoff * (2**attempt)
            try:
                response = _attempt(client, url, headers, deadline, max_bytes)
            except _TooLarge as exc:
                raise FetchError(
                    f"{url} sent more than {max_bytes:,} bytes{exc}; refused",
                    "is live_url the spec itself? a spec this large is not supported",
                ) from None
            except TimeoutError:
                last = out_of_time
                break
            except httpx.TimeoutException:
                last = f"timed out after {timeout:g}s"
            except httpx.ConnectError as exc:
                last = f"could not connect ({_reason(exc)})"
            except httpx.TransportError as exc:
                last = f"the transfer failed ({_reason(exc)}); the download may be truncated"
            else:
                if response.status_code not in RETRY_STATUSES or attempt == retries:
                    return response
                last = f"HTTP {response.status_code}"
                delay = max(delay, _retry_after(response.headers))
            if attempt < retries:
                if time.monotonic() + delay >= deadline:
                    last += f"; no time left for another attempt within --timeout {timeout:g}s"
                    break
                time.sleep(delay)
    tries = f" after {attempt + 1} attempts" if attempt else ""
    raise FetchError(
        f"cannot download {url}: {last}{tries}",
        "check the network and the URL; `--timeout` (the whole download) and `--retries` adjust the "
        "patience",
    )


def _attempt(
    client: httpx.Client, url: str, headers: dict[str, str], deadline: float, max_bytes: int
) -> _Reply:
    """One GET, in a worker thread the caller stops waiting for at `deadline` (TimeoutError): a read
    blocks for up to httpx's per-read timeout, which alone would let a slow server run past it. The
    worker checks the deadline and the size after every chunk, so an abandoned one stops soon too."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["reply"] = _download(client, url, headers, deadline, max_bytes)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    worker = threading.Thread(target=work, name="clientgen-fetch", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise TimeoutError
    if "error" in box:
        raise box["error"]
    reply: _Reply = box["reply"]
    return reply


def _download(
    client: httpx.Client, url: str, headers: dict[str, str], deadline: float, max_bytes: int
) -> _Reply:
    with client.stream("GET", url, headers=headers) as response:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _TooLarge(f" (Content-Length: {int(declared):,})")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():  # decoded: a gzip bomb counts at its full size
            size += len(chunk)
            if size > max_bytes:
                raise _TooLarge(" (decoded)" if response.headers.get("content-encoding") else "")
            if time.monotonic() >= deadline:
                raise TimeoutError
            chunks.append(chunk)
        return _Reply(
            response.status_code, response.reason_phrase, response.headers, b"".join(chunks)
        )


def validate(body: bytes, url: str, content_type: str = "") -> dict[str, Any]:
    """The parsed document, or FetchError when the body is not a complete OpenAPI document."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FetchError(
            f"the document at {url} is not UTF-8 text", "is the URL the raw spec?"
        ) from None
    head = text.lstrip()[:200].lower()
    if "html" in content_type.lower() or head.startswith(("<!doctype", "<html", "<head", "<body")):
        raise FetchError(
            f"{url} returned an HTML page, not an OpenAPI document",
            "the URL may point at the documentation site; use the raw openapi.yml/json address",
        )
    if not text.strip():
        raise FetchError(f"{url} returned an empty document", "the server sent no content")
    try:
        document = parse_text(text, url)
    except SpecError as exc:
        raise FetchError(
            f"the document at {url} cannot be read: {exc.diagnostic.message}",
            "a truncated download or a broken file; nothing was written",
        ) from None
    if "openapi" not in document:
        raise FetchError(
            f"the document at {url} is not an OpenAPI document (no 'openapi' key)",
            "check that live_url points at the spec itself",
        )
    problem = incomplete(document)
    if problem:
        raise FetchError(
            f"the document at {url} looks incomplete: {problem}",
            "a truncated download or an unfinished publish; nothing was written",
        )
    return document


def incomplete(document: dict[str, Any]) -> str:
    """Why `document` looks cut short or unfinished, or "" (also used by `clientgen diff`)."""
    if not isinstance(document.get("info"), dict):
        return "it has no 'info' section"
    if not isinstance(document.get("paths"), dict) and not isinstance(
        document.get("webhooks"), dict
    ):
        return "it has no 'paths' section"
    v31 = str(document.get("openapi", "")).startswith(("3.1", "3.2"))  # responses became optional
    for path, item in (document.get("paths") or {}).items():
        for method, op in item.items() if isinstance(item, dict) else ():
            if method in _METHODS and (
                not isinstance(op, dict) or ("responses" not in op and not v31)
            ):
                return f"operation {method.upper()} {path} has no responses"
    shape = _shape_problem(document)
    if shape:
        return shape
    tail, value = _last_leaf(document)
    tokens = jp.split(tail)
    allowed = tokens and (
        tokens[-1] in _NULLABLE_KEYS
        or tokens[-1].startswith("x-")
        or (len(tokens) > 1 and tokens[-2] in _NULLABLE_KEYS)
    )
    if value is None and not allowed:
        return f"it ends with an empty value at {tail}"
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if (
                isinstance(ref, str)
                and ref.startswith("#/")
                and not _resolves(document, ref[1:], parent=True)
            ):
                return f"$ref {ref!r} at {where or '/'} points into a section the document does not have"
            stack.extend((jp.join(where, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((jp.join(where, i), v) for i, v in enumerate(node))
    return ""


def _resolves(document: dict[str, Any], pointer: str, parent: bool = False) -> bool:
    """Does the pointer (or, with parent=True, the container it points into) exist? A dangling name in
    an existing section is a vendor bug the generator reports as a warning; a missing section is what
    a cut-off download looks like."""
    try:
        tokens = jp.split(pointer)
        jp.walk(document, tokens[:-1] if parent else tokens)
    except (KeyError, IndexError, ValueError, TypeError):
        return False
    return True


def _shape_problem(document: dict[str, Any]) -> str:
    """A structural key holding the wrong kind of value (`content: application/` from a cut line)."""
    stack: list[tuple[str, Any, bool]] = [("", document, False)]
    while stack:
        where, node, in_name_map = stack.pop()
        if isinstance(node, list):
            stack.extend((jp.join(where, i), v, False) for i, v in enumerate(node))
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            here = jp.join(where, key)
            if not in_name_map and (key.startswith("x-") or key in _FREE_FORM):
                continue  # extensions and examples hold arbitrary data
            if not in_name_map:
                wanted = _SHAPES.get(key)
                if wanted is not None and not isinstance(value, wanted):
                    what = "empty" if value is None else f"a {type(value).__name__}"
                    return f"{here} is {what}, not a {'mapping' if wanted[0] is dict else 'list'}"
            stack.append(
                (here, value, not in_name_map and key in _NAME_MAPS and isinstance(value, dict))
            )
    return ""


def _last_leaf(node: Any) -> tuple[str, Any]:
    """The pointer and value of the last scalar in document order: a cut file ends with `key:`."""
    where = ""
    while isinstance(node, (dict, list)) and node:
        key: Any = list(node)[-1] if isinstance(node, dict) else len(node) - 1
        where, node = jp.join(where, key), node[key]
    return where, node


# ---- cache ------------------------------------------------------------------------------------
def _cache_paths(cache_dir: Path, url: str) -> tuple[Path, Path]:
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    return cache_dir / f"{key}.body", cache_dir / f"{key}.json"


def _read_cache(cache_dir: Path | None, url: str) -> tuple[bytes, dict[str, Any]] | None:
    if cache_dir is None:
        return None
    body_path, meta_path = _cache_paths(cache_dir, url)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body = body_path.read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("url") != url or meta.get("sha256") != hashlib.sha256(body).hexdigest():
        return None
    return body, meta


def _write_cache(cache_dir: Path | None, url: str, body: bytes, etag: str) -> None:
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        body_path, meta_path = _cache_paths(cache_dir, url)
        meta = {"url": url, "etag": etag, "sha256": hashlib.sha256(body).hexdigest()}
        for path, data in ((body_path, body), (meta_path, json.dumps(meta, indent=2).encode())):
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs a download next time


def _retry_after(headers: httpx.Headers) -> float:
    try:
        return min(float(headers.get("retry-after", "0")), MAX_RETRY_AFTER)
    except ValueError:
        return 0.0


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _status_hint(status: int) -> str:
    if status in (401, 403):
        return "the spec URL needs credentials or is not public"
    if status == 404:
        return "the spec moved or live_url is wrong"
    if status >= 500:
        return "the server failed; try again later"
    return "check live_url (or --url)"
