"""The Casebook JSON:API client through httpx.MockTransport: token flow, query builders, documents,
`included` resolution, pagination over links.next, JSON:API errors, uploads and the provider/location link."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import uuid
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from tests.conftest import REPO

SRC = str(REPO / "generated" / "casebook" / "src")
if SRC not in sys.path:
    sys.path.insert(0, SRC)

from casebook import AsyncCasebook, Casebook
from casebook.query import NoteFields, PersonFields

JSONAPI = "application/vnd.api+json"
TOKEN_URL = "https://tenant.auth.test/oauth2/token"
P1 = "f26707ec-00d1-5ee0-ab2a-fb41f35d558d"
L1 = "c23aeedd-eec0-5c32-99ad-3340d20d40d2"
PR1 = "0fad98c6-f1a6-5783-b5c4-f8a40d0f713a"


def person(pid: str, last: str = "Doe") -> dict[str, Any]:
    return {"type": "people", "id": pid, "attributes": {"first_name": "Jane", "last_name": last}}


class Api:
    """A fake Casebook: an OAuth token endpoint plus scripted JSON:API responses."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.tokens_issued = 0
        self.valid: set[str] = set()
        self.replies: list[httpx.Response] = []

    def reply(self, status: int = 200, body: Any = None) -> None:
        self.replies.append(httpx.Response(status, json=body, headers={"Content-Type": JSONAPI}))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if str(request.url) == TOKEN_URL:
            self.tokens_issued += 1
            token = f"tok-{self.tokens_issued}"
            self.valid.add(token)
            return httpx.Response(
                200, json={"access_token": token, "token_type": "Bearer", "expires_in": 3600}
            )
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.valid:
            return httpx.Response(
                401, json={"errors": [{"status": "401", "title": "Unauthorized"}]}
            )
        if not self.replies:
            return httpx.Response(204)
        return self.replies.pop(0)

    @property
    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url) != TOKEN_URL]


@pytest.fixture
def api() -> Api:
    return Api()


@pytest.fixture
def client(api: Api) -> Casebook:
    return Casebook(
        client_id="cid",
        client_secret="s3cret-value",
        token_url=TOKEN_URL,
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(api)),
    )


def query_of(request: httpx.Request) -> str:
    return unquote(request.url.query.decode())


# -- query builders ---------------------------------------------------------------------------------


