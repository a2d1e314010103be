"""What documents a generated package: api.md (every resource and method: signature, summary, an
example call) and the README's operations by resource; spec text reaches both only escaped."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.config import load_targets
from tests.conftest import FIXTURES, REPO
from tests.support.apidoc import anchors, example_calls, links_to, python_blocks

DOCS = (FIXTURES / "specs" / "docs_30.yml").read_text()
TARGETS = load_targets(REPO / "pyproject.toml")
IDS = [t.name for t in TARGETS]


def _section(readme: str, heading: str) -> str:
    """`## heading` up to the next `## ` heading."""
    found = re.search(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", readme, flags=re.S | re.M)
    assert found, heading
    return found.group(0)


@pytest.fixture
def notes(generate_package: Any) -> Path:
    return generate_package(DOCS, package="notes", client_name="Notes")[1]


def test_api_md_snapshot(notes: Path, snapshot: Any) -> None:
    assert (notes / "api.md").read_text() == snapshot


def test_readme_operations_and_tests_snapshot(notes: Path, snapshot: Any) -> None:
    readme = (notes / "README.md").read_text()
    assert _section(readme, "Tests") + _section(readme, "Operations") == snapshot


def test_spec_text_is_escaped(notes: Path) -> None:
    api_md = (notes / "api.md").read_text()
    readme = (notes / "README.md").read_text()
    for text in (api_md, readme):
        assert "<script>" not in text and "<b>" not in text
    # a `|` in a summary stays inside its table cell: every row of a table has its header's cells
    for table in re.findall(r"(?:^\|.*\n)+", readme, flags=re.M):
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table.splitlines()}
        assert len(widths) == 1, table


def test_summary_falls_back_to_the_description_and_marks_deprecation(notes: Path) -> None:
    api_md = (notes / "api.md").read_text()
    get = api_md.split("### `client.notes.get`", 1)[1].split("###", 1)[0]
    assert "Fetch one note by its id" in get  # description's first paragraph, on one line
    labels = api_md.split("### `client.labels_tags.list`", 1)[1].split("##", 1)[0]
    assert labels.strip().startswith("`GET /labels`")  # no summary: not `GET /labels` twice
    listed = api_md.split("### `client.notes.list`", 1)[1].split("###", 1)[0]
    assert "Second paragraph" not in listed  # the summary wins over the description
    assert "**Deprecated.** Delete a note" in api_md


def test_examples_use_the_spec_examples(notes: Path) -> None:
    calls = "\n".join(example_calls((notes / "api.md").read_text()))
    assert 'tag="groceries"' in calls  # the parameter's example
    assert 'title="Buy milk"' in calls  # the request body's example


def test_spec_without_security_shows_how_to_pass_a_token(
    notes: Path, generate_package: Any
) -> None:
    readme = (notes / "README.md").read_text()
    assert 'default_headers={"Authorization": "Bearer <token>"}' in readme
    assert "| Access |" not in readme  # nothing to say about access
    secured = DOCS.replace(
        "servers:",
        "security: [{bearer: []}]\ncomponents_placeholder: 1\nservers:",
    )
    secured = secured.replace("components_placeholder: 1\n", "").replace(
        "components:\n  schemas:",
        "components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n  schemas:",
    )
    # one operation needs no credentials: it is the only one labelled
    secured = secured.replace(
        "      operationId: listLabels\n", "      operationId: listLabels\n      security: []\n"
    )
    root = generate_package(secured, package="securednotes", client_name="Notes")[1]
    readme = (root / "README.md").read_text()
    assert "Bearer <token>" not in readme
    operations = _section(readme, "Operations")
    assert "| Method | HTTP | Summary | Access |" in operations
    rows = [r for r in operations.splitlines() if r.startswith("| [`client.")]
    public = [r for r in rows if r.rstrip().endswith("| public |")]
    assert [r.split("`")[1] for r in public] == ["client.labels_tags.list"]
    assert len(rows) == 5


@pytest.mark.parametrize("target", TARGETS, ids=IDS)
def test_api_md_has_every_operation_and_the_links_resolve(target: object) -> None:
    root = Path(target.output)  # type: ignore[attr-defined]
    api_md = (root / "api.md").read_text()
    readme = (root / "README.md").read_text()
    calls = [op["call"] for op in json.loads((root / "operations.json").read_text())["operations"]]
    headings = re.findall(r"^### `client\.(.+)`$", api_md, flags=re.M)
    assert sorted(headings) == sorted(calls)
    assert len(example_calls(api_md)) == len(calls)
    for block in python_blocks(api_md):
        ast.parse(block)
    targets = anchors(api_md)
    linked = links_to(readme, "api.md") + links_to(api_md, "")
    assert linked and set(linked) <= targets
    assert set(links_to(readme, "")) <= anchors(readme)
