"""`render/package_views.py`: the generated package's `[project]` metadata — distribution name, a PEP 440
version (a warning when `info.version` had to change), an SPDX licence from `info.license` (its
identifier, or a known name), authors and URLs from `info.contact` and `externalDocs`, dependencies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.ir import PackageInfo
from generator.render.package_views import PackageMeta, package_meta, spdx_expression
from tests.conftest import spec_doc
from tests.support.views import Built


def _meta(built: Built, **kw: Any) -> PackageMeta:
    args: dict[str, Any] = {
        "package": "petshop",
        "distribution": "",
        "package_version": "",
        "description": "Python client for the Pet Shop",
        "uses_typing_extensions": False,
    }
    return package_meta(built.api, sink=built.sink, **(args | kw))


def test_defaults_come_from_the_spec(shop: Built) -> None:
    meta = _meta(shop, package="pet_shop")
    assert (meta.dist_name, meta.version) == ("pet-shop", "2.1.0")
    assert (meta.license, meta.license_text, meta.authors, meta.urls) == ("", "", (), ())
    assert meta.dependencies == ("httpx>=0.27,<1", "pydantic>=2.10,<3")
    assert "Typing :: Typed" in meta.classifiers
    assert "Programming Language :: Python :: 3.11" in meta.classifiers


def test_configured_names_and_typing_extensions(shop: Built) -> None:
    meta = _meta(
        shop, distribution="acme-pets", package_version="3.0.0rc1", uses_typing_extensions=True
    )
    assert (meta.dist_name, meta.version) == ("acme-pets", "3.0.0rc1")
    assert meta.dependencies == ("httpx>=0.27,<1", "pydantic>=2.10,<3", "typing_extensions>=4.6")


def test_info_becomes_metadata(views: Callable[..., Built]) -> None:
    doc = spec_doc(externalDocs={"url": "https://docs.zoo.test"})
    doc["info"].update(
        version="v1.2-beta",
        license={"name": "Apache License, Version 2.0"},
        contact={"name": 'The "Zoo" team', "email": "zoo@zoo.test", "url": "https://zoo.test"},
    )
    built = views(doc)
    meta = _meta(built)
    assert meta.license == "Apache-2.0" and meta.license_text == ""
    assert meta.authors == (("The 'Zoo' team", "zoo@zoo.test"),)
    assert meta.urls == (
        ("Homepage", "https://zoo.test"),
        ("Documentation", "https://docs.zoo.test"),
    )
    assert meta.version == "1.2b0"
    assert "package-version-normalised" in built.codes()


def test_spdx_expression() -> None:
    assert spdx_expression(PackageInfo(license_identifier="mit")) == "MIT"
    assert spdx_expression(PackageInfo(license_name="The MIT License")) == "MIT"
    assert spdx_expression(PackageInfo(license_name="BSD-3-Clause OR MIT")) == "BSD-3-Clause OR MIT"
    assert spdx_expression(PackageInfo(license_name="Proprietary")) == ""


def test_an_unknown_licence_is_kept_as_text_and_a_bad_email_dropped(
    views: Callable[..., Built],
) -> None:
    doc = spec_doc()
    doc["info"].update(license={"name": "Zoo Licence 1"}, contact={"email": "not an email"})
    meta = _meta(views(doc))
    assert (meta.license, meta.license_text) == ("", "Zoo Licence 1")
    assert meta.authors == ()
