"""A spec that uses every feature whose text the generator reads, with every such string chosen by the caller.

`rich_spec(t)` builds the document; `t(label)` returns the text for one string field (`label` is a short,
distinct name for the field, so a deterministic caller can append a payload to it and a Hypothesis caller
can draw any text). Structural strings (`type`, `in`, `$ref` targets, `openapi`) stay fixed; everything the
generator turns into names, literals, docstrings, README text, TOML or JSON varies: info, servers and
variables, security schemes and their flow URLs and scopes, tags, operation ids, summaries and descriptions,
`x-access-tier` / `x-key-scope` / `x-known-values` / `x-enum-descriptions` / `x-sortable-fields` /
`x-webhook-events`, parameters, media types, schema and property names, enum values of every type,
defaults, examples, patterns, formats, discriminator mappings, JSON:API types, webhook and callback names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

Text = Callable[[str], str]

CANARY = "/tmp/clientgen-canary-should-not-exist"
# Everything that has broken out of a context somewhere: quotes of every kind, backslash escapes
# (`\N{` is a SyntaxError in a normal string), line breaks, NUL, DEL, Jinja syntax, a separator and a
# bidi override, and code that leaves a trace if it ever runs.
PAYLOAD = (
    "\"\"\"'''\\\\N{\r\n\x00\x7f{{ 7*7 }}{% raw %}\u2028\u202e`|<b>*"
    f'"""; open({CANARY!r}, "w"); """'
    "\nimport builtins; builtins.PWNED = 1\n"
)
AUTH_KINDS = ("api_key", "oauth", "bearer", "basic")


def ref(name: str) -> dict[str, str]:
    return {"$ref": "#/components/schemas/" + name.replace("~", "~0").replace("/", "~1")}


def rich_spec(t: Text, auth: str = "api_key") -> dict[str, Any]:
    item, error, pet, cat, dog = t("Item"), t("Error"), t("Pet"), t("Cat"), t("Dog")
    color, resource, envelope = t("Color"), t("Resource"), t("Envelope")
    item_id, item_name, pet_kind = t("id"), t("name"), t("kind")
    path_param, query_param, header_param, cookie_param = t("pid"), t("q"), t("X-H"), t("c")
    tag = t("tag")
    scheme = t("scheme")
    hostile_media = t("application/vnd.hostile+json")
    schemas: dict[str, Any] = {
        item: {
            "type": "object",
            "title": t("item title"),
            "description": t("item description"),
            "required": [item_id, item_name],
            "properties": {
                item_id: {"type": "string", "format": "uuid", "readOnly": True},
                item_name: {
                    "type": "string",
                    "description": t("name description"),
                    "pattern": t("^[a-z]+$"),
                    "example": t("name example"),
                    "default": t("name default"),
                    "minLength": 1,
                },
                t("count"): {"type": "integer", "default": 3, "example": 4, "enum": [1, 2, 3, 4]},
                t("ratio"): {"type": "number", "default": 0.5, "enum": [0.5, 1.5]},
                t("flag"): {"type": "boolean", "default": True, "enum": [True, False]},
                t("nullable"): {"type": ["string", "null"], "enum": [t("n1"), None]},
                t("tags"): {
                    "type": "array",
                    "items": {"type": "string", "enum": [t("a"), t("b")]},
                    "default": [t("d1"), t("d2")],
                },
                t("meta"): {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "default": {t("k"): t("v")},
                    "example": {t("ek"): t("ev")},
                },
                t("secret"): {"type": "string", "format": "password", "writeOnly": True},
                t("format"): {"type": "string", "format": t("fmt")},
                t("const"): {"const": t("constant")},
                t("color"): ref(color),
                t("pet"): ref(pet),
                t("deprecated"): {"type": "string", "deprecated": True},
            },
        },
        color: {
            "type": "string",
            "description": t("color description"),
            "enum": [t("red"), t("green"), "", t("0")],
            "x-enum-descriptions": [t("red doc"), t("green doc"), t("empty doc"), t("zero doc")],
        },
        t("Numbers"): {"type": "integer", "enum": [0, -1, 7], "x-enumDescriptions": [t("zero")]},
        t("Floats"): {"type": "number", "enum": [0.25, -2.5]},
        t("Flags"): {"type": "boolean", "enum": [True]},
        t("Alias"): {"type": "string", "description": t("alias description")},
        pet: {
            "oneOf": [ref(cat), ref(dog)],
            "discriminator": {
                "propertyName": pet_kind,
                "mapping": {t("cat"): ref(cat)["$ref"], t("dog"): ref(dog)["$ref"]},
            },
        },
        cat: {
            "type": "object",
            "required": [pet_kind],
            "properties": {pet_kind: {"type": "string"}, t("meow"): {"type": "boolean"}},
        },
        dog: {
            "type": "object",
            "required": [pet_kind],
            "properties": {pet_kind: {"type": "string"}, t("bark"): {"type": "integer"}},
        },
        error: {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {
                            "type": "string",
                            "x-known-values": [t("bad_thing"), t("worse thing")],
                            "enum": [t("enum code")],
                        },
                        "message": {"type": "string"},
                    },
                }
            },
        },
        envelope: {
            "type": "object",
            "required": ["event", "data"],
            "properties": {"event": {"type": "string"}, "data": {"type": "object"}},
        },
        resource: {
            "type": "object",
            "required": ["type", "id"],
            "properties": {
                "type": {"type": "string", "enum": [t("people")]},
                "id": {"type": "string"},
                "attributes": {
                    "type": "object",
                    "properties": {
                        t("last_name"): {"type": "string", "description": t("last doc")},
                        t("created_at"): {"type": "string", "format": "date-time"},
                    },
                },
                "relationships": {
                    "type": "object",
                    "properties": {t("friend"): {"type": "object"}},
                },
            },
        },
    }
    paginated = {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": ref(item)},
            "pagination": {
                "type": "object",
                "properties": {
                    "page": {"type": "integer"},
                    "limit": {"type": "integer"},
                    "total": {"type": "integer"},
                },
            },
        },
    }
    error_response = {
        "description": t("error response"),
        "content": {"application/json": {"schema": ref(error)}},
    }
    operation = {
        "operationId": t("listItems"),
        "summary": t("summary"),
        "description": t("description"),
        "tags": [tag],
        "deprecated": True,
        "x-access-tier": t("tier"),
        "x-key-scope": [t("scope one"), t("scope two")],
        "servers": [{"url": t("https://op.example.test"), "description": t("op server")}],
        "security": [{scheme: [t("read")]}],
        "parameters": [
            {
                "name": query_param,
                "in": "query",
                "description": t("query doc"),
                "schema": {"type": "string", "enum": [t("q1"), t("q2")], "default": t("q1")},
                "example": t("query example"),
            },
            {"name": "page", "in": "query", "schema": {"type": "integer"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 20}},
            {
                "name": header_param,
                "in": "header",
                "description": t("header doc"),
                "schema": {"type": "string", "pattern": t("^h$")},
            },
            {
                "name": cookie_param,
                "in": "cookie",
                "style": "form",
                "explode": False,
                "schema": {"type": "array", "items": {"type": "string"}},
            },
            {
                "name": t("list"),
                "in": "query",
                "style": "pipeDelimited",
                "explode": False,
                "schema": {"type": "array", "items": {"type": "integer"}},
            },
        ],
        "responses": {
            "200": {
                "description": t("ok"),
                "headers": {
                    t("X-Rate"): {"description": t("rate doc"), "schema": {"type": "integer"}}
                },
                "content": {"application/json": {"schema": paginated}},
            },
            "400": error_response,
            "default": error_response,
        },
    }
    get_one = {
        "operationId": t("getItem"),
        "summary": t("get summary"),
        "tags": [tag],
        "parameters": [
            {
                "name": path_param,
                "in": "path",
                "required": True,
                "description": t("path doc"),
                "schema": {"type": "string"},
            }
        ],
        "responses": {
            "200": {
                "description": t("one"),
                "content": {
                    "application/json": {"schema": ref(item)},
                    hostile_media: {"schema": ref(item)},
                },
            },
            "404": error_response,
        },
    }
    create = {
        "operationId": t("createItem"),
        "tags": [t("other tag")],
        "requestBody": {
            "required": True,
            "description": t("body doc"),
            "content": {
                "application/json": {"schema": ref(item)},
                hostile_media: {"schema": ref(item)},
            },
        },
        "responses": {
            "201": {
                "description": t("created"),
                "content": {"application/json": {"schema": ref(item)}},
            },
            "204": {"description": t("nothing")},
        },
        "callbacks": {
            t("onEvent"): {
                t("{$request.body#/url}"): {
                    "post": {
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {t("event_id"): {"type": "string"}},
                                    }
                                }
                            }
                        },
                        "responses": {"200": {"description": t("cb ok")}},
                    }
                }
            }
        },
    }
    upload = {
        "operationId": t("uploadFile"),
        "tags": [tag],
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [t("file")],
                        "properties": {
                            t("file"): {"type": "string", "format": "binary"},
                            t("note"): {"type": "string", "description": t("note doc")},
                        },
                    }
                }
            },
        },
        "responses": {
            "200": {
                "description": t("uploaded"),
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        },
    }
    download = {
        "operationId": t("download"),
        "tags": [tag],
        "responses": {
            "200": {
                "description": t("file"),
                "content": {
                    t("application/octet-stream"): {
                        "schema": {"type": "string", "format": "binary"}
                    }
                },
            }
        },
    }
    jsonapi_list = {
        "operationId": t("listPeople"),
        "tags": [t("people tag")],
        "parameters": [
            {
                "name": "filter",
                "in": "query",
                "style": "deepObject",
                "explode": True,
                "schema": {
                    "type": "object",
                    "properties": {
                        t("last_name"): {
                            "type": "object",
                            "properties": {"eq": {"type": "string"}, "like": {"type": "string"}},
                        },
                        t("created_at"): {
                            "type": "object",
                            "properties": {"ge": {"type": "string", "format": "date-time"}},
                        },
                    },
                },
            },
            {
                "name": "sort",
                "in": "query",
                "schema": {"type": "string"},
                "x-sortable-fields": [t("created_at"), t("last_name")],
            },
            {"name": "page[size]", "in": "query", "schema": {"type": "integer"}},
            {"name": "include", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": {
            "200": {
                "description": t("people"),
                "content": {
                    "application/vnd.api+json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "data": {"type": "array", "items": ref(resource)},
                                "links": {
                                    "type": "object",
                                    "properties": {"next": {"type": "string"}},
                                },
                            },
                        }
                    }
                },
            }
        },
    }
    jsonapi_create = {
        "operationId": t("createPerson"),
        "tags": [t("people tag")],
        "requestBody": {
            "required": True,
            "content": {
                "application/vnd.api+json": {
                    "schema": {
                        "type": "object",
                        "required": ["data"],
                        "properties": {
                            "data": {
                                "type": "object",
                                "required": ["type"],
                                "properties": {
                                    "type": {"type": "string", "enum": [t("people")]},
                                    "attributes": {
                                        "type": "object",
                                        "required": [t("last_name")],
                                        "properties": {t("last_name"): {"type": "string"}},
                                    },
                                },
                            }
                        },
                    }
                }
            },
        },
        "responses": {
            "201": {
                "description": t("person"),
                "content": {
                    "application/vnd.api+json": {
                        "schema": {"type": "object", "properties": {"data": ref(resource)}}
                    }
                },
            }
        },
    }
    security_schemes: dict[str, Any] = {
        "api_key": {
            scheme: {
                "type": "apiKey",
                "in": "header",
                "name": t("X-Api-Key"),
                "description": t("key doc"),
            }
        },
        "oauth": {
            scheme: {
                "type": "oauth2",
                "description": t("oauth doc"),
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": t("https://auth.example.test/token"),
                        "refreshUrl": t("https://auth.example.test/refresh"),
                        "scopes": {t("read"): t("read scope doc")},
                    },
                    "authorizationCode": {
                        "authorizationUrl": t("https://auth.example.test/authorize"),
                        "tokenUrl": t("https://auth.example.test/code-token"),
                        "scopes": {t("write"): t("write scope doc")},
                    },
                },
            }
        },
        "bearer": {scheme: {"type": "http", "scheme": "bearer", "bearerFormat": t("JWT")}},
        "basic": {scheme: {"type": "http", "scheme": "basic", "description": t("basic doc")}},
    }[auth]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": t("Hostile API"),
            "version": t("1.0.0"),
            "description": t("api description"),
            "summary": t("api summary"),
            "termsOfService": t("https://example.test/terms"),
            "contact": {
                "name": t("contact"),
                "url": t("https://example.test"),
                "email": t("a@b.test"),
            },
            "license": {"name": t("license"), "identifier": t("MIT")},
        },
        "servers": [
            {
                "url": t("https://{region}.example.test/{version}"),
                "description": t("server doc"),
                "variables": {
                    "region": {
                        "default": t("eu"),
                        "enum": [t("eu"), t("us")],
                        "description": t("v"),
                    },
                    "version": {"default": t("v1")},
                    t("unused"): {"default": t("x")},
                },
            },
            {"url": t("https://second.example.test")},
        ],
        "tags": [
            {
                "name": tag,
                "description": t("tag doc"),
                "externalDocs": {"url": t("https://docs.test")},
            },
        ],
        "security": [{scheme: []}],
        "paths": {
            t("/items"): {"get": operation, "post": create, "summary": t("path summary")},
            t("/items/") + "{" + path_param + "}": {"get": get_one},
            t("/upload"): {"post": upload, "servers": [{"url": t("https://upload.example.test")}]},
            t("/download"): {"get": download},
            t("/people"): {"get": jsonapi_list, "post": jsonapi_create},
        },
        "webhooks": {
            t("itemCreated"): {
                "post": {
                    "summary": t("webhook summary"),
                    "requestBody": {"content": {"application/json": {"schema": ref(item)}}},
                    "responses": {"200": {"description": t("hook ok")}},
                }
            }
        },
        "x-webhook-events": [
            {
                "event": t("item.created"),
                "description": t("event doc"),
                "envelopeSchema": ref(envelope)["$ref"],
                "dataSchema": ref(item)["$ref"],
            },
            {"event": t("item.deleted"), "envelopeSchema": ref(envelope)["$ref"]},
        ],
        "components": {"schemas": schemas, "securitySchemes": security_schemes},
    }


def payload(label: str) -> str:
    """The deterministic choice: every string holds the whole payload (and stays distinct)."""
    return label + PAYLOAD


IMPORT_ALL = """
import builtins, importlib, json, os, pkgutil, sys, tomllib
root = sys.argv[1]
package = sys.argv[2]
sys.path.insert(0, os.path.join(root, "src"))
module = importlib.import_module(package)
names = [m.name for m in pkgutil.walk_packages(module.__path__, package + ".")]
for name in names:
    importlib.import_module(name)
types = importlib.import_module(package + ".types")
for name in types.__all__:
    getattr(types, name)
client_cls = getattr(module, module.__all__[0])
doc = client_cls.__doc__
assert not os.path.exists({canary!r}), "canary file written"
assert not hasattr(builtins, "PWNED"), "canary builtin set"
print(json.dumps({{"modules": len(names) + 1, "doc": doc}}))
"""


def check_package(root: Path, package: str) -> dict[str, Any]:
    """Import every module of the generated package in a fresh interpreter (with the canary armed), and
    check that the other files parse: pyproject.toml and GENERATION.toml with tomllib, operations.json
    as JSON, README.md written. Returns what the child reported."""
    assert not Path(CANARY).exists()
    for name in ("pyproject.toml", "GENERATION.toml"):
        tomllib.loads((root / name).read_text(encoding="utf-8"))
    json.loads((root / "operations.json").read_text(encoding="utf-8"))
    assert (root / "README.md").read_text(encoding="utf-8").strip()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [sys.executable, "-I", "-c", IMPORT_ALL.format(canary=CANARY), str(root), package],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not Path(CANARY).exists()
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))
