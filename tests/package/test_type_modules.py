"""An inline class lives in its owner's module (issue 18: GitHub's 6,656 classes made 6,747 files).

A class minted for one place (a property's, an item's, a variant's, a response's or a body's inline
schema) is written into the module of the outermost emitted schema that contains that place — a component,
or an operation's body, response or parameter schema. Owners whose members reference each other in a
cycle share one module, so the types modules never import each other in a cycle. Public names do not
change and every one is importable from `pkg.types`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from generator.naming.plan import emitted_schemas, plan_names
from tests.conftest import spec_doc

OBJ = "object"


def _doc() -> dict[str, Any]:
    inline_item = {
        "type": OBJ,
        "properties": {"kind": {"type": "string", "enum": ["a", "b"]}, "n": {"type": "integer"}},
    }
    return spec_doc(
        paths={
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": OBJ,
                                        "properties": {
                                            "data": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Thing"},
                                            },
                                            "meta": {
                                                "type": OBJ,
                                                "properties": {"total": {"type": "integer"}},
                                            },
                                        },
                                    }
                                }
                            },
                        }
                    },
                },
                "post": {
                    "operationId": "createThing",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": OBJ,
                                    "properties": {
                                        "items": {"type": "array", "items": inline_item}
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"204": {"description": "done"}},
                },
            }
        },
        schemas={
            "Thing": {
                "type": OBJ,
                "properties": {
                    "owner": {
                        "type": OBJ,
                        "properties": {
                            "person": {"$ref": "#/components/schemas/Person"},
                            "role": {"type": "string", "enum": ["admin", "member"]},
                        },
                    },
                    "tags": {"type": "array", "items": inline_item},
                },
            },
            # Person -> Thing (through an inline class) -> Thing.owner -> Person: one module
            "Person": {
                "type": OBJ,
                "properties": {
                    "name": {"type": "string"},
                    "favourite": {
                        "type": OBJ,
                        "properties": {"thing": {"$ref": "#/components/schemas/Thing"}},
                    },
                },
            },
            "Lonely": {
                "type": OBJ,
                "properties": {"x": {"type": OBJ, "properties": {"y": {"type": "string"}}}},
            },
        },
    )


def _owner(sid: str, emitted: set[str]) -> str:
    parts = sid.split("/")
    return next(
        (p for i in range(2, len(parts)) if (p := "/".join(parts[:i])) in emitted),
        sid,
    )


def test_inline_classes_live_in_their_owners_module_and_modules_do_not_import_in_a_cycle(
    build: Any,
) -> None:
    api, sink = build(_doc())
    names = plan_names(api, sink)
    emitted = emitted_schemas(api)
    owners = {sid: _owner(sid, set(emitted)) for sid in emitted}
    inline = [sid for sid in emitted if owners[sid] != sid]
    assert len(inline) >= 6  # property, item, enum and body classes minted inside others
    for sid in inline:
        assert names.schema_module[sid] == names.schema_module[owners[sid]], sid
    # one module per owner, except owners in a reference cycle (Thing and Person)
    thing, person = "/components/schemas/Thing", "/components/schemas/Person"
    assert names.schema_module[thing] == names.schema_module[person]
    roots = {owners[sid] for sid in emitted}
    assert len(names.module_members) == len(roots) - 1
    # the module import graph is acyclic (every reference across modules points "down")
    graph: dict[str, set[str]] = {m: set() for m in names.module_members}
    for sid in emitted:
        for ref in _refs(api.schemas[sid]):
            a, b = names.schema_module[sid], names.schema_module[ref]
            if a != b:
                graph[a].add(b)
    assert not _has_cycle(graph)
    # the operation's inline response class owns its module and names it
    response = [s for s in roots if s.startswith("/paths/~1things/get/")]
    assert len(response) == 1
    assert names.schema_module[response[0]] == "list_things_response"
    # members come dependencies first: nothing in a module names a class defined below it,
    # but for the Thing/Person cycle
    for module, members in names.module_members.items():
        if module == names.schema_module[thing]:
            continue
        for i, sid in enumerate(members):
            later = set(members[i:])
            assert not later & set(_refs(api.schemas[sid])), (module, sid)


def _refs(schema: Any) -> list[str]:
    from generator.ir import Alias, Model, walk_refs

    if isinstance(schema, Model):
        out = [r for f in schema.fields for r in walk_refs(f.type)]
        return out + (walk_refs(schema.extra) if schema.extra is not None else [])
    if isinstance(schema, Alias):
        return walk_refs(schema.target)
    return []


def _has_cycle(graph: dict[str, set[str]]) -> bool:
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in graph)


def test_merged_modules_import_and_parse_and_keep_every_public_name(
    generate_package: Any,
) -> None:
    _, root = generate_package(_doc(), package="inlinemods")
    types_dir = root / "src" / "inlinemods" / "types"
    modules = sorted(p.stem for p in types_dir.glob("*.py") if p.stem != "__init__")
    assert modules == ["create_thing_body", "list_things_response", "lonely", "person"]  # + Thing
    from inlinemods import types

    # every public name resolves through the lazy `types` package, from the module it is mapped to
    for name in types.__all__:
        cls = getattr(types, name)
        assert cls.__module__ == f"inlinemods.types.{types._MODULES[name]}"
    page = types.ListThingsResponse.model_validate(
        {
            "data": [
                {
                    "owner": {
                        "person": {"name": "Ada", "favourite": {"thing": {"tags": []}}},
                        "role": "admin",
                    },
                    "tags": [{"kind": "b", "n": 2}],
                }
            ],
            "meta": {"total": 1},
        }
    )
    assert page.data[0].owner.person.favourite.thing.tags == []
    assert page.data[0].tags[0].kind == "b" and page.meta.total == 1
    # each module imports on its own in a fresh interpreter, and loads only what it needs
    src = root / "src"
    probe = (
        "import sys, importlib\n"
        "importlib.import_module('inlinemods.types.list_things_response')\n"
        "print(sorted(m for m in sys.modules if m.startswith('inlinemods.types.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(src),
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(src), "PATH": ""},
    ).stdout
    assert "inlinemods.types.person" in out and "lonely" not in out and "create_thing" not in out
