"""Generic machinery: OpenAPI 3.0 -> 3.1 spelling conversion, prose overlay, YAML output.

The vendor document is only *read* at build time; nothing from it is stored in this
repository except the structure that ends up in the generated spec.  Every description,
summary and other prose string in the output comes from the overlay file
(``*_prose.yml``): upstream prose is dropped wholesale before the overlay is applied.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")

# Prose keys on the root of an ``x-webhook-events`` entry (everything else there is data).
WEBHOOK_EVENT_PROSE_KEYS = ("description", "changedFields", "recipients")


# --------------------------------------------------------------------------------------
# JSON pointers
# --------------------------------------------------------------------------------------


def esc(token: str) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def ptr(*tokens: Any) -> str:
    return "".join("/" + esc(t) for t in tokens)


# --------------------------------------------------------------------------------------
# Loading / dumping
# --------------------------------------------------------------------------------------


def unshare(doc: Any) -> Any:
    """Independent deep copy (YAML aliases become separate objects)."""
    return json.loads(json.dumps(doc))


def load_document(path: str | Path) -> dict:
    """Load YAML or JSON; YAML anchors are expanded into independent copies."""
    text = Path(path).read_text(encoding="utf-8")
    doc = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
    return unshare(doc)


class _Dumper(yaml.SafeDumper):
    """Block style, keeps key order, literal blocks for multi-line strings, anchors only for
    interned subtrees (named after the place they first occur)."""

    _shared_names: ClassVar[dict[int, str]] = {}

    def ignore_aliases(self, data: Any) -> bool:
        return not isinstance(data, (dict, list)) or id(data) not in self._shared_names

    def generate_anchor(self, node: Any) -> str:
        if not hasattr(self, "_node_to_obj"):
            self._node_to_obj = {}
        for obj_id, n in self.represented_objects.items():
            self._node_to_obj.setdefault(id(n), obj_id)
        name = self._shared_names.get(self._node_to_obj.get(id(node), -1))
        return name or super().generate_anchor(node)


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def _anchor_name(tokens: list[str], doc: dict) -> str:
    """Readable anchor name for the first place a shared subtree occurs."""
    if len(tokens) >= 3 and tokens[0] == "paths":
        op = doc["paths"].get(tokens[1], {}).get(tokens[2], {})
        rest = ["json" if t == "application/json" else t for t in tokens[3:] if t != "responses"]
        tokens = [op.get("operationId", tokens[2])] + rest
    elif tokens[:2] == ["components", "schemas"]:
        tokens = tokens[2:]
    name = "_".join(tokens)
    return re.sub(r"[^A-Za-z0-9_-]", "-", name) or "root"


def _intern(doc: Any, min_size: int) -> dict[int, str]:
    """Make identical big subtrees the same Python object so YAML emits anchors/aliases.

    This only changes the *serialisation* (YAML anchors are expanded again by any loader);
    the document structure is unchanged.  Returns {id(shared object): anchor name}.
    """
    seen: dict[str, Any] = {}
    first_path: dict[int, list[str]] = {}
    counts: dict[int, int] = {}

    def walk(node: Any, tokens: list[str]) -> Any:
        if isinstance(node, dict):
            for k in list(node):
                node[k] = walk(node[k], tokens + [str(k)])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                node[i] = walk(v, tokens + [str(i)])
        else:
            return node
        key = json.dumps(node, sort_keys=False, separators=(",", ":"))
        if len(key) < min_size:
            return node
        digest = hashlib.sha1(key.encode()).hexdigest()
        if digest in seen:
            counts[id(seen[digest])] = counts.get(id(seen[digest]), 1) + 1
            return seen[digest]
        seen[digest] = node
        first_path[id(node)] = tokens
        return node

    walk(doc, [])
    names: dict[int, str] = {}
    used: set[str] = set()
    for obj_id, c in counts.items():
        if c > 1:
            base = _anchor_name(first_path[obj_id], doc)
            name, i = base, 2
            while name in used:
                name, i = f"{base}-{i}", i + 1
            used.add(name)
            names[obj_id] = name
    return names


def dump_document(doc: dict, path: str | Path, header: str = "", intern_min: int = 0) -> None:
    """Write YAML.  With ``intern_min`` > 0 repeated subtrees of at least that many JSON
    characters are written once with an anchor and referenced by alias afterwards."""
    doc = unshare(doc)
    shared = _intern(doc, intern_min) if intern_min else {}

    class D(_Dumper):
        _shared_names = shared

    text = yaml.dump(
        doc, Dumper=D, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False
    )
    Path(path).write_text(header + text, encoding="utf-8")


# --------------------------------------------------------------------------------------
# Walking an OpenAPI document
# --------------------------------------------------------------------------------------


def iter_operations(doc: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in (doc.get("paths") or {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def iter_schema(
    schema: Any, names: list[str], pointer: str
) -> Iterator[tuple[dict, list[str], str]]:
    """Yield (schema, dotted-name-parts, pointer) for a schema and every sub-schema.

    Names: a property adds its name; ``items`` appends ``[]`` to the last name;
    ``additionalProperties`` appends ``{}``; allOf/anyOf/oneOf members are transparent.
    """
    if not isinstance(schema, dict):
        return
    yield schema, names, pointer
    for key in ("properties", "patternProperties"):
        for pname, sub in (schema.get(key) or {}).items():
            yield from iter_schema(sub, names + [pname], pointer + ptr(key, pname))

    def suffixed(s: str) -> list[str]:
        return names[:-1] + [names[-1] + s] if names else [s]

    if isinstance(schema.get("items"), dict):
        yield from iter_schema(schema["items"], suffixed("[]"), pointer + "/items")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from iter_schema(
            schema["additionalProperties"], suffixed("{}"), pointer + "/additionalProperties"
        )
    for key in ("allOf", "anyOf", "oneOf"):
        for i, sub in enumerate(schema.get(key) or []):
            yield from iter_schema(sub, names, pointer + ptr(key, i))
    if isinstance(schema.get("not"), dict):
        yield from iter_schema(schema["not"], names, pointer + "/not")


def iter_all_schemas(doc: dict) -> Iterator[tuple[dict, list[str], str]]:
    """Every schema in the document with a dotted name rooted at a component or operation."""
    components = doc.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        yield from iter_schema(schema, [name], ptr("components", "schemas", name))
    for name, prm in (components.get("parameters") or {}).items():
        if isinstance(prm.get("schema"), dict):
            yield from iter_schema(
                prm["schema"],
                [f"parameters.{name}"],
                ptr("components", "parameters", name, "schema"),
            )
    for section in ("responses", "requestBodies"):
        for name, obj in (components.get(section) or {}).items():
            for mt, media in (obj.get("content") or {}).items():
                if isinstance(media.get("schema"), dict):
                    yield from iter_schema(
                        media["schema"],
                        [f"{section}.{name}"],
                        ptr("components", section, name, "content", mt, "schema"),
                    )
    for path, item in (doc.get("paths") or {}).items():
        for i, prm in enumerate(item.get("parameters") or []):
            if isinstance(prm.get("schema"), dict):
                yield from iter_schema(
                    prm["schema"],
                    [f"{path}.param.{prm.get('name')}"],
                    ptr("paths", path, "parameters", i, "schema"),
                )
    for path, method, op in iter_operations(doc):
        base = ptr("paths", path, method)
        op_id = op_key(path, method, op)
        for i, prm in enumerate(op.get("parameters") or []):
            if "schema" in prm:
                yield from iter_schema(
                    prm["schema"],
                    [f"{op_id}.param.{prm.get('name')}"],
                    base + ptr("parameters", i, "schema"),
                )
        rb = op.get("requestBody") or {}
        for mt, media in (rb.get("content") or {}).items():
            if "schema" in media:
                yield from iter_schema(
                    media["schema"],
                    [f"{op_id}.request"],
                    base + ptr("requestBody", "content", mt, "schema"),
                )
        for status, resp in (op.get("responses") or {}).items():
            for mt, media in (resp.get("content") or {}).items():
                if "schema" in media:
                    yield from iter_schema(
                        media["schema"],
                        [f"{op_id}.{status}"],
                        base + ptr("responses", status, "content", mt, "schema"),
                    )
            for hname, header in (resp.get("headers") or {}).items():
                if isinstance(header, dict) and "schema" in header:
                    yield from iter_schema(
                        header["schema"],
                        [f"{op_id}.{status}.header.{hname}"],
                        base + ptr("responses", status, "headers", hname, "schema"),
                    )


# --------------------------------------------------------------------------------------
# 3.0 -> 3.1 spelling conversion (structure-preserving)
# --------------------------------------------------------------------------------------


def convert_schema_30_to_31(schema: dict) -> None:
    """Rewrite one schema node in place (children are handled by the caller's walk)."""
    nullable = schema.pop("nullable", None)
    if nullable:
        if "type" in schema:
            t = schema["type"]
            types = list(t) if isinstance(t, list) else [t]
            if "null" not in types:
                types.append("null")
            schema["type"] = types
        elif "allOf" in schema:
            # nullable reference: {allOf: [{$ref}], nullable: true} -> {anyOf: [{$ref}, {type: null}]};
            # nullable composition: {allOf: [A, B], nullable} -> {anyOf: [{allOf: [A, B]}, {type: null}]}
            members = schema.pop("allOf")
            first = members[0] if len(members) == 1 else {"allOf": members}
            _insert_first(schema, "anyOf", [first, {"type": "null"}])
        elif "oneOf" in schema:
            schema["oneOf"] = schema["oneOf"] + [{"type": "null"}]
        elif "anyOf" in schema:
            schema["anyOf"] = schema["anyOf"] + [{"type": "null"}]
        elif "$ref" in schema:
            ref = schema.pop("$ref")
            _insert_first(schema, "anyOf", [{"$ref": ref}, {"type": "null"}])
        else:
            raise ValueError(f"cannot express nullable on {schema!r}")
    if "enum" in schema and None in schema["enum"]:
        t = schema.get("type")
        if t is not None:
            types = list(t) if isinstance(t, list) else [t]
            if "null" not in types:
                schema["type"] = types + ["null"]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(schema.get(bound), bool):
            flag = schema.pop(bound)
            if flag:
                if limit not in schema:
                    raise ValueError(f"{bound}: true without {limit}")
                value = schema.pop(limit)
                schema[bound] = value
    if "example" in schema:
        value = schema.pop("example")
        schema["examples"] = [value]


def _insert_first(d: dict, key: str, value: Any) -> None:
    items = list(d.items())
    d.clear()
    d[key] = value
    d.update(items)


def convert_document_30_to_31(doc: dict) -> dict:
    doc["openapi"] = "3.1.0"
    for schema, _names, _p in list(iter_all_schemas(doc)):
        convert_schema_30_to_31(schema)
    return doc


# --------------------------------------------------------------------------------------
# Prose overlay
# --------------------------------------------------------------------------------------


class ProseOverlay:
    """Hand-written prose, keyed by stable names rather than by the upstream text.

    Layout of the overlay YAML (every key optional):

    info: str                     # info.description
    servers: [str, ...]           # servers[i].description
    security_schemes: {name: str}
    tags: {tag name: str}
    snippets: {name: str}         # reusable texts, referenced as "@name"
    response_defaults: {status: str}
    parameter_defaults: {param name: str}
    header_defaults: {header name: str}
    operations:
      <operationId>:
        summary: str
        description: str
        parameters: {name: str}
        responses: {status: str}
        headers: {"<status>.<header>": str}
    schemas: {dotted name: str}   # see iter_schema for the naming; looked up by suffix
    webhook_events: {event: {description, changedFields, recipients}}
    """

    def __init__(self, data: dict):
        self.data = data
        self.used: set[str] = set()

    @classmethod
    def load(cls, path: str | Path) -> ProseOverlay:
        return cls(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})

    def _resolve(self, text: Any) -> Any:
        if isinstance(text, str) and text.startswith("@"):
            name = text[1:]
            self.used.add("snippets." + name)
            return self.data["snippets"][name].strip()
        return text.strip() if isinstance(text, str) else text

    def get(self, *keys: str) -> str | None:
        node: Any = self.data
        for k in keys:
            if not isinstance(node, dict) or k not in node:
                return None
            node = node[k]
        self.used.add(".".join(keys))
        return self._resolve(node)

    def schema_text(self, names: list[str], exact_only: bool) -> str | None:
        table = self.data.get("schemas") or {}
        dotted = ".".join(names)
        if dotted in table:
            self.used.add("schemas." + dotted)
            return self._resolve(table[dotted])
        if exact_only:
            return None
        for i in range(1, len(names)):
            key = ".".join(names[i:])
            if key in table:
                self.used.add("schemas." + key)
                return self._resolve(table[key])
        return None

    def unused(self) -> list[str]:
        out = []
        for section in ("operations",):
            for op_id, entry in (self.data.get(section) or {}).items():
                for k, v in entry.items():
                    if isinstance(v, dict):
                        out += [
                            f"{section}.{op_id}.{k}.{kk}"
                            for kk in v
                            if f"{section}.{op_id}.{k}.{kk}" not in self.used
                        ]
                    elif f"{section}.{op_id}.{k}" not in self.used:
                        out.append(f"{section}.{op_id}.{k}")
        for section in ("schemas", "parameter_defaults", "tags", "snippets", "header_defaults"):
            out += [
                f"{section}.{k}"
                for k in (self.data.get(section) or {})
                if f"{section}.{k}" not in self.used
            ]
        return out


