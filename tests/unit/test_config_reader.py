"""The cheap configuration reader (`generator/config_types.py`, no pydantic) and the schema
(`generator/config_schema.py`, pydantic) give the same answers: a table the cheap reader vouches for is
one the schema accepts, with the same values and the same provenance digest; a table it does not vouch
for goes to the schema, whose `bad-config` message is today's. Structure, no timings."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import MISSING, fields
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from generator import config_schema, config_types
from generator.config import read_target
from generator.diagnostics import SpecError
from tests.conftest import REPO

BASE = {
    "name": "t",
    "spec": "s.json",
    "output": "out",
    "package": "shop",
    "client_name": "Shop",
    "env_prefix": "SHOP",
}
PAGE = {"style": "cursor", "param": "after", "next": "meta.next"}
UPLOAD = {"method": "upload", "url_field": "data.url", "max_bytes": 10, "name_attribute": "n"}
LINK = {
    "method": "link",
    "left_operation": "a",
    "left_relationship": "b",
    "right_operation": "c",
    "right_relationship": "d",
}

# tables the cheap reader reads itself (every key of every model appears in one)
VOUCHED: list[dict[str, Any]] = [
    {},
    {"package_version": "1.4.0rc1", "distribution": "my.dist-name_2", "envelope_field": "x"},
    {"envelope_meta": ["a", "b"], "live_url": "https://x", "webhook_signature_header": "X-Sig"},
    {"envelope_meta": ("a",), "jsonapi": True, "regions": {"us": "https://a", "eu": "https://b"}},
    {"method_names": {"op": "get", "op2": "res.sub.list"}, "resource_names": {"Tag": "tags"}},
    {"class_names": {"Pet": "Animal"}, "upload_limits": {"up": 52428800}},
    {"error_codes": {"bad": 400, "gone": {"status": 410, "name": "GoneError", "details": ["x"]}}},
    {"error_codes": {"odd": {}, "none": {"status": None, "name": ""}}},
    {"session": {"login_operation": "login", "refresh_operation": "refresh", "credentials": ["u"]}},
    {"session": {"login_operation": "l", "access_token": "t", "refresh_token": ""}},
    {"session": None},
    {"presigned_uploads": {"create": UPLOAD}, "link_helpers": [LINK]},
    {"presigned_uploads": {"c": {"url_field": "u", "max_bytes": None, "type_attribute": "t"}}},
    {"presigned_uploads": {"c": {"url_field": "u", "size_attribute": "s"}}},
    {"link_helpers": (LINK, LINK)},
    {"pagination": {}},
    {
        "pagination": {
            "page_param": "p",
            "limit_param": "l",
            "pagination_field": "f",
            "exclude": ["a"],
            "include": ["b"],
            "detect": False,
            "extensions": False,
            "default": {"style": "page_number", "param": "page", "limit_param": "per_page"},
            "operations": {"x": False, "y": PAGE},
        }
    },
    {"pagination": {"default": None, "operations": {"z": {"style": "link_header"}}}},
    {
        "pagination": {
            "operations": {
                "w": {
                    "style": "next_link",
                    "next": "n",
                    "param_in": "body",
                    "items": "i",
                    "has_more": "h",
                    "total_items": "ti",
                    "total_pages": "tp",
                }
            }
        }
    },
    {"pagination": {"operations": {"o": {"style": "offset", "param": "o", "param_in": "query"}}}},
    {"pagination": {"operations": {"s": {"style": "starting_after", "param": "s"}}}},
]

# tables the schema must decide: errors, and values pydantic coerces or refuses
UNSURE: list[dict[str, Any]] = [
    {"nope": 1},
    {"package": "my-client"},
    {"package": "class"},
    {"client_name": "Hooks"},
    {"client_name": "Page"},  # `AsyncPage` is exported
    {"env_prefix": "1X"},
    {"package_version": "not a version"},
    {"distribution": "-x"},
    {"envelope_meta": "meta"},
    {"envelope_meta": ["a", 1]},
    {"jsonapi": 1},
    {"jsonapi": "true"},
    {"method_names": {"op": "a.b-c"}},
    {"method_names": {"op": 1}},
    {"resource_names": {"T": "for"}},
    {"class_names": {"P": "9x"}},
    {"upload_limits": {"u": "10"}},
    {"upload_limits": {"u": True}},
    {"upload_limits": {"u": 1.0}},
    {"error_codes": {"x": "400"}},
    {"error_codes": {"x": True}},
    {"error_codes": {"x": {"status": "400"}}},
    {"error_codes": {"x": {"name": "not valid"}}},
    {"error_codes": {"x": {"extra": 1}}},
    {"session": {}},
    {"session": {"login_operation": 1}},
    {"session": "login"},
    {"presigned_uploads": {"c": {}}},
    {"presigned_uploads": {"c": {"url_field": "u", "method": "class"}}},
    {"presigned_uploads": {"c": {"url_field": "u", "max_bytes": "1"}}},
    {"link_helpers": [{**LINK, "method": "a b"}]},
    {"link_helpers": [{"method": "m"}]},
    {"link_helpers": LINK},
    {"pagination": {"operations": {"a": {"style": "cursor", "param": "c"}}}},
    {"pagination": {"operations": {"a": {"style": "offset"}}}},
    {"pagination": {"operations": {"a": {"style": "pages"}}}},
    {"pagination": {"operations": {"a": True}}},
    {"pagination": {"operations": {"a": {**PAGE, "param_in": "header"}}}},
    {"pagination": {"detect": "no"}},
    {"pagination": {"exclude": "a"}},
    {"pagination": {"default": False}},
    {"pagination": {"unknown": 1}},
    {"pagination": []},
    {"name": 1},
    {"spec": None},
]


def _schema_digest(model: BaseModel) -> str:
    data = model.model_dump(mode="json", exclude={"spec", "output"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _project_tables() -> list[dict[str, Any]]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [{"name": n, **t} for n, t in data["tool"]["clientgen"]["targets"].items()]


@pytest.mark.parametrize("table", VOUCHED + [t for t in _project_tables()])
def test_a_vouched_table_is_the_schemas_target(table: dict[str, Any]) -> None:
    data = {**BASE, **table}
    cheap = config_types.cheap_target(data)
    assert cheap is not None, table
    model = config_schema.TargetConfig.model_validate(data)
    assert cheap == config_schema.plain(model)
    assert cheap.digest() == _schema_digest(model)
    assert read_target(data, "test", "") == cheap


@pytest.mark.parametrize("table", UNSURE)
def test_what_the_cheap_reader_does_not_vouch_for_goes_to_the_schema(
    table: dict[str, Any],
) -> None:
    data = {**BASE, **table}
    assert config_types.cheap_target(data) is None, table
    try:
        model = config_schema.TargetConfig.model_validate(data)
    except ValidationError as exc:
        expected = config_schema.config_error(exc, "test", "f.toml").diagnostic.render()
        with pytest.raises(SpecError) as raised:
            read_target(data, "test", "f.toml")
        assert raised.value.diagnostic.render() == expected
    else:  # pydantic coerces it: the target is the schema's
        assert read_target(data, "test", "") == config_schema.plain(model)


def test_missing_required_keys_go_to_the_schema() -> None:
    for key in ("name", "spec", "output", "package", "client_name", "env_prefix"):
        data = {k: v for k, v in BASE.items() if k != key}
        assert config_types.cheap_target(data) is None
        with pytest.raises(SpecError, match=f"test {key}: Field required"):
            read_target(data, "test", "")


def test_the_tables_cover_every_key() -> None:
    seen: set[str] = set()

    def walk(cls: type, value: Any) -> None:
        for f in fields(cls):
            if f.name in value:
                seen.add(f"{cls.__name__}.{f.name}")

    for table in VOUCHED:
        target = config_types.cheap_target({**BASE, **table})
        assert target is not None
        walk(config_types.TargetConfig, {**BASE, **table})
        for key, cls in (
            ("session", config_types.SessionConfig),
            ("pagination", config_types.PaginationConfig),
        ):
            if isinstance(table.get(key), dict):
                walk(cls, table[key])
        for inner in table.get("presigned_uploads", {}).values():
            walk(config_types.PresignedUploadConfig, inner)
        for inner in table.get("link_helpers", ()):
            walk(config_types.LinkHelperConfig, inner)
        for inner in table.get("error_codes", {}).values():
            if isinstance(inner, dict):
                walk(config_types.ErrorCodeConfig, inner)
        pagination = table.get("pagination") or {}
        for inner in [pagination.get("default"), *pagination.get("operations", {}).values()]:
            if isinstance(inner, dict):
                walk(config_types.PageDeclaration, inner)
    every = {f"{name}.{f.name}" for name in _MODELS for f in fields(getattr(config_types, name))}
    assert every - seen == set()


_MODELS = (
    "TargetConfig",
    "PaginationConfig",
    "PageDeclaration",
    "ErrorCodeConfig",
    "SessionConfig",
    "PresignedUploadConfig",
    "LinkHelperConfig",
)


@pytest.mark.parametrize("name", _MODELS)
def test_the_plain_types_have_the_schemas_fields_and_defaults(name: str) -> None:
    model: type[BaseModel] = getattr(config_schema, name)
    plain = getattr(config_types, name)
    got = {}
    for f in fields(plain):
        if f.default is not MISSING:
            got[f.name] = f.default
        elif f.default_factory is not MISSING:
            got[f.name] = f.default_factory()
        else:
            got[f.name] = MISSING
    want = {
        k: MISSING
        if info.is_required()
        else config_schema.plain(info.get_default(call_default_factory=True))
        for k, info in model.model_fields.items()
    }
    assert got == want
