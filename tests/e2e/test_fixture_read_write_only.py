"""readOnly and writeOnly properties: one model serves requests and responses, so a read-only field is never
sent (also inside nested models) and a write-only one is never required of a response."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import spec_doc

REF = "#/components/schemas/"
USER = {
    "type": "object",
    "required": ["id", "name", "password"],
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "name": {"type": "string"},
        "password": {"type": "string", "writeOnly": True},
        "createdAt": {"type": "string", "format": "date-time", "readOnly": True},
    },
}
TEAM = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "readOnly": True},
        "members": {"type": "array", "items": {"$ref": REF + "User"}},
        "lead": {"$ref": REF + "User"},
    },
}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF + schema}}}


PATHS = {
    "/users/{id}": {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "get": {
            "operationId": "getUser",
            "tags": ["users"],
            "responses": {"200": {"description": "ok", "content": _json("User")}},
        },
        "put": {
            "operationId": "updateUser",
            "tags": ["users"],
            "requestBody": {"required": True, "content": _json("User")},
            "responses": {"200": {"description": "ok", "content": _json("User")}},
        },
    },
    "/teams": {
        "post": {
            "operationId": "createTeam",
            "tags": ["teams"],
            "requestBody": {"required": True, "content": _json("Team")},
            "responses": {"201": {"description": "ok", "content": _json("Team")}},
        },
    },
}


@pytest.fixture
def users(generate_package: Any) -> tuple[Any, Path, list[httpx.Request]]:
    pkg, root = generate_package(
        spec_doc(paths=PATHS, schemas={"User": USER, "Team": TEAM}),
        package="rwonly",
        client_name="Users",
    )
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":  # no password: it is write-only
            return httpx.Response(
                200, json={"id": "u1", "name": "Ann", "createdAt": "2026-11-23T10:00:00Z"}
            )
        return httpx.Response(
            200 if request.method == "PUT" else 201, json={"id": "x", **json.loads(request.content)}
        )

    client = pkg.Users(
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        strict_response_validation=True,
    )
    return client, root, seen


def test_response_without_write_only_field_validates(
    users: tuple[Any, Path, list[httpx.Request]],
) -> None:
    client, _, _ = users
    user = client.users.get("u1")  # strict: a required write-only field would have failed here
    assert user.id == "u1" and user.password is None


def test_read_only_fields_are_not_sent(users: tuple[Any, Path, list[httpx.Request]]) -> None:
    client, _, seen = users
    client.users.update("u1", name="Anna", password="s3cret")
    assert json.loads(seen[-1].content) == {"name": "Anna", "password": "s3cret"}
    with pytest.raises(TypeError, match="created_at"):  # read-only: not an argument
        client.users.update("u1", name="Anna", password="s3cret", created_at="2020-01-01")


def test_read_only_fields_of_nested_models_are_not_sent(
    users: tuple[Any, Path, list[httpx.Request]],
) -> None:
    client, _, seen = users
    from rwonly.types import Team

    member = client.users.get("u1")
    team = Team.model_validate(
        {
            "id": "t1",
            "members": [member.model_dump(by_alias=True, exclude_unset=True)],
            "lead": member,
        }
    )
    client.teams.create(members=team.members, lead=member)
    assert json.loads(seen[-1].content) == {"members": [{"name": "Ann"}], "lead": {"name": "Ann"}}
    assert team.id == "t1" and team.members[0].id == "u1"  # the models themselves keep them
    client.teams.create(members=[{"name": "Bo", "id": "u9"}], extra_body={"id": "mine"})
    assert json.loads(seen[-1].content) == {"members": [{"name": "Bo", "id": "u9"}], "id": "mine"}


def test_docs_say_what_each_flag_means(users: tuple[Any, Path, list[httpx.Request]]) -> None:
    _, root, _ = users
    source = (root / "src/rwonly/types/user.py").read_text()
    assert "Read-only: set by the server, never sent, always returned." in source
    assert "Write-only: never returned by the server; required when sending." in source
    # write-only, so optional in the one model; not nullable, so `None` is refused when set
    assert "name: str\n" in source
    assert "password: _Omittable[str] = _Field(\n        default=_UNSET," in source
    # the docstring's text is also the field's description (pydantic reads no source)
    assert (
        'description="Write-only: never returned by the server; required when sending."' in source
    )
