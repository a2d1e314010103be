"""The generated clients against hostile servers on 127.0.0.1 (issue 12, items 5, 7, 10 and 11).

Server A is the API (and its identity provider); server B, another port, is another origin: a storage
service for pre-signed uploads, or whoever a redirect points at.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import REPO
from tests.support.loopback import Exchange, LoopServer, serving

for _name in ("casexchange", "casexchange_internal", "casebook"):
    _src = str(REPO / "generated" / _name / "src")
    if _src not in sys.path:
        sys.path.insert(0, _src)

import casebook
import casexchange
import casexchange_internal

API_KEY = "cxp_live_7e3f9a1c2b"
PASSWORD = "pw-internal-4d9c"
CLIENT_SECRET = "cb-secret-8a2e"
SIGNATURE = "5ig7f3a9c1e2d4b6"
CREDENTIAL = "AKIAEXAMPLE4242"


@pytest.fixture
def a() -> Iterator[LoopServer]:
    with serving() as server:
        yield server


@pytest.fixture
def b() -> Iterator[LoopServer]:
    with serving() as server:
        yield server


# -- item 5: credentials never leave the origin ------------------------------------------------------


def test_api_key_is_not_sent_to_another_origin(a: LoopServer, b: LoopServer) -> None:
    a.on("*", lambda ex: ex.redirect(302, f"{b.origin}/elsewhere"))
    b.on("*", lambda ex: ex.json(200, {"data": [], "pagination": {"page": 1, "totalPages": 1}}))
    with casexchange.CaseXchange(api_key=API_KEY, base_url=f"{a.origin}/v1") as client:
        client.referrals.list()
    assert a.received[0].headers["x-api-key"] == API_KEY
    assert len(b.received) == 1
    assert "x-api-key" not in b.received[0].headers
    assert API_KEY not in json.dumps(b.received[0].headers)


def test_login_is_never_redirected_to_another_origin(a: LoopServer, b: LoopServer) -> None:
    a.on("/v1/auth/login", lambda ex: ex.redirect(307, f"{b.origin}/login"))
    b.on("*", lambda ex: ex.json(200, {"data": {"accessToken": "from-b", "refreshToken": "r"}}))
    client = casexchange_internal.CaseXchangeInternal(
        email="ops@example.com", password=PASSWORD, base_url=f"{a.origin}/v1"
    )
    with client, pytest.raises(casexchange_internal.RedirectError) as info:
        client.firms.get_specialties_list()
    assert b.received == []  # the password never went there
    assert [r.path for r in a.received] == ["/v1/auth/login"]  # and no token from it was used
    assert PASSWORD not in str(info.value)


def test_oauth_token_request_is_never_redirected_to_another_origin(
    a: LoopServer, b: LoopServer
) -> None:
    a.on("/oauth2/token", lambda ex: ex.redirect(308, f"{b.origin}/token"))
    b.on("*", lambda ex: ex.json(200, {"access_token": "from-b", "expires_in": 3600}))
    client = casebook.Casebook(
        client_id="app-1",
        client_secret=CLIENT_SECRET,
        token_url=f"{a.origin}/oauth2/token",
        base_url=a.origin,
    )
    with client, pytest.raises(casebook.RedirectError):
        client.cases.get("c1")
    assert b.received == []
    assert [r.path for r in a.received] == ["/oauth2/token"]


# -- item 7: one renewal per burst ----------------------------------------------------------------------


def _case(ex: Exchange) -> None:
    if not ex.received.headers.get("authorization", "").startswith("Bearer at-"):
        ex.json(401, {"errors": [{"status": "401", "title": "Unauthorized"}]})
        return
    ex.json(200, {"data": {"type": "cases", "id": "c1", "attributes": {}}})


def test_casebook_burst_of_first_calls_fetches_one_token(a: LoopServer) -> None:
    issued: list[int] = []

    def token(ex: Exchange) -> None:
        time.sleep(0.2)
        issued.append(1)
        ex.json(200, {"access_token": f"at-{len(issued)}", "expires_in": 3600})

    a.on("/oauth2/token", token)
    a.on("/cases/cases/c1", _case)
    client = casebook.Casebook(
        client_id="app-1",
        client_secret=CLIENT_SECRET,
        token_url=f"{a.origin}/oauth2/token",
        base_url=a.origin,
    )
    start = threading.Barrier(20)

    def call() -> None:
        start.wait()
        client.cases.get("c1")

    with client:
        threads = [threading.Thread(target=call) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert len(issued) == 1
    assert len(a.hits("/cases/cases/c1")) == 20


# -- item 10: pre-signed uploads --------------------------------------------------------------------------


def _storage_api(a: LoopServer, b: LoopServer) -> casebook.Casebook:
    a.on("/oauth2/token", lambda ex: ex.json(200, {"access_token": "at-1", "expires_in": 3600}))

    def create(ex: Exchange) -> None:
        attrs = json.loads(ex.received.body)["data"]["attributes"]
        url = (
            f"{b.origin}/s3/a1/{attrs['file_name']}?X-Amz-Credential={CREDENTIAL}"
            f"&X-Amz-Signature={SIGNATURE}&X-Amz-Expires=900"
        )
        ex.json(
            201,
            {
                "data": {
                    "type": "attachments",
                    "id": "a1",
                    "attributes": {**attrs, "upload_url": url},
                }
            },
            {"Content-Type": "application/vnd.api+json"},
        )

    a.on("/attachments/attachments", create)
    return casebook.Casebook(
        client_id="app-1",
        client_secret=CLIENT_SECRET,
        token_url=f"{a.origin}/oauth2/token",
        base_url=a.origin,
        max_retries=0,
    )


def _no_signature(text: str) -> None:
    assert SIGNATURE not in text and CREDENTIAL not in text


def test_upload_signature_stays_out_of_httpx_logs(
    a: LoopServer, b: LoopServer, caplog: pytest.LogCaptureFixture
) -> None:
    b.on("*", lambda ex: ex.reply(200, b"", content_type=None))
    with _storage_api(a, b) as client, caplog.at_level(logging.DEBUG):
        client.attachments.upload(("notes.txt", b"hello"), content_type="text/plain")
    put = [r for r in b.received if r.method == "PUT"]
    assert len(put) == 1 and put[0].body == b"hello"
    assert put[0].query["X-Amz-Signature"] == [SIGNATURE]  # the storage got the real URL
    assert "authorization" not in put[0].headers
    assert any("PUT" in r.getMessage() and "/s3/a1/" in r.getMessage() for r in caplog.records)
    _no_signature(caplog.text)


def test_upload_error_message_never_shows_the_signature(a: LoopServer, b: LoopServer) -> None:
    s3_error = (  # S3 echoes what it was given when a signature does not match
        f"<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
        f"does not match</Message><AWSAccessKeyId>{CREDENTIAL}</AWSAccessKeyId>"
        f"<SignatureProvided>{SIGNATURE}</SignatureProvided></Error>"
    ).encode()
    b.on("*", lambda ex: ex.reply(403, s3_error, content_type="application/xml"))
    with _storage_api(a, b) as client, pytest.raises(casebook.PermissionDeniedError) as info:
        client.attachments.upload(("notes.txt", b"hello"))
    assert "uploading to" in str(info.value)
    _no_signature(str(info.value))


def test_upload_honours_the_timeout(
    a: LoopServer, b: LoopServer, caplog: pytest.LogCaptureFixture
) -> None:
    b.on("*", lambda ex: ex.silence(30))
    with (
        _storage_api(a, b) as client,
        caplog.at_level(logging.DEBUG),
        pytest.raises(casebook.APITimeoutError) as info,
    ):
        client.attachments.upload(("notes.txt", b"hello"), timeout=0.5)
    _no_signature(str(info.value))
    _no_signature(caplog.text)


async def test_async_upload_signature_stays_out_of_logs_and_errors(
    a: LoopServer, b: LoopServer, caplog: pytest.LogCaptureFixture
) -> None:
    b.on("*", lambda ex: ex.silence(30))
    _storage_api(a, b).close()  # installs the routes
    client = casebook.AsyncCasebook(
        client_id="app-1",
        client_secret=CLIENT_SECRET,
        token_url=f"{a.origin}/oauth2/token",
        base_url=a.origin,
        max_retries=0,
    )
    async with client:
        with caplog.at_level(logging.DEBUG), pytest.raises(casebook.APITimeoutError) as info:
            await client.attachments.upload(("notes.txt", b"hello"), timeout=0.5)
    _no_signature(str(info.value))
    _no_signature(caplog.text)


# -- item 11: pagination cannot loop ----------------------------------------------------------------------


def test_casebook_list_stops_on_a_repeated_next_link(
    a: LoopServer, caplog: pytest.LogCaptureFixture
) -> None:
    a.on("/oauth2/token", lambda ex: ex.json(200, {"access_token": "at-1", "expires_in": 3600}))
    served = [0]

    def cases(ex: Exchange) -> Any:
        served[0] += 1
        data = [{"type": "cases", "id": f"c{served[0]}-{i}", "attributes": {}} for i in range(2)]
        next_link = f"{a.origin}/cases/cases?page%5Bcursor%5D=same"
        ex.json(200, {"data": data, "links": {"next": next_link}})

    a.on("/cases/cases", cases)
    client = casebook.Casebook(
        client_id="app-1",
        client_secret=CLIENT_SECRET,
        token_url=f"{a.origin}/oauth2/token",
        base_url=a.origin,
    )
    with client, caplog.at_level(logging.WARNING):
        ids = [case.id for case in client.cases.list().iter_items(max_pages=50)]
    assert ids == ["c1-0", "c1-1", "c2-0", "c2-1"]
    assert len(a.hits("/cases/cases")) == 2
    assert "already made" in caplog.text
