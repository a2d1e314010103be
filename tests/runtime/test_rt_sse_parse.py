"""The server-sent events parser (`_lines` + `_sse`) follows the WHATWG "event stream" rules, in
whatever pieces the bytes arrive, with bounded lines and events."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.examples import examples


def _modules(fakeapi: Any) -> tuple[Any, Any]:
    return importlib.import_module("fakeapi._lines"), importlib.import_module("fakeapi._sse")


def parse(fakeapi: Any, *chunks: bytes, max_size: int | None = None) -> tuple[list[Any], Any]:
    """Every event the chunks complete, and the decoder (for ``last_event_id`` / ``retry``)."""
    lines_mod, sse_mod = _modules(fakeapi)
    lines = lines_mod.LineDecoder(max_line=max_size, strip_bom=True)
    decoder = sse_mod.SSEDecoder(max_size=max_size)
    events = []
    for chunk in chunks:
        for line in lines.feed(chunk):
            event = decoder.line(line)
            if event is not None:
                events.append(event)
    lines.finish()
    return events, decoder


def data(fakeapi: Any, *chunks: bytes) -> list[str]:
    return [e.data for e in parse(fakeapi, *chunks)[0]]


def test_multi_line_data_is_joined_with_lf(fakeapi: Any) -> None:
    assert data(fakeapi, b"data: YHOO\ndata: +2\ndata: 10\n\n") == ["YHOO\n+2\n10"]


def test_one_space_after_the_colon_is_dropped_and_only_one(fakeapi: Any) -> None:
    assert data(fakeapi, b"data:test\n\ndata: test\n\ndata:  test\n\n") == [
        "test",
        "test",
        " test",
    ]


def test_field_without_colon_has_an_empty_value(fakeapi: Any) -> None:
    # "data" alone appends an empty line; two of them give one LF
    assert data(fakeapi, b"data\n\ndata\ndata\n\ndata:\n\n") == ["", "\n", ""]


def test_comments_and_unknown_fields_are_ignored(fakeapi: Any) -> None:
    stream = b": keep-alive\n:\nfoo: bar\nDATA: shouted\ndata : spaced\ndata: ok\n\n"
    assert data(fakeapi, stream) == ["ok"]


def test_event_type_defaults_to_message_and_resets_after_each_event(fakeapi: Any) -> None:
    events, _ = parse(fakeapi, b"event: add\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n")
    assert [(e.event, e.data) for e in events] == [("add", "1"), ("message", "2"), ("message", "3")]


def test_event_without_data_is_not_dispatched_but_its_id_counts(fakeapi: Any) -> None:
    events, decoder = parse(fakeapi, b"event: ping\n\nid: 7\n\ndata: x\n\n")
    assert [(e.event, e.data, e.id) for e in events] == [("message", "x", "7")]
    assert decoder.last_event_id == "7"


def test_ids_persist_reset_and_ignore_nul(fakeapi: Any) -> None:
    stream = b"id: 1\ndata: a\n\ndata: b\n\nid: x\x00y\ndata: c\n\nid\ndata: d\n\n"
    events, decoder = parse(fakeapi, stream)
    assert [e.id for e in events] == ["1", "1", "1", ""]
    assert decoder.last_event_id == ""
    assert parse(fakeapi, b"data: a\n\n")[0][0].id is None  # no id ever sent


def test_retry_is_kept_only_when_it_is_ascii_digits(fakeapi: Any) -> None:
    stream = (
        "retry: 1500\ndata: a\n\n"
        "retry: 10a\ndata: b\n\n"
        "retry: \u0663\ndata: c\n\n"  # an Arabic-Indic digit: not ASCII
        "retry: -5\ndata: d\n\n"
        f"retry: {'9' * 40}\ndata: e\n\n"
        "retry: 20\n\n"  # no data: no event, but the reconnection time changes
    ).encode()
    events, decoder = parse(fakeapi, stream)
    assert [e.retry for e in events] == [1500, None, None, None, None]
    assert decoder.retry == 20


@pytest.mark.parametrize("end", [b"\n", b"\r", b"\r\n"])
def test_cr_lf_and_crlf_end_lines(fakeapi: Any, end: bytes) -> None:
    stream = b"event: e" + end + b"data: 1" + end + b"data: 2" + end + end
    events, _ = parse(fakeapi, stream)
    assert [(e.event, e.data) for e in events] == [("e", "1\n2")]


def test_crlf_split_across_chunks_is_one_line_end(fakeapi: Any) -> None:
    # were the LF taken for a second line end, "data: 1" would be dispatched alone
    assert data(fakeapi, b"data: 1\r", b"\ndata: 2\r", b"\n\r", b"\n") == ["1\n2"]


def test_a_bom_is_dropped_once_at_the_start_only(fakeapi: Any) -> None:
    assert data(fakeapi, b"\xef\xbb", b"\xbfdata: a\n\n") == ["a"]
    # a second BOM is part of the field name, which is then unknown
    assert data(fakeapi, b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n") == ["b"]


def test_invalid_utf8_is_replaced(fakeapi: Any) -> None:
    assert data(fakeapi, b"data: caf\xe9 \xe2\x82\xac\n\n") == ["caf\ufffd \u20ac"]


def test_an_event_the_stream_ends_in_is_discarded(fakeapi: Any) -> None:
    assert data(fakeapi, b"data: 1\n\ndata: 2\n") == ["1"]
    assert data(fakeapi, b"data: 1\n\ndata: 2") == ["1"]


def test_a_line_longer_than_the_bound_fails(fakeapi: Any) -> None:
    lines_mod, _ = _modules(fakeapi)
    with pytest.raises(lines_mod.LineTooLong):
        parse(fakeapi, b"data: " + b"x" * 200, b"x" * 200, max_size=256)
    with pytest.raises(lines_mod.LineTooLong):
        parse(fakeapi, b"data: " + b"x" * 300 + b"\n\n", max_size=256)
    with pytest.raises(lines_mod.LineTooLong):  # a comment line is bounded too
        parse(fakeapi, b":" + b"x" * 300, max_size=256)


def test_an_event_larger_than_the_bound_fails(fakeapi: Any) -> None:
    _, sse_mod = _modules(fakeapi)
    with pytest.raises(sse_mod.EventTooLarge):
        parse(fakeapi, b"data: 0123456789\n" * 30 + b"\n", max_size=256)
    events, _ = parse(fakeapi, b"data: 0123456789\n" * 10 + b"\n", max_size=256)
    assert len(events) == 1  # the bound is per event: it resets when one is dispatched
    events, _ = parse(fakeapi, (b"data: 0123456789\n" * 10 + b"\n") * 10, max_size=256)
    assert len(events) == 10


STREAM = (
    '\ufeff: hello\r\nretry: 3000\r\nid: 1\r\nevent: add\r\ndata: {"a": 1}\r\n\r\n'
    "data: line one\rdata: line two\r\r"
    ": ping\n\nid: 2\ndata: caf\u00e9 \u20ac\ndata\n\n"
    "data: tail without end"
).encode()


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=12))
def test_events_do_not_depend_on_how_the_bytes_are_split(fakeapi: Any, cuts: list[int]) -> None:
    points = sorted(set(cuts))
    chunks = [STREAM[a:b] for a, b in zip([0, *points], [*points, len(STREAM)], strict=True)]
    events, decoder = parse(fakeapi, *chunks)
    assert [(e.event, e.data, e.id, e.retry) for e in events] == [
        ("add", '{"a": 1}', "1", 3000),
        ("message", "line one\nline two", "1", None),
        ("message", "caf\u00e9 \u20ac\n", "2", None),
    ]
    assert (decoder.last_event_id, decoder.retry) == ("2", 3000)
