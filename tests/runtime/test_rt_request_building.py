"""How requests are built: URL, query styles, headers, auth and every body encoding."""

from __future__ import annotations

import enum
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from rt_helpers import API_KEY, REFERRAL, Recorder, json_response


def _ok_referral() -> httpx.Response:
    return json_response(200, {"data": REFERRAL})


def _page(items: list[Any] | None = None) -> httpx.Response:
    return json_response(200, {"data": items or [], "pagination": {"page": 1, "totalPages": 1}})


# -- path ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ref_1", "/v1/referrals/ref_1"),
        ("../admin", "/v1/referrals/..%2Fadmin"),
        ("..", "/v1/referrals/%2E%2E"),
        (".", "/v1/referrals/%2E"),
        ("a b?c#d&e=f", "/v1/referrals/a%20b%3Fc%23d%26e%3Df"),
        ("%2e%2e", "/v1/referrals/%252e%252e"),
        ("ünï", "/v1/referrals/%C3%BCn%C3%AF"),
    ],
)
def test_path_params_are_percent_encoded(make_client: Any, value: str, expected: str) -> None:
    rec = Recorder(_ok_referral())
    make_client(rec).referrals.retrieve(value)
    assert rec.last.url.raw_path.decode() == expected
    assert rec.last.url.host == "api.fake.test"


@pytest.mark.parametrize("value", ["", None])
def test_empty_or_missing_path_param_is_rejected_before_sending(
    make_client: Any, value: Any
) -> None:
    rec = Recorder(_ok_referral())
    with pytest.raises(ValueError, match="path parameter 'id'"):
        make_client(rec).referrals.retrieve(value)
    assert rec.requests == []


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.fake.test/v2", "https://api.fake.test/v2/referrals/x"),
        ("https://api.fake.test/v2/", "https://api.fake.test/v2/referrals/x"),
        ("https://api.fake.test", "https://api.fake.test/referrals/x"),
    ],
)
def test_base_url_normalisation(make_client: Any, base_url: str, expected: str) -> None:
    rec = Recorder(_ok_referral())
    client = make_client(rec, base_url=base_url)
    assert client.base_url.endswith("/")
    client.referrals.retrieve("x")
    assert str(rec.last.url) == expected


# -- query -----------------------------------------------------------------------------------


def test_not_given_and_none_query_values_are_dropped(make_client: Any) -> None:
    rec = Recorder(_page())
    make_client(rec).referrals.list(limit=5, urgent=None)
    assert rec.last.url.query == b"limit=5"


def test_query_styles_and_value_serialization(fakeapi: Any, make_client: Any) -> None:
    from fakeapi.types import Status

    rec = Recorder(_page())
    make_client(rec).referrals.list(
        page=2,
        status=[Status.OPEN, "closed"],
        filter={"owner": {"id": 7}, "urgent": True, "tags": ["x", "y"]},
        ids=["a", "b"],
        words=["hello", "world"],
        since=date(2024, 1, 31),
        urgent=False,
    )
    pairs = parse_qsl(rec.last.url.query.decode(), keep_blank_values=True)
    assert pairs == [
        ("page", "2"),
        ("status", "open,closed"),
        ("filter[owner][id]", "7"),
        ("filter[urgent]", "true"),
        # arrays inside a deepObject are indexed: what Prism, Stripe, Rack and PHP read as an array
        ("filter[tags][0]", "x"),
        ("filter[tags][1]", "y"),
        ("ids", "a|b"),
        ("words", "hello world"),
        ("since", "2024-01-31"),
        ("urgent", "false"),
    ]


def test_form_explode_list_datetime_and_extra_query(make_client: Any) -> None:
    rec = Recorder(_page())
    client = make_client(rec)

    class Color(enum.Enum):
        RED = "red"

    client.request(
        client.referrals.list.__func__.__globals__["_LIST"],
        query={
            "tag": ["a", "b"],
            "at": datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
            "color": Color.RED,
            "limit": 10,
        },
        extra_query={"limit": 50, "debug": True},
    )
    pairs = parse_qsl(rec.last.url.query.decode())
    assert pairs == [
        ("tag", "a"),
        ("tag", "b"),
        ("at", "2024-05-01T12:00:00+00:00"),
        ("color", "red"),
        ("limit", "50"),
        ("debug", "true"),
    ]


# -- headers ---------------------------------------------------------------------------------


