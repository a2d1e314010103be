"""Minimal reproductions of the generator bugs the corpus run found (docs/coverage.md), one spec each.

Each goes through the same harness as the corpus (`bench/corpus.py`: generate in a worker, import every
module in a fresh interpreter, optionally `mypy --strict`). Fixed bugs stay as regression tests; an open
bug is `xfail(strict=True)` with its precise description (in OPEN), so its fix shows up as an XPASS failure:
then move it out of OPEN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.corpus.bench_modules import load_bench

pytestmark = pytest.mark.slow  # each case generates and imports a package, some run mypy

REPO = Path(__file__).resolve().parents[2]


corpus = load_bench("corpus")


def _doc(
    paths: dict[str, Any], schemas: dict[str, Any] | None = None, version: str = "3.0.3"
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": version,
        "info": {"title": "Repro", "version": "1"},
        "paths": paths,
    }
    if schemas:
        doc["components"] = {"schemas": schemas}
    return doc


def _get(op_id: str, schema: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return {"get": {"operationId": op_id, "responses": {"200": response}, **extra}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_PATH_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}

_NULLABLE_LIST = {"type": "array", "items": {"type": "string", "nullable": True}}

# (test id, spec document, run mypy --strict, the bug); corpus specs that hit it are named in the reason.
BUGS: list[tuple[str, dict[str, Any], bool, str]] = [
    (
        "quote-in-property-name",
        _doc(
            {"/m": _get("getM", _ref("M"))},
            {"M": {"type": "object", "properties": {'a"': {"type": "string"}}}},
        ),
        False,
        (
            'a property name containing `"` is emitted unescaped in validation_alias=/serialization_alias= string '
            "literals → SyntaxError → format-failed (netatmo.net, scideas.net/regression)"
        ),
    ),
    (
        "quote-in-parameter-name",
        _doc(
            {
                "/q": {
                    "get": {
                        "operationId": "getQ",
                        "responses": {"204": {"description": "ok"}},
                        "parameters": [
                            {"name": 'f={"a":1}', "in": "query", "schema": {"type": "string"}}
                        ],
                    }
                }
            }
        ),
        False,
        (
            "a query parameter name containing `\"` is emitted unescaped as a dict key in the resource method's "
            "query={...} literal → SyntaxError → format-failed (noosh.com)"
        ),
    ),
    (
        "no-operations",
        _doc({}, version="3.1.0"),
        False,
        (
            "a spec without operations (empty paths; webhooks-only 3.1 specs) fails: the README template indexes "
            "view.resources[0] (UndefinedError traceback) / _client.py gets an empty `if TYPE_CHECKING:` block "
            "(iva-api.com, adyen.com/*Notification*)"
        ),
    ),
    (
        "keyword-schema-module",
        _doc(
            {"/i": _get("getI", _ref("import"))},
            {"import": {"type": "object", "properties": {"id": {"type": "integer"}}}},
        ),
        False,
        (
            "a component schema named `import` gets the module name `import` (a keyword): `from ..types.import "
            "import Import` → SyntaxError → format-failed (github: /components/schemas/import)"
        ),
    ),
    (
        "percent-encoded-ref",
        _doc(
            {
                "/a/{id}": {
                    "get": {
                        "operationId": "getA",
                        "parameters": [_PATH_ID],
                        "responses": {"204": {"description": "ok"}},
                    }
                },
                "/b/{id}": {
                    "get": {
                        "operationId": "getB",
                        "parameters": [{"$ref": "#/paths/~1a~1%7Bid%7D/get/parameters/0"}],
                        "responses": {"204": {"description": "ok"}},
                    }
                },
            }
        ),
        False,
        (
            "$ref fragments are not percent-decoded before the JSON-pointer lookup (RFC 6901 §6): "
            "'#/paths/~1a~1%7Bid%7D/...' is a fatal dangling-ref (rev.ai, codat.io/accounting)"
        ),
    ),
    (
        "builtin-named-property",
        _doc(
            {"/f": _get("getF", _ref("F"))},
            {
                "F": {
                    "type": "object",
                    "properties": {
                        "list": {"type": "array", "items": {"type": "string"}},
                        "n": {"type": "integer"},
                    },
                }
            },
        ),
        False,
        (
            "a property named `list` (or `int`, …) becomes a class attribute that shadows the builtin inside the "
            "model class, so pydantic cannot evaluate `list[str] | None`: importing the module raises TypeError "
            "(contract-p.fit FilterAtom.list, atlassian.com/jira JsonNode.int)"
        ),
    ),
    (
        "class-body-tables-under-shadowed-builtins",
        _doc(
            {"/f": _get("getF", _ref("F"))},
            {
                "F": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"},
                    "properties": {
                        "frozenset": {"type": "string", "default": "x"},
                        "object": {"type": "object", "properties": {"id": {"type": "integer"}}},
                        "dict": {"type": "string", "readOnly": True},
                        "str": {"type": "string", "pattern": "^a"},
                        "kind": {"type": "string", "enum": ["f"], "default": "f"},
                    },
                    "required": ["kind"],
                }
            },
        ),
        True,
        (
            "the model's class-body tables and extra-values annotation named `object`, `str`, `dict` and "
            "`frozenset` as they are, so a field with one of those names shadowed them: mypy --strict reports "
            '`Variable "…object" is not valid as a type` (GitHub\'s GitRef.object, GitTag.object), and a field '
            "`frozenset` with a default made `__clientgen_read_only__ = frozenset({...})` call the default"
        ),
    ),
    (
        "tag-named-like-a-model",
        _doc(
            {"/pets": _get("listPets", {"type": "array", "items": _ref("Pet")}, tags=["pet"])},
            {"Pet": {"type": "object", "properties": {"id": {"type": "integer"}}}},
        ),
        True,
        (
            "the resource class of tag `pet` is named `Pet` like the model it imports into resources/pet.py, so the "
            "class shadows the model: `-> list[Pet]` means the resource, mypy --strict reports no-redef/arg-type/"
            "attr-defined (stackexchange.com, mastercard.com/MAWS, twilio.com/twilio_routes_v2, googleapis.com/books)"
        ),
    ),
    (
        "union-of-nested-unions",
        _doc(
            {
                "/u": _get(
                    "getU",
                    {
                        "oneOf": [
                            _NULLABLE_LIST,
                            {"type": "array", "items": {"type": "integer", "nullable": True}},
                        ]
                    },
                )
            }
        ),
        False,
        (
            "Annotator.render (generator/render/annotations.py, UnionOf) and resource_views._returns split rendered "
            "variants on ' | ' and de-duplicate the pieces, so `list[str | None] | list[int | None]` loses its "
            "second `None]`: emitted `model=list[str | None] | list[int, unwrap=None` → SyntaxError → format-failed "
            "(slack.com objs_user_profile.fields, vercel.com, here.com/tracking /shadows/v2/{trackingId}/{state}/"
            "{selector} GET 200: oneOf [object, array])"
        ),
    ),
    (
        "union-of-map-and-list-field",
        _doc(
            {"/u": _get("getU", _ref("U"))},
            {
                "U": {
                    "type": "object",
                    "properties": {
                        "fields": {"oneOf": [{"type": "object"}, {"type": "array", "items": {}}]}
                    },
                }
            },
        ),
        False,
        (
            "same ' | ' split in a model field: `oneOf [object, array]` renders `dict[str, _t.Any | None] | "
            "list[_t.Any | None` (the `]` is lost) → SyntaxError → format-failed (slack.com)"
        ),
    ),
    (
        "schema-named-like-a-runtime-name",
        _doc(
            {"/e": _get("getE", _ref("Endpoint"))},
            {
                "Endpoint": {
                    "type": "object",
                    "required": ["methods"],
                    "properties": {"methods": {"type": "array", "items": {"type": "string"}}},
                }
            },
        ),
        False,
        (
            "a component schema named `Endpoint` is imported into resources/<tag>.py after "
            "`from .._endpoint import Endpoint, ResponseSpec` and shadows the runtime class, so `_GET_E = "
            "Endpoint(method=..., path=..., responses=...)` builds the MODEL: pydantic ValidationError ('methods "
            "Field required') at import, or a silently broken endpoint when the model has no required field "
            "(mypy: 'Incompatible import of \"Endpoint\"'). Other unaliased runtime names in resource modules are "
            "at risk too: ResponseSpec, Body, Headers, Query, Timeout, NotGiven, SyncAPIResource, cached_property "
            "(vimeo.com /components/schemas/endpoint, azure.com/cdn /components/schemas/Endpoint)"
        ),
    ),
    (
        "recursive-alias",
        _doc(
            {"/v": _get("getV", _ref("Value"))},
            {"Value": {"oneOf": [{"type": "string"}, {"type": "array", "items": _ref("Value")}]}},
        ),
        False,
        (
            "a self-referencing non-object schema becomes `Value: _t.TypeAlias = str | list[Value]`, a module-level "
            "expression evaluated at import: NameError: name 'Value' is not defined (needs a quoted forward "
            "reference or typing_extensions.TypeAliasType) (vercel.com /components/schemas/EdgeConfigItemValue)"
        ),
    ),
    (
        "typed-additional-properties-mypy",
        _doc(
            {"/p": _get("getP", _ref("P"))},
            {
                "P": {
                    "type": "object",
                    "properties": {"issues": {"type": "string"}},
                    "additionalProperties": {"type": "string"},
                }
            },
        ),
        True,
        (
            "a model with properties AND a typed additionalProperties emits `__pydantic_extra__: dict[str, str]  "
            '# type: ignore[assignment]`, and mypy --strict (warn_unused_ignores) reports \'Unused "type: ignore" '
            "comment [unused-ignore]' — for string and integer values alike (github "
            "/components/schemas/integration/properties/permissions → types/permissions2.py)"
        ),
    ),
    (
        "external-ref-in-example-value",
        _doc(
            {
                "/s": {
                    "get": {
                        "operationId": "getS",
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {
                                            "type": "object",
                                            "properties": {"n": {"type": "integer"}},
                                        },
                                        "examples": {
                                            "default": {"$ref": "#/components/examples/stats"}
                                        },
                                    }
                                },
                            }
                        },
                    }
                }
            }
        )
        | {
            "components": {
                "examples": {
                    "stats": {
                        "value": {
                            "n": 1,
                            "actions_stats": {"$ref": "server-statistics-actions.yaml"},
                        }
                    }
                }
            }
        },
        False,
        (
            "load.bundle_external_refs (generator/refs.py) follows every relative-file `$ref` in the document, even "
            "inside an example's literal `value` (data, not a reference; examples are never needed to generate), "
            "and a missing file is fatal: dangling-ref at /components/examples/server-statistics/value/0/"
            "actions_stats, so GitHub's Enterprise Cloud spec (github-ghec: @octokit/openapi generated/ghec.json, "
            "1,471 operations) does not generate at all"
        ),
    ),
]

# Ids of BUGS that are not fixed yet.
OPEN: set[str] = set()  # all fixed


@pytest.mark.parametrize(
    ("doc", "mypy"),
    [
        pytest.param(
            doc,
            mypy,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=f"generator bug: {bug}")]
            if name in OPEN
            else [],
        )
        for name, doc, mypy, bug in BUGS
    ],
)
def test_generator_bug(doc: dict[str, Any], mypy: bool, tmp_path: Path) -> None:
    spec = tmp_path / "repro.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    record = corpus.run_spec(str(spec), tmp_path / "work", timeout=120, mypy=mypy, mypy_timeout=300)
    assert record.get("status") == "ok", (
        f"{record.get('status')}: {record.get('error') or record.get('import_error')}"
    )
    assert record.get("ops_out") == record.get("ops_in")
    if mypy:
        assert record.get("mypy_errors") == 0, record.get("mypy_error")


# Typing fidelity: the package works, but a field is typed looser than the spec says.
# (test id, spec document, generated file, expected line fragment, the bug)
_ALLOF_DOC = _doc(
    {"/a": _get("getA", _ref("A"))},
    {
        "__string": {"type": "string"},
        "B": {"type": "object", "properties": {"x": {"type": "integer"}}},
        "A": {
            "type": "object",
            "properties": {
                "poolId": {
                    "allOf": [
                        _ref("__string"),
                        {"description": "The pool id", "xml": {"name": "poolId"}},
                    ]
                },
                "settings": {
                    "allOf": [_ref("B"), {"description": "Settings", "xml": {"name": "settings"}}]
                },
            },
        },
    },
)
FIDELITY: list[tuple[str, dict[str, Any], str, str, str]] = [
    (
        "allof-ref-primitive-plus-annotations",
        _ALLOF_DOC,
        "types/a.py",
        "pool_id: _Omittable[str]",  # optional, not nullable: reads as `str | None`
        (
            "`allOf: [{$ref: <string schema>}, {description, xml}]` (the AWS pattern for documented properties) is "
            "typed `_t.Any` with warning allof-unmergeable ('allOf combines non-object schemas'): parts that only "
            "annotate (description/xml/title/example) should not count, the type is the $ref's `str` "
            "(amazonaws.com/* and others: allof-unmergeable in 64 directory specs)"
        ),
    ),
    (
        "allof-ref-model-plus-annotations",
        _ALLOF_DOC,
        "types/a.py",
        "settings: _Omittable[B]",
        (
            "`allOf: [{$ref: B}, {description, xml}]` becomes a new inline class `ASettings` (a copy of B) instead of "
            "`B`, with a spurious allof-mixed warning ('mixes object and non-object schemas') for the annotation-only "
            "part (amazonaws.com/*: allof-mixed in 50 directory specs)"
        ),
    ),
    (
        "allof-ref-primitive-plus-same-type",
        _doc(
            {"/a": _get("getA", _ref("A"))},
            {
                "resourceId": {"type": "string", "maxLength": 36},
                "A": {
                    "type": "object",
                    "properties": {
                        "addressId": {"allOf": [_ref("resourceId"), {"type": "string"}]}
                    },
                },
            },
        ),
        "types/a.py",
        "address_id: _Omittable[str]",
        (
            "`allOf: [{$ref: <string schema>}, {type: string}]` (both parts strings) is typed `_t.Any` with warning "
            "allof-unmergeable 'allOf combines non-object schemas': compatible primitive parts should merge to `str` "
            "(ato.gov.au /components/schemas/addressId)"
        ),
    ),
    (
        "http-basic-auth",
        {
            **_doc(
                {
                    "/p": {
                        "get": {"operationId": "getP", "responses": {"204": {"description": "ok"}}}
                    }
                }
            ),
            "security": [{"basic": []}],
            "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
        },
        "_credentials.py",
        "BasicAuth(",
        (
            "a spec whose only security scheme is `{type: http, scheme: basic}` gets a client that sends "
            "`Authorization: Bearer <token>` (`make_auth` returns BearerAuth; warning auth-unsupported) although the "
            "runtime has BasicAuth: such clients cannot authenticate (99 directory specs have only HTTP Basic, "
            "160 have it at all)"
        ),
    ),
    (
        "allof-through-allof-only-schema",
        _doc(
            {"/r": _get("getR", _ref("Rule"))},
            {
                "Resource": {
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                },
                "ProxyResource": {"description": "A proxy resource", "allOf": [_ref("Resource")]},
                "Rule": {
                    "description": "A rule",
                    "allOf": [_ref("ProxyResource")],
                    "required": ["startIP"],
                    "properties": {"startIP": {"type": "string"}},
                },
            },
        ),
        "types/rule.py",
        "name: _Omittable[str]",
        (
            "`Rule: {allOf: [$ref ProxyResource], properties: …}` where `ProxyResource: {allOf: [$ref Resource]}` "
            "(no `type`/`properties` of its own — the Azure ARM resource pattern) is judged 'non-object': warning "
            "allof-mixed 'the non-object parts are ignored for typing' and Rule LOSES Resource's fields (id, name): "
            "azure.com/redis /components/schemas/RedisFirewallRule, azure.com/privatedns RecordSet, azure.com/cdn "
            "CustomDomain … (allof-mixed in 22 directory specs)"
        ),
    ),
    (
        "allof-ref-primitive-plus-constraint",
        _doc(
            {"/a": _get("getA", _ref("A"))},
            {
                "__string": {"type": "string"},
                "A": {
                    "type": "object",
                    "properties": {
                        "FlowArn": {
                            "allOf": [
                                _ref("__string"),
                                {
                                    "pattern": "^arn:.+$",
                                    "description": "The ARN",
                                    "xml": {"name": "flowArn"},
                                },
                            ]
                        }
                    },
                },
            },
        ),
        "types/a.py",
        "flow_arn: _Omittable[str]",
        (
            "`allOf: [{$ref: <string schema>}, {pattern, description, xml}]` is still typed `_t.Any` "
            "(allof-unmergeable): a part with only constraints (pattern/maxLength/…) should refine the $ref's `str` "
            "(amazonaws.com/mediaconnect /components/schemas/AddBridgeFlowSourceRequest/properties/FlowArn, "
            "digitalocean.com …/region_slug)"
        ),
    ),
]
OPEN_FIDELITY: set[str] = set()  # all fixed


@pytest.mark.parametrize(
    ("doc", "path", "expected"),
    [
        pytest.param(
            doc,
            path,
            expected,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=f"generator bug: {bug}")]
            if name in OPEN_FIDELITY
            else [],
        )
        for name, doc, path, expected, bug in FIDELITY
    ],
)
def test_typing_fidelity(doc: dict[str, Any], path: str, expected: str, tmp_path: Path) -> None:
    from generator.config import adhoc_target
    from generator import generate

    spec = tmp_path / "fidelity.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    generate(adhoc_target(str(spec), str(tmp_path / "out"), "fidelity", None))
    text = (tmp_path / "out" / "src" / "fidelity" / path).read_text(encoding="utf-8")
    assert expected in text, text
