"""`clientgen diff` is the CI gate: one small spec pair per rule it used to get wrong (issue 16)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_wf_rules import Doc, base, only, schema
from wf_support import REPO

from generator.workflow.changes import Layer, Level, Report
from generator.workflow.diff import diff_files

PETS = "/pets"


def get(d: Doc) -> Doc:
    op: Doc = d["paths"][PETS]["get"]
    return op


@pytest.fixture
def diff(tmp_path: Path) -> Callable[[Doc, Doc], Report]:
    """diff(old, new): the report for two documents."""

    def _diff(old: Doc, new: Doc) -> Report:
        (tmp_path / "old.json").write_text(json.dumps(old))
        (tmp_path / "new.json").write_text(json.dumps(new))
        return diff_files(tmp_path / "old.json", tmp_path / "new.json")

    return _diff


def docs(edit_old: Callable[[Doc], None], edit_new: Callable[[Doc], None]) -> tuple[Doc, Doc]:
    old, new = base(), base()
    edit_old(old)
    edit_new(new)
    return old, new


def codes(report: Report) -> list[tuple[str, str, str]]:
    return [(c.layer.value, c.level.value, c.code) for c in report.changes]


# ---- edits with no meaning ----------------------------------------------------------------------
def test_reordered_parameters_and_tags_are_no_change(diff: Any) -> None:
    def old(d: Doc) -> None:
        d["tags"] = [{"name": "Owners", "description": "People."}, {"name": "Pets"}]
        get(d)["tags"] = ["Pets", "Owners"]

    def new(d: Doc) -> None:
        d["tags"] = [{"name": "Pets"}, {"name": "Owners", "description": "People."}]
        get(d)["tags"] = ["Pets", "Owners"]
        get(d)["parameters"].reverse()

    report = diff(*docs(old, new))
    assert report.changes == [] and report.semver() == ("none", "1.0.0")


def test_an_inline_schema_replaced_by_an_identical_ref_is_no_change(diff: Any) -> None:
    """`kind` is inline in the old spec (with its own description) and a `$ref` to the same
    component in the new one: no wire change, no prose change, no suggested release."""

    short = {"type": "string", "maxLength": 8, "pattern": "^[a-z]+$"}

    def inline(d: Doc) -> None:
        kind = {"type": "string", "enum": ["cat", "dog"], "description": "What it is."}
        schema(d, "Kind")["description"] = "What it is."
        schema(d, "Pet")["properties"]["tag"] = kind
        schema(d, "NewPet")["properties"]["name"] = dict(short)
        d["components"]["schemas"]["Short"] = dict(short)

    def ref(d: Doc) -> None:
        inline(d)
        schema(d, "Pet")["properties"]["tag"] = {"$ref": "#/components/schemas/Kind"}
        schema(d, "NewPet")["properties"]["name"] = {"$ref": "#/components/schemas/Short"}

    report = diff(*docs(inline, ref))
    assert [c for c in report.changes if c.layer is Layer.WIRE] == []
    assert report.of(Level.NON_BREAKING, Layer.WIRE) == []


def test_one_inserted_parameter_is_one_change(diff: Any) -> None:
    """Lists are matched by identity: an inserted parameter does not make every later one 'changed'
    (not in the rules, not in the prose)."""

    def old(d: Doc) -> None:
        for p in get(d)["parameters"]:
            p["description"] = f"The {p['name']}."

    def new(d: Doc) -> None:
        old(d)
        get(d)["parameters"].insert(
            0, {"name": "sort", "in": "query", "schema": {"type": "string"}, "description": "x"}
        )

    report = diff(*docs(old, new))
    assert codes(report) == [
        ("wire", "non-breaking", "parameter-added"),
        ("python", "non-breaking", "argument-added"),
    ]


def test_a_removed_webhook_event_is_one_change(diff: Any) -> None:
    """Removing one `x-webhook-events` entry reports that event, not every later one."""

    def old(d: Doc) -> None:
        with_events(d, ["pet.born", "pet.sold", "pet.lost"])

    def new(d: Doc) -> None:
        with_events(d, ["pet.born", "pet.lost"])

    report = diff(*docs(old, new))
    assert [(c.code, c.subject) for c in report.changes if c.layer is Layer.WIRE] == [
        ("webhook-removed", "webhook pet.sold")
    ]
    assert report.of(Level.PROSE) == []


# ---- parameter limits ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("location", "old_schema", "new_schema", "breaking", "message"),
    [
        ("query", {"maximum": 100}, {"maximum": 50}, True, "maximum 100 → 50"),
        ("query", {"maximum": 50}, {"maximum": 100}, False, "maximum 50 → 100"),
        ("query", {}, {"minimum": 1}, True, "minimum none → 1"),
        ("query", {"minimum": 1}, {}, False, "minimum 1 → none"),
        ("query", {"multipleOf": 2}, {"multipleOf": 4}, True, "multipleOf 2 → 4"),
        ("query", {"multipleOf": 4}, {"multipleOf": 2}, False, "multipleOf 4 → 2"),
        ("header", {"type": "string"}, {"type": "string", "maxLength": 8}, True, "maxLength"),
        ("header", {"type": "string", "minLength": 3}, {"type": "string"}, False, "minLength"),
        ("path", {"type": "string"}, {"type": "string", "pattern": "^[a-z]+$"}, True, "pattern"),
        ("path", {"type": "string", "pattern": "^[a-z]+$"}, {"type": "string"}, False, "pattern"),
    ],
)
def test_parameter_limits_are_compared_in_the_request_direction(
    diff: Any,
    location: str,
    old_schema: Doc,
    new_schema: Doc,
    breaking: bool,
    message: str,
) -> None:
    def param(schema_: Doc) -> Callable[[Doc], None]:
        def edit(d: Doc) -> None:
            p = {
                "name": "x",
                "in": location,
                "required": True,
                "schema": {"type": "integer", **schema_},
            }
            path = "/pets/{x}" if location == "path" else PETS
            d["paths"].setdefault(path, {}).setdefault("get", copy_get(d))["parameters"] = [p]

        return edit

    report = diff(*docs(param(old_schema), param(new_schema)))
    change = only(report, "request-constraint-changed")
    assert change.message.startswith(message) and change.subject.endswith(
        f"{location} parameter `x`"
    )
    assert change.level is (Level.BREAKING if breaking else Level.NON_BREAKING)
    assert report.exit_code() == (1 if breaking else 0)


def test_a_parameter_enum_losing_a_value_breaks(diff: Any) -> None:
    def enum(values: list[str]) -> Callable[[Doc], None]:
        def edit(d: Doc) -> None:
            get(d)["parameters"][1]["schema"] = {"type": "string", "enum": values}

        return edit

    report = diff(*docs(enum(["a", "b"]), enum(["a"])))
    assert only(report, "request-enum-values-removed").level is Level.BREAKING


# ---- webhooks -----------------------------------------------------------------------------------
def with_events(d: Doc, events: list[str], data: str = "Pet") -> None:
    schemas = d["components"]["schemas"]
    schemas["Envelope"] = {
        "type": "object",
        "required": ["event", "data"],
        "properties": {"event": {"type": "string"}, "data": {"type": "object"}},
    }
    d["x-webhook-events"] = [
        {
            "event": e,
            "description": f"Sent when {e}.",
            "envelopeSchema": "#/components/schemas/Envelope",
            "dataSchema": f"#/components/schemas/{data}",
        }
        for e in events
    ]


def test_vendor_webhook_payloads_are_compared_like_responses(diff: Any) -> None:
    def old(d: Doc) -> None:
        with_events(d, ["pet.born"], data="Pet")

    def new(d: Doc) -> None:
        with_events(d, ["pet.born", "pet.sold"], data="Pet")
        schema(d, "Pet")["properties"].pop("name")  # a payload field removed: breaks readers
        schema(d, "Pet")["required"].remove("kind")  # may now be absent: breaks readers

    report = diff(*docs(old, new))
    removed = only(report, "response-field-removed")
    assert removed.subject == "Pet.name" and removed.level is Level.BREAKING
    assert "webhook pet.born" in removed.operations and "GET /pets" in removed.operations
    assert only(report, "response-field-optional").level is Level.BREAKING
    added = only(report, "webhook-added")
    assert added.subject == "webhook pet.sold" and added.level is Level.NON_BREAKING


def test_openapi_31_webhook_payloads_are_compared_like_responses(diff: Any) -> None:
    def hooks(status: list[str]) -> Callable[[Doc], None]:
        def edit(d: Doc) -> None:
            d["openapi"] = "3.1.0"
            body = {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "status": {"type": "string", "enum": status},
                },
            }
            d["webhooks"] = {
                "petChanged": {
                    "post": {
                        "requestBody": {"content": {"application/json": {"schema": body}}},
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            }

        return edit

    report = diff(*docs(hooks(["new", "sold"]), hooks(["new", "sold", "lost"])))
    added = only(report, "response-enum-values-added")
    assert added.level is Level.NON_BREAKING and added.operations == {"webhook petChanged"}
    report = diff(*docs(hooks(["new", "sold"]), hooks(["new"])))
    assert only(report, "response-enum-values-removed").level is Level.NON_BREAKING


# ---- response narrowing -------------------------------------------------------------------------
def test_response_narrowing_breaks_only_the_python_surface(diff: Any) -> None:
    """An enum value no longer returned and a free-form object now described narrow what a client
    reads: not breaking on the wire (the Python enum losing a member is reported on its own)."""

    def old(d: Doc) -> None:
        schema(d, "Pet")["properties"]["extra"] = {"type": "object"}
        schema(d, "Pet")["properties"]["mood"] = {"type": "string", "enum": ["calm", "wild"]}

    def new(d: Doc) -> None:
        schema(d, "Pet")["properties"]["extra"] = {
            "type": "object",
            "properties": {"colour": {"type": "string"}},
        }
        schema(d, "Pet")["properties"]["mood"] = {"type": "string", "enum": ["calm"]}

    report = diff(*docs(old, new))
    assert report.of(Level.BREAKING, Layer.WIRE) == []
    assert only(report, "response-enum-values-removed").level is Level.NON_BREAKING
    assert only(report, "response-type-changed").level is Level.NON_BREAKING
    assert only(report, "enum-member-removed", Layer.PYTHON).level is Level.BREAKING
    # the other way round widens what is read: breaking
    report = diff(*docs(new, old))
    assert only(report, "response-type-changed").level is Level.BREAKING


def test_free_form_request_object_becoming_described_breaks(diff: Any) -> None:
    def body(node: Doc) -> Callable[[Doc], None]:
        def edit(d: Doc) -> None:
            schema(d, "NewPet")["properties"]["extra"] = node

        return edit

    described = {"type": "object", "properties": {"colour": {"type": "string"}}}
    report = diff(*docs(body({"type": "object"}), body(described)))
    assert only(report, "request-type-changed").level is Level.BREAKING
    report = diff(*docs(body(described), body({"type": "object"})))
    assert only(report, "request-type-changed").level is Level.NON_BREAKING


# ---- shared schemas -----------------------------------------------------------------------------
def test_a_change_in_a_shared_recursive_schema_is_reported_under_every_operation(
    diff: Any,
) -> None:
    """`Owner` and `Pet` refer to each other; `/owners` returns an Owner, `/pets` Pets. A field removed
    from Owner is reached from both operations (the second one only through the cycle)."""

    def edit(keep_phone: bool) -> Callable[[Doc], None]:
        def _edit(d: Doc) -> None:
            owner = {"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}}
            if keep_phone:
                owner["properties"]["phone"] = {"type": "string"}
            d["components"]["schemas"]["Owner"] = owner
            schema(d, "Pet")["properties"]["owner"] = {"$ref": "#/components/schemas/Owner"}
            d["paths"] = {"/owners": {"get": copy_get(d, "Owner")}, **d["paths"]}  # met first

        return _edit

    report = diff(*docs(edit(True), edit(False)))
    removed = only(report, "response-field-removed")
    assert removed.subject == "Owner.phone"
    assert {"GET /owners", "GET /pets", "POST /pets"} <= removed.operations


def test_text_report_names_the_operations_a_shared_schema_reaches(diff: Any) -> None:
    from generator.workflow.text import render_text

    def edit(d: Doc) -> None:
        schema(d, "Pet")["properties"].pop("age")
        for i in range(4):
            d["paths"][f"/pets{i}"] = {"get": copy_get(d, "Pet")}

    def old(d: Doc) -> None:
        for i in range(4):
            d["paths"][f"/pets{i}"] = {"get": copy_get(d, "Pet")}

    text = render_text(diff(*docs(old, edit)))
    assert "Pet.age: field removed  [Pet: 6 operations]" in text
    assert "Pet — affects 6 operations: GET /pets, GET /pets0, GET /pets1, GET /pets2," in text


# ---- renames ------------------------------------------------------------------------------------
def test_a_field_replaced_by_one_of_the_same_type_is_a_possible_rename(diff: Any) -> None:
    def rename(d: Doc) -> None:
        props = schema(d, "Pet")["properties"]
        props["nickname"] = props.pop("name")

    report = diff(*docs(nothing, rename))
    removed = only(report, "response-field-removed")
    assert removed.level is Level.BREAKING
    assert removed.message == "field removed (possibly renamed to `nickname`)"
    assert only(report, "response-field-added").message == "field added (possibly `name` renamed)"

    def two(d: Doc) -> None:  # two candidates of the same type: no guess
        rename(d)
        schema(d, "Pet")["properties"]["colour"] = {"type": "string"}

    assert only(diff(*docs(nothing, two)), "response-field-removed").message == "field removed"


# ---- incomplete documents -----------------------------------------------------------------------
def test_a_document_without_paths_is_not_compared(tmp_path: Path) -> None:
    from generator.diagnostics import SpecError

    old, new = base(), base()
    del new["paths"]
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    with pytest.raises(SpecError) as info:
        diff_files(tmp_path / "old.json", tmp_path / "new.json")
    assert info.value.diagnostic.code == "incomplete-spec"
    assert info.value.diagnostic.file == str(tmp_path / "new.json")
    assert "no 'paths' section" in info.value.diagnostic.message


def nothing(d: Doc) -> None:
    pass


def copy_get(d: Doc, returns: str = "") -> Doc:
    import copy

    op = copy.deepcopy(get(d))
    op.pop("operationId", None)
    op["parameters"] = []
    if returns:
        op["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": f"#/components/schemas/{returns}"
        }
    return op


# ---- through the command line: exit 2 for incomplete specs, targets found from the config ---------
CX_SPEC = REPO / "specs" / "casexchange" / "openapi.yml"


def _package(result: Any) -> str:
    assert result.exit_code == 0, result.output
    package: str = json.loads(result.stdout)["package"]
    return package


@pytest.mark.slow  # several `clientgen diff` runs over the whole CaseXchange spec
def test_a_truncated_spec_exits_2_with_the_reason(tmp_path: Path, run: Any) -> None:
    """Cut at a line boundary half-way through `paths` (a valid YAML document, every value complete):
    before, "N breaking"."""
    lines = CX_SPEC.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("paths:"))
    middle = start + (len(lines) - start) // 2
    end = next(
        i for i in range(middle, len(lines)) if lines[i].startswith("          description:")
    )
    cut = tmp_path / "cut.yml"
    cut.write_text("".join(lines[: end + 1]))
    result = run(REPO, "diff", str(CX_SPEC), str(cut))
    assert result.exit_code == 2 and result.stdout == ""
    assert "cannot read the new spec" in result.stderr
    assert "incomplete-spec" in result.stderr and "stops inside 'paths'" in result.stderr
    assert "('x-webhook-events')" in result.stderr
    result = run(REPO, "diff", str(cut), str(CX_SPEC))  # either side
    assert result.exit_code == 2 and "cannot read the old spec" in result.stderr

    no_paths = tmp_path / "no_paths.json"  # "No changes" between two such documents, before
    no_paths.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}}))
    result = run(REPO, "diff", str(no_paths), str(no_paths))
    assert result.exit_code == 2 and "no 'paths' section" in result.stderr


@pytest.mark.slow  # several `clientgen diff` runs over the whole CaseXchange spec
def test_dropping_the_last_section_is_an_edit_not_a_truncation(tmp_path: Path, run: Any) -> None:
    """A spec that loses its final section (and the last path) is compared, not refused."""
    import yaml

    document = yaml.safe_load(CX_SPEC.read_text())
    del document["x-webhook-events"]
    document["paths"].popitem()
    edited = tmp_path / "edited.yml"
    edited.write_text(yaml.safe_dump(document, sort_keys=False))
    result = run(REPO, "diff", str(CX_SPEC), str(edited), "--format", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["breaking"]


@pytest.mark.slow  # several `clientgen diff` runs over the whole CaseXchange spec
def test_the_target_is_found_for_specs_outside_the_repository(tmp_path: Path, run: Any) -> None:
    outside_a, outside_b = tmp_path / "a.yml", tmp_path / "b.yml"
    shutil.copy(CX_SPEC, outside_a)
    shutil.copy(CX_SPEC, outside_b)
    fmt = ("--format", "json")
    assert _package(run(REPO, "diff", str(outside_a), "specs/casexchange/openapi.yml", *fmt)) == (
        "casexchange"
    )
    # neither file is a target's spec: matched by info.title
    assert _package(run(REPO, "diff", str(outside_a), str(outside_b), *fmt)) == "casexchange"
    book = REPO / "specs" / "casebook" / "openapi.yml"
    assert (
        _package(run(REPO, "diff", str(outside_a), str(outside_b), "--target", "casebook", *fmt))
        == "casebook"
    )
    # run from outside the repository: the project is found above NEW
    assert _package(run(tmp_path, "diff", str(outside_a), str(CX_SPEC), *fmt)) == "casexchange"
    assert _package(run(tmp_path, "diff", str(book), str(book), *fmt)) == "casebook"
    # an unknown title and no project: generic names from the title
    assert _package(run(tmp_path, "diff", str(outside_a), str(outside_b), *fmt)) == (
        "case_xchange_public_api"
    )