def test_default_headers_user_agent_and_bearer_auth(make_client: Any) -> None:
    rec = Recorder(_ok_referral())
    client = make_client(rec, default_headers={"X-Org": "acme"})
    client.referrals.retrieve("x", x_trace_id="t-1")
    headers = rec.last.headers
    assert headers["user-agent"] == "fakeapi-python/1.2.3"
    assert headers["accept"] == "application/json"
    assert headers["authorization"] == f"Bearer {API_KEY}"
    assert headers["x-org"] == "acme"
    assert headers["x-trace-id"] == "t-1"


def test_not_given_header_param_is_not_sent(make_client: Any) -> None:
    rec = Recorder(_ok_referral())
    make_client(rec).referrals.retrieve("x")
    assert "x-trace-id" not in rec.last.headers


def test_extra_headers_override_and_none_removes(make_client: Any) -> None:
    rec = Recorder(_ok_referral())
    client = make_client(rec)
    client.referrals.retrieve(
        "x", extra_headers={"authorization": "Token other", "User-Agent": None, "X-New": "1"}
    )
    headers = rec.last.headers
    assert headers["authorization"] == "Token other"
    assert headers.get_list("authorization") == ["Token other"]
    assert headers["user-agent"].startswith("python-httpx")  # httpx's own default remains
    assert headers["x-new"] == "1"


@pytest.mark.parametrize(
    "bad",
    ["a\r\nX-Injected: 1", "line\nbreak", "carriage\rreturn", "nul\x00"],
)
def test_crlf_in_header_values_is_rejected_before_sending(make_client: Any, bad: str) -> None:
    rec = Recorder(_ok_referral())
    client = make_client(rec)
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        client.referrals.retrieve("x", x_trace_id=bad)
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        client.referrals.retrieve("x", extra_headers={"X-Other": bad})
    with pytest.raises(ValueError):
        make_client(rec, default_headers={"X-Bad": bad}).referrals.retrieve("x")
    with pytest.raises(ValueError):
        make_client(rec, token="key\r\nX-Evil: 1").referrals.retrieve("x")
    assert rec.requests == []


def test_invalid_header_name_is_rejected(make_client: Any) -> None:
    rec = Recorder(_ok_referral())
    with pytest.raises(ValueError, match="Invalid header name"):
        make_client(rec).referrals.retrieve("x", extra_headers={"X-Bad:\r\nName": "v"})
    assert rec.requests == []


# -- auth ------------------------------------------------------------------------------------


@pytest.mark.parametrize("location", ["header", "query", "cookie"])
def test_api_key_auth_locations(fakeapi: Any, make_client: Any, location: str) -> None:
    rec = Recorder(_ok_referral())
    auth = fakeapi._auth.ApiKeyAuth(
        "X-API-Key" if location != "cookie" else "session", location, "k-1"
    )
    make_client(rec, auth=auth).referrals.retrieve("x")
    request = rec.last
    if location == "header":
        assert request.headers["x-api-key"] == "k-1"
    elif location == "query":
        assert request.url.params["X-API-Key"] == "k-1"
    else:
        assert request.headers["cookie"] == "session=k-1"
    assert "authorization" not in request.headers


def test_api_key_cookie_merges_with_default_cookie(fakeapi: Any, make_client: Any) -> None:
    rec = Recorder(_ok_referral())
    auth = fakeapi._auth.ApiKeyAuth("session", "cookie", "k-1")
    make_client(rec, auth=auth, default_headers={"Cookie": "theme=dark"}).referrals.retrieve("x")
    assert rec.last.headers["cookie"] == "theme=dark; session=k-1"


def test_no_credentials_for_operations_without_security(make_client: Any) -> None:
    rec = Recorder(httpx.Response(200, text="ok"))
    assert make_client(rec).auth_api.health() == "ok"
    assert "authorization" not in rec.last.headers
    assert rec.last.headers["accept"] == "text/plain"  # the media type the spec declares
    # an endpoint that declares no media type: a text endpoint does not insist on JSON
    from fakeapi._endpoint import Endpoint, ResponseSpec

    assert Endpoint("GET", "/health", {"200": ResponseSpec("text")}).accept == "*/*"