def test_filter_sort_and_page_size_are_encoded_exactly(api: Api, client: Casebook) -> None:
    api.reply(body={"data": [person(P1)]})
    created = PersonFields.created_at.ge(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    page = client.people.list(
        filter=PersonFields.last_name.like("Doe") & created,
        sort=PersonFields.created_at.desc(),
        page_size=50,
    )
    assert [p.id for p in page.items] == [uuid.UUID(P1)]  # format: uuid
    request = api.api_requests[0]
    assert query_of(request) == (
        "filter[last_name][like]=Doe&filter[created_at][ge]=2025-01-01T00:00:00Z"
        "&sort=-created_at&page[size]=50"
    )
    # brackets are percent-encoded on the wire, values too
    assert request.url.query.decode().startswith(
        "filter%5Blast_name%5D%5Blike%5D=Doe&filter%5Bcreated_at%5D%5Bge%5D="
        "2025-01-01T00%3A00%3A00Z"
    )
    assert request.headers["Accept"] == JSONAPI
    assert request.url.path == "/people/people"


def test_filter_values_are_formatted_per_type() -> None:
    f = (
        PersonFields.date_of_birth.lt(dt.date(2000, 5, 1))
        & PersonFields.updated_at.le(dt.datetime(2025, 6, 30, 23, 59, 59))  # naive: taken as UTC
        & PersonFields.created_at.gt(
            dt.datetime(2025, 1, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        )
        & PersonFields.hispanic_or_latino.eq("unable to determine")
        & PersonFields.first_name.is_null()
        & PersonFields.last_name.not_null()
        & PersonFields.id.neq(P1)
    )
    assert f.query_items() == [
        ("filter[date_of_birth][l]", "2000-05-01"),
        ("filter[updated_at][le]", "2025-06-30T23:59:59Z"),
        ("filter[created_at][g]", "2025-01-01T00:00:00Z"),
        ("filter[hispanic_or_latino]", "unable to determine"),
        ("filter[first_name]", "null"),
        ("filter[last_name][neq]", "null"),
        ("filter[id][neq]", P1),
    ]


def test_documented_note_range_and_boolean_filters(api: Api, client: Casebook) -> None:
    api.reply(body={"data": []})
    rng = NoteFields.created_at.between("2025-01-01T00:00:00Z", "2025-06-30T23:59:59Z")
    client.attachments.list_notes(
        filter=rng, sort=NoteFields.created_at.asc() + NoteFields.updated_at.desc()
    )
    assert query_of(api.api_requests[0]) == (
        "filter[created_at][ge]=2025-01-01T00:00:00Z"
        "&filter[created_at][le]=2025-06-30T23:59:59Z"
        "&sort=created_at,-updated_at"
    )
    from casebook.query import ServiceOfferingFields

    api.reply(body={"data": []})
    client.services.list_offerings(
        filter=ServiceOfferingFields.provider_id.eq(PR1) & ServiceOfferingFields.archived.eq(False)
    )
    assert query_of(api.api_requests[1]) == f"filter[provider_id]={PR1}&filter[archived]=false"


def test_unknown_fields_and_operators_are_rejected_when_building() -> None:
    with pytest.raises(AttributeError):
        PersonFields.shoe_size  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(ValueError, match="not sortable"):
        PersonFields.hispanic_or_latino.desc()
    assert not hasattr(PersonFields.created_at, "like")  # `like` is for text fields only
    assert not hasattr(PersonFields.last_name, "ge")  # comparisons are for numbers and dates


def test_plain_values_still_work(api: Api, client: Casebook) -> None:
    api.reply(body={"data": []})
    client.people.list(filter={"last_name": {"like": "Doe"}}, sort="-created_at", page=2)
    assert query_of(api.api_requests[0]) == "filter[last_name][like]=Doe&sort=-created_at&page=2"


# -- token flow ------------------------------------------------------------------------------------


def test_token_is_fetched_once_cached_and_sent(api: Api, client: Casebook) -> None:
    api.reply(body={"data": person(P1)})
    api.reply(body={"data": person(P1)})
    client.people.get(P1)
    client.people.get(P1)
    token_calls = [r for r in api.requests if str(r.url) == TOKEN_URL]
    assert len(token_calls) == 1
    form = dict(httpx.QueryParams(token_calls[0].content.decode()))
    assert form == {
        "grant_type": "client_credentials",
        "client_id": "cid",
        "client_secret": "s3cret-value",
    }
    assert token_calls[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert all(r.headers["Authorization"] == "Bearer tok-1" for r in api.api_requests)


def test_token_is_renewed_once_on_401(api: Api, client: Casebook) -> None:
    api.reply(body={"data": person(P1)})
    client.people.get(P1)
    api.valid.clear()  # the server revoked the token
    api.reply(body={"data": person(P1)})
    got = client.people.get(P1)
    assert got.id == uuid.UUID(P1)
    assert api.tokens_issued == 2
    assert api.api_requests[-1].headers["Authorization"] == "Bearer tok-2"


def test_token_is_renewed_before_expiry(api: Api) -> None:
    now = [1000.0]
    from casebook._oauth import ClientCredentialsAuth

    auth = ClientCredentialsAuth(
        client_id="cid", client_secret="x", token_url=TOKEN_URL, clock=lambda: now[0]
    )
    client = Casebook(
        client_id="cid",
        client_secret="x",
        token_url=TOKEN_URL,
        http_client=httpx.Client(transport=httpx.MockTransport(api)),
    )
    client._auth = auth  # the same credentials on the test's clock (no argument takes an Auth)
    api.reply(body={"data": person(P1)})
    client.people.get(P1)
    now[0] += 3600 - 30  # inside the renewal margin
    api.reply(body={"data": person(P1)})
    client.people.get(P1)
    assert api.tokens_issued == 2


def test_given_access_token_is_used_then_renewed_with_the_client_credentials(api: Api) -> None:
    api.valid.add("pre-obtained")
    client = Casebook(
        client_id="cid",
        client_secret="x",
        token_url=TOKEN_URL,
        access_token="pre-obtained",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(api)),
    )
    api.reply(body={"data": person(P1)})
    client.people.get(P1)
    assert api.tokens_issued == 0  # no token request while the given token works
    assert api.api_requests[0].headers["Authorization"] == "Bearer pre-obtained"
    api.valid.clear()  # it expired: the API answers 401, the client credentials get a new one
    api.reply(body={"data": person(P1)})
    assert client.people.get(P1).id == uuid.UUID(P1)
    assert api.tokens_issued == 1
    assert api.api_requests[-1].headers["Authorization"] == "Bearer tok-1"
    assert "pre-obtained" not in repr(client) + repr(client._auth)


def test_access_token_alone_is_sent_as_is(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from casebook import APIStatusError

    for name in ("CASEBOOK_CLIENT_ID", "CASEBOOK_CLIENT_SECRET", "CASEBOOK_TOKEN_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CASEBOOK_ACCESS_TOKEN", "from-env")
    api.valid.add("from-env")
    client = Casebook(max_retries=0, http_client=httpx.Client(transport=httpx.MockTransport(api)))
    api.reply(body={"data": person(P1)})
    client.people.get(P1)
    assert api.api_requests[0].headers["Authorization"] == "Bearer from-env"
    api.valid.clear()
    with pytest.raises(APIStatusError) as info:  # nothing to renew it with: the 401 surfaces
        client.people.get(P1)
    assert info.value.status_code == 401 and api.tokens_issued == 0


def test_secrets_never_in_repr_or_errors(
    api: Api, client: Casebook, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    api.reply(422, {"errors": [{"status": "422", "title": "Invalid"}]})
    with pytest.raises(Exception) as info:
        client.people.get(P1)
    text = repr(client) + str(info.value) + caplog.text + repr(client._auth)
    assert "s3cret-value" not in text and "tok-1" not in text
    assert "cid" in repr(client._auth)


def test_missing_credentials_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from casebook import MissingCredentialsError

    for name in (
        "CASEBOOK_CLIENT_ID",
        "CASEBOOK_CLIENT_SECRET",
        "CASEBOOK_TOKEN_URL",
        "CASEBOOK_ACCESS_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    client = Casebook(
        client_id="a",
        client_secret="b",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )  # built: credentials are checked per operation
    with pytest.raises(MissingCredentialsError, match="token_url") as info:
        client.cases.list()
    assert "CASEBOOK_TOKEN_URL" in str(info.value) and "GET /cases" in str(info.value)
    assert sent == []
    monkeypatch.setenv("CASEBOOK_CLIENT_ID", "env-id")
    monkeypatch.setenv("CASEBOOK_CLIENT_SECRET", "env-secret")
    monkeypatch.setenv("CASEBOOK_TOKEN_URL", TOKEN_URL)
    assert Casebook().base_url == "https://api.casebook.net/"


def test_regions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEBOOK_BASE_URL", raising=False)
    monkeypatch.delenv("CASEBOOK_REGION", raising=False)
    kw: dict[str, Any] = {"client_id": "a", "client_secret": "b", "token_url": TOKEN_URL}
    assert Casebook(**kw, region="ca").base_url == "https://api.casebookca.net/"
    assert Casebook(**kw).base_url == "https://api.casebook.net/"
    monkeypatch.setenv("CASEBOOK_REGION", "ca")
    assert Casebook(**kw).base_url == "https://api.casebookca.net/"
    with pytest.raises(ValueError, match="Unknown region 'eu'"):
        Casebook(**kw, region="eu")  # type: ignore[arg-type]


# -- documents ------------------------------------------------------------------------------------


def test_create_builds_the_request_document(api: Api, client: Casebook) -> None:
    api.reply(201, {"data": person(P1)})
    created = client.people.create(attributes={"first_name": "Jane", "last_name": "Doe"})
    assert (
        created.id == uuid.UUID(P1)
        and created.attributes is not None
        and created.attributes.last_name == "Doe"
    )
    request = api.api_requests[0]
    assert request.method == "POST" and request.headers["Content-Type"] == JSONAPI
    assert json.loads(request.content) == {
        "data": {"type": "people", "attributes": {"first_name": "Jane", "last_name": "Doe"}}
    }


def test_update_sends_id_and_relationships(api: Api, client: Casebook) -> None:
    from casebook.types import Location

    api.reply(body={"data": {"type": "providers", "id": PR1, "attributes": {"published": True}}})
    location = Location.model_validate({"type": "locations", "id": L1})
    client.providers.update(
        PR1,
        attributes={"published": True},
        relationships={
            "facility_location": location,
            "visits": [("visits", "v1")],
            "license": None,
        },
    )
    body = json.loads(api.api_requests[0].content)
    assert body == {
        "data": {
            "type": "providers",
            "id": PR1,
            "attributes": {"published": True},
            "relationships": {
                "facility_location": {"data": {"type": "locations", "id": L1}},
                "visits": {"data": [{"type": "visits", "id": "v1"}]},
                "license": {"data": None},
            },
        }
    }
    assert api.api_requests[0].method == "PATCH"


def test_attributes_of_a_fetched_resource_are_sent_back_without_read_only_ones(
    api: Api, client: Casebook
) -> None:
    fetched = person(P1) | {
        "attributes": {
            "first_name": "Jane",
            "last_name": "Doe",
            "created_at": "2026-01-02T03:04:05Z",
            "updated_at": "2026-01-02T03:04:05Z",
        }
    }
    api.reply(body={"data": fetched})
    api.reply(body={"data": fetched})
    attributes = client.people.get(P1).attributes
    assert attributes.created_at is not None
    attributes.last_name = "Roe"
    client.people.update(P1, attributes=attributes)
    sent = json.loads(api.api_requests[-1].content)["data"]["attributes"]
    assert sent == {
        "first_name": "Jane",
        "last_name": "Roe",
    }  # created_at / updated_at are set by the server


def test_link_location_patches_both_sides(api: Api, client: Casebook) -> None:
    api.reply(body={"data": {"type": "providers", "id": PR1}})
    api.reply(body={"data": {"type": "locations", "id": L1}})
    provider, location = client.providers.link_location(PR1, L1)
    assert (provider.id, location.id) == (uuid.UUID(PR1), uuid.UUID(L1))
    first, second = (json.loads(r.content) for r in api.api_requests)
    assert api.api_requests[0].url.path == f"/providers/providers/{PR1}"
    assert first["data"]["relationships"] == {
        "facility_location": {"data": {"type": "locations", "id": L1}}
    }
    assert api.api_requests[1].url.path == f"/providers/locations/{L1}"
    assert second["data"]["relationships"] == {
        "provider": {"data": {"type": "providers", "id": PR1}}
    }


def test_included_resources_are_resolved_and_typed(api: Api, client: Casebook) -> None:
    from casebook.types import Location, Provider

    api.reply(
        body={
            "data": {
                "type": "providers",
                "id": PR1,
                "attributes": {"name": "Acme"},
                "relationships": {
                    "facility_location": {"data": {"type": "locations", "id": L1}},
                    "assignee": {"data": {"type": "assignees", "id": "a1"}},
                    "license": {"data": None},
                },
            },
            "included": [{"type": "locations", "id": L1, "attributes": {"city": "Springfield"}}],
        }
    )
    provider = client.providers.get(PR1, include="facility_location")
    assert isinstance(provider, Provider)
    location = provider.related("facility_location")
    assert isinstance(location, Location)
    assert location.attributes is not None and location.attributes.city == "Springfield"
    assert provider.related("license") is None
    with pytest.raises(LookupError, match="include='assignee'"):
        provider.related("assignee")


def test_pagination_follows_links_next_and_items_keep_included(api: Api, client: Casebook) -> None:
    nxt = "https://api.casebook.net/people/people?page=2&page%5Bsize%5D=1&filter%5Blast_name%5D=Doe"
    api.reply(body={"data": [person("p1")], "links": {"next": nxt}})
    api.reply(body={"data": [person("p2")], "links": {"next": None}})
    items = list(client.people.list(filter=PersonFields.last_name.eq("Doe"), page_size=1))
    assert [p.id for p in items] == ["p1", "p2"]
    assert query_of(api.api_requests[1]) == "page=2&page[size]=1&filter[last_name]=Doe"
    assert len(api.api_requests) == 2  # links.next = null ends it, no extra request


def test_pagination_without_links_uses_page_numbers(api: Api, client: Casebook) -> None:
    api.reply(body={"data": [person("p1"), person("p2")]})
    api.reply(body={"data": [person("p3")]})
    items = list(client.people.list(page_size=2))
    assert [p.id for p in items] == ["p1", "p2", "p3"]
    assert query_of(api.api_requests[1]) == "page=2&page[size]=2"


def test_jsonapi_errors_map_to_typed_exceptions(api: Api, client: Casebook) -> None:
    from casebook import UnprocessableEntityError

    api.reply(
        422,
        {
            "errors": [
                {
                    "status": "422",
                    "code": "invalid_attribute",
                    "title": "Invalid attribute",
                    "detail": "hispanic_or_latino must be one of: yes, no",
                    "source": {"pointer": "/data/attributes/hispanic_or_latino"},
                },
                {"status": "422", "title": "Blank", "source": {"parameter": "filter[x]"}},
            ]
        },
    )
    with pytest.raises(UnprocessableEntityError) as info:
        client.people.create(attributes={"hispanic_or_latino": "maybe"})
    err = info.value
    assert err.status_code == 422 and err.code == "invalid_attribute"
    assert [e.pointer for e in err.errors] == ["/data/attributes/hispanic_or_latino", None]
    assert err.errors[1].parameter == "filter[x]"
    assert "Invalid attribute: hispanic_or_latino must be one of" in str(
        err
    ) and "(+1 more)" in str(err)


# -- uploads ---------------------------------------------------------------------------------------


def test_upload_refuses_big_files_before_any_request(
    api: Api, client: Casebook, tmp_path: Any
) -> None:
    from casebook import FileTooLargeError

    big = tmp_path / "scan.pdf"
    big.write_bytes(b"\0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(FileTooLargeError):
        client.attachments.upload(big)
    assert api.requests == []


def test_async_client_lists_and_creates(api: Api) -> None:
    async def main() -> None:
        async with AsyncCasebook(
            client_id="cid",
            client_secret="s",
            token_url=TOKEN_URL,
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(api)),
        ) as client:
            api.reply(body={"data": [person("p1")]})
            got = [p.id async for p in await client.people.list(sort=PersonFields.last_name.asc())]
            assert got == ["p1"]
            api.reply(201, {"data": person("p9")})
            created = await client.people.create(attributes={"last_name": "Roe"})
            assert created.id == "p9"

    asyncio.run(main())
    assert api.tokens_issued == 1