def _set_text(node: dict, key: str, text: str | None, after: tuple[str, ...] = ()) -> None:
    """Replace/insert/delete a prose key, keeping the position of an existing key."""
    if text is None:
        node.pop(key, None)
        return
    if key in node:
        node[key] = text
        return
    items = list(node.items())
    idx = 0
    for i, (k, _v) in enumerate(items):
        if k in after:
            idx = i + 1
    items.insert(idx, (key, text))
    node.clear()
    node.update(items)


class _Unset:
    """Placeholder for a vendor prose string that our overlay has not replaced (yet)."""

    def __repr__(self) -> str:
        return "<vendor prose>"


UNSET = _Unset()


def _walk_prose_slots(doc: Any, visit: Callable[[dict, str], None]) -> None:
    """Call visit(container, key) for every prose slot (same rules as iter_prose)."""

    def walk(node: Any, named: bool) -> None:
        if isinstance(node, dict):
            for k, v in list(node.items()):
                if named:
                    walk(v, False)
                elif k in ("description", "summary") and isinstance(v, (str, _Unset)):
                    visit(node, k)
                elif k in OPAQUE_KEYS or (k.startswith("x-") and k != "x-webhook-events"):
                    continue
                elif k == "x-webhook-events" and isinstance(v, list):
                    for ev in v:
                        for pk in WEBHOOK_EVENT_PROSE_KEYS:
                            if isinstance(ev.get(pk), (str, _Unset)):
                                visit(ev, pk)
                elif k == "examples" and isinstance(v, list):
                    continue
                elif k in MAP_KEYS and isinstance(v, dict):
                    walk(v, True)
                else:
                    walk(v, False)
        elif isinstance(node, list):
            for v in node:
                walk(v, False)

    walk(doc, False)


