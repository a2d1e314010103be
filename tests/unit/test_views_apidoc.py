"""`render/apidoc_views.py`: api.md's view — every resource and method with a heading anchor, its one-line
summary, the HTTP line, a `def` stub without the private aliases, links to the model modules it
returns, an example call with realistic arguments (and the imports they need), and an Access label
where operations differ in their security."""

from __future__ import annotations

from collections.abc import Callable

from generator.render.apidoc_views import Anchors, ApiDoc, MethodDoc, api_doc, display
from tests.conftest import spec_doc
from tests.support.views import Built


def _doc(built: Built, access: dict[str, str] | None = None) -> ApiDoc:
    return api_doc(
        built.api, built.names, built.by_resource, built.methods, access or {}, "openapi.yml"
    )


def _methods(doc: ApiDoc) -> dict[str, MethodDoc]:
    return {m.call: m for r in doc.resources for m in r.methods}


def test_resources_and_methods(shop: Built) -> None:
    doc = _doc(shop)
    assert (doc.title, doc.package, doc.client, doc.spec_file) == (
        "Pet Shop",
        "petshop",
        "PetShop",
        "openapi.yml",
    )
    assert [(r.about, r.anchor) for r in doc.resources] == [
        ("Operations tagged `pets`.", "clientpets"),
        ("Operations tagged `photos`.", "clientphotos"),
    ]
    methods = _methods(doc)
    assert list(methods) == [
        "client.pets.list",
        "client.pets.create",
        "client.pets.get",
        "client.pets.delete",
        "client.photos.get",
        "client.photos.upload",
    ]
    get = methods["client.pets.get"]
    assert (get.anchor, get.summary, get.http) == (
        "clientpetsget",
        "Get a pet.",
        "GET /pets/{petId}",
    )
    assert get.signature == "def get(self, pet_id: int) -> Pet: ..."
    assert get.returns == "`Pet`"
    assert [(link.name, link.path) for link in get.links] == [("Pet", "src/petshop/types/pet.py")]
    assert get.example == "result = client.pets.get(1)"
    assert methods["client.photos.get"].links == ()  # binary: no model


def test_a_long_signature_has_one_argument_a_line_without_private_aliases(shop: Built) -> None:
    listed = _methods(_doc(shop))["client.pets.list"]
    assert listed.signature.splitlines() == [
        "def list(",
        "    self,",
        "    *,",
        "    x_trace: str,",
        "    limit: int | NotGiven = NOT_GIVEN,",
        "    ids: Sequence[str] | NotGiven = NOT_GIVEN,",
        "    session: str | NotGiven = NOT_GIVEN,",
        ") -> Pets: ...",
    ]
    assert listed.example == 'result = client.pets.list(x_trace="sample-x-trace")'  # required only


def test_examples_import_what_their_arguments_need(shop: Built) -> None:
    methods = _methods(_doc(shop))
    assert methods["client.photos.upload"].example == (
        'from pathlib import Path\n\nresult = client.photos.upload(1, file=Path("sample.pdf"))'
    )
    assert methods["client.pets.delete"].example == "client.pets.delete(1)"  # returns nothing


def test_access_labels(shop: Built, views: Callable[..., Built]) -> None:
    doc = _doc(shop)
    # the one operation without security is public; the rest share one requirement: no label
    assert {m.call: m.access for m in _methods(doc).values() if m.access} == {
        "client.pets.delete": "public"
    }
    assert doc.show_access
    labelled = _doc(shop, {"get /pets": "gold tier"})
    assert _methods(labelled)["client.pets.list"].access == "gold tier"

    ok = {"204": {"description": "ok"}}
    built = views(spec_doc(paths={"/a": {"get": {"responses": ok}}}))
    assert not _doc(built).show_access  # no security anywhere: no Access column


def test_anchors_and_display() -> None:
    anchors = Anchors()
    assert anchors("client.pets") == "clientpets"
    assert anchors("client.pets") == "clientpets-1"  # GitHub numbers repeated headings
    assert anchors("client.import_") == "clientimport_"
    assert (
        display('_t.Sequence[_dt.date] | _t.Literal["_t.x"]') == 'Sequence[date] | Literal["_t.x"]'
    )
