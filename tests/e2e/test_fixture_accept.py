"""`Accept` follows the declared response media types (#13 §1; tests/fixtures/specs/accept_31.yml): a
server that answers 406 to anything but what its spec declares serves every operation. Real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.support.loopback import Exchange, LoopServer, serving

SPEC = (FIXTURES / "specs" / "accept_31.yml").read_text()
# path → (what the spec declares for it, the body sent when the Accept header names it)
SERVED = {
    "/flights": ("application/vnd.amadeus+json", b'{"data": [{"id": "f1"}]}'),
    "/studies": ("application/dicom+json", b'[{"00080020": {"vr": "DA"}}]'),
    "/report": ("application/json", b'{"total": 3}'),
    "/export": ("text/csv", b"id\n1\n"),
    "/plain": ("application/json", b"{}"),
}
EXPECTED_ACCEPT = {
    "/flights": "application/vnd.amadeus+json, application/problem+json",
    "/studies": "application/dicom+json",
    "/report": "application/json",
    "/export": "text/csv, application/json",
    "/plain": "application/json",
}


@pytest.fixture
def media_pkg(generate_package: Any) -> tuple[Any, Path]:
    return generate_package(SPEC, package="acceptpkg", client_name="Accept")


@pytest.fixture
def strict_server() -> Iterator[LoopServer]:
    """Content negotiation as strict servers do it: 406 unless `Accept` names the declared type."""
    with serving() as server:
        for path, (media, body) in SERVED.items():

            def route(ex: Exchange, media: str = media, body: bytes = body) -> None:
                accepted = [
                    part.split(";")[0].strip() for part in ex.headers.get("Accept", "").split(",")
                ]
                if media in accepted:
                    ex.reply(200, body, content_type=media)
                else:
                    ex.reply(406, b'{"title": "Not Acceptable"}', content_type="application/json")

            server.on(path, route)
        yield server


def test_accept_names_the_declared_media_types(
    media_pkg: tuple[Any, Path], strict_server: LoopServer
) -> None:
    pkg, _ = media_pkg
    with pkg.Accept(base_url=strict_server.origin, max_retries=0) as client:
        assert client.media.list_flights() == [{"id": "f1"}]  # unwrapped from `data`
        assert client.media.list_studies() == [{"00080020": {"vr": "DA"}}]
        assert client.media.get_report() == {"total": 3}
        assert client.media.export_csv().content == b"id\n1\n"
        assert client.media.get_plain() == {}
    sent = {r.path: r.headers["accept"] for r in strict_server.received}
    assert sent == EXPECTED_ACCEPT

    async def main() -> None:
        async with pkg.AsyncAccept(base_url=strict_server.origin, max_retries=0) as client:
            assert await client.media.list_studies() == [{"00080020": {"vr": "DA"}}]
            assert await (await client.media.export_csv()).read() == b"id\n1\n"

    asyncio.run(main())
    assert [r.headers["accept"] for r in strict_server.received[-2:]] == [
        EXPECTED_ACCEPT["/studies"],
        EXPECTED_ACCEPT["/export"],
    ]


def test_the_users_accept_header_wins(
    media_pkg: tuple[Any, Path], strict_server: LoopServer
) -> None:
    pkg, _ = media_pkg
    with pkg.Accept(
        base_url=strict_server.origin, max_retries=0, default_headers={"Accept": "*/*"}
    ) as client:
        with pytest.raises(pkg.APIStatusError) as info:
            client.media.list_studies()
        assert info.value.status_code == 406
        assert client.media.list_studies(extra_headers={"Accept": "application/dicom+json"})
    assert [r.headers["accept"] for r in strict_server.received] == [
        "*/*",
        "application/dicom+json",
    ]


def test_only_differing_accept_values_are_generated(media_pkg: tuple[Any, Path]) -> None:
    _, root = media_pkg
    source = (root / "src" / "acceptpkg" / "resources" / "media.py").read_text()
    assert 'accept="application/vnd.amadeus+json, application/problem+json",' in source
    assert 'accept="application/dicom+json",' in source
    assert source.count("accept=") == 3  # /report and /plain: the default, application/json