def op_key(path: str, method: str, op: dict) -> str:
    """Overlay key of an operation: its operationId, else "METHOD /path"."""
    return op.get("operationId") or f"{method.upper()} {path}"


def apply_prose(doc: dict, prose: ProseOverlay) -> None:
    """Drop every upstream prose string and put ours in its place.

    First every vendor prose value is replaced by a placeholder (keeping its position);
    the overlay then fills slots, and placeholders left over are removed at the end, so
    no vendor wording can survive.  A schema, parameter or header description is written
    where upstream had one (looked up by exact dotted name first, then by name suffix) or
    where an exact entry exists.  Responses always get a description (OpenAPI requires it).
    """
    _walk_prose_slots(doc, lambda node, key: node.__setitem__(key, UNSET))

    info = doc.setdefault("info", {})
    _set_text(info, "description", prose.get("info"), after=("version", "title"))
    for i, server in enumerate(doc.get("servers") or []):
        texts = prose.get("servers") or []
        _set_text(server, "description", texts[i].strip() if i < len(texts) else None, ("url",))
    components = doc.get("components") or {}
    for name, scheme in (components.get("securitySchemes") or {}).items():
        _set_text(scheme, "description", prose.get("security_schemes", name), ("name",))
    for tag in doc.get("tags") or []:
        _set_text(tag, "description", prose.get("tags", tag["name"]), ("name",))
    for name, prm in (components.get("parameters") or {}).items():
        _set_text(prm, "description", prose.get("component_parameters", name), ("in", "name"))
    for name, resp in (components.get("responses") or {}).items():
        text = prose.get("component_responses", name)
        if text is None:
            raise KeyError(f"no description for components/responses/{name}")
        _set_text(resp, "description", text)

    def param_text(prm: dict, specific: str | None) -> str | None:
        if specific is not None:
            return specific
        if "description" in prm:
            return prose.get("parameter_defaults", prm.get("name", ""))
        return None

    for path, item in (doc.get("paths") or {}).items():
        for prm in item.get("parameters") or []:
            if "$ref" not in prm:
                text = param_text(prm, prose.get("path_parameters", path, prm.get("name", "")))
                _set_text(prm, "description", text, ("in", "name"))

    for path, method, op in iter_operations(doc):
        key = op_key(path, method, op)
        _set_text(op, "summary", prose.get("operations", key, "summary"), ("operationId", "tags"))
        _set_text(op, "description", prose.get("operations", key, "description"), ("summary",))
        for prm in op.get("parameters") or []:
            if "$ref" in prm:
                continue
            text = param_text(prm, prose.get("operations", key, "parameters", prm.get("name", "")))
            _set_text(prm, "description", text, ("in", "name"))
        if isinstance(op.get("requestBody"), dict) and "$ref" not in op["requestBody"]:
            _set_text(op["requestBody"], "description", prose.get("operations", key, "request"))
        for status, resp in (op.get("responses") or {}).items():
            if "$ref" in resp:
                continue
            text = prose.get("operations", key, "responses", str(status))
            if text is None:
                text = prose.get("response_defaults", str(status))
            if text is None:
                raise KeyError(f"no response description for {key} {status}")
            _set_text(resp, "description", text)
            _move_first(resp, "description")
            for hname, header in (resp.get("headers") or {}).items():
                if "$ref" in header:
                    continue
                htext = prose.get("operations", key, "headers", f"{status}.{hname}")
                if htext is None and "description" in header:
                    htext = prose.get("header_defaults", hname)
                _set_text(header, "description", htext)

    for schema, names, _p in iter_all_schemas(doc):
        had = "description" in schema
        text = prose.schema_text(names, exact_only=not had)
        _set_text(schema, "description", text, ("type", "format", "$ref"))

    for event in doc.get("x-webhook-events") or []:
        for k in WEBHOOK_EVENT_PROSE_KEYS:
            if k in event:
                text = prose.get("webhook_events", event["event"], k)
                if text is None:
                    raise KeyError(f"no {k} for webhook event {event['event']}")
                event[k] = text

    def purge(node: dict, key: str) -> None:
        if node[key] is UNSET:
            del node[key]

    _walk_prose_slots(doc, purge)


