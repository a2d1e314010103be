"""Downloads never clobber and never leave their folder (issue 12, item 9), on real sockets."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rt_helpers import API_KEY

from tests.support.loopback import Exchange, LoopServer, serving

PDF = b"%PDF-1.4 " + bytes(range(256)) * 16


@pytest.fixture
def a() -> Iterator[LoopServer]:
    with serving() as server:
        yield server


def _serve(server: LoopServer, disposition: str, body: bytes = PDF) -> None:
    def route(ex: Exchange) -> None:
        ex.reply(
            200,
            body,
            {"Content-Disposition": disposition},
            content_type="application/pdf",
        )

    server.on("/v1/documents/d1/content", route)


@pytest.fixture
def client(fakeapi: Any, a: LoopServer) -> Iterator[Any]:
    with fakeapi.FakeAPI(token=API_KEY, base_url=f"{a.origin}/v1", max_retries=0) as client:
        yield client


def test_server_named_file_never_replaces_an_existing_one(
    a: LoopServer, client: Any, tmp_path: Path
) -> None:
    existing = tmp_path / "report.pdf"
    existing.write_bytes(b"mine")
    _serve(a, 'attachment; filename="report.pdf"')
    with pytest.raises(FileExistsError, match="overwrite=True"):
        client.documents.download("d1").write_to_file(tmp_path)
    assert existing.read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]  # no temporary left
    assert client.documents.download("d1").write_to_file(tmp_path, overwrite=True) == len(PDF)
    assert existing.read_bytes() == PDF


def test_a_symlink_in_place_of_the_file_is_neither_followed_nor_replaced(
    a: LoopServer, client: Any, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "report.pdf").symlink_to(outside)
    _serve(a, 'attachment; filename="report.pdf"')
    with pytest.raises(FileExistsError):
        client.documents.download("d1").write_to_file(folder)
    client.documents.download("d1").write_to_file(folder, overwrite=True)
    assert outside.read_bytes() == b"precious"  # written next to the link, never through it
    assert not (folder / "report.pdf").is_symlink()
    assert (folder / "report.pdf").read_bytes() == PDF


def test_temporary_file_is_created_exclusively_without_following_symlinks(
    a: LoopServer, client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[str, int]] = []
    real_open = os.open

    def recording_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        opened.append((os.fspath(path), flags))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    _serve(a, 'attachment; filename="report.pdf"')
    client.documents.download("d1").write_to_file(tmp_path)
    [(path, flags)] = [entry for entry in opened if entry[0].endswith(".part")]
    assert Path(path).parent == tmp_path and Path(path).name.startswith(".report.pdf.")
    assert flags & os.O_EXCL and flags & os.O_NOFOLLOW and flags & os.O_CREAT


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ('attachment; filename="../../escape.pdf"', "escape.pdf"),
        ('attachment; filename="/etc/cron.d/escape"', "escape"),
        ('attachment; filename="..\\\\..\\\\escape.pdf"', "escape.pdf"),
        ("attachment; filename*=UTF-8''..%2F..%2Fescape.pdf", "escape.pdf"),
        ('attachment; filename=".."', "download"),
        ('attachment; filename="a\x7fb\x01.pdf"', "ab.pdf"),
        ("attachment; filename*=UTF-8''%2Fabs%2Fna%C3%AFve.pdf", "naïve.pdf"),
    ],
)
def test_server_names_never_leave_the_folder(
    a: LoopServer, client: Any, tmp_path: Path, disposition: str, expected: str
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    _serve(a, disposition)
    client.documents.download("d1").write_to_file(folder)
    assert [p.name for p in folder.iterdir()] == [expected]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloads"]


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ("attachment; filename=\"plain.pdf\"; filename*=UTF-8''na%C3%AFve.pdf", "naïve.pdf"),
        ("attachment; filename*=UTF-8''na%C3%AFve.pdf; filename=\"plain.pdf\"", "naïve.pdf"),
        ("attachment; filename*=ISO-8859-1''caf%E9.pdf", "café.pdf"),
        ("attachment; filename*=UTF-8''bad%FF.pdf; filename=\"plain.pdf\"", "plain.pdf"),
        ('attachment; filename="quoted \\"name\\".pdf"', 'quoted "name".pdf'),
        ("attachment; filename=token.pdf", "token.pdf"),
        ('attachment; filename="semi;colon.pdf"', "semi;colon.pdf"),
    ],
)
def test_filename_star_is_preferred(
    a: LoopServer, client: Any, disposition: str, expected: str
) -> None:
    _serve(a, disposition)
    with client.documents.download("d1") as download:
        assert download.filename == expected


def test_hostile_disposition_header_is_parsed_in_bounded_time(fakeapi: Any) -> None:
    import httpx
    from fakeapi._download import filename_of

    for value in (
        'attachment; filename="' + "a" * 100_000,
        "attachment" + "; x=" * 50_000 + '; filename="late.pdf"',
        'attachment; filename="' + "\\" * 100_000,
    ):
        name = filename_of(httpx.Headers({"content-disposition": value}))
        assert name is None or (len(name.encode()) <= 200 and "/" not in name)


async def test_async_download_never_replaces_an_existing_file(
    fakeapi: Any, a: LoopServer, tmp_path: Path
) -> None:
    (tmp_path / "report.pdf").write_bytes(b"mine")
    _serve(a, 'attachment; filename="report.pdf"')
    async with fakeapi.AsyncFakeAPI(token=API_KEY, base_url=f"{a.origin}/v1") as client:
        download = await client.documents.download("d1")
        with pytest.raises(FileExistsError):
            await download.write_to_file(tmp_path)
        download = await client.documents.download("d1")
        assert await download.write_to_file(tmp_path, overwrite=True) == len(PDF)
    assert (tmp_path / "report.pdf").read_bytes() == PDF
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_explicit_file_path_is_replaced(a: LoopServer, client: Any, tmp_path: Path) -> None:
    target = tmp_path / "chosen.pdf"
    target.write_bytes(b"old")
    _serve(a, 'attachment; filename="report.pdf"')
    client.documents.download("d1").write_to_file(target)
    assert target.read_bytes() == PDF
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chosen.pdf"]
