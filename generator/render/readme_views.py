"""Example snippets for the generated package README, picked from the spec's own operations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ..ir import Api, Location, Model, ModelRef, Operation, ResultKind
from ..naming.plan import Names, op_key
from .resource_views import MethodView
from .safe import NO_CODE, NO_NAME, Code, Name, code, py


@dataclass(frozen=True, slots=True)
class Examples:
    list_call: Name = NO_NAME  # "client.referrals.list" (paginated, no required arguments)
    list_args: Code = NO_CODE
    get_call: Name = NO_NAME  # one path argument, JSON result
    create_call: Name = NO_NAME  # JSON body
    create_body: Code = NO_CODE  # its arguments: `name=..., colour=...` (or `body={...}`)
    upload_call: Name = NO_NAME
    upload_args: Code = NO_CODE
    download_call: Name = NO_NAME
    download_args: Code = NO_CODE


def pick_examples(api: Api, names: Names, methods: Mapping[str, MethodView]) -> Examples:
    picker = ExamplePicker(api, names)
    for index, op in enumerate(api.operations):
        picker.see(index, op, methods[op_key(op)])
    return picker.examples()


class ExamplePicker:
    """The README's examples: for each kind, the first operation (in the spec's order) that suits
    it. Shown the operations in any order with their index (`see`), so the file plan can let each
    resource's method views go once it is rendered; it also keeps what the README says of the
    first operation (`first_method`, `first_args`)."""

    def __init__(self, api: Api, names: Names) -> None:
        self.api, self.names = api, names
        self.found: dict[str, tuple[int, dict[str, Code | Name]]] = {}  # kind → (index, fields)
        self.first_method = NO_NAME
        self.first_args = NO_CODE

    def examples(self) -> Examples:
        fields = {
            k: v
            for _, found in sorted(self.found.values(), key=lambda f: f[0])
            for k, v in found.items()
        }
        return Examples(**fields)  # type: ignore[arg-type]

    def see(self, index: int, op: Operation, m: MethodView) -> None:
        if index == 0:
            self.first_method = m.name
            self.first_args = code(
                ", ".join(
                    [f'"{a.name}-id"' for a in m.positional]
                    + [f"{a.name}=..." for a in m.keyword if not a.default]
                )
            )
        for kind, fields in self._candidates(op, m):
            was = self.found.get(kind)
            if was is None or index < was[0]:
                self.found[kind] = (index, fields)

    def _call(self, op: Operation) -> Name:
        return Name(
            f"client.{self.names.resource_of(op).access}.{self.names.op_method[op_key(op)]}"
        )

    def _candidates(
        self, op: Operation, m: MethodView
    ) -> Iterator[tuple[str, dict[str, Code | Name]]]:
        api = self.api
        required_kw = [a for a in m.keyword if not a.default]
        kinds = {r.kind for r in op.results}
        paged = any(r.pagination is not None for r in op.results)
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
            yield (
                "list",
                {"list_call": self._call(op), "list_args": code(f"{arg}=50" if arg else "")},
            )
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
        ):
            yield "get", {"get_call": self._call(op)}
        if op.method == "post" and not m.positional:
            if m.flat_body:
                required = [a for a in m.body_fields if not a.default][:3] or list(
                    m.body_fields[:1]
                )
                body = code(", ".join(f"{a.name}=..." for a in required))
            else:
                body = _body_example(api, op) if m.body_arg is not None else Code("")
                body = code(f"body={body}") if body else body
            if body:
                yield "create", {"create_call": self._call(op), "create_body": body}
        if m.body_fields and any(a.annotation.startswith("FileTypes") for a in m.body_fields):
            args = [f'"{p.name}-id"' for p in m.positional]
            args += [
                f'{a.name}=Path("report.pdf")'
                if a.annotation.startswith("FileTypes")
                else f'{a.name}="..."'
                for a in m.body_fields
                if not a.default
            ]
            yield "upload", {"upload_call": self._call(op), "upload_args": code(", ".join(args))}
        if kinds == {ResultKind.BINARY}:
            args = [f'"{p.name}-id"' for p in m.positional] + [
                f'{a.name}="..."' for a in required_kw
            ]
            yield (
                "download",
                {"download_call": self._call(op), "download_args": code(", ".join(args))},
            )


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
