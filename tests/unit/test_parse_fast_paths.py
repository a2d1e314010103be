"""The short cuts of the hot helpers answer as the general walk does: `walk_refs` for a leaf type,
`mentions_format` for a node with nothing to look into, `field_name`'s reserved words, the
resolver's remembered lookups, `constant_value` for a property with none of its keywords, `words`
for a text without capitals or without non-ASCII letters, a scope's first claim."""

from __future__ import annotations

import pytest

from generator.diagnostics import DiagnosticSink
from generator.ir.types import (
    AnyType,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    ModelRef,
    Primitive,
    UnionOf,
    walk_refs,
)
from generator.naming.rules import Scope, ascii_fold, field_name, singular, words
from generator.parse.field_facts import constant_value, mentions_format
from generator.refs import Resolver


def test_walk_refs_leaves_and_nesting() -> None:
    assert walk_refs(ModelRef("#/a")) == ["#/a"]
    assert walk_refs(Primitive(Kind.STRING)) == []
    assert walk_refs(AnyType()) == []
    assert walk_refs(LiteralOf(("x",))) == []
    nested = UnionOf(
        (
            ListOf(ModelRef("#/c"), prefix=(ModelRef("#/a"), ModelRef("#/b"))),
            MapOf(ModelRef("#/d")),
            Primitive(Kind.INTEGER),
        )
    )
    assert walk_refs(nested) == ["#/a", "#/b", "#/c", "#/d"]


def test_mentions_format_looks_through_refs_and_children_only() -> None:
    document = {"components": {"schemas": {"Secret": {"type": "string", "format": "password"}}}}
    resolver = Resolver(document)
    ref = {"$ref": "#/components/schemas/Secret"}
    assert mentions_format({"type": "string", "format": "password"}, "password", resolver, "#")
    assert not mentions_format({"type": "string", "description": "x"}, "password", resolver, "#")
    assert mentions_format(ref, "password", resolver, "#")
    assert mentions_format({"type": "array", "items": ref}, "password", resolver, "#")
    assert mentions_format({"additionalProperties": ref}, "password", resolver, "#")
    assert mentions_format({"anyOf": [{"type": "null"}, ref]}, "password", resolver, "#")
    assert not mentions_format({"anyOf": [{"type": "null"}]}, "password", resolver, "#")


def test_field_name_reserved_words() -> None:
    assert field_name("print") == "print_"
    assert field_name("model_dump") == "model_dump_"
    assert field_name("list") == "list"  # a builtin a field may shadow
    assert field_name("class") == "class_"
    assert field_name("2fa") == "field_2fa"


def test_resolver_remembers_found_references_but_reports_each_broken_one() -> None:
    document = {
        "components": {
            "schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "string"}}
        }
    }
    sink = DiagnosticSink()
    resolver = Resolver(document, "spec.json", sink)
    ref = {"$ref": "#/components/schemas/A"}
    first = resolver.deref(ref, "/x")
    assert first == ("/components/schemas/B", {"type": "string"})
    again = resolver.deref(ref, "/y")
    assert again == first and again[1] is document["components"]["schemas"]["B"]
    plain = {"type": "integer"}
    assert resolver.deref(plain, "/z") == ("/z", plain)  # nothing to follow: the node and its place
    assert resolver.deref({"$ref": 3}, "/w") == ("/w", {"$ref": 3})  # not a reference
    broken = {"$ref": "#/components/schemas/Missing"}
    assert resolver.deref(broken, "/p") == ("/p/$ref", {})
    assert resolver.deref(broken, "/q") == ("/q/$ref", {})
    assert [d.pointer for d in sink.sorted()] == ["/p", "/q"]  # each place is told


