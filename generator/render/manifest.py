"""`operations.json`: every operation of the package, with the Python call that performs it."""

from __future__ import annotations

from .. import escape
from ..ir import Api, Location, Operation
from ..naming.plan import Names, op_key
from ..paths import HEADER
from ..version import __version__
from .resource_views import MethodView
from .safe import Name


def call_of(names: Names, op: Operation) -> Name:
    return Name(f"{names.resource_of(op).access}.{names.op_method[op_key(op)]}")


def manifest(api: Api, names: Names, methods: dict[str, MethodView]) -> str:
    package = api.target.package
    ops = []
    for op in api.operations:
        key = op_key(op)
        m = methods[key]
        ops.append(
            {
                "operation_id": op.id,
                "method": op.method.upper(),
                "path": op.path,
                "call": call_of(names, op),
                "tags": list(op.tags),
                "parameters": [
                    {
                        "name": p.wire_name,
                        "in": p.location.value,
                        "python_name": names.params[(key, p.location.value, p.wire_name)],
                        "required": p.required,
                        "positional": p.location is Location.PATH,
                    }
                    for p in op.parameters
                ],
                "body": None
                if m.body_arg is None and not m.body_fields
                else {
                    "media_type": m.body_media,
                    "python_name": m.body_arg.name if m.body_arg else None,
                    "fields": {a.wire: a.name for a in m.body_fields},
                    "required": bool(op.body and op.body.required),
                },
                "returns": m.returns,
                "paginated": any(r.pagination is not None for r in op.results),
            }
        )
    doc = {
        "_generated": HEADER,
        "generator": __version__,
        "package": package.name,
        "client": package.client,
        "async_client": f"Async{package.client}",
        "operations": ops,
    }
    return escape.json_document(doc)
