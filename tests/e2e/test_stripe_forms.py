"""Stripe's form encodings, on an excerpt of its spec (tests/fixtures/specs/stripe_forms_30.json: three
operations of stripe.com's spec, their parameters and request bodies verbatim).

Stripe is the corpus's largest user of form `encoding` (214 operations, 779 deepObject-encoded properties)
and of deepObject query parameters, and Prism cannot load its whole spec in reasonable time, so these
rules are checked here: the generated client calls a real HTTP server on 127.0.0.1, and the request is
decoded the way Stripe's servers (Rack) and Prism's deepObject parser decode it — `a[b][c]=v` nests,
`a[0]`, `a[1]` is an array — which must give back exactly the values passed (every scalar as text).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from support.recording_server import recording_server
from support.wire_oracle import multipart_parts_of

from generator.config import adhoc_target
from tests.conftest import FIXTURES
from tests.support.packages import imported_package

SPEC = (FIXTURES / "specs" / "stripe_forms_30.json").read_text()
_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Rack's `parse_nested_query`, for the shapes Stripe uses: brackets nest, indexes make arrays."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        path = [head] + (rest[:-1].split("][") if rest else [])
        node = root
        for part in path[:-1]:
            node = node.setdefault(part, {})
            assert isinstance(node, dict), key
        assert path[-1] not in node, f"{key} sent twice"
        node[path[-1]] = value
    return _arrays(root)


def _arrays(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {k: _arrays(v) for k, v in value.items()}
    if items and all(k.isdigit() for k in items):
        assert sorted(int(k) for k in items) == list(range(len(items))), items
        return [items[str(i)] for i in range(len(items))]
    return items


def _text(value: Any) -> Any:
    """A value as a form decodes it: scalars become their wire text."""
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.fixture(scope="module")
def stripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The generated excerpt client's module and its operations by operationId (generated once)."""
    out = tmp_path_factory.mktemp("stripe")
    spec = out / "stripe.json"
    spec.write_text(SPEC, encoding="utf-8")
    target = adhoc_target(str(spec), str(out / "pkg"), "stripe_excerpt", "Stripe")
    with imported_package(target) as module:
        manifest = json.loads((out / "pkg" / "operations.json").read_text(encoding="utf-8"))
        yield module, {o["operation_id"]: o for o in manifest["operations"]}


def _call(client: Any, entry: dict[str, Any], **kwargs: Any) -> Any:
    target = client
    for part in entry["call"].split("."):
        target = getattr(target, part)
    return target(**kwargs)


CUSTOMER = {
    "email": "jenny+test@example.com",
    "name": "Jenny Rosen",
    "address": {"city": "Saint-Denis", "line1": "1 rue de l'Église", "postal_code": "93200"},
    "metadata": {"order_id": "6735", "note": "a&b=c d"},
    "invoice_settings": {
        "custom_fields": [{"name": "PO", "value": "7 8"}, {"name": "Ref", "value": "x"}],
        "footer": "Thanks!",
    },
    "preferred_locales": ["fr", "en"],
    "tax_id_data": [{"type": "eu_vat", "value": "FR123"}],
    "expand": ["default_source", "tax"],
    "balance": -500,
    "cash_balance": {"settings": {"reconciliation_mode": "automatic"}},
}


def test_a_customer_form_body_decodes_to_what_was_passed(
    stripe: tuple[Any, dict[str, Any]],
) -> None:
    module, ops = stripe
    entry = ops["PostCustomers"]
    fields = entry["body"]["fields"]
    with recording_server() as server:
        client = module.Stripe(_KEY, base_url=server.url, max_retries=0)
        _call(client, entry, **{fields[k]: v for k, v in CUSTOMER.items()})
    request = server.requests[-1]
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    body = request.body.decode("ascii")
    assert "+" not in body.replace("%2B", "") and " " not in body  # spaces are %20
    assert _nest(parse_qsl(body, keep_blank_values=True)) == _text(CUSTOMER)
    # the property names survive: not `order_id=6735` but `metadata[order_id]=6735`
    assert ("metadata[order_id]", "6735") in parse_qsl(body)


def test_unsetting_with_an_empty_string_is_sent(stripe: tuple[Any, dict[str, Any]]) -> None:
    """Stripe's `anyOf: [object, enum [""]]`: `metadata=""` clears the metadata."""
    module, ops = stripe
    entry = ops["PostCustomers"]
    fields = entry["body"]["fields"]
    with recording_server() as server:
        client = module.Stripe(_KEY, base_url=server.url, max_retries=0)
        _call(client, entry, **{fields["metadata"]: "", fields["email"]: "a@b.c"})
    assert parse_qsl(server.requests[-1].body.decode(), keep_blank_values=True) == [
        ("email", "a@b.c"),
        ("metadata", ""),
    ]


def test_a_file_upload_sends_deep_object_fields_as_bracketed_parts(
    stripe: tuple[Any, dict[str, Any]],
) -> None:
    module, ops = stripe
    entry = ops["PostFiles"]
    fields = entry["body"]["fields"]
    with recording_server() as server:
        client = module.Stripe(_KEY, base_url=server.url, max_retries=0)
        _call(
            client,
            entry,
            **{
                fields["purpose"]: "dispute_evidence",
                # the spec types `file` as a plain string; the runtime sends bytes as a file part
                fields["file"]: ("evidence.pdf", b"%PDF-1.4 ...", "application/pdf"),
                fields["file_link_data"]: {"create": True, "metadata": {"case": "17"}},
                fields["expand"]: ["links"],
            },
        )
    request = server.requests[-1]
    assert request.path_only == "/v1/files"
    parts = multipart_parts_of(request.body)
    assert sorted(parts) == [
        ("expand[0]", ""),
        ("file", "application/pdf"),
        ("file_link_data[create]", ""),
        ("file_link_data[metadata][case]", ""),
        ("purpose", ""),
    ]
    assert b'name="file_link_data[create]"\r\n\r\ntrue\r\n' in request.body
    assert b'name="file_link_data[metadata][case]"\r\n\r\n17\r\n' in request.body


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        ({"gte": 1700000000, "lt": 1800000000}, {"gte": "1700000000", "lt": "1800000000"}),
        (1700000000, "1700000000"),  # the `anyOf` integer member: `created=…`
    ],
)
def test_a_list_query_decodes_to_what_was_passed(
    stripe: tuple[Any, dict[str, Any]], created: Any, expected: Any
) -> None:
    module, ops = stripe
    entry = ops["GetCharges"]
    names = {p["name"]: p["python_name"] for p in entry["parameters"]}
    with recording_server() as server:
        client = module.Stripe(_KEY, base_url=server.url, max_retries=0)
        _call(
            client,
            entry,
            **{
                names["created"]: created,
                names["expand"]: ["data.customer", "data.invoice"],
                names["limit"]: 3,
            },
        )
    query = parse_qsl(server.requests[-1].query, keep_blank_values=True)
    assert _nest(query) == {
        "created": expected,
        "expand": ["data.customer", "data.invoice"],
        "limit": "3",
    }
