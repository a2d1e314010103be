"""Parse on two cores (`generator/parse/split.py`, issue 18): the component schemas' bodies built in
a forked child are taken only where they are what one process would have built, so the IR and the
diagnostics (text and order) are the serial run's — whether the child delivered everything before
the drain, part of it, or nothing (it failed, died, or sent something that does not unpickle)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import DiagnosticSink
from generator.ir import Api
from generator.load import load_spec
from generator.parse import build_api, split
from generator.parse.schemas import SchemaBuilder

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted(
    p for p in (REPO / "tests" / "fixtures" / "specs").iterdir() if p.suffix in (".yml", ".json")
)
COMMITTED = sorted((REPO / "specs").glob("*/*.y*ml"))
GITHUB = REPO / ".cache/corpora/node_modules/@octokit/openapi/generated/api.github.com.json"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")

Parsed = tuple[Api, list[str]]


def _parse(spec: Path) -> Parsed:
    sink = DiagnosticSink(file=str(spec))
    api = build_api(load_spec(spec, sink), sink)
    return api, [d.render() for d in sink.items]  # in the order they were emitted


def _serial(spec: Path, monkeypatch: pytest.MonkeyPatch) -> Parsed:
    with monkeypatch.context() as m:
        m.setattr(split, "SPLIT_FROM", 1 << 30)
        return _parse(spec)


def _split(
    spec: Path, monkeypatch: pytest.MonkeyPatch, *, settle: bool = True
) -> tuple[Parsed, list[split.Split]]:
    """Parsed with the child forced on; `settle`: all the child's records are there before the
    drain (else the drain takes what has come so far: a race, whatever its outcome)."""
    seen: list[split.Split] = []
    real = split.Split.drain

    def drain(self: split.Split, schemas: SchemaBuilder) -> None:
        seen.append(self)
        if settle:
            self.settle(30.0)
        real(self, schemas)

    with monkeypatch.context() as m:
        m.setattr(split, "SPLIT_FROM", 0)
        m.setattr(split, "can_fork", lambda: True)  # (a loopback thread another test left running)
        m.setattr(split.Split, "drain", drain)
        parsed = _parse(spec)
    assert [s.forked for s in seen] == [False]  # drained: the child was reaped
    return parsed, seen


# a spec with what makes the order matter: warnings in component schemas; inline schemas whose
# names collide with components; a component's inner schema an operation reaches first through a
# `$ref`, and an `allOf` that copies a component's properties into an operation's inline schema
# (shared schemas: their name hints merge in the serial order); primitive components reached from
# operations and from components (the memo of component types); a discriminated hierarchy with a
# concrete base; made-up nodes (allOf merges) inside components; webhooks
TRICKY: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Tricky", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "parameters": [
                    {
                        "name": "kind",
                        "in": "query",
                        "schema": {"$ref": "#/components/schemas/Kind"},
                    },
                    {
                        "name": "code",
                        "in": "query",
                        "schema": {"$ref": "#/components/schemas/Code"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "owner": {
                                            "$ref": "#/components/schemas/Pet/properties/owner"
                                        },
                                        "pet": {"$ref": "#/components/schemas/Pet"},
                                        "code": {"$ref": "#/components/schemas/Code"},
                                        "weird": {"type": "bogus"},
                                    },
                                }
                            }
                        },
                    }
                },
            },
            "post": {
                "operationId": "createPet",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "allOf": [
                                    {"$ref": "#/components/schemas/Pet"},
                                    {"type": "object", "properties": {"extra": {"type": "string"}}},
                                ]
                            }
                        }
                    }
                },
                "responses": {
                    "201": {
                        "description": "made",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Animal"}}
                        },
                    }
                },
            },
        },
        "/owners/{id}": {
            "get": {
                "operationId": "getOwner",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "title": "PetOwner",
                                    "properties": {"name": {"type": "string"}},
                                }
                            }
                        },
                    }
                },
            }
        },
    },
    "webhooks": {
        "petAdopted": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "pet": {"$ref": "#/components/schemas/Pet"},
                                    "owner": {"$ref": "#/components/schemas/Pet/properties/owner"},
                                },
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {
        "schemas": {
            "Code": {"type": "string", "format": "no-such-format"},
            "Kind": {"type": "string", "enum": ["cat", "dog"]},
            "Broken": {
                "type": "object",
                "properties": {"x": {"$ref": "#/components/schemas/Nope"}},
            },
            "Odd": {"type": "object", "properties": {"y": {"type": "mystery"}, "z": 3}},
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "code": {"$ref": "#/components/schemas/Code"},
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "owner": {"type": "object", "properties": {"name": {"type": "string"}}},
                    "tags": {"type": "array", "items": {"type": "object", "properties": {"t": {}}}},
                    "merged": {
                        "allOf": [
                            {"$ref": "#/components/schemas/Odd"},
                            {"type": "object", "properties": {"w": {"type": "integer"}}},
                        ]
                    },
                },
            },
            "PetOwner": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "PetTagsItem": {"type": "object", "properties": {"u": {"type": "string"}}},
            "Animal": {
                "type": "object",
                "required": ["type"],
                "properties": {
                    "type": {"type": "string"},
                    "code": {"$ref": "#/components/schemas/Code"},
                },
                "discriminator": {
                    "propertyName": "type",
                    "mapping": {
                        "animal": "#/components/schemas/Animal",
                        "cat": "#/components/schemas/Cat",
                        "dog": "#/components/schemas/Dog",
                    },
                },
            },
            "Cat": {
                "allOf": [
                    {"$ref": "#/components/schemas/Animal"},
                    {"type": "object", "properties": {"purrs": {"type": "boolean"}}},
                ]
            },
            "Dog": {
                "allOf": [
                    {"$ref": "#/components/schemas/Animal"},
                    {
                        "type": "object",
                        "properties": {
                            "barks": {"type": "boolean"},
                            "owner": {"$ref": "#/components/schemas/Pet/properties/owner"},
                        },
                    },
                ]
            },
            "Alias": {"$ref": "#/components/schemas/Pet"},
            "Choice": {
                "oneOf": [
                    {"$ref": "#/components/schemas/Cat"},
                    {"$ref": "#/components/schemas/Dog"},
                    {
                        "type": "object",
                        "properties": {"other": {"$ref": "#/components/schemas/Code"}},
                    },
                ]
            },
        }
    },
}


@pytest.fixture
def tricky(tmp_path: Path) -> Path:
    path = tmp_path / "tricky.json"
    path.write_text(json.dumps(TRICKY))
    return path


def test_the_tricky_spec_parses_the_same(tricky: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _serial(tricky, monkeypatch)
    parsed, (used,) = _split(tricky, monkeypatch)
    assert parsed == serial
    assert serial[1]  # the spec warns (in components and in operations)
    assert any("/components/schemas/" in line for line in serial[1])
    assert used.replayed > 0  # the child's bodies were taken
    # … and some were not: the order of the serial run decides (a hint from an operation first)
    assert used.refused > 0


def test_the_race_parses_the_same(tricky: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _serial(tricky, monkeypatch)
    for _ in range(3):
        assert _split(tricky, monkeypatch, settle=False)[0] == serial


@pytest.mark.parametrize("spec", FIXTURES, ids=lambda p: p.name)
def test_each_fixture_parses_the_same(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _split(spec, monkeypatch)[0] == _serial(spec, monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("spec", COMMITTED, ids=lambda p: p.parent.name)
def test_each_committed_spec_parses_the_same(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _split(spec, monkeypatch)[0] == _serial(spec, monkeypatch)


@pytest.mark.slow
@pytest.mark.skipif(not GITHUB.is_file(), reason="the spec corpora (scripts/setup-corpora)")
def test_githubs_spec_parses_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _serial(GITHUB, monkeypatch)
    parsed, (used,) = _split(GITHUB, monkeypatch)
    assert parsed == serial
    assert used.replayed > 4000
    # by default (without forcing) it splits
    with monkeypatch.context() as m:
        m.setattr(split, "can_fork", lambda: True)
        seen: list[bool] = []
        real = split.Split.drain

        def drain(self: split.Split, schemas: SchemaBuilder) -> None:
            seen.append(self.forked)
            real(self, schemas)

        m.setattr(split.Split, "drain", drain)
        assert _parse(GITHUB) == serial
    assert seen == [True]


# ---- the child's failure modes: everything is built here --------------------------------------------
Child = Callable[[SchemaBuilder, int, int], None]


def _dies(schemas: SchemaBuilder, out: int, claims: int) -> None:
    os._exit(3)


def _raises(schemas: SchemaBuilder, out: int, claims: int) -> None:
    raise RuntimeError("broken")


def _garbage(schemas: SchemaBuilder, out: int, claims: int) -> None:
    message = b"not a pickle"
    os.write(out, len(message).to_bytes(4, "little") + message)


def _truncated(schemas: SchemaBuilder, out: int, claims: int) -> None:
    os.write(out, (1000).to_bytes(4, "little") + b"short")


@pytest.mark.parametrize("child", [_dies, _raises, _garbage, _truncated], ids=lambda f: f.__name__)
def test_a_child_that_does_not_deliver(
    child: Child, tricky: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _serial(tricky, monkeypatch)
    monkeypatch.setattr(split, "_child", child)
    parsed, (used,) = _split(tricky, monkeypatch)
    assert parsed == serial
    assert used.replayed == 0


def test_a_build_that_fails_in_the_child_is_built_here(
    tricky: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child stops at its first error: what it sent before is taken, the rest built here (where
    an error would be raised as in one process)."""
    serial = _serial(tricky, monkeypatch)
    real = split._Recording._build_named
    calls = [0]

    def flaky(self: split._Recording, pending: Any) -> Any:
        calls[0] += 1
        if calls[0] == 4:
            raise ValueError("in the child only")
        return real(self, pending)

    monkeypatch.setattr(split._Recording, "_build_named", flaky)
    monkeypatch.setattr(split, "_CHUNK", 1)
    parsed, (used,) = _split(tricky, monkeypatch)
    assert parsed == serial
    assert 0 < used.replayed <= 3


