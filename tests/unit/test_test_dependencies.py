"""Every package of pyproject's `test` extra is used: each is listed here with the file that uses it
(imports it, runs it, or needs it installed), and that file still does. A dependency nothing uses any
more fails here; a new one must say where it is used."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO

# distribution → (file, text that shows the use)
USED_BY = {
    "pytest": ("tests/conftest.py", "import pytest"),
    "syrupy": ("tests/load_parse/test_bad_input.py", "== snapshot"),
    "mypy": ("scripts/lint", ".venv/bin/mypy"),
    "hypothesis": ("tests/security/test_hostile.py", "from hypothesis import"),
    "pytest-xdist": ("scripts/test", 'pytest -n "$workers"'),
    "pytest-asyncio": ("pyproject.toml", 'asyncio_mode = "auto"'),
    "jsonschema": ("tests/support/openapi.py", "import jsonschema"),
    "pre-commit": ("tests/workflow/test_wf_precommit.py", '"-m", "pre_commit"'),
    "markdown-it-py": ("tests/unit/test_escape.py", "from markdown_it import"),
    # the stubs of `yaml` for `mypy --strict` over generator/ (scripts/lint)
    "types-PyYAML": ("generator/yaml_text.py", "import yaml"),
    "build": ("tests/package/test_publishable.py", '"-m", "build", "--no-isolation"'),
    "twine": ("tests/package/test_publishable.py", '"-m", "twine"'),
    # `build --no-isolation` builds generated packages with the backend installed here
    "hatchling": ("templates/package/pyproject.toml.jinja", 'build-backend = "hatchling.build"'),
    "sse-starlette": ("tests/e2e/test_sse_starlette.py", "from sse_starlette import"),
    "uvicorn": ("tests/support/uvicorn_server.py", "import uvicorn"),
}


def _test_extra() -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [
        re.split(r"[=<>!~ \[;]", req, maxsplit=1)[0]
        for req in project["optional-dependencies"]["test"]
    ]


def test_every_test_dependency_says_where_it_is_used() -> None:
    assert sorted(_test_extra(), key=str.lower) == sorted(USED_BY, key=str.lower)


def test_every_test_dependency_is_still_used_there() -> None:
    unused = [
        dist
        for dist, (path, text) in USED_BY.items()
        if text not in (REPO / path).read_text(encoding="utf-8")
    ]
    assert unused == []
