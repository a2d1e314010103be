"""Client lifecycle and options: ownership, close, context managers, with_options, timeouts."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from rt_helpers import API_KEY, REFERRAL, Recorder, json_response

OK = {"data": REFERRAL}


def test_owns_its_http_client_unless_given(fakeapi: Any) -> None:
    with fakeapi.FakeAPI(token=API_KEY) as client:
        assert not client.is_closed
        assert not client._http.follow_redirects  # the runtime follows them (_redirects)
    assert client.is_closed
    given = httpx.Client(transport=httpx.MockTransport(lambda r: json_response(200, OK)))
    with fakeapi.FakeAPI(token=API_KEY, http_client=given) as client2:
        client2.referrals.retrieve("x")
    assert not given.is_closed  # the caller's client is the caller's to close
    given.close()


def test_async_client_lifecycle(fakeapi: Any) -> None:
    async def main() -> None:
        async with fakeapi.AsyncFakeAPI(token=API_KEY) as client:
            assert not client.is_closed
        assert client.is_closed
        given = httpx.AsyncClient()
        client2 = fakeapi.AsyncFakeAPI(token=API_KEY, http_client=given)
        await client2.close()
        assert not given.is_closed
        await given.aclose()

    asyncio.run(main())


def test_with_options_returns_independent_copy(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(json_response(503), json_response(200, OK))
    client = make_client(rec, default_headers={"X-A": "1"})
    copy = client.with_options(max_retries=0, default_headers={"X-B": "2"}, timeout=5.0)
    assert type(copy) is type(client)
    assert copy.max_retries == 0 and client.max_retries == 4
    assert copy.timeout == httpx.Timeout(5.0)
    assert copy.default_headers == {"X-A": "1", "X-B": "2"}
    assert client.default_headers == {"X-A": "1"}
    # resources of the copy use the copy
    assert copy.referrals._client is copy
    assert client.referrals._client is client
    with pytest.raises(fakeapi.InternalServerError):
        copy.referrals.retrieve("x")
    assert len(rec.requests) == 1
    assert rec.last.headers["x-b"] == "2"
    # the raw-response helpers (cached properties) follow the copy too
    raw = client.referrals.with_raw_response
    copy2 = client.with_options(max_retries=1)
    assert copy2.referrals.with_raw_response is not raw
    # copies share the pool; closing a copy keeps it open
    copy.close()
    assert not client.is_closed


def test_with_options_base_url_and_unknown_option(make_client: Any) -> None:
    rec = Recorder(json_response(200, OK))
    client = make_client(rec).with_options(base_url="https://eu.fake.test/v9")
    client.referrals.retrieve("x")
    assert str(rec.last.url) == "https://eu.fake.test/v9/referrals/x"
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        client.with_options(nope=1)
    with pytest.raises(ValueError):
        client.with_options(max_retries=-1)


def test_with_options_auth_and_strict(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(json_response(200, {"data": {**REFERRAL, "tags": 1}}))
    client = make_client(rec).with_options(token="other", strict_response_validation=True)
    with pytest.raises(fakeapi.APIResponseValidationError):
        client.referrals.retrieve("x")
    assert rec.last.headers["authorization"] == "Bearer other"


def test_timeouts_per_client_and_per_call(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(json_response(200, OK))
    client = make_client(rec, timeout=12.5)
    client.referrals.retrieve("x")
    assert rec.last.extensions["timeout"] == httpx.Timeout(12.5).as_dict()
    client.referrals.retrieve("x", timeout=httpx.Timeout(1.0, connect=2.0))
    assert rec.last.extensions["timeout"] == httpx.Timeout(1.0, connect=2.0).as_dict()
    client.referrals.retrieve("x", timeout=None)
    assert rec.last.extensions["timeout"] == httpx.Timeout(None).as_dict()


def test_default_timeout(fakeapi: Any) -> None:
    from fakeapi._constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT

    client = fakeapi.FakeAPI(token=API_KEY)
    assert client.timeout == DEFAULT_TIMEOUT
    assert client.max_retries == DEFAULT_MAX_RETRIES == 4
    client.close()
    given = httpx.Client(timeout=3.0)
    # a generated client passes its own `timeout` (default DEFAULT_TIMEOUT) ...
    assert fakeapi.FakeAPI(token=API_KEY, http_client=given).timeout == DEFAULT_TIMEOUT
    # ... the runtime takes the given client's when no timeout is passed at all
    base = fakeapi._base_client.SyncAPIClient(base_url="https://api.fake.test", http_client=given)
    assert base.timeout == httpx.Timeout(3.0)
    given.close()


def test_client_repr(make_client: Any) -> None:
    client = make_client(Recorder(json_response(200, OK)))
    assert (
        repr(client) == "FakeAPI(base_url='https://api.fake.test/v1/', "
        "auth=Credentials({'bearer': BearerAuth(token='****')}))"
    )


def test_request_can_be_called_directly(fakeapi: Any, make_client: Any) -> None:
    from fakeapi._endpoint import Endpoint, ResponseSpec

    rec = Recorder(json_response(200, {"anything": [1, 2]}))
    ep = Endpoint("GET", "/raw/{a}/{b}", {"200": ResponseSpec("json")})
    result = make_client(rec).request(ep, path={"a": 1, "b": True}, query={"x": 1.5})
    assert result == {"anything": [1, 2]}
    assert str(rec.last.url) == "https://api.fake.test/v1/raw/1/true?x=1.5"


def test_not_given_sentinel(fakeapi: Any) -> None:
    import copy
    import pickle

    from fakeapi._types import NOT_GIVEN, NotGiven

    assert not NOT_GIVEN
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert NotGiven() is NOT_GIVEN
    assert copy.deepcopy(NOT_GIVEN) is NOT_GIVEN
    assert pickle.loads(pickle.dumps(NOT_GIVEN)) is NOT_GIVEN


def test_models_config(fakeapi: Any) -> None:
    from fakeapi.types import Referral

    ref = Referral(id="1", status="open", patientName="A", extra_field=1)
    assert ref.to_dict() == {"id": "1", "status": "open", "patientName": "A", "extra_field": 1}
    assert Referral(id="1", status="open", patient_name="A").patient_name == "A"
    assert Referral.model_fields["patient_name"].description == "Full name of the patient."


def test_with_options_builds_a_new_client_that_shares_pool_pacing_and_credentials(
    fakeapi: Any, make_client: Any
) -> None:
    client = make_client(Recorder(json_response(200, OK)), pace_rate_limit=True)
    client.referrals.extra = "set on the original"
    copy = client.with_options(max_retries=0)
    assert copy.referrals is not client.referrals and copy.referrals._client is copy
    assert not hasattr(copy.referrals, "extra")  # a new client, not a copy of the object graph
    assert copy._pool is client._pool and copy._pacer is client._pacer
    assert copy._auth is client._auth  # no new credentials for a transport option
    other = client.with_options(token="another-key-123456")
    assert other._auth is not client._auth and other._pool is client._pool
    assert other.with_options(timeout=1.0)._auth is other._auth


def test_auth_that_is_an_httpx_flow_runs_inside_httpx(fakeapi: Any, make_client: Any) -> None:
    class RefreshingAuth(httpx.Auth):
        """Implements both the runtime Auth protocol and an httpx auth flow."""

        def __init__(self) -> None:
            self.token = "tok-old-123456"

        def apply(self, headers: dict[str, str], query: dict[str, str]) -> None:
            pass  # the flow sets the header

        def secrets(self) -> tuple[str, ...]:
            return (self.token,)

        def auth_flow(self, request: httpx.Request) -> Any:
            request.headers["Authorization"] = f"Bearer {self.token}"
            response = yield request
            if response.status_code == 401:
                self.token = "tok-new-654321"
                request.headers["Authorization"] = f"Bearer {self.token}"
                yield request

    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        if request.url.path.endswith("health"):
            return httpx.Response(200, text="ok")
        if request.headers.get("authorization") != "Bearer tok-new-654321":
            return json_response(401, {"message": "expired"})
        return json_response(200, OK)

    rec = Recorder(handler)
    client = make_client(rec, auth=RefreshingAuth())
    assert client.referrals.retrieve("x").id == "ref_1"
    assert seen == ["Bearer tok-old-123456", "Bearer tok-new-654321"]
    assert client.auth_api.health() == "ok"  # security: [] → the flow is not used
    assert seen[-1] is None


def _counting_factory(monkeypatch: pytest.MonkeyPatch, name: str, created: list[Any]) -> None:
    """Replace ``httpx.<name>`` by a factory that builds the real class on a mock transport."""
    real = getattr(httpx, name)

    def factory(**kwargs: Any) -> Any:
        handler = Recorder(json_response(200, OK))
        transport = (
            httpx.MockTransport(handler.handle_async)
            if name == "AsyncClient"
            else httpx.MockTransport(handler)
        )
        client = real(transport=transport, **kwargs)
        created.append(client)
        return client

    monkeypatch.setattr(httpx, name, factory)


def test_http_client_is_created_on_first_request(
    fakeapi: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[httpx.Client] = []
    _counting_factory(monkeypatch, "Client", created)
    client = fakeapi.FakeAPI(token=API_KEY)
    copy = client.with_options(max_retries=0)
    assert created == [] and not client.is_closed and not copy.is_closed
    copy.referrals.retrieve("x")  # the copy's first request creates the pool both share
    client.referrals.retrieve("y")
    assert len(created) == 1 and not created[0].follow_redirects
    copy.close()
    assert not client.is_closed  # only the client that owns the pool closes it
    client.close()
    assert created[0].is_closed and client.is_closed and copy.is_closed


def test_http_client_is_created_once_under_threads(
    fakeapi: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight threads make a fresh client's first request at once: one ``httpx.Client`` is made
    (a slow factory widens the window in which a second one could be), and every call gets it."""
    import threading
    import time

    created: list[httpx.Client] = []
    _counting_factory(monkeypatch, "Client", created)
    counting = httpx.Client

    def slow(**kwargs: Any) -> Any:
        time.sleep(0.05)
        return counting(**kwargs)

    monkeypatch.setattr(httpx, "Client", slow)
    client = fakeapi.FakeAPI(token=API_KEY)
    start = threading.Barrier(8)
    seen: list[object] = []

    def first_request() -> None:
        start.wait()
        client.referrals.retrieve("x")
        seen.append(client._http)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(created) == 1 and len(seen) == 8 and all(http is created[0] for http in seen)
    client.close()
    assert created[0].is_closed


def test_closed_before_first_request(fakeapi: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[httpx.Client] = []
    _counting_factory(monkeypatch, "Client", created)
    with fakeapi.FakeAPI(token=API_KEY) as client:
        pass
    assert client.is_closed
    with pytest.raises(RuntimeError, match="closed"):
        client.referrals.retrieve("x")
    assert created == []


def test_async_http_client_is_created_on_first_request(
    fakeapi: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[httpx.AsyncClient] = []
    _counting_factory(monkeypatch, "AsyncClient", created)

    async def main() -> None:
        async with fakeapi.AsyncFakeAPI(token=API_KEY) as client:
            assert created == []
            await client.referrals.retrieve("x")
            await client.referrals.retrieve("y")
            assert len(created) == 1
        assert created[0].is_closed and client.is_closed

    asyncio.run(main())
