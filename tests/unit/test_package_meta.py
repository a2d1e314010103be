"""The generated package's metadata: PEP 440 versions, SPDX licences, authors, URLs, classifiers,
dependencies and the distribution name."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from generator.ir import PackageInfo
from generator.render.package_views import spdx_expression
from generator.versions import pep440
from tests.conftest import spec_doc


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.0.0", "1.0.0"),
        ("v2", "2"),
        ("2022-11-15", "2022.11.15"),
        ("2024-04-10.acacia", "2024.4.10"),
        ("Wed Oct 15 2025 13:53:19 GMT+0000 (Coordinated Universal Time)", "2025.10.15"),
        ("1.0-beta", "1.0b0"),
        ("2.0.0-rc.1", "2.0.0rc1"),
        ("v1_2", "1.2"),
        ("latest", "0.0.0"),
        ("", "0.0.0"),
    ],
)
def test_pep440(raw: str, expected: str) -> None:
    assert pep440(raw) == expected
    assert str(Version(expected)) == expected  # what pip accepts, in canonical form


@pytest.mark.parametrize(
    ("name", "identifier", "expected"),
    [
        ("Apache 2.0", "", "Apache-2.0"),
        ("Apache License, Version 2.0", "", "Apache-2.0"),
        ("MIT", "", "MIT"),
        ("The MIT License", "", "MIT"),
        ("mit", "", "MIT"),
        ("BSD 3-Clause", "", "BSD-3-Clause"),
        ("Whatever", "BSD-3-Clause OR MIT", "BSD-3-Clause OR MIT"),
        ("Proprietary", "", ""),
        ("", "", ""),
    ],
)
def test_spdx(name: str, identifier: str, expected: str) -> None:
    assert (
        spdx_expression(PackageInfo(license_name=name, license_identifier=identifier)) == expected
    )


def _pyproject(root: Path) -> dict[str, Any]:
    return tomllib.loads((root / "pyproject.toml").read_text())


def test_metadata_from_info_and_external_docs(generate_package: Any) -> None:
    doc = spec_doc(
        {"/a": {"get": {"operationId": "getA", "responses": {"204": {"description": "ok"}}}}},
        externalDocs={"url": "https://docs.example.test/api"},
    )
    doc["info"] = {
        "title": "Shop API",
        "version": "2022-11-15",
        "license": {"name": "Apache 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
        "contact": {
            "name": 'Shop "Dev" Team',
            "email": "dev@example.test",
            "url": "https://example.test",
        },
    }
    module, root = generate_package(doc, package="shop_api", distribution="shop-api-client")
    project = _pyproject(root)["project"]
    assert project["name"] == "shop-api-client" and project["version"] == "2022.11.15"
    assert module.__version__ == "2022.11.15"
    assert project["license"] == "Apache-2.0"
    assert project["authors"] == [{"name": "Shop 'Dev' Team", "email": "dev@example.test"}]
    assert project["urls"] == {
        "Homepage": "https://example.test",
        "Documentation": "https://docs.example.test/api",
    }
    assert "Typing :: Typed" in project["classifiers"]
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert project["dependencies"] == ["httpx>=0.27,<1", "pydantic>=2.10,<3"]
    readme = (root / "README.md").read_text()
    assert "pip install shop-api-client " in readme


def test_version_normalisation_warns(build: Any) -> None:
    from generator.diagnostics import DiagnosticSink
    from generator.render.package_views import spec_version

    doc = spec_doc()
    doc["info"]["version"] = "2022-11-15"
    api, _ = build(doc)
    sink = DiagnosticSink()
    assert spec_version(api, sink) == "2022.11.15"
    (warning,) = sink.items
    assert warning.code == "package-version-normalised" and warning.pointer == "/info/version"
    assert "package_version" in warning.hint
    doc["info"]["version"] = "1.2.3"
    api, _ = build(doc)
    sink = DiagnosticSink()
    assert spec_version(api, sink) == "1.2.3" and not sink.items


def test_package_version_and_unknown_licence(generate_package: Any) -> None:
    doc = spec_doc()
    doc["info"]["license"] = {"name": "Shop Licence 1.0"}
    doc["info"]["contact"] = {"email": "not an email"}
    _, root = generate_package(doc, package="shop2", package_version="4.1.0")
    project = _pyproject(root)["project"]
    assert project["version"] == "4.1.0" and project["name"] == "shop2"
    assert project["license"] == {"text": "Shop Licence 1.0"}
    assert "authors" not in project and "urls" not in project


def test_typing_extensions_is_declared_when_imported(generate_package: Any) -> None:
    doc = spec_doc(
        schemas={
            "Json": {
                "anyOf": [
                    {"type": "string"},
                    {"type": "array", "items": {"$ref": "#/components/schemas/Json"}},
                ]
            },
            "Doc": {
                "type": "object",
                "properties": {"body": {"$ref": "#/components/schemas/Json"}},
            },
        }
    )
    _, root = generate_package(doc, package="recursive")
    sources = "".join(p.read_text() for p in (root / "src").rglob("*.py"))
    assert "from typing_extensions import" in sources
    assert "typing_extensions>=4.6" in _pyproject(root)["project"]["dependencies"]
