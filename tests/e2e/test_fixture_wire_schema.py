"""Requests carry what the spec means, responses are read as the spec says (#13, schema side), on real
sockets (tests/fixtures/specs/wire_schema_31.yml): constant tags always sent, spec defaults, exact
nullability, `format: uuid`, list bodies, tuples, enum member names, `$ref` aliases, documentation
from schemas, password fields, and strict response validation that is strict."""

from __future__ import annotations

import datetime
import importlib
import inspect
import json
import typing
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest

from generator.config import adhoc_target
from generator.ir import MISSING, Model
from tests.conftest import FIXTURES
from tests.support.loopback import Exchange, LoopServer
from tests.support.mypy_strict import mypy_strict
from tests.support.packages import imported_package

SPEC = FIXTURES / "specs" / "wire_schema_31.yml"
TAG_ID = "7f1c1a52-52b4-4c3e-9d38-5d7a2b1f0c11"
OWNER = "0b5e7d7e-3a6f-4a4e-8f8e-2c1d6b0a9f11"
TAG = {"id": TAG_ID, "name": "red-tag"}


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    out = tmp_path_factory.mktemp("wire")
    with imported_package(adhoc_target(str(SPEC), str(out), "wire", "Wire")) as pkg:
        for sub in ("resources", "types"):  # `pkg.resources`, `pkg.types`, whatever test runs first
            importlib.import_module(f"wire.{sub}")
        yield pkg, out


def client(pkg: Any, server: LoopServer, *, strict: bool = False) -> Any:
    return pkg.Wire(base_url=server.origin, max_retries=0, strict_response_validation=strict)


def echo(status: int) -> Any:
    def route(ex: Exchange) -> None:
        ex.reply(status, ex.received.body or b"null")

    return route


def answer(value: Any) -> Any:
    return lambda ex: ex.json(200, value)


# ---- 1. constant and tag fields --------------------------------------------------------------------


def test_tag_fields_are_their_literal_set_automatically(wire: tuple[Any, Path]) -> None:
    from wire.types import ScheduleTrigger, WebhookTrigger

    hints = typing.get_type_hints(ScheduleTrigger)
    assert hints["type"] == typing.Literal["schedule"]  # const + default
    assert typing.get_type_hints(WebhookTrigger)["type"] == typing.Literal["webhook"]  # enum [x]
    assert ScheduleTrigger(name="n", cron="* * * * *").type == "schedule"
    assert ScheduleTrigger.model_fields["type"].is_required() is False
    with pytest.raises(pydantic.ValidationError):
        ScheduleTrigger(name="n", cron="c", type="webhook")  # type: ignore[arg-type]