def test_missing_credentials(fakeapi: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAKEAPI_TOKEN", raising=False)
    client = fakeapi.FakeAPI()  # generated clients check credentials per operation, when called
    with pytest.raises(fakeapi.MissingCredentialsError, match="FAKEAPI_TOKEN"):
        client.referrals.retrieve("x")
    assert issubclass(fakeapi.MissingCredentialsError, fakeapi.APIError)


def test_basic_and_multi_auth(fakeapi: Any, make_client: Any) -> None:
    from fakeapi._auth import BasicAuth, MultiAuth

    rec = Recorder(_ok_referral())
    auth = MultiAuth(
        BasicAuth("user", "pa55word"), fakeapi._auth.ApiKeyAuth("X-App", "header", "app")
    )
    make_client(rec, auth=auth).referrals.retrieve("x")
    assert rec.last.headers["authorization"] == "Basic dXNlcjpwYTU1d29yZA=="
    assert rec.last.headers["x-app"] == "app"
    assert "pa55word" not in repr(auth)


# -- JSON bodies -----------------------------------------------------------------------------


def test_json_body_from_model_uses_aliases_and_only_set_fields(
    fakeapi: Any, make_client: Any
) -> None:
    from fakeapi.types import ReferralCreate, Status

    rec = Recorder(json_response(201, {"data": REFERRAL}))
    body = ReferralCreate(patient_name="Ada", status=Status.OPEN)
    make_client(rec).referrals.create(body=body, extra_body={"source": "api"})
    assert rec.last.headers["content-type"] == "application/json"
    assert json.loads(rec.bodies[-1]) == {"patientName": "Ada", "status": "open", "source": "api"}


def test_json_body_from_mapping(fakeapi: Any, make_client: Any) -> None:
    from fakeapi._types import NOT_GIVEN
    from fakeapi.types import ReferralCreate

    rec = Recorder(json_response(201, {"data": REFERRAL}))
    make_client(rec).referrals.create(
        body={
            "patientName": "Ada",
            "notes": None,
            "skipped": NOT_GIVEN,
            "when": date(2024, 1, 2),
            "nested": [ReferralCreate(patientName="Bob")],
        }
    )
    assert json.loads(rec.bodies[-1]) == {
        "patientName": "Ada",
        "notes": None,
        "when": "2024-01-02",
        "nested": [{"patientName": "Bob"}],
    }


def test_patch_sends_null_but_drops_not_given(make_client: Any) -> None:
    rec = Recorder(_ok_referral())
    client = make_client(rec)
    client.referrals.update("x", notes=None)
    assert json.loads(rec.bodies[-1]) == {"notes": None}
    client.referrals.update("x")
    assert json.loads(rec.bodies[-1]) == {}


def test_unserializable_json_body_raises_type_error(make_client: Any) -> None:
    rec = Recorder(json_response(201, {"data": REFERRAL}))
    with pytest.raises(TypeError, match="not JSON serializable"):
        make_client(rec).referrals.create(body={"x": object()})
    assert rec.requests == []


# -- multipart -------------------------------------------------------------------------------


def _parts(request: httpx.Request, body: bytes) -> dict[str, tuple[dict[str, str], bytes]]:
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1].encode()
    parts: dict[str, tuple[dict[str, str], bytes]] = {}
    for chunk in body.split(b"--" + boundary)[1:-1]:
        head, _, data = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        name = headers["Content-Disposition"].split('name="')[1].split('"')[0]
        parts[name] = (headers, data)
    assert body.endswith(b"--" + boundary + b"--\r\n")
    return parts


DOC = {"id": "doc_1", "filename": "scan.pdf", "size": 3}