def apply_prose_to_added_operations(doc: dict, prose: ProseOverlay) -> None:
    """Prose for operations created by a spec's fixes (recognised by a missing summary)."""
    for path, method, op in iter_operations(doc):
        if "summary" in op:
            continue
        key = op_key(path, method, op)
        summary = prose.get("operations", key, "summary")
        if summary is None:
            raise KeyError(f"no summary for added operation {key}")
        _set_text(op, "summary", summary, ("operationId", "tags"))
        _set_text(op, "description", prose.get("operations", key, "description"), ("summary",))
        for status, resp in (op.get("responses") or {}).items():
            if "$ref" not in resp and not resp.get("description"):
                text = prose.get("operations", key, "responses", str(status))
                if text is None:
                    text = prose.get("response_defaults", str(status))
                if text is None:
                    raise KeyError(f"no response description for {key} {status}")
                _set_text(resp, "description", text)
                _move_first(resp, "description")


def _move_first(d: dict, key: str) -> None:
    if key in d:
        _insert_first(d, key, d.pop(key))


# --------------------------------------------------------------------------------------
# Prose extraction (used for self-checks and by the fidelity tests' copy detector)
# --------------------------------------------------------------------------------------

MAP_KEYS = {
    "properties",
    "patternProperties",
    "paths",
    "responses",
    "content",
    "headers",
    "schemas",
    "securitySchemes",
    "parameters",
    "requestBodies",
    "examples",
    "links",
    "callbacks",
    "encoding",
    "variables",
    "$defs",
    "webhooks",
    "pathItems",
}
OPAQUE_KEYS = {"example", "default", "enum", "const"}


