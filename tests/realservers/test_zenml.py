"""The client generated from ZenML's spec (tests/fixtures/servers/zenml/openapi.json) against a real ZenML
server: FastAPI + SQLModel on SQLite in a temporary folder, OAuth2 password login, root path /zenml.

FastAPI idioms exercised: the OAuth2 password flow (`OAuth2PasswordRequestForm` login, bearer token),
default operationIds (`create_project_api_v1_projects_post`), `{"detail": ...}`
errors, discriminated request unions with `Literal`/const tags carrying a default, `format: uuid`
everywhere, and a root path announced as `servers: [{url: /zenml}]`.

Every write is checked in what the server stored: read back through the API and in ZenML's SQLite
database (`zenml.db`; ids are stored as 32 hex digits)."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import typing
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest
from support.realservers import (
    ZENML_PASSWORD,
    ZENML_ROOT_PATH,
    ZENML_USER,
    RunningServer,
    query_storage,
)

pytestmark = pytest.mark.slow

BURST = 35


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _db(server: RunningServer) -> Any:
    return server.data / "zenml.db"


def _stored_project(server: RunningServer, name: str) -> tuple[str, str, str] | None:
    rows = query_storage(
        _db(server), "SELECT id, display_name, description FROM project WHERE name = ?", name
    )
    return rows[0] if rows else None


def _types(pkg: ModuleType) -> Any:
    return importlib.import_module(pkg.__name__ + ".types")


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


def _login(zenml_pkg: ModuleType, server: RunningServer, password: str = ZENML_PASSWORD) -> Any:
    """OAuth2 password flow through the generated login operation (a form POST to /api/v1/login).

    Today a client cannot be built without a token (see test_login_needs_no_token), so the anonymous
    client gets a placeholder; the login operation declares no security, so it is not sent."""
    with zenml_pkg.ZenML(token="placeholder-before-login", base_url=server.origin) as anonymous:
        return anonymous.auth.token(username=ZENML_USER, password=password)


@pytest.fixture(scope="module")
def token(zenml_pkg: ModuleType, zenml_server: RunningServer) -> str:
    answer = _login(zenml_pkg, zenml_server)
    assert isinstance(answer.access_token, str)
    return answer.access_token


@pytest.fixture
def client(
    zenml_pkg: ModuleType, zenml_server: RunningServer, sent: list[httpx.Request], token: str
) -> Iterator[Any]:
    """A logged-in client on the server's origin (no path), recording every request it sends."""
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with zenml_pkg.ZenML(token=token, base_url=zenml_server.origin, http_client=http) as c:
        yield c
    http.close()


@pytest.fixture(scope="module")
def default_project_id(zenml_pkg: ModuleType, zenml_server: RunningServer, token: str) -> str:
    with zenml_pkg.ZenML(token=token, base_url=zenml_server.origin) as c:
        return str(c.projects.get("default").id)


def test_password_login_gives_a_bearer_token_the_server_accepts(
    zenml_pkg: ModuleType, zenml_server: RunningServer, sent: list[httpx.Request]
) -> None:
    answer = _login(zenml_pkg, zenml_server)
    assert isinstance(answer, _types(zenml_pkg).OAuthTokenResponse)
    assert answer.token_type == "bearer"
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with zenml_pkg.ZenML(
        token=answer.access_token, base_url=zenml_server.origin, http_client=http
    ) as c:
        assert c.users.get(ZENML_USER).name == ZENML_USER
    assert sent[-1].headers["authorization"] == f"Bearer {answer.access_token}"
    with pytest.raises(zenml_pkg.AuthenticationError) as wrong_password:
        _login(zenml_pkg, zenml_server, password="not-the-password")
    assert "not-the-password" not in str(wrong_password.value)
    with (
        zenml_pkg.ZenML(token="not-a-token", base_url=zenml_server.origin) as c,
        pytest.raises(zenml_pkg.AuthenticationError) as bad_token,
    ):
        c.projects.list()
    assert bad_token.value.status_code == 401
    assert "not-a-token" not in str(bad_token.value)