def test_union_member_model_is_sent_with_its_tag_and_comes_back_as_that_member(
    wire: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = wire
    from wire.types import ScheduleTrigger, WebhookTrigger

    server.on("/triggers", echo(201))
    api = client(pkg, server)
    created = api.triggers.create(body=WebhookTrigger(name="hook"))
    assert json.loads(server.hits("/triggers")[-1].body) == {"name": "hook", "type": "webhook"}
    assert isinstance(created, WebhookTrigger)
    created = api.triggers.create(body=ScheduleTrigger(name="s", cron="0 * * * *"))
    assert json.loads(server.hits("/triggers")[-1].body)["type"] == "schedule"
    assert isinstance(created, ScheduleTrigger)
    # the model's own dump carries the tag too, so it round-trips through the union
    member = WebhookTrigger(name="again")
    assert member.to_dict() == {"name": "again", "type": "webhook"}
    adapter = pydantic.TypeAdapter(pkg.types.TriggerRequest)
    assert type(adapter.validate_python(member.to_dict())) is WebhookTrigger


def test_tag_of_models_inside_a_list_body_is_sent(
    wire: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = wire
    from wire.types import ScheduleTrigger

    server.on("/triggers/batch", lambda ex: ex.reply(204))
    client(pkg, server).triggers.batch(
        body=[ScheduleTrigger(name="a", cron="c"), {"name": "b", "cron": "c", "type": "schedule"}]
    )
    sent = json.loads(server.hits("/triggers/batch")[-1].body)
    assert sent == [
        {"name": "a", "cron": "c", "type": "schedule"},
        {"name": "b", "cron": "c", "type": "schedule"},
    ]


# ---- 2. defaults -------------------------------------------------------------------------------------


def test_valid_defaults_are_python_defaults_and_are_not_sent_unless_set(
    wire: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = wire
    from wire.types import Color, Tag, TagRequest

    request = TagRequest(name="x")
    assert request.exclusive is False and request.color is Color.RED
    signature = inspect.signature(TagRequest)
    assert signature.parameters["exclusive"].default is False
    assert signature.parameters["color"].default is Color.RED
    server.on("/tags", lambda ex: ex.json(201, TAG))
    tag = client(pkg, server).tags.create(name="x", color=Color.BLUE)
    assert json.loads(server.hits("/tags")[-1].body) == {"name": "x", "color": "blue"}
    assert isinstance(tag, Tag) and tag.exclusive is False  # left out by the server: its default


def test_invalid_defaults_are_warned_with_their_place_and_not_used(build: Any) -> None:
    import yaml

    api, sink = build(yaml.safe_load(SPEC.read_text()))
    warned = sorted(d.pointer for d in sink.items if d.code == "invalid-default")
    assert warned == [
        "/components/schemas/TagRequest/properties/shade/default",  # outside its enum
        "/components/schemas/TagRequest/properties/since/default",  # 30 February
        "/components/schemas/TagRequest/properties/size/default",  # a string for an integer
        "/paths/~1tags/get/parameters/5/schema/default",  # likewise, on a parameter
    ]
    model = api.schemas["/components/schemas/TagRequest"]
    assert isinstance(model, Model)
    defaults = {f.wire_name: f.default for f in model.fields}
    assert defaults["shade"] is MISSING and defaults["size"] is MISSING
    assert defaults["since"] is MISSING and defaults["exclusive"] is False


def test_invalid_defaults_leave_the_field_without_one(wire: tuple[Any, Path]) -> None:
    from wire.types import TagRequest

    request = TagRequest(name="x")
    assert request.shade is None and request.size is None and request.since is None
    assert request.to_dict() == {"name": "x"}


# ---- 3. nullability ----------------------------------------------------------------------------------


def test_nullable_parameters_send_the_null_form_and_others_are_left_out(
    wire: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = wire
    server.on("/tags", answer([]))
    api = client(pkg, server)
    api.tags.list(owner=None, x_tenant=None, session=None)
    sent = server.hits("/tags")[-1]
    assert sent.query == {"owner": [""]}  # form style: `owner=`
    assert sent.headers["x-tenant"] == "" and sent.headers["cookie"] == "session="
    api.tags.list(name=None)  # type: ignore[arg-type]  # not nullable: None is not sent
    assert server.hits("/tags")[-1].query == {}
    api.tags.list()
    sent = server.hits("/tags")[-1]
    assert sent.query == {} and "x-tenant" not in sent.headers and "cookie" not in sent.headers


def test_parameter_annotations_are_exact(wire: tuple[Any, Path]) -> None:
    pkg, _ = wire
    hints = typing.get_type_hints(pkg.resources.Tags.list)
    assert type(None) not in typing.get_args(hints["name"])  # optional, not nullable
    assert type(None) in typing.get_args(hints["owner"])  # nullable
    assert type(None) in typing.get_args(hints["x_tenant"])


def test_optional_fields_that_are_not_nullable_never_send_none(
    wire: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = wire
    from wire.types import TagRequest

    with pytest.raises(pydantic.ValidationError):
        TagRequest(name="x", exclusive=None)  # type: ignore[arg-type]  # has a default: never None
    request = TagRequest(name="x", note=None)  # nullable: None is a value, and it is sent
    assert request.tags is None  # not set: reads as None
    server.on("/tags", lambda ex: ex.json(201, TAG))
    client(pkg, server).tags.create(name="x", note=None)
    assert json.loads(server.hits("/tags")[-1].body) == {"name": "x", "note": None}
    client(pkg, server).tags.create(name="x")  # an argument left out is not sent
    assert json.loads(server.hits("/tags")[-1].body) == {"name": "x"}
    # type checkers refuse None for `tags` (see the mypy test); in a model it means "left out"
    assert TagRequest(name="x", tags=None).to_dict() == {"name": "x"}  # type: ignore[arg-type]
    # a model dumped whole (unset fields as None) validates back
    full = TagRequest(name="x").model_dump()
    assert full["tags"] is None and TagRequest.model_validate(full).tags is None


def test_lenient_mode_reads_null_in_a_non_nullable_field_as_left_out(
    wire: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = wire
    from wire import get_validation_errors
    from wire.types import Tag

    server.on(f"/tags/{TAG_ID}", answer({**TAG, "count": None, "exclusive": None}))
    tag = client(pkg, server).tags.retrieve(TAG_ID)
    assert isinstance(tag, Tag) and isinstance(tag.id, uuid.UUID)
    assert tag.count is None and tag.exclusive is False  # null read as left out: the default
    assert get_validation_errors(tag) == []
    with pytest.raises(pkg.APIResponseValidationError, match="exclusive"):
        client(pkg, server, strict=True).tags.retrieve(TAG_ID)
    server.on(f"/tags/{TAG_ID}", answer({**TAG, "count": None}))
    with pytest.raises(pkg.APIResponseValidationError, match="count: Field may not be null"):
        client(pkg, server, strict=True).tags.retrieve(TAG_ID)


# ---- 4. format: uuid and list bodies -----------------------------------------------------------------


def test_uuid_is_uuid_in_responses_and_takes_uuid_or_str_in_requests(
    wire: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = wire
    from wire.types import TagRequest

    server.on(f"/tags/{TAG_ID}", answer({**TAG, "owner": OWNER}))
    api = client(pkg, server)
    tag = api.tags.retrieve(uuid.UUID(TAG_ID))
    assert tag.id == uuid.UUID(TAG_ID) and tag.owner == uuid.UUID(OWNER)
    assert api.tags.retrieve(TAG_ID).id == uuid.UUID(TAG_ID)
    request = TagRequest(name="x", owner=OWNER, members=[uuid.UUID(OWNER), TAG_ID])
    assert request.owner == uuid.UUID(OWNER) and request.members == [
        uuid.UUID(OWNER),
        uuid.UUID(TAG_ID),
    ]
    server.on("/tags", lambda ex: ex.json(201, TAG))
    api.tags.create(name="x", owner=OWNER, members=[uuid.UUID(OWNER), TAG_ID])
    sent = json.loads(server.hits("/tags")[-1].body)
    assert sent == {"name": "x", "owner": OWNER, "members": [OWNER, TAG_ID]}
    with pytest.raises(pydantic.ValidationError):
        TagRequest(name="x", owner="not-a-uuid")


def test_list_body_annotation_takes_models_and_dicts(wire: tuple[Any, Path]) -> None:
    pkg, _ = wire
    from wire.types import ScheduleTrigger

    hints = typing.get_type_hints(pkg.resources.Triggers.batch)
    (item,) = typing.get_args(hints["body"])
    assert ScheduleTrigger in typing.get_args(item)  # the model, or its `…Param` TypedDict
    assert any(typing.is_typeddict(a) for a in typing.get_args(item))


# ---- 5. schema vocabulary ----------------------------------------------------------------------------


def test_prefix_items_are_tuples_with_the_rest_typed(
    wire: tuple[Any, Path], server: LoopServer
) -> None:
    pkg, _ = wire
    body = {**TAG, "position": [52.5, 13.4, "Berlin", "DE"], "span": [1, 2]}
    server.on(f"/tags/{TAG_ID}", answer(body))
    tag = client(pkg, server, strict=True).tags.retrieve(TAG_ID)
    assert tag.position == (52.5, 13.4, "Berlin", "DE") and tag.span == (1, 2)
    adapter = pydantic.TypeAdapter(pkg.types.Position)
    with pytest.raises(pydantic.ValidationError):
        adapter.validate_python([52.5, 13.4, 7])  # the rest are strings
    span = pydantic.TypeAdapter(pkg.types.Span)
    assert span.validate_python([1]) == (1,)  # prefixItems without minItems: fewer is valid
    with pytest.raises(pydantic.ValidationError):
        span.validate_python([1, 2, 3])  # items: false
    server.on(f"/tags/{TAG_ID}", answer({**TAG, "position": [52.5]}))  # minItems: 2
    with pytest.raises(pkg.APIResponseValidationError):
        client(pkg, server, strict=True).tags.retrieve(TAG_ID)


def test_enum_member_names(wire: tuple[Any, Path]) -> None:
    from wire.types import Level, Status

    assert Level.LOW.value == 1 and Level.HIGH.value == 3  # x-enum-varnames
    assert Status.A_THING_WITH_SPACES.value == "a Thing WIth spaces"
    assert Status.IN_PROGRESS.value == "in-progress" and Status.HTTP_SERVER.value == "HTTPServer"


def test_component_that_is_only_a_ref_is_a_named_alias(wire: tuple[Any, Path]) -> None:
    pkg, root = wire
    assert pkg.types.TagAlias is pkg.types.Tag
    source = (root / "src/wire/types/tag_alias.py").read_text()
    assert "TagAlias: _t.TypeAlias = Tag" in source and "Another name for a tag." in source


def test_descriptions_inside_parameter_and_body_schemas_reach_the_docstrings(
    wire: tuple[Any, Path],
) -> None:
    pkg, _ = wire
    assert "name: Only tags with this exact name." in (pkg.resources.Tags.list.__doc__ or "")
    assert "exclusive: `exclusive` (default: `False`)" in (pkg.resources.Tags.list.__doc__ or "")
    doc = pkg.resources.Triggers.batch.__doc__ or ""
    assert "body: The triggers to create, at most 20." in doc


def test_password_fields_are_hidden_from_reprs(wire: tuple[Any, Path]) -> None:
    from wire.types import TagRequest

    request = TagRequest(name="x", api_token="hunter2-secret")
    assert "hunter2-secret" not in repr(request) and "hunter2-secret" not in str(request)
    assert request.to_dict()["api_token"] == "hunter2-secret"  # still sent


# ---- 8. strict response validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"exclusive": 1}, "exclusive"),  # 1 is not a boolean
        ({"count": "3"}, "count"),  # "3" is not an integer
        ({"name": "Bad Name"}, "pattern"),
        ({"name": "a" * 21}, "at most 20"),
        ({"email": "nobody"}, "email"),
        ({"count": -1}, ">= 0"),
        ({"status": "brand-new"}, "status"),  # a value the spec does not list
        ({"owner": "not-a-uuid"}, "owner"),
        ({"created": "yesterday"}, "created"),
        ({"created": 1700000000}, "created"),  # a number is not a date-time string
        ({"name": None}, "name"),  # null in a required, non-nullable field
    ],
)
def test_strict_validation_refuses_what_lenient_reads(
    wire: tuple[Any, Path], server: LoopServer, change: dict[str, Any], error: str
) -> None:
    pkg, _ = wire
    server.on(f"/tags/{TAG_ID}", answer({**TAG, **change}))
    with pytest.raises(pkg.APIResponseValidationError, match=error):
        client(pkg, server, strict=True).tags.retrieve(TAG_ID)
    lenient = client(pkg, server).tags.retrieve(TAG_ID)  # lenient mode as it was: the value is kept
    assert lenient.name == {**TAG, **change}["name"]


def test_strict_validation_accepts_a_valid_body(wire: tuple[Any, Path], server: LoopServer) -> None:
    pkg, _ = wire
    body = {
        **TAG,
        "exclusive": True,
        "email": "a@example.test",
        "count": 0,
        "status": "in-progress",
        "level": 2,
        "owner": None,
        "created": "2024-05-01T12:00:00Z",
    }
    server.on(f"/tags/{TAG_ID}", answer(body))
    tag = client(pkg, server, strict=True).tags.retrieve(TAG_ID)
    assert tag.level is pkg.types.Level.MEDIUM and tag.owner is None
    assert tag.created == datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC)


# ---- static types (mypy) -----------------------------------------------------------------------------

TYPED_USE = """
import uuid
from wire import Wire
from wire.types import ScheduleTrigger, Tag, TagRequest

TagRequest(name="x", owner="0b5e7d7e-3a6f-4a4e-8f8e-2c1d6b0a9f11", members=[uuid.uuid4(), "s"])
TagRequest(name="x", note=None)
def read(tag: Tag) -> None:
    reveal_type(tag.id)
    reveal_type(tag.count)
    reveal_type(tag.exclusive)
client = Wire(base_url="http://x.test")
client.triggers.batch(body=[ScheduleTrigger(name="a", cron="c"), {"name": "b", "cron": "c"}])
client.tags.retrieve(uuid.uuid4())
client.tags.list(owner=None)
TagRequest(name="x", tags=None)  # E1
client.tags.list(name=None)  # E2
"""


@pytest.mark.slow
def test_types_say_what_is_accepted_and_what_comes_back(
    wire: tuple[Any, Path], tmp_path: Path
) -> None:
    _, root = wire
    script = tmp_path / "use.py"
    script.write_text(TYPED_USE)
    proc = mypy_strict(tmp_path, root / "src", script)
    lines = proc.stdout.splitlines()
    assert 'Revealed type is "uuid.UUID"' in proc.stdout
    assert 'Revealed type is "int | None"' in proc.stdout
    assert 'Revealed type is "bool"' in proc.stdout
    errors = [line for line in lines if ": error:" in line]
    assert len(errors) == 2, proc.stdout
    assert '"tags" to "TagRequest" has incompatible type "None"' in errors[0]
    assert '"name" to "list" of "Tags" has incompatible type "None"' in errors[1]


def test_pattern_checks_are_bounded_against_backtracking(wire: tuple[Any, Path]) -> None:
    """Both the pattern (the spec) and the value (the server) are untrusted: a pattern that backtracks
    exponentially is only checked on short values, so a long near miss cannot hang a strict client."""
    from wire import _checks
    from wire._models import BaseModel

    class Risky(BaseModel):
        code: str
        __clientgen_checks__: typing.ClassVar[Any] = {"code": {"pattern": "^(a+)+$"}}

    class Plain(BaseModel):
        code: str
        __clientgen_checks__: typing.ClassVar[Any] = {"code": {"pattern": "^a+$"}}

    assert _checks.constraint_errors(Risky(code="aaab"))  # short: checked
    assert _checks.constraint_errors(Risky(code="a" * 5000 + "b")) == []  # not checked
    assert _checks.constraint_errors(Plain(code="a" * 900 + "b"))  # checked up to 1,000 characters
    assert _checks.constraint_errors(Plain(code="a" * 5000 + "b")) == []
