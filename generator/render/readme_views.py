"""Example snippets for the generated package README, picked from the spec's own operations."""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import Api, Location, Model, ModelRef, Operation, ResultKind
from ..naming import param_name
from .jsonapi_views import JsonApiInfo
from .names import Names, op_key
from .resource_views import HelperView, MethodView
from .safe import NO_CODE, NO_NAME, Code, Name, code, py


@dataclass(frozen=True, slots=True)
class Examples:
    list_call: Name = NO_NAME  # "client.referrals.list" (paginated, no required arguments)
    list_args: Code = NO_CODE
    get_call: Name = NO_NAME  # one path argument, JSON result
    create_call: Name = NO_NAME  # JSON body
    create_body: Code = NO_CODE
    upload_call: Name = NO_NAME
    upload_args: Code = NO_CODE
    download_call: Name = NO_NAME
    download_args: Code = NO_CODE


def pick_examples(api: Api, names: Names, methods: dict[str, MethodView]) -> Examples:
    found: dict[str, Code | Name] = {}

    def call(op: Operation) -> Name:
        return Name(f"client.{names.resource_of(op).attr}.{names.op_method[op_key(op)]}")

    for op in api.operations:
        m = methods[op_key(op)]
        required_kw = [a for a in m.keyword if not a.default]
        kinds = {r.kind for r in op.results}
        paged = any(r.pagination is not None for r in op.results)
        if paged and not m.positional and not required_kw and "list_call" not in found:
            found["list_call"] = call(op)
            limit = next(
                (
                    r.pagination.limit_param
                    for r in op.results
                    if r.pagination and r.pagination.limit_param
                ),
                "",
            )
            arg = next((a.name for a in m.keyword if a.wire == limit), "") if limit else ""
            found["list_args"] = code(f"{arg}=50" if arg else "")
        returns_model = all(
            isinstance(r.returns, ModelRef) and isinstance(api.schemas.get(r.returns.id), Model)
            for r in op.results
        )
        if (
            op.method == "get"
            and len(m.positional) == 1
            and not required_kw
            and kinds == {ResultKind.JSON}
            and not paged
            and returns_model
            and "get_call" not in found
        ):
            found["get_call"] = call(op)
        if (
            op.method == "post"
            and m.body_arg is not None
            and not m.positional
            and "create_call" not in found
        ):
            body = _body_example(api, op)
            if body:
                found["create_call"], found["create_body"] = call(op), body
        if (
            m.body_fields
            and any(a.annotation.startswith("FileTypes") for a in m.body_fields)
            and ("upload_call" not in found)
        ):
            args = [f'"{p.name}-id"' for p in m.positional]
            args += [
                f'{a.name}=Path("report.pdf")'
                if a.annotation.startswith("FileTypes")
                else f'{a.name}="..."'
                for a in m.body_fields
                if not a.default
            ]
            found["upload_call"], found["upload_args"] = call(op), code(", ".join(args))
        if kinds == {ResultKind.BINARY} and "download_call" not in found:
            args = [f'"{p.name}-id"' for p in m.positional] + [
                f'{a.name}="..."' for a in required_kw
            ]
            found["download_call"], found["download_args"] = call(op), code(", ".join(args))
    return Examples(**found)  # type: ignore[arg-type]


def _body_example(api: Api, op: Operation) -> Code:
    if (
        op.body is None
        or not op.body.media
        or any(p.location is Location.PATH for p in op.parameters)
    ):
        return Code("")
    t = op.body.media[0].type
    schema = api.schemas.get(t.id) if isinstance(t, ModelRef) else None
    return _fields_example(schema)


def _fields_example(schema: object) -> Code:
    """`{"name": ...}`: the model's required fields (at most 3), else its first one a caller can
    send, to fill in."""
    if not isinstance(schema, Model):
        return Code("")
    sendable = [f for f in schema.fields if not f.read_only] or list(schema.fields)
    required = [f for f in schema.fields if f.required][:3] or sendable[:1]
    return code("{" + ", ".join(f"{py(f.wire_name)}: ..." for f in required) + "}")