def test_login_needs_no_token(
    zenml_pkg: ModuleType, zenml_server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZENML_RS_TOKEN", raising=False)
    try:
        anonymous = zenml_pkg.ZenML(base_url=zenml_server.origin)
    except zenml_pkg.MissingCredentialsError as err:
        raise AssertionError(f"client refused without a token: {err}") from err
    with anonymous:
        answer = anonymous.auth.token(username=ZENML_USER, password=ZENML_PASSWORD)
        # an operation that needs the token says which argument / variable gives it, before sending
        with pytest.raises(zenml_pkg.MissingCredentialsError, match="token=.*ZENML_RS_TOKEN"):
            anonymous.projects.list()
    assert answer.token_type == "bearer"


def test_project_create_read_update_delete(
    client: Any, zenml_pkg: ModuleType, zenml_server: RunningServer
) -> None:
    name = _name("crud")
    created = client.projects.create(name=name, display_name="CRUD project", description="first")
    assert created.name == name
    stored = _stored_project(zenml_server, name)
    assert stored == (uuid.UUID(str(created.id)).hex, "CRUD project", "first")

    by_name = client.projects.get(name, hydrate=True)
    by_id = client.projects.get(str(created.id), hydrate=True)
    assert by_name.id == by_id.id == created.id
    assert by_id.metadata.description == "first"

    updated = client.projects.update(str(created.id), description="second")
    assert updated.id == created.id
    assert _stored_project(zenml_server, name) == (
        uuid.UUID(str(created.id)).hex,
        "CRUD project",
        "second",
    )

    client.projects.delete(str(created.id))
    assert _stored_project(zenml_server, name) is None
    with pytest.raises(zenml_pkg.NotFoundError):
        client.projects.get(str(created.id))


def test_tags_list_and_filter(
    client: Any, zenml_pkg: ModuleType, zenml_server: RunningServer
) -> None:
    stem = uuid.uuid4().hex[:10]
    wanted = {f"{stem}-red-1": "red", f"{stem}-red-2": "red", f"{stem}-blue": "blue"}
    for name, color in wanted.items():
        client.tags.create(name=name, color=color)
    rows = query_storage(
        _db(zenml_server), "SELECT name, color, exclusive FROM tag WHERE name LIKE ?", stem + "%"
    )
    assert sorted(rows) == sorted((n, c, 0) for n, c in wanted.items())

    everything = client.tags.list(name=f"contains:{stem}", size=50)
    assert (
        everything.envelope.total == 3
    )  # a page (ZenML pages by page/size): its body is `envelope`
    assert sorted(t.name for t in everything.items) == sorted(wanted)
    red = client.tags.list(name=f"startswith:{stem}", color="red", sort_by="asc:name")
    assert [t.name for t in red.items] == [f"{stem}-red-1", f"{stem}-red-2"]
    paged = client.tags.list(name=f"contains:{stem}", size=2, page=2, sort_by="asc:name")
    assert (paged.envelope.index, paged.envelope.total_pages, [t.name for t in paged.items]) == (
        2,
        2,
        [f"{stem}-red-2"],
    )


def test_not_found_and_conflict_map_to_their_exceptions(client: Any, zenml_pkg: ModuleType) -> None:
    with pytest.raises(zenml_pkg.NotFoundError) as not_found:
        client.projects.get(str(uuid.uuid4()))
    assert not_found.value.status_code == 404
    # ZenML: {"detail": [exception type, message]}
    assert not_found.value.details[0].type == "KeyError"
    assert "No project with this ID found" in not_found.value.details[0].message

    name = _name("dup")
    client.projects.create(name=name)
    with pytest.raises(zenml_pkg.ConflictError) as conflict:
        client.projects.create(name=name)
    assert conflict.value.status_code == 409


def test_not_found_message_carries_the_explanation(client: Any, zenml_pkg: ModuleType) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(zenml_pkg.NotFoundError) as info:
        client.projects.get(missing)
    assert "No project with this ID found" in str(info.value)


def test_conflict_message_carries_the_explanation(client: Any, zenml_pkg: ModuleType) -> None:
    name = _name("dup")
    client.projects.create(name=name)
    with pytest.raises(zenml_pkg.ConflictError) as info:
        client.projects.create(name=name)
    assert "Found another existing project with the same name" in str(info.value)


def test_validation_error_carries_the_explanation(
    client: Any, zenml_pkg: ModuleType, zenml_server: RunningServer
) -> None:
    # ZenML answers request validation failures with 422 and a bare list [exception type, pydantic's text].
    name = "Not A Valid Name!"
    with pytest.raises(zenml_pkg.UnprocessableEntityError) as info:
        client.projects.create(name=name)
    assert info.value.status_code == 422
    assert "String should match pattern" in str(info.value)
    assert _stored_project(zenml_server, name) is None


def test_trigger_union_member_model_is_sent_with_its_tag(
    client: Any, zenml_pkg: ModuleType, zenml_server: RunningServer, default_project_id: str
) -> None:
    name = _name("sched")
    body = _types(zenml_pkg).ScheduleTriggerRequest(
        name=name, project=default_project_id, cron_expression="*/5 * * * *"
    )
    try:
        created = client.triggers.create(body=body)
    except zenml_pkg.UnprocessableEntityError as err:
        raise AssertionError(f"the server refused the body: {err}") from err
    assert isinstance(created, _types(zenml_pkg).ScheduleTriggerResponse)
    rows = query_storage(_db(zenml_server), "SELECT type, flavor FROM trigger WHERE name = ?", name)
    assert rows == [("schedule", "native schedule")]


def test_trigger_with_explicit_tag_is_stored_as_that_member(
    client: Any, zenml_pkg: ModuleType, zenml_server: RunningServer, default_project_id: str
) -> None:
    name = _name("sched")
    created = client.triggers.create(
        body={  # a union body (one member per trigger type) stays a single argument
            "type": "schedule",
            "name": name,
            "project": default_project_id,
            "cron_expression": "0 * * * *",
        }
    )
    assert isinstance(created, _types(zenml_pkg).ScheduleTriggerResponse)
    assert created.body.cron_expression == "0 * * * *"
    rows = query_storage(
        _db(zenml_server),
        "SELECT type, flavor, active, concurrency FROM trigger WHERE name = ?",
        name,
    )
    assert rows == [("schedule", "native schedule", 1, "skip")]  # server-side defaults applied
    fetched = client.triggers.get(str(created.id))
    assert isinstance(fetched, _types(zenml_pkg).ScheduleTriggerResponse)
    client.triggers.delete(str(created.id))
    assert query_storage(_db(zenml_server), "SELECT id FROM trigger WHERE name = ?", name) == []


def test_request_models_accept_uuid_values(
    client: Any, zenml_pkg: ModuleType, zenml_server: RunningServer, default_project_id: str
) -> None:
    name = _name("uuidbody")
    body = _types(zenml_pkg).ScheduleTriggerRequest(
        type="schedule",
        name=name,
        project=uuid.UUID(default_project_id),
        cron_expression="0 * * * *",
    )
    client.triggers.create(body=body)
    rows = query_storage(_db(zenml_server), "SELECT project_id FROM trigger WHERE name = ?", name)
    assert rows == [(uuid.UUID(default_project_id).hex,)]


def test_uuid_fields_come_back_as_uuid(client: Any) -> None:
    project = client.projects.get("default")
    assert isinstance(project.id, uuid.UUID)


def test_uuid_path_argument_is_sent_as_its_string(client: Any, default_project_id: str) -> None:
    project = client.projects.get(uuid.UUID(default_project_id))
    assert str(project.id) == default_project_id


def test_non_nullable_optional_field_refuses_none_and_defaults_like_the_spec(
    zenml_pkg: ModuleType,
) -> None:
    tag = _types(zenml_pkg).TagRequest
    assert tag(name="x").exclusive is False
    with pytest.raises(pydantic.ValidationError):
        tag(name="x", exclusive=None)


def test_relative_server_path_is_kept_after_the_origin(
    client: Any, sent: list[httpx.Request]
) -> None:
    client.projects.get("default")
    assert sent[-1].url.path == f"{ZENML_ROOT_PATH}/api/v1/projects/default"


def test_fastapi_operation_ids_give_plain_method_names(client: Any) -> None:
    # FastAPI's default ids (`create_project_api_v1_projects_post` = function + route + verb) lose the
    # route and verb FastAPI appends (generator/naming/routes.py fastapi_function)
    for method in ("list", "create", "get", "update", "delete"):
        assert callable(getattr(client.projects, method, None)), f"projects.{method}"
        assert callable(getattr(client.tags, method, None)), f"tags.{method}"
    assert not hasattr(client.projects, "create_api_v1_post")


def test_concurrent_burst_of_creates_with_threads(client: Any, zenml_server: RunningServer) -> None:
    stem = _name("burst")
    names = [f"{stem}-{i}" for i in range(BURST)]
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        created = list(pool.map(lambda n: client.tags.create(name=n), names))
    assert sorted(t.name for t in created) == sorted(names)
    stored = query_storage(_db(zenml_server), "SELECT name FROM tag WHERE name LIKE ?", stem + "-%")
    assert sorted(r[0] for r in stored) == sorted(names)


def test_async_client_crud_and_concurrent_burst(
    zenml_pkg: ModuleType, zenml_server: RunningServer, token: str
) -> None:
    stem = _name("aburst")
    names = [f"{stem}-{i}" for i in range(BURST)]
    project = _name("async")

    async def scenario() -> tuple[list[Any], Any]:
        async with zenml_pkg.AsyncZenML(token=token, base_url=zenml_server.origin) as c:
            tags = await asyncio.gather(*(c.tags.create(name=n) for n in names))
            created = await c.projects.create(name=project, description="async")
            await c.projects.update(str(created.id), display_name="Async!")
            fetched = await c.projects.get(project, hydrate=True)
            await c.projects.delete(str(created.id))
            return tags, fetched

    tags, fetched = asyncio.run(scenario())
    assert sorted(t.name for t in tags) == sorted(names)
    stored = query_storage(_db(zenml_server), "SELECT name FROM tag WHERE name LIKE ?", stem + "-%")
    assert sorted(r[0] for r in stored) == sorted(names)
    assert (fetched.body.display_name, fetched.metadata.description) == ("Async!", "async")
    assert _stored_project(zenml_server, project) is None


def _stored_tag_links(server: RunningServer, tag_id: str) -> list[tuple[str, str]]:
    return query_storage(
        _db(server),
        "SELECT resource_id, resource_type FROM tag_resource WHERE tag_id = ? ORDER BY resource_id",
        uuid.UUID(tag_id).hex,
    )


def test_list_request_body_of_models_or_dicts(
    client: Any, zenml_pkg: ModuleType, zenml_server: RunningServer, default_project_id: str
) -> None:
    T = _types(zenml_pkg)
    models = [
        client.models.create(name=_name("model"), project=default_project_id) for _ in range(3)
    ]
    as_models = client.tags.create(name=_name("bymodel"))
    as_dicts = client.tags.create(name=_name("bydict"))
    client.tag_resources.batch_create(
        body=[
            T.TagResourceRequest(
                tag_id=str(as_models.id), resource_id=str(m.id), resource_type="model"
            )
            for m in models[:2]
        ]
    )
    client.tag_resources.batch_create(
        body=[
            {"tag_id": str(as_dicts.id), "resource_id": str(models[2].id), "resource_type": "model"}
        ]
    )
    assert _stored_tag_links(zenml_server, str(as_models.id)) == sorted(
        (uuid.UUID(str(m.id)).hex, "model") for m in models[:2]
    )
    assert _stored_tag_links(zenml_server, str(as_dicts.id)) == [
        (uuid.UUID(str(models[2].id)).hex, "model")
    ]
    hydrated = client.models.get(str(models[2].id), hydrate=True)
    assert [t.name for t in hydrated.resources.tags] == [as_dicts.name]


def test_list_request_body_is_typed_to_accept_dicts(client: Any) -> None:
    hints = typing.get_type_hints(type(client.tag_resources).batch_create)
    (item,) = typing.get_args(hints["body"])
    # each item is the request model or its ...Param TypedDict (a plain dict literal type-checks)
    assert any(typing.is_typeddict(arg) for arg in typing.get_args(item))


def test_secret_values_are_stored_and_read_back(client: Any, zenml_pkg: ModuleType) -> None:
    name = _name("secret")
    created = client.secrets.create(name=name, values={"password": "hunter2-value"})
    fetched = client.secrets.get(str(created.id), hydrate=True)
    assert fetched.name == name
    assert fetched.body.values == {"password": "hunter2-value"}


def test_password_values_are_hidden_in_reprs(zenml_pkg: ModuleType) -> None:
    request = _types(zenml_pkg).SecretRequest(name="s", values={"password": "hunter2-value"})
    assert "hunter2-value" not in repr(request)
    assert "hunter2-value" not in str(request)


def test_datetime_filter_in_the_servers_format(client: Any) -> None:
    stem = _name("when")
    first = client.tags.create(name=f"{stem}-first")
    # ZenML compares to the second; its filter parser only takes "%Y-%m-%d %H:%M:%S" (not ISO 8601)
    after = (first.body.created + dt.timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    listed = client.tags.list(name=f"startswith:{stem}", created=f"lt:{after}")
    assert [t.name for t in listed.items] == [f"{stem}-first"]


def test_rejected_filter_value_message_carries_the_explanation(
    client: Any, zenml_pkg: ModuleType
) -> None:
    # The spec says `created` is `format: date-time`, so the client sends ISO 8601; ZenML's filter refuses it.
    with pytest.raises(zenml_pkg.UnprocessableEntityError) as info:
        client.tags.list(created=dt.datetime(2024, 1, 2, 3, 4, 5))
    assert "The datetime filter only works with values in the following format" in str(info.value)
