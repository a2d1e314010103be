"""Issue #15's call surface on tests/fixtures/specs/surface_31.yml: a JSON object body is keyword arguments
(nested objects as `…Param` TypedDicts or models, enums as member or `Literal`), name clashes become
`body_<name>` with a warning, other bodies stay one `body=` argument, and the request on the wire is
exactly the spec's shape (checked on a real socket). Models have `to_dict()` / `to_json()`."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import generate
from generator.config import adhoc_target
from tests.conftest import FIXTURES
from tests.support.recording_server import recording_server

SPEC = FIXTURES / "specs" / "surface_31.yml"
WIDGET = {
    "id": "w1",
    "name": "Bolt",
    "colour": "dark-blue",
    "dimensions": {"widthCm": 2.5},
    "parts": [{"partNumber": "p1", "quantity": 2, "madeOn": "2026-01-02", "type": "part"}],
    "labels": {"a": "b"},
    "createdAt": "2026-01-02T03:04:05Z",
    "fromTheFuture": True,
}


@pytest.fixture(scope="module")
def surface(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path, list[Any]]]:
    out = tmp_path_factory.mktemp("surface") / "surface"
    result = generate(adhoc_target(str(SPEC), str(out), "surface", "Surface"))
    sys.path.insert(0, str(out / "src"))
    try:
        yield importlib.import_module("surface"), out, result.diagnostics
    finally:
        sys.path.remove(str(out / "src"))
        for name in [m for m in sys.modules if m == "surface" or m.startswith("surface.")]:
            del sys.modules[name]


def _client(pkg: Any, url: str) -> Any:
    return pkg.Surface(base_url=url, max_retries=0)


def test_clashing_body_properties_get_body_names_with_a_warning(
    surface: tuple[Any, Path, list[Any]],
) -> None:
    _, _, diagnostics = surface
    clashes = sorted(d.message for d in diagnostics if d.code == "argument-name-collision")
    assert clashes == [
        "request body property 'dryRun' of 'patchWidget' is the argument 'body_dry_run': the name "
        "'dry_run' is the query parameter 'dryRun'",
        "request body property 'id' of 'patchWidget' is the argument 'body_id': the name 'id' is "
        "the path parameter 'id'",
        "request body property 'timeout' of 'createWidget' is the argument 'body_timeout': the name "
        "'timeout' is the per-call option 'timeout'",
    ]


def test_signatures(surface: tuple[Any, Path, list[Any]]) -> None:
    pkg, _, _ = surface
    from surface.resources.widgets import Widgets

    def kinds(method: Any) -> dict[str, str]:
        return {
            name: ("required" if p.default is inspect.Parameter.empty else "optional")
            + ("" if p.kind is inspect.Parameter.KEYWORD_ONLY else " positional")
            for name, p in inspect.signature(method).parameters.items()
            if name != "self" and not name.startswith("extra_") and name != "max_retries"
        }

    assert kinds(Widgets.create) == {
        "colour": "required",
        "name": "required",
        "dimensions": "optional",
        "labels": "optional",
        "note": "optional",
        "parts": "optional",
        "body_timeout": "optional",
        "kind": "optional",  # a constant: its value is the default, always sent
        "timeout": "optional",  # the per-call option keeps its name
    }
    assert kinds(Widgets.patch) == {
        "id": "required positional",
        "dry_run": "optional",
        "body_dry_run": "optional",
        "body_id": "optional",
        "name": "optional",
        "timeout": "optional",
    }
    for method in (Widgets.set_tags, Widgets.set_note, Widgets.upload_image):  # not objects
        assert kinds(method) == {
            "id": "required positional",
            "body": "required",
            "timeout": "optional",
        }
    assert pkg.Surface.with_options is pkg.Surface.copy


def test_body_on_the_wire_is_the_spec_shape(surface: tuple[Any, Path, list[Any]]) -> None:
    pkg, _, _ = surface
    from surface.types import Colour, Part, Widget

    answer = (201, "application/json", json.dumps(WIDGET).encode())
    with recording_server(default=answer) as server:
        client = _client(pkg, server.url)
        widget = client.widgets.create(
            name="Bolt",
            colour="dark-blue",
            dimensions={"width_cm": 2.5, "unit": "mm"},  # Python names: sent under wire names
            parts=[
                {"part_number": "p1", "quantity": 2, "made_on": dt.date(2026, 1, 2)},
                Part(part_number="p2"),  # a model where a dict fits
            ],
            labels={"part_number": "kept"},  # a map's keys are data, never renamed
            note=None,
            body_timeout=30,
            timeout=5.0,
        )
        client.widgets.create(name="Nut", colour=Colour.RED)
    first, second = (json.loads(r.body) for r in server.requests)
    parts = [  # constants (`type`) are always sent, from a dict or a model
        {"partNumber": "p1", "quantity": 2, "madeOn": "2026-01-02", "type": "part"},
        {"partNumber": "p2", "type": "part"},
    ]
    assert first == {
        "colour": "dark-blue",
        "dimensions": {"widthCm": 2.5, "unit": "mm"},
        "labels": {"part_number": "kept"},
        "name": "Bolt",
        "note": None,  # None is sent as null; an argument left out is not sent
        "parts": parts,
        "timeout": 30,
        "kind": "widget",
    }
    assert second == {"colour": "red", "name": "Nut", "kind": "widget"}
    assert server.requests[0].headers["content-type"] == "application/json"
    assert isinstance(widget, Widget) and widget.colour is Colour.DARK_BLUE


def test_clashing_names_go_where_they_belong(surface: tuple[Any, Path, list[Any]]) -> None:
    pkg, _, _ = surface
    answer = (200, "application/json", json.dumps(WIDGET).encode())
    with recording_server(default=answer) as server:
        client = _client(pkg, server.url)
        client.widgets.patch("w1", dry_run=True, body_dry_run=False, body_id="w2")
        client.widgets.patch("w1")  # an optional body left out entirely: nothing is sent
        client.widgets.patch("w1", extra_body={"name": "x"})
    first, second, third = server.requests
    assert first.path == "/widgets/w1?dryRun=true"
    assert json.loads(first.body) == {"dryRun": False, "id": "w2"}
    assert second.body == b"" and "content-type" not in second.headers
    assert json.loads(third.body) == {"name": "x"}


def test_bodies_that_are_not_objects_stay_one_argument(
    surface: tuple[Any, Path, list[Any]],
) -> None:
    pkg, _, _ = surface
    with recording_server(default=(204, "application/json", b"")) as server:
        client = _client(pkg, server.url)
        assert client.widgets.set_tags("w1", body=["a", "b"]) is None
        client.widgets.set_note("w1", body="a note")
        client.widgets.upload_image("w1", body=b"\x89PNG")
    tags, note, image = server.requests
    assert json.loads(tags.body) == ["a", "b"] and json.loads(note.body) == "a note"
    assert image.body == b"\x89PNG"
    assert image.headers["content-type"] == "application/octet-stream"


def test_to_dict_and_to_json_use_wire_names_and_json_safe_values(
    surface: tuple[Any, Path, list[Any]],
) -> None:
    from surface.types import Widget

    widget = Widget.model_validate(WIDGET)
    assert widget.to_dict() == WIDGET  # as received: wire names, unknown fields kept
    assert json.loads(widget.to_json()) == WIDGET
    one_line = widget.to_json(indent=None)
    assert json.loads(one_line) == WIDGET and "\n" not in one_line and "\n" in widget.to_json()
    made = Widget(name="x", colour="red", created_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert made.to_dict() == {"name": "x", "colour": "red", "createdAt": "2026-01-02T00:00:00Z"}
    assert Widget.model_validate({**WIDGET, "dimensions": None}).to_dict(
        exclude_none=True
    ).keys() == (WIDGET.keys() - {"dimensions"})


def test_the_client_class_may_not_take_a_name_the_package_exports(tmp_path: Path) -> None:
    from generator.diagnostics import SpecError

    with pytest.raises(SpecError, match="'Hooks' is a class every generated package exports"):
        adhoc_target(str(SPEC), str(tmp_path / "out"), "out", "Hooks")
    assert adhoc_target(str(SPEC), str(tmp_path / "hooks"), None, None).client_name == "HooksClient"
    page = adhoc_target(str(SPEC), str(tmp_path / "page"), None, None)  # AsyncPage is taken
    assert page.client_name == "PageClient"
