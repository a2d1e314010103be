"""Read a Postman v2.1 collection: its requests, with `{{variables}}` replaced by sample values.

Variable values come, in Postman's order of precedence, from the environment file, then the collection's
`variable` list; a variable with no usable value there (empty, or only referring to itself) gets a sample:
a deterministic UUID for ids (`*_id`), a well-formed key for `api_key`, and so on.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

VARIABLE = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
UUID_NAMESPACE = uuid.UUID("2f0c5f8e-4a6b-4c55-9d5e-0b8d6f1e7a11")


def sample_variable(name: str) -> str:
    lowered = name.lower()
    if lowered == "api_key":
        return "cxp_full_" + uuid.uuid5(UUID_NAMESPACE, name).hex
    if lowered.endswith("_id") or lowered == "id":
        return str(uuid.uuid5(UUID_NAMESPACE, name))
    if "email" in lowered:
        return "postman@example.com"
    if "secret" in lowered:
        return "whsec_" + uuid.uuid5(UUID_NAMESPACE, name).hex
    if "token" in lowered:
        return "token_" + uuid.uuid5(UUID_NAMESPACE, name).hex
    return f"sample-{name}"


@dataclass
class Variables:
    values: dict[str, str]
    samples: dict[str, str] = field(default_factory=dict)  # the ones given sample values

    @classmethod
    def load(cls, collection: dict[str, Any], environment: dict[str, Any] | None) -> Variables:
        values: dict[str, str] = {}
        for var in collection.get("variable") or []:
            if not var.get("disabled"):
                values[var["key"]] = str(var.get("value") or "")
        for var in (environment or {}).get("values") or []:
            if var.get("enabled", True) and str(var.get("value") or "") != "":
                values[var["key"]] = str(var["value"])
        return cls(values)

    def _value(self, name: str) -> str:
        value = self.values.get(name, "")
        if value == "" or VARIABLE.fullmatch(value) and VARIABLE.fullmatch(value).group(1) == name:  # type: ignore[union-attr]
            if name not in self.samples:
                self.samples[name] = sample_variable(name)
            return self.samples[name]
        return value

    def substitute(self, text: str) -> str:
        for _ in range(10):
            replaced = VARIABLE.sub(lambda m: self._value(m.group(1)), text)
            if replaced == text:
                return replaced
            text = replaced
        raise ValueError(f"variables nest too deeply in {text!r}")


@dataclass
class PostmanRequest:
    name: str
    folder: str
    method: str
    url: str  # full URL after substitution, without the query
    query: list[tuple[str, str]]  # enabled query parameters, in order
    headers: dict[str, str]  # enabled headers (last wins), after substitution
    body_mode: str | None
    raw_body: str | None = None
    form: list[dict[str, Any]] = field(default_factory=list)  # enabled formdata/urlencoded entries

    @property
    def label(self) -> str:
        return f"{self.folder}/{self.name}" if self.folder else self.name

    def json_body(self) -> Any:
        if self.body_mode != "raw" or self.raw_body is None or not self.raw_body.strip():
            return None
        return json.loads(self.raw_body)

    def relative_path(self, base_url: str) -> str | None:
        """The path below `base_url` (e.g. `/referrals/…`), or None when the URL is not under it."""
        base = urlsplit(base_url)
        own = urlsplit(self.url)
        if (own.scheme, own.netloc) != (base.scheme, base.netloc):
            return None
        base_path = base.path.rstrip("/")
        path = unquote(own.path)
        if path != base_path and not path.startswith(base_path + "/"):
            return None
        return path[len(base_path) :] or "/"


def _items(items: list[dict[str, Any]], folder: str) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for item in items:
        if "item" in item:
            out += _items(item["item"], f"{folder}/{item['name']}" if folder else item["name"])
        elif "request" in item:
            out.append((folder, item))
    return out


def load_requests(
    collection_path: Path, environment_path: Path | None
) -> tuple[list[PostmanRequest], Variables]:
    collection = json.loads(collection_path.read_text(encoding="utf-8"))
    environment = (
        json.loads(environment_path.read_text(encoding="utf-8")) if environment_path else None
    )
    variables = Variables.load(collection, environment)
    requests: list[PostmanRequest] = []
    for folder, item in _items(collection["item"], ""):
        request = item["request"]
        if isinstance(request, str):  # a bare URL string means GET
            request = {"method": "GET", "url": request}
        url = request["url"]
        if isinstance(url, str):
            raw = url
            url = {"raw": raw}
        raw_url = variables.substitute(url.get("raw", ""))
        if "host" in url or "path" in url:
            host = url.get("host") or []
            host_text = ".".join(host) if isinstance(host, list) else str(host)
            path = url.get("path") or []
            path_text = "/".join(path) if isinstance(path, list) else str(path)
            full = variables.substitute(host_text).rstrip("/") + (
                "/" + variables.substitute(path_text) if path_text else ""
            )
            if url.get("protocol") and "://" not in full:
                full = f"{url['protocol']}://{full}"
        else:
            full = raw_url.split("?", 1)[0]
        if "query" in url:
            query = [
                (
                    variables.substitute(q.get("key") or ""),
                    variables.substitute(q.get("value") or ""),
                )
                for q in url.get("query") or []
                if not q.get("disabled")
            ]
        else:
            query_text = raw_url.split("?", 1)[1] if "?" in raw_url else ""
            query = [
                (p.split("=", 1)[0], p.split("=", 1)[1] if "=" in p else "")
                for p in query_text.split("&")
                if p
            ]
        headers: dict[str, str] = {}
        for header in request.get("header") or []:
            if not header.get("disabled"):
                headers[header["key"]] = variables.substitute(str(header.get("value", "")))
        body = request.get("body") or {}
        mode = body.get("mode") if body and not body.get("disabled") else None
        parsed = PostmanRequest(
            item["name"], folder, request.get("method", "GET").upper(), full, query, headers, mode
        )
        if mode == "raw":
            parsed.raw_body = variables.substitute(body.get("raw") or "")
        elif mode in ("formdata", "urlencoded"):
            for entry in body.get(mode) or []:
                if entry.get("disabled"):
                    continue
                entry = dict(entry)
                entry["key"] = variables.substitute(entry.get("key", ""))
                if entry.get("type", "text") == "text":
                    entry["value"] = variables.substitute(str(entry.get("value", "")))
                parsed.form.append(entry)
        requests.append(parsed)
    return requests, variables