def test_an_error_here_stops_and_reaps_the_child(
    tricky: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids: list[int] = []
    real = split.Split._fork

    def fork(self: split.Split, schemas: SchemaBuilder) -> None:
        real(self, schemas)
        pids.append(self._pid)

    def fail(self: object) -> list[object]:
        raise RuntimeError("operations")

    monkeypatch.setattr(split.Split, "_fork", fork)
    monkeypatch.setattr("generator.parse.OperationBuilder.build_all", fail)
    monkeypatch.setattr(split, "SPLIT_FROM", 0)
    monkeypatch.setattr(split, "can_fork", lambda: True)
    with pytest.raises(RuntimeError, match="operations"):
        _parse(tricky)
    assert len(pids) == 1 and pids[0] > 0
    with pytest.raises(ChildProcessError):
        os.waitpid(pids[0], os.WNOHANG)  # reaped


def test_when_it_splits(tricky: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sink = DiagnosticSink()
    from generator.parse.canonical import Canonical
    from generator.refs import Resolver

    loaded = load_spec(tricky, sink)
    canonical = Canonical(loaded.document)
    schemas = SchemaBuilder(Resolver(canonical.document, "", sink), sink, "3.1", canonical)
    monkeypatch.setattr(split, "can_fork", lambda: True)
    assert not split.worth_it(schemas)  # 12 component schemas: one process
    monkeypatch.setattr(split, "SPLIT_FROM", 12)
    assert split.worth_it(schemas)
    monkeypatch.setattr(split, "SPLIT_UP_TO", 12 + 2)  # 12 schemas + 4 operations
    assert not split.worth_it(schemas)
    monkeypatch.setattr(split, "SPLIT_UP_TO", 12 + 4)
    assert split.worth_it(schemas)
    monkeypatch.setattr(split, "can_fork", lambda: False)  # no fork, a thread, one CPU, turned off
    assert not split.worth_it(schemas)
    assert not split.Split(schemas, enabled=False).forked