def test_constant_value_without_its_keywords_is_no_constant() -> None:
    resolver = Resolver({"components": {"schemas": {"T": {"const": "tag"}}}})
    assert constant_value({"type": "string", "default": "x"}, resolver, "#") == (False, None)
    assert constant_value({"enum": ["x"], "default": "x"}, resolver, "#") == (True, "x")
    assert constant_value({"const": 2}, resolver, "#") == (True, 2)
    one = {"allOf": [{"$ref": "#/components/schemas/T"}]}
    assert constant_value(one, resolver, "#") == (True, "tag")


def test_words_without_capitals_or_non_ascii_split_as_the_general_rule() -> None:
    # the same words whichever spelling: the short cut (no capitals) and the camel-case splitting
    assert words("pull_request-review id") == ("pull", "request", "review", "id")
    assert words("PullRequest_reviewID") == ("pull", "request", "review", "id")
    assert words("HTTPServer2fa") == ("http", "server2fa")
    assert words("straße Äpfel") == ("strae", "apfel")  # folded to ASCII first, as before
    assert words("ÄpfelÖl") == ("apfel", "ol")  # capitals that appear only once folded
    assert ascii_fold("plain text") == "plain text"
    assert ascii_fold("ﬁle ü") == "file u"


def test_singular_answers_as_the_inflector() -> None:
    """`singular` runs `inflection.singularize`'s rules compiled once: the same answer for plural
    and singular words, irregular ones, the uncountables (also at a word's end), any case."""
    import inflection

    table = [
        *("statuses", "repositories", "people", "matrices", "octopi", "CamelOctopi", "zombies"),
        *("kine", "Kine", "oxen", "sheep", "Sheep", "fish", "tv series", "news", "data", "axes"),
        *("analyses", "quizzes", "aliases", "indices", "movies", "wives", "mice", "vertices"),
        *("user", "issues", "PullRequests", "ADDRESSES", "bus", "buses", "", "s", "equipment"),
    ]
    table += [
        rule.strip("^$()?i").replace("(", "").replace(")", "") for rule, _ in inflection.SINGULARS
    ]
    for word in table:
        assert singular.__wrapped__(word) == inflection.singularize(word), word


def test_enum_member_names_of_strings_are_remembered_and_the_same() -> None:
    from generator.naming.rules import _member_name, enum_member_name, text_member_name

    values: list[object] = ["open", "in-progress", "HTTPServer", "", " ", "Ünïcode", "1", "None"]
    values += [1, -2, 1.5, -0.0, True, False, None, ["a"], {"k": 1}]
    for value in values:
        assert enum_member_name(value) == _member_name(value), value
    assert enum_member_name("open") is enum_member_name("open")  # remembered
    assert text_member_name.cache_info().currsize > 0


def test_scope_claims_plain_names_first_then_suffixes() -> None:
    scope = Scope(sep="_")
    assert [scope.claim(n) for n in ("id", "id", "id", "v2", "v2")] == [
        "id",
        "id_2",
        "id_3",
        "v2",
        "v2_2",
    ]
    folded = Scope(casefold=True)  # module names: `pet2` is taken by `pet`'s suffix already
    claimed = [folded.claim(n) for n in ("Pet", "pet", "PET2", "pet2")]
    assert claimed == ["Pet", "pet2", "PET2_2", "pet2_3"]


def test_plain_primitive_short_cut_types_as_the_general_path() -> None:
    """`type_of` answers a plain `string`/`integer`/`number`/`boolean` at once; the same schema with
    its type spelled as a one-item list goes the general way and must come out the same."""
    from generator.parse.canonical import Canonical
    from generator.parse.schemas import SchemaBuilder

    canonical = Canonical({"openapi": "3.1.0"})
    sink = DiagnosticSink()
    builder = SchemaBuilder(Resolver(canonical.document, "", sink), sink, "3.1", canonical)
    formats = ("date", "date-time", "time", "uuid", "binary", "byte", "int64", "DateTime", "x")
    for kind in ("string", "integer", "number", "boolean"):
        for extra in ({}, *({"format": f} for f in formats), {"description": "d", "example": 1}):
            node = {"type": kind, **extra}
            quick = builder.type_of(node, "/a", ("a", None))
            general = builder.type_of({**node, "type": [kind]}, "/a", ("a", None))
            assert quick == general and isinstance(quick, Primitive) and not quick.nullable
    # what the short cut leaves to the general path
    assert builder.type_of({"type": "string", "nullable": True}, "/a", ("a", None)).nullable
    assert builder.type_of({"type": "string", "enum": ["x"]}, "/a", ("a", None)) != Primitive(
        Kind.STRING
    )
    assert sink.sorted() == []