_ITEM = Name("item")


@dataclass(frozen=True, slots=True)
class JsonApiExample:
    """The README's JSON:API section: a typed query on one list operation, and the helpers."""

    list_call: Name = NO_NAME  # "client.people.list"
    fields_class: Name = NO_NAME  # "PersonFields"
    text_field: Name = NO_NAME  # a text field with `like`/eq, e.g. "last_name"
    date_field: Name = NO_NAME  # a sortable date-time field, e.g. "created_at"
    size_arg: Name = NO_NAME  # "page_size"
    item_name: Name = _ITEM
    get_call: Name = NO_NAME  # a get with `include`
    relationship: str = ""  # raw wire name (printed with `py`)
    create_call: Name = NO_NAME
    create_attributes: Code = NO_CODE  # `{"last_name": ...}`: the attributes to fill in
    upload_call: Name = NO_NAME
    link_call: Name = NO_NAME


def jsonapi_example(
    api: Api,
    names: Names,
    methods: dict[str, MethodView],
    info: JsonApiInfo,
    helpers: dict[str, tuple[HelperView, ...]],
) -> JsonApiExample | None:
    if not info.fields_classes:
        return None
    found: dict[str, str] = {}
    by_class = {c.name: c for c in info.fields_classes.values()}
    for op in api.operations:
        key = op_key(op)
        call = Name(f"client.{names.resource_of(op).attr}.{names.op_method[key]}")
        cls = by_class.get(info.op_fields.get(key, Name("")))
        if cls is not None and "list_call" not in found:
            texts = [f.attr for f in cls.fields if f.kind == "TextField" and f.attr != "id"]
            text = next(
                (t for t in texts if t.endswith("last_name")),
                next((t for t in texts if "name" in t), texts[0] if texts else ""),
            )
            date = next(
                (
                    f.attr
                    for f in cls.fields
                    if f.kind == "DateTimeField" and f.sortable and dict(f.ops).keys() >= {"ge"}
                ),
                "",
            )
            size = next(
                (a.name for a in methods[key].keyword if a.wire in ("page[size]", "page[limit]")),
                "",
            )
            if text and date:
                found.update(
                    list_call=call,
                    fields_class=cls.name,
                    text_field=text,
                    date_field=date,
                    size_arg=size,
                    item_name=Name(param_name(cls.name.removesuffix("Fields")) or "item"),
                )
        if key in info.bodies and op.method == "post" and "create_call" not in found:
            found["create_call"] = call
            attributes = info.bodies[key].attributes
            found["create_attributes"] = _fields_example(api.schemas.get(attributes or "")) or Code(
                "{}"
            )
    for op in api.operations:  # a get whose resource has a typed relationship
        m = methods[op_key(op)]
        if (
            op.method == "get"
            and len(m.positional) == 1
            and any(a.wire == "include" for a in m.keyword)
        ):
            rel = _first_relationship(api, op, info)
            if rel:
                found.update(
                    get_call=Name(f"client.{names.resource_of(op).attr}.{m.name}"),
                    relationship=rel,
                )
                break
    for tag, views in sorted(helpers.items()):
        for h in views:
            attr = names.resources[tag].attr
            found.setdefault(
                "upload_call" if h.kind == "upload" else "link_call",
                Name(f"client.{attr}.{h.name}"),
            )
    return JsonApiExample(**found)  # type: ignore[arg-type]


def _first_relationship(api: Api, op: Operation, info: JsonApiInfo) -> str:
    for r in op.results:
        sid = r.returns.id if isinstance(r.returns, ModelRef) else None
        model = api.schemas.get(sid or "")
        if sid not in info.resources or not isinstance(model, Model):
            continue
        rel = next((f for f in model.fields if f.wire_name == "relationships"), None)
        target = (
            api.schemas.get(rel.type.id)
            if rel is not None and isinstance(rel.type, ModelRef)
            else None
        )
        if isinstance(target, Model) and target.fields:
            return target.fields[0].wire_name
    return ""