def iter_prose(doc: Any) -> Iterator[tuple[str, str]]:
    """Yield (pointer, text) for every prose string (description/summary/webhook texts)."""

    def walk(node: Any, pointer: str, named: bool) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for k, v in node.items():
                p = pointer + "/" + esc(k)
                if named:
                    yield from walk(v, p, False)
                    continue
                if k in ("description", "summary") and isinstance(v, str):
                    yield p, v
                elif (
                    k in OPAQUE_KEYS
                    or (k.startswith("x-") and k != "x-webhook-events")
                    or (k == "examples" and isinstance(v, list))
                ):
                    continue
                elif k == "x-webhook-events" and isinstance(v, list):
                    for i, ev in enumerate(v):
                        for pk in WEBHOOK_EVENT_PROSE_KEYS:
                            if isinstance(ev.get(pk), str):
                                yield f"{p}/{i}/{pk}", ev[pk]
                elif k in MAP_KEYS and isinstance(v, dict):
                    yield from walk(v, p, True)
                else:
                    yield from walk(v, p, False)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{pointer}/{i}", False)

    yield from walk(doc, "", False)


WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


CODE_SPAN = re.compile(r"`[^`]*`")


def prose_runs(text: str) -> list[list[str]]:
    """Word runs of a prose string with `code spans` cut out: identifiers, enum values and
    paths inside backticks are data, not wording, so they neither count nor bridge runs."""
    return [words(part) for part in CODE_SPAN.split(text)]