@pytest.mark.parametrize("kind", ["bytes", "path", "fileobj", "tuple2", "tuple3"])
def test_multipart_file_forms(make_client: Any, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7 data")
    file: Any
    if kind == "bytes":
        file, filename, ctype = b"%PDF-1.7 data", "upload", "application/octet-stream"
    elif kind == "path":
        file, filename, ctype = path, "scan.pdf", "application/pdf"
    elif kind == "fileobj":
        file, filename, ctype = path.open("rb"), "scan.pdf", "application/pdf"
    elif kind == "tuple2":
        file, filename, ctype = ("r.txt", io.BytesIO(b"%PDF-1.7 data")), "r.txt", "text/plain"
    else:
        file, filename, ctype = ("x.bin", b"%PDF-1.7 data", "image/png"), "x.bin", "image/png"
    rec = Recorder(json_response(201, DOC))
    doc = make_client(rec).referrals.upload_document(
        "ref_1", file=file, description="Scan", extra={"pages": 2}
    )
    assert doc.id == "doc_1"
    parts = _parts(rec.last, rec.bodies[-1])
    file_headers, data = parts["file"]
    assert data == b"%PDF-1.7 data"
    assert f'filename="{filename}"' in file_headers["Content-Disposition"]
    assert file_headers["Content-Type"] == ctype
    assert parts["description"][1] == b"Scan"
    assert parts["extra"][0]["Content-Type"] == "application/json"
    assert json.loads(parts["extra"][1]) == {"pages": 2}
    assert int(rec.last.headers["content-length"]) == len(rec.bodies[-1])
    if kind == "fileobj":
        assert not file.closed  # the caller's file stays the caller's to close
        file.close()


def test_multipart_streams_files_from_disk_in_chunks(fakeapi: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (1024 * 1024))
    chunk_sizes: list[int] = []

    class ChunkTransport(httpx.BaseTransport):  # MockTransport would read the body at once
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            assert isinstance(request.stream, httpx.SyncByteStream)
            chunk_sizes.extend(len(chunk) for chunk in request.stream)
            return json_response(201, DOC)

    with httpx.Client(transport=ChunkTransport()) as http_client:
        client = fakeapi.FakeAPI(token=API_KEY, http_client=http_client)
        client.referrals.upload_document("r", file=path)
    assert sum(chunk_sizes) > 1024 * 1024
    assert max(chunk_sizes) <= 64 * 1024  # never the whole file in one piece


def test_multipart_path_file_is_closed_after_request(
    make_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    opened: list[Any] = []
    real_open = builtins.open

    def spy_open(*args: Any, **kwargs: Any) -> Any:
        file = real_open(*args, **kwargs)
        opened.append(file)
        return file

    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    monkeypatch.setattr(builtins, "open", spy_open)
    make_client(Recorder(json_response(201, DOC))).referrals.upload_document("r", file=path)
    monkeypatch.undo()
    assert opened and all(file.closed for file in opened)


def test_text_mode_file_is_rejected(make_client: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("abc")
    with path.open("r") as file, pytest.raises(TypeError):
        make_client(Recorder(json_response(201, DOC))).referrals.upload_document("r", file=file)


# -- other bodies ----------------------------------------------------------------------------


def test_urlencoded_form_body_and_no_auth(make_client: Any) -> None:
    rec = Recorder(json_response(200, {"access_token": "t", "expires_in": 60}))
    token = make_client(rec).auth_api.token(
        grant_type="client_credentials", client_id="id", client_secret="s&c=", scope=["a", "b"]
    )
    assert token.access_token == "t"
    assert rec.last.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(rec.bodies[-1].decode()) == [  # in the generated method's (sorted) order
        ("client_id", "id"),
        ("client_secret", "s&c="),
        ("grant_type", "client_credentials"),
        ("scope", "a"),
        ("scope", "b"),
    ]
    assert "authorization" not in rec.last.headers


@pytest.mark.parametrize("kind", ["bytes", "path", "fileobj"])
def test_raw_binary_bodies(make_client: Any, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\x01binary")
    content: Any = {
        "bytes": b"\x00\x01binary",
        "path": path,
        "fileobj": io.BytesIO(b"\x00\x01binary"),
    }[kind]
    rec = Recorder(json_response(200, DOC))
    make_client(rec).documents.upload_content("doc_1", body=content)
    assert rec.bodies[-1] == b"\x00\x01binary"
    assert rec.last.headers["content-type"] == "application/octet-stream"
    assert rec.last.headers["content-length"] == "8"
    assert rec.last.method == "PUT"


def test_text_plain_body_and_text_response(make_client: Any) -> None:
    rec = Recorder(httpx.Response(200, text="saved ✓"))
    assert make_client(rec).referrals.set_note("x", body="héllo") == "saved ✓"
    assert rec.bodies[-1] == "héllo".encode()
    assert rec.last.headers["content-type"] == "text/plain; charset=utf-8"


def test_idempotency_header_generated_once_per_call(make_client: Any) -> None:
    rec = Recorder(json_response(503), json_response(201, {"data": REFERRAL}))
    client = make_client(rec)
    # a runtime option no generated constructor offers (a spec cannot ask for it): set on the client
    client.idempotency_header = "Idempotency-Key"
    client.referrals.create(body={"patientName": "Ada"})
    keys = [request.headers["idempotency-key"] for request in rec.requests]
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith("clientgen-")
