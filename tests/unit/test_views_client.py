"""`render/client_views.py`: the package-level files' view — client and package names, the default base
URL (or a relative server's path), the constructor's arguments (credentials first, then the core
options; features' before those), the `make_auth` call, `_client.py`'s imports, the README's examples and
status table, and what features add (imports, exports, an error table) without the core naming one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.render.apidoc_views import api_doc
from generator.render.auth_views import auth_view
from generator.render.client_views import (
    ClientView,
    Sections,
    client_view,
    default_base_url,
    merge_extras,
    server_path,
)
from generator.render.extension import ClientExtras, ClientParam
from generator.render.readme_views import example_parts
from generator.render.safe import Code, Name
from tests.conftest import spec_doc
from tests.support.views import Built


def _client(built: Built, extras: ClientExtras | None = None, **kw: Any) -> ClientView:
    auth = auth_view(built.auth, built.names, built.api.target.package.env_prefix)
    docs = api_doc(built.api, built.names, built.by_resource, built.methods, {}, "openapi.yml")
    return client_view(
        built.api,
        built.names,
        built.by_resource,
        example_parts(built.api, built.methods),
        built.sink,
        kw.pop("uses_typing_extensions", False),
        auth=auth,
        extras=extras or ClientExtras(),
        init_imports=(),
        sections=Sections(),
        docs=docs,
        **kw,
    )


def test_the_shop_client(shop: Built) -> None:
    view = _client(shop)
    assert (view.client, view.package, view.title, view.api_version) == (
        "PetShop",
        "petshop",
        "Pet Shop",
        "2.1.0",
    )
    assert (view.base_url, view.server_path) == ("https://api.pets.test/v2", "")
    assert view.base_url_env == "PETSHOP_BASE_URL"
    assert view.auth_call == "make_auth(url, api_key=api_key)"
    assert view.arguments[:3] == ("api_key", "base_url", "timeout")  # credentials first
    assert [p.name for p in view.sync_params][-1] == "hooks"
    assert {p.name: p.annotation for p in view.sync_params}["http_client"] == "httpx.Client | None"
    assert {p.name: p.annotation for p in view.async_params}[
        "http_client"
    ] == "httpx.AsyncClient | None"
    assert [r.attr for r in view.resources] == ["pets", "photos"]
    assert (view.resources_count, view.operation_count) == (2, 6)
    assert (view.first_method, view.first_args) == ("list", "x_trace=...")
    assert view.error_example == 'client.pets.get("some-id")'
    assert view.examples.get_call == "client.pets.get"
    assert view.resource_imports == [
        "from .resources.pets import AsyncPetsResource, PetsResource",
        "from .resources.photos import AsyncPhotos, Photos",
    ]
    assert "from ._credentials import make_auth" in view.import_lines
    assert "from ._exceptions import APIStatusError" in view.import_lines
    assert view.error_table == "_ERROR_CODES: dict[str, type[APIStatusError]] = {}"
    assert view.status_table.startswith("Statuses map to `BadRequestError` (400), ")
    assert view.meta.dependencies == ("httpx>=0.27,<1", "pydantic>=2.10,<3")


def test_models_that_need_typing_extensions_add_the_dependency(shop: Built) -> None:
    view = _client(shop, uses_typing_extensions=True)
    assert "typing_extensions>=4.6" in view.meta.dependencies


def test_what_features_add(shop: Built) -> None:
    region = ClientExtras(
        imports=((".lib._regions", ("Region",)),),
        params=(ClientParam(Name("region"), Code("Region"), Code('"eu"')),),
        base_url_args=("region",),
        error_table=Code("_ERROR_CODES = TABLE"),
    )
    view = _client(shop, region, exports=(("._regions", ("Region", ("REGIONS", "ALL_REGIONS"))),))
    assert [p.name for p in view.sync_params][:2] == ["region", "base_url"]
    assert view.base_url_args == "base_url, region"
    assert view.error_table == "_ERROR_CODES = TABLE"
    assert "from ._exceptions import APIStatusError" not in view.import_lines
    assert "from .lib._regions import Region" in view.import_lines
    assert view.export_names == ("ALL_REGIONS", "Region")
    assert view.export_lines == (  # an aliased name on a line of its own, as ruff's isort writes it
        "from ._regions import REGIONS as ALL_REGIONS",
        "from ._regions import Region",
    )
    merged = merge_extras([ClientExtras(exports=(Name("A"),)), region])
    assert merged.exports == ("A",) and merged.params == region.params


def test_no_auth_and_a_relative_server(views: Callable[..., Built]) -> None:
    built = views(
        spec_doc(
            paths={"/a": {"get": {"responses": {"204": {"description": "ok"}}}}},
            servers=[{"url": "/api/v1"}],
        )
    )
    view = _client(built)
    assert view.auth_call == "None"
    assert not any("_credentials" in line for line in view.import_lines)
    assert (default_base_url(built.api), server_path(built.api)) == ("", "/api/v1")
    assert (view.base_url, view.server_path) == ("", "/api/v1")
