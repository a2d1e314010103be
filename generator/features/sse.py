"""Server-sent events: operations whose response is `text/event-stream` (`ResultKind.EVENTS`) return a
`Stream[T]` / `AsyncStream[T]` of typed events.

The core prints the method's return type and its `ResponseSpec(kind="sse", …, streams=(Stream,
AsyncStream))`; this unit imports those names where a method uses them, ships the runtime
(`runtime/features/sse/`: `_sse.py`, the event parser; `_streaming.py`, the streams), re-exports
`Stream`, `AsyncStream` and `ServerSentEvent` from the package, and adds the README section. A client
without such an operation ships none of it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..diagnostics import DiagnosticSink
from ..ir import Api, Operation, ResultKind
from ..naming.names import op_key
from ..naming.requests import NameRequest
from ..render.extension import MethodContext, MethodExtras, RuntimeImport, block
from ..render.resource_views import ResourceDraft
from ..render.safe import Name, code
from .base import Context, Contribution, Preparation, runtime_path

if TYPE_CHECKING:
    from ..config import TargetConfig

_STREAMS: RuntimeImport = (".._streaming", ("AsyncStream", "Stream"))
_EXPORTS: RuntimeImport = ("._streaming", ("AsyncStream", "ServerSentEvent", "Stream"))


def is_event_stream(op: Operation) -> bool:
    return any(r.kind is ResultKind.EVENTS for r in op.results)


class ServerSentEvents:
    name = "sse"

    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        return api  # nothing to configure: the spec's media types decide

    def analyse(self, api: Api, sink: DiagnosticSink) -> tuple[Operation, ...] | None:
        return tuple(op for op in api.operations if is_event_stream(op)) or None

    def names(self, facts: tuple[Operation, ...], api: Api) -> Iterable[NameRequest]:
        return ()  # `Stream`, `AsyncStream`, `ServerSentEvent` are reserved (naming.plan)

    def prepare(self, facts: tuple[Operation, ...], ctx: Context) -> Preparation:
        return Preparation(method=_method)

    def contribute(
        self, facts: tuple[Operation, ...], ctx: Context, resources: Mapping[str, ResourceDraft]
    ) -> Contribution:
        names = ctx.names
        op = facts[0]
        resource = names.resource_of(op)
        method = resources[names.op_resource[op_key(op)]].method(names.op_method[op_key(op)])
        args = [f'"{p.name}-id"' for p in method.positional]
        args += [f"{a.name}=..." for a in method.keyword if not a.default]
        readme = block(
            "features/sse/README.md.jinja",
            call=Name(f"client.{resource.access}.{method.name}"),
            args=code(", ".join(args)),
        )
        return Contribution(
            runtime=(runtime_path(self.name, "_sse.py"), runtime_path(self.name, "_streaming.py")),
            exports=(_EXPORTS,),
            readme={"responses": (readme,)},
        )


_NOTE = (
    "Returns the server-sent events, each as it arrives (iterate it: `event.data`, `event.event`,",
    "`event.id`); leaving the loop, `close()` or the end of a `with` block closes the connection.",
)


def _method(ctx: MethodContext) -> MethodExtras | None:
    """A method returning an event stream imports the stream classes its signature names, and says
    how to use what it returns."""
    if not is_event_stream(ctx.op):
        return None
    return MethodExtras(imports=(_STREAMS,), doc_notes=_NOTE)


FEATURE = ServerSentEvents()
