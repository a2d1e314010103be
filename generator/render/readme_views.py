"""Example snippets for the generated package README, picked from the spec's own operations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..ir import Api, Location, Model, ModelRef, Operation, ResultKind
from ..naming.names import Names, op_key
from .resource_views import MethodView
from .safe import NO_CODE, NO_NAME, Code, Name, code, py


@dataclass(frozen=True, slots=True)
class Examples:
    """The calls the README's examples use (none: that example is left out)."""

    list_call: Name = NO_NAME  # "client.referrals.list" (paginated, no required arguments)
    list_args: Code = NO_CODE
    get_call: Name = NO_NAME  # one path argument, JSON result
    create_call: Name = NO_NAME  # JSON body
    create_body: Code = NO_CODE  # its arguments: `name=..., colour=...` (or `body={...}`)
    upload_call: Name = NO_NAME
    upload_args: Code = NO_CODE
    download_call: Name = NO_NAME
    download_args: Code = NO_CODE


@dataclass(frozen=True, slots=True)
class ExamplePart:
    """What one operation offers the README (`pick_examples`): the arguments of each example it
    could be (None: it cannot be that one) and of the README's first call. Read from its method's
    structure and the schemas, never from prose, so a prose-only regeneration keeps the parts of the
    operations it did not patch (`generator/stage/cache.py`) instead of drafting their methods."""

    first_args: Code  # `"owner-id", name=...`: its positional and required keyword arguments
    list_args: Code | None = None  # paginated, no required arguments: `limit=50` (or "")
    get: bool = False  # one path argument, one JSON model back, not paged
    create_body: Code | None = None  # a POST without path arguments: its body's arguments
    upload_args: Code | None = None
    download_args: Code | None = None


def example_part(api: Api, op: Operation, m: MethodView) -> ExamplePart:
    required_kw = [a for a in m.keyword if not a.default]
    kinds = {r.kind for r in op.results}
    paged = any(r.pagination is not None for r in op.results)
    first_args = code(
        ", ".join([f'"{a.name}-id"' for a in m.positional] + [f"{a.name}=..." for a in required_kw])
    )
    list_args = None
    if paged and not m.positional and not required_kw:
        limit = next(
            (
                r.pagination.limit_param
                for r in op.results
                if r.pagination and r.pagination.limit_param
            ),
            "",
        )
        arg = next((a.name for a in m.keyword if a.wire == limit), "") if limit else ""
        list_args = code(f"{arg}=50" if arg else "")
    returns_model = all(
        isinstance(r.returns, ModelRef) and isinstance(api.schemas.get(r.returns.id), Model)
        for r in op.results
    )
    get = (
        op.method == "get"
        and len(m.positional) == 1
        and not required_kw
        and kinds == {ResultKind.JSON}
        and not paged
        and returns_model
    )
    create_body = None
    if op.method == "post" and not m.positional:
        if m.flat_body:
            required = [a for a in m.body_fields if not a.default][:3] or list(m.body_fields[:1])
            body = code(", ".join(f"{a.name}=..." for a in required))
        else:
            body = _body_example(api, op) if m.body_arg is not None else Code("")
            body = code(f"body={body}") if body else body
        create_body = body or None
    upload_args = None
    if m.body_fields and any(a.annotation.startswith("FileTypes") for a in m.body_fields):
        args = [f'"{p.name}-id"' for p in m.positional]
        args += [
            f'{a.name}=Path("report.pdf")'
            if a.annotation.startswith("FileTypes")
            else f'{a.name}="..."'
            for a in m.body_fields
            if not a.default
        ]
        upload_args = code(", ".join(args))
    download_args = None
    if kinds == {ResultKind.BINARY}:
        args = [f'"{p.name}-id"' for p in m.positional] + [f'{a.name}="..."' for a in required_kw]
        download_args = code(", ".join(args))
    return ExamplePart(first_args, list_args, get, create_body, upload_args, download_args)


def example_parts(
    api: Api, methods: Mapping[str, MethodView], kept: Mapping[str, ExamplePart] | None = None
) -> dict[str, ExamplePart]:
    """Operation key → its part; `kept`: the parts of an earlier run's operations that this run has
    as they were (a prose-only regeneration): taken as they are, their methods never looked at."""
    parts = {}
    for op in api.operations:
        key = op_key(op)
        was = kept.get(key) if kept else None
        parts[key] = was if was is not None else example_part(api, op, methods[key])
    return parts


def pick_examples(api: Api, names: Names, methods: Mapping[str, MethodView]) -> Examples:
    return pick(api, names, example_parts(api, methods))


def pick(api: Api, names: Names, parts: Mapping[str, ExamplePart]) -> Examples:
    """The README's examples: for each, the first operation (in the spec's order) that can be it."""
    found: dict[str, Code | Name] = {}

    def call(op: Operation) -> Name:
        return Name(f"client.{names.resource_of(op).access}.{names.op_method[op_key(op)]}")

    for op in api.operations:
        p = parts[op_key(op)]
        if p.list_args is not None and "list_call" not in found:
            found["list_call"], found["list_args"] = call(op), p.list_args
        if p.get and "get_call" not in found:
            found["get_call"] = call(op)
        if p.create_body is not None and "create_call" not in found:
            found["create_call"], found["create_body"] = call(op), p.create_body
        if p.upload_args is not None and "upload_call" not in found:
            found["upload_call"], found["upload_args"] = call(op), p.upload_args
        if p.download_args is not None and "download_call" not in found:
            found["download_call"], found["download_args"] = call(op), p.download_args
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
    return fields_example(schema)


def fields_example(schema: object) -> Code:
    """`{"name": ...}`: the model's required fields (at most 3), else its first one a caller can
    send, to fill in."""
    if not isinstance(schema, Model):
        return Code("")
    sendable = [f for f in schema.fields if not f.read_only] or list(schema.fields)
    required = [f for f in schema.fields if f.required][:3] or sendable[:1]
    return code("{" + ", ".join(f"{py(f.wire_name)}: ..." for f in required) + "}")