def test_plain_properties_make_the_fields_of_the_general_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`_model` makes a plain property's field at once (`field_facts.plain_field`); with the short
    cut turned off (every property has a `type`, so none is plain) the general path makes the same
    fields, and a property with any of the keywords the short cut leaves alone goes the general way."""
    from generator.parse import field_facts, schemas
    from generator.parse.canonical import Canonical
    from generator.parse.schemas import SchemaBuilder

    extras: list[dict[str, object]] = [
        {},
        {"format": "password"},
        {"format": "Date-Time"},
        {"format": 3},
        {"readOnly": True},
        {"writeOnly": True, "default": "x"},
        {"default": 0, "example": 5, "deprecated": True},
        {"examples": [1, 2], "title": "T", "description": "  d  "},
        {"minLength": 1, "maxLength": 9, "pattern": "^a", "x-extra": 1},
        {"minimum": 0, "exclusiveMaximum": 10, "multipleOf": 2},
        {"summary": "s", "readOnly": False, "deprecated": 0},
        {"nullable": True},
        {"nullable": False, "format": "password"},
        {"nullable": "yes", "default": None},
    ]
    properties: dict[str, object] = {}
    for kind in ("string", "integer", "number", "boolean"):
        for i, extra in enumerate(extras):
            properties[f"{kind}{i}"] = {"type": kind, **extra}
    # not plain: each goes the general way with the short cut on too
    properties["ref"] = {"$ref": "#/components/schemas/S"}
    properties["const"] = {"type": "string", "const": "c"}
    properties["tag"] = {"type": "string", "enum": ["t"], "default": "t"}
    properties["null"] = {"type": "null"}
    properties["items"] = {"type": "string", "items": {"format": "password"}}
    properties["listed"] = {"type": ["string"]}
    node = {"type": "object", "properties": properties, "required": [*properties, "gone"]}
    document = {"openapi": "3.0.3", "components": {"schemas": {"M": node, "S": {"type": "string"}}}}

    def fields() -> tuple[object, ...]:
        canonical = Canonical(document)
        sink = DiagnosticSink()
        builder = SchemaBuilder(Resolver(canonical.document, "", sink), sink, "3.0", canonical)
        built = builder._model(
            "/components/schemas/M", "M", canonical.document["components"]["schemas"]["M"], ""
        )
        assert sink.sorted() == []
        return built.fields

    calls: list[str] = []
    real = field_facts.plain_field

    def counted(wire: str, node: dict[str, object], listed: bool) -> object:
        calls.append(wire)
        return real(wire, node, listed)

    monkeypatch.setattr(schemas, "plain_field", counted)
    quick = fields()
    assert len(calls) == 4 * len(extras)  # every plain one, none of the others
    monkeypatch.setattr(schemas, "NOT_PLAIN", field_facts.NOT_PLAIN | {"type"})
    general = fields()
    assert len(calls) == 4 * len(extras)
    assert quick == general
    by_name = {f.wire_name: f for f in quick}  # type: ignore[attr-defined]
    assert [by_name[f"string{i}"].secret for i in range(4)] == [False, True, False, False]
    last = len(extras) - 1
    assert [by_name[f"integer{i}"].type.nullable for i in range(last - 2, last + 1)] == [
        True,
        False,
        False,
    ]


def test_under_responses_reads_raw_tokens_as_the_split_pointer() -> None:
    from generator import pointer
    from generator.naming.plan import _under_responses

    def by_split(sid: str) -> bool:
        tokens = pointer.split(sid)
        return tokens[:2] == ("components", "responses") or (
            tokens[:1] == ("paths",) and len(tokens) > 3 and tokens[3] == "responses"
        )

    cases = [
        "/components/responses/NotFound/content/application~1json/schema",
        "/components/responses",
        "/components/responses~1x",
        "/components/schemas/responses",
        "/paths/~1a~1{b}/get/responses/200/content/x/schema",
        "/paths/~1a/get/responses",
        "/paths/a~1responses/get/x",
        "/paths/~1a/get/responses~0/1",
        "/paths/~1a/get/parameters/0/schema/properties/responses",
        "#/components/responses/x",
        "",
    ]
    assert [_under_responses(c) for c in cases] == [by_split(c) for c in cases]
    assert [_under_responses(c) for c in cases].count(True) == 5


def test_hints_are_attached_as_replace_would() -> None:
    """`finish` attaches each schema's name hints with one call of its class (`_with_hints`): the
    same object `dataclasses.replace` makes, for each kind of named schema."""
    from dataclasses import replace

    from generator.ir import Alias, Enum, EnumMember, Field, Model, NameHints
    from generator.parse.schemas import _with_hints

    hints = NameHints((("A", None), ("B c", "c")), (("A", None),), True, "X response")
    made = [
        Model("#/a", "A", "doc", (Field("x", Primitive(Kind.STRING), True),), None, closed=True),
        Enum("#/e", "E", "", (EnumMember("v", "d", "V"),), "string", nullable=True),
        Alias("#/l", "L", "d", ListOf(ModelRef("#/a")), example=[1]),
    ]
    for schema in made:
        attached = _with_hints(schema, hints)
        assert attached == replace(schema, hints=hints) and type(attached) is type(schema)
        assert attached.hints is hints and schema.hints is None


def test_plain_fields_share_one_type_object_per_type_format_and_nullable() -> None:
    """`plain_field`'s types are made once per (type, format, nullable) (`_plain_type`); a format
    that is not a string (no key) is read as before."""
    from generator.parse.field_facts import plain_field

    def typ(node: dict[str, object]) -> object:
        return plain_field("p", node, True).type

    same = [typ({"type": "string", "format": "uuid", "description": str(i)}) for i in range(3)]
    assert same[0] == Primitive(Kind.UUID) and all(t is same[0] for t in same)
    nullable = typ({"type": "string", "format": "uuid", "nullable": True})
    assert nullable == Primitive(Kind.UUID, nullable=True) and nullable is not same[0]
    assert typ({"type": "number", "format": "int64"}) == Primitive(Kind.INTEGER)
    assert typ({"type": "string", "format": ["uuid"]}) == Primitive(Kind.STRING)
    assert typ({"type": "string", "format": {"a": 1}, "nullable": True}) == Primitive(
        Kind.STRING, nullable=True
    )


@pytest.mark.parametrize(
    "t",
    [
        Primitive(Kind.DATE),
        ModelRef("#/a"),
        ListOf(ModelRef("#/a"), prefix=(Primitive(Kind.STRING),), closed=True, min_items=1),
        MapOf(Primitive(Kind.INTEGER)),
        LiteralOf(("x",)),
        UnionOf((ModelRef("#/a"), AnyType())),
        AnyType(),
    ],
)
def test_with_nullable_is_replace(t: object) -> None:
    import dataclasses

    from generator.ir.types import with_nullable

    for flag in (True, False):
        made = with_nullable(t, flag)  # type: ignore[arg-type]
        assert made == dataclasses.replace(t, nullable=flag)  # type: ignore[type-var]
        assert type(made) is type(t) and (made is t) == (t.nullable == flag)  # type: ignore[attr-defined]
