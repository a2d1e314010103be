"""Views built the way `render/plan.py` builds them, from a small inline spec: load → parse → shape →
naming (with the core auth's name requests) → resource drafts. For the view builders' unit tests
(`tests/unit/test_views_*.py`), which assert on view fields, not on rendered text."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.config import adhoc_target
from generator.diagnostics import DiagnosticSink
from generator.ir import Api, Operation
from generator.load import load_spec
from generator.naming.plan import Names, op_key, plan_names
from generator.parse import build_api
from generator.render.annotations import Annotator
from generator.render.auth_views import AuthPlan, auth_requests, plain_auth, with_schemes
from generator.render.resource_views import MethodView, ResourceDraft, draft_resource
from generator.shape.stage import shape


@dataclass
class Built:
    api: Api
    names: Names
    sink: DiagnosticSink
    auth: AuthPlan
    by_resource: dict[str, list[Operation]]
    drafts: dict[str, ResourceDraft]
    methods: dict[str, MethodView]  # op key ("GET /pets") → its method view

    def op(self, key: str) -> Operation:
        return next(op for op in self.api.operations if op_key(op) == key)

    def method(self, key: str) -> MethodView:
        return self.methods[key]

    def annotator(self) -> Annotator:
        return Annotator(self.api.schemas, self.names)

    def sid(self, name: str) -> str:
        """The schema id of the component called `name`."""
        return f"/components/schemas/{name}"

    def codes(self) -> list[str]:
        return [d.code for d in self.sink.sorted()]


# One small API that exercises every view builder: a model with a read-only id, an alias (`firstName`),
# a nullable field, an enum, a const tag, a default and a nested model; a list alias; an API key; query,
# header, cookie and path parameters; a flattened JSON body, a multipart upload, a binary download, a
# declared error body and an operation without security.
_PET: dict[str, Any] = {
    "type": "object",
    "required": ["name", "kind"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "name": {"type": "string", "description": "The pet's name."},
        "firstName": {"type": "string"},
        "tag": {"type": ["string", "null"]},
        "kind": {"$ref": "#/components/schemas/Kind"},
        "type": {"const": "pet"},
        "legs": {"type": "integer", "default": 4},
        "owner": {"$ref": "#/components/schemas/Owner"},
    },
}
PETSHOP: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Pet Shop", "version": "2.1.0", "description": "Pets for sale."},
    "servers": [{"url": "https://api.pets.test/v2"}],
    "security": [{"key": []}],
    "components": {
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
        "schemas": {
            "Pet": _PET,
            "Kind": {"type": "string", "enum": ["cat", "dog"], "description": "What it is."},
            "Owner": {
                "type": "object",
                "required": ["emailAddress"],
                "properties": {"emailAddress": {"type": "string"}},
            },
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
            "Pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
        },
    },
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "tags": ["pets"],
                "summary": "List pets.",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {
                        "name": "ids",
                        "in": "query",
                        "style": "form",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {
                        "name": "X-Trace",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pets"}}
                        },
                    }
                },
            },
            "post": {
                "operationId": "createPet",
                "tags": ["pets"],
                "summary": "Create a pet.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            },
        },
        "/pets/{petId}": {
            "get": {
                "operationId": "getPet",
                "tags": ["pets"],
                "summary": "Get a pet.",
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    },
                    "404": {
                        "description": "no",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                },
            },
            "delete": {
                "operationId": "deletePet",
                "tags": ["pets"],
                "security": [],
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {"204": {"description": "gone"}},
            },
        },
        "/pets/{petId}/photo": {
            "post": {
                "operationId": "uploadPhoto",
                "tags": ["photos"],
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "caption": {"type": "string"},
                                },
                            },
                            "encoding": {"file": {"contentType": "image/png"}},
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            },
            "get": {
                "operationId": "getPhoto",
                "tags": ["photos"],
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "image/png": {"schema": {"type": "string", "format": "binary"}}
                        },
                    }
                },
            },
        },
    },
}


def build_views(doc: dict[str, Any], folder: Path, **target: Any) -> Built:
    """`doc` through the pipeline up to the resource drafts; `target`: TargetConfig fields to set."""
    path = folder / "spec.json"
    path.write_text(json.dumps(doc))
    sink = DiagnosticSink(file=str(path))
    config = adhoc_target(str(path), str(folder / "out"), "petshop", "PetShop")
    if target:
        config = replace(config, **target)
    api = shape(build_api(load_spec(path, sink), sink), config, sink)
    auth = with_schemes(plain_auth(api, sink), api)
    names = plan_names(api, sink, auth_requests(auth))
    by_resource: dict[str, list[Operation]] = {}
    for op in api.operations:
        by_resource.setdefault(names.op_resource[op_key(op)], []).append(op)
    drafts = {
        tag: draft_resource(api, names, names.resources[tag], ops)
        for tag, ops in by_resource.items()
    }
    methods = {
        op_key(op): m
        for tag, ops in by_resource.items()
        for op, m in zip(ops, drafts[tag].methods, strict=True)
    }
    return Built(api, names, sink, auth, by_resource, drafts, methods)