def shared_ngrams(ours: str, theirs_index: set[tuple[str, ...]], n: int) -> list[str]:
    hits = []
    for w in prose_runs(ours):
        hits += [
            " ".join(w[i : i + n])
            for i in range(len(w) - n + 1)
            if tuple(w[i : i + n]) in theirs_index
        ]
    return hits


def ngram_index(texts: list[str], n: int) -> set[tuple[str, ...]]:
    index: set[tuple[str, ...]] = set()
    for t in texts:
        w = words(t)
        index.update(tuple(w[i : i + n]) for i in range(len(w) - n + 1))
    return index


def copy_check(
    ours: list[tuple[str, str]], theirs: list[str], n: int = 8, exact_len: int = 30
) -> list[str]:
    """Problems: our prose equal to upstream prose (>exact_len chars) or sharing an n-word run."""

    def norm(s: str) -> str:
        return " ".join(s.lower().split())

    exact = {norm(t) for t in theirs if len(norm(t)) > exact_len}
    index = ngram_index(theirs, n)
    problems = []
    for pointer, text in ours:
        if norm(text) in exact:
            problems.append(f"{pointer}: identical to upstream prose: {text[:80]!r}")
            continue
        runs = shared_ngrams(text, index, n)
        if runs:
            problems.append(f"{pointer}: shares '{runs[0]}' with upstream prose")
    return problems


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------


def build(
    upstream: str | Path,
    prose_file: str | Path,
    output: str | Path,
    fixes: Callable[[dict], None] | None = None,
    header: str = "",
    intern_min: int = 0,
    late_prose: bool = False,
) -> list[str]:
    """Build a transcription.  Returns warnings (unused overlay keys, copy-check hits).

    With ``late_prose`` operations that ``fixes`` adds (no summary yet) take their summary,
    description and response descriptions from the overlay too."""
    source = load_document(upstream)
    upstream_prose = [t for _p, t in iter_prose(source)]
    doc = unshare(source)
    prose = ProseOverlay.load(prose_file)
    apply_prose(doc, prose)
    convert_document_30_to_31(doc)
    if fixes:
        fixes(doc)
    if late_prose:
        apply_prose_to_added_operations(doc, prose)
    warnings = [f"unused overlay entry: {k}" for k in prose.unused()]
    warnings += copy_check(list(iter_prose(doc)), upstream_prose)
    dump_document(doc, output, header=header, intern_min=intern_min)
    return warnings
