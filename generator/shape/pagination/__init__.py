"""Which list operations paginate, and how: decided here from the spec and the configuration,
written into the IR (`Result.pagination`) and from there into the generated code (`PageSpec`), so the
runtime never guesses a field name.

In order, the first that speaks decides: the target's configuration for the operation
(`pagination.operations`, `exclude`), a vendor extension of the spec (`extensions.py`), the target's
default declaration (`pagination.default`), then detection from the spec (`detect.py`: a request knob
and a response signal agree, the items are a typed list; `body.py` reads responses, `knobs.py`
requests). JSON:API collections are the JSON:API feature's (`jsonapi.py`). A declaration is checked
against the operation (`declared.py`); one that does not fit is reported and not used.

A new style is a `PageStyle` member, its detection here and a strategy in the runtime's
`_pagination.py` (CONTRIBUTING.md, "Pagination styles")."""

from __future__ import annotations

from collections.abc import Mapping

from ...config import PageDeclaration, PaginationConfig
from ...diagnostics import DiagnosticSink
from ...ir import JsonValue, Operation, PageSource, PageStyle, Pagination, Schema, TypeRef
from .body import Bodies
from .declared import Declaration, Unfit, build, item_type
from .detect import Names, detect
from .extensions import OFF, declared_by_extension
from .jsonapi import jsonapi_pages

__all__ = ["Pages", "jsonapi_pages"]


class Pages:
    """Pagination of one target: its configuration and the spec's document-level extensions."""

    def __init__(
        self,
        config: PaginationConfig,
        document: Mapping[str, JsonValue],
        sink: DiagnosticSink,
        where: str = "[tool.clientgen.targets.*.pagination]",
    ) -> None:
        self.config = config
        self.document = document
        self.sink = sink
        self.where = where
        self.names = Names(config.page_param, config.limit_param, config.pagination_field)
        self._bodies: Bodies | None = None  # detection's answers about response bodies

    def decide(
        self,
        op: Operation,
        body: TypeRef,
        schemas: Mapping[str, Schema],
        owned: tuple[Pagination | None, TypeRef | None] | None = None,
    ) -> tuple[Pagination | None, TypeRef | None]:
        """The result's pagination and item type. `owned`: what a feature decided for a result it
        shapes (JSON:API); only the configuration of the operation overrides it."""
        cfg = self.config
        own = cfg.operations.get(op.id)
        if own is False or op.id in cfg.exclude:
            return None, None
        if isinstance(own, PageDeclaration):
            return self._declared(op, body, schemas, _from_config(own), config=True)
        if owned is not None:
            return owned
        if cfg.extensions:
            found = self._extension(op, body, schemas)
            if found is not None:
                return found
        chosen = self._default(op, body, schemas)
        if chosen is None and cfg.detect:
            if self._bodies is None or self._bodies.schemas is not schemas:
                self._bodies = Bodies(schemas)
            chosen = detect(op, body, schemas, self.names, self._bodies)
        if chosen is None and op.id in cfg.include:
            chosen = self._included(op, body, schemas)
        if chosen is None:
            return None, None
        return chosen, item_type(body, schemas, chosen.items_field)

    def unknown_operations(self, ids: set[str]) -> None:
        """An operationId the configuration names that the spec does not have is an error."""
        cfg = self.config
        for key, named in (
            ("operations", tuple(cfg.operations)),
            ("include", cfg.include),
            ("exclude", cfg.exclude),
        ):
            for op_id in named:
                if op_id not in ids:
                    self.sink.error(
                        "pagination-config",
                        "/paths",
                        f"{self.where} {key} names the operation {op_id!r}, not in the spec",
                        "use an operationId of the spec (`clientgen generate -v` lists them)",
                    )

    def _default(
        self, op: Operation, body: TypeRef, schemas: Mapping[str, Schema]
    ) -> Pagination | None:
        """The target's default declaration, where it fits (elsewhere it is silently not used)."""
        if self.config.default is None:
            return None
        try:
            return build(op, body, schemas, _from_config(self.config.default))
        except Unfit:
            return None

    def _extension(
        self, op: Operation, body: TypeRef, schemas: Mapping[str, Schema]
    ) -> tuple[Pagination | None, TypeRef | None] | None:
        try:
            declared = declared_by_extension(dict(op.extensions), self.document)
        except Unfit as exc:
            self.sink.warn(
                "pagination-extension", op.pointer, f"{exc}; pagination is detected instead"
            )
            return None
        if declared is None:
            return None
        if declared == OFF:
            return None, None
        assert isinstance(declared, Declaration)
        return self._declared(op, body, schemas, declared, config=False)

    def _declared(
        self,
        op: Operation,
        body: TypeRef,
        schemas: Mapping[str, Schema],
        declared: Declaration,
        *,
        config: bool,
    ) -> tuple[Pagination | None, TypeRef | None]:
        try:
            found = build(op, body, schemas, declared)
        except Unfit as exc:
            if config:
                self.sink.error(
                    "pagination-config",
                    op.pointer,
                    f"{op.id}: {exc}",
                    f"fix {self.where} operations.{op.id}",
                )
                return None, None
            self.sink.warn("pagination-extension", op.pointer, f"{declared.source.value}: {exc}")
            return None, None
        return found, item_type(body, schemas, found.items_field)

    def _included(
        self, op: Operation, body: TypeRef, schemas: Mapping[str, Schema]
    ) -> Pagination | None:
        """`include`: pages by the configured page parameter, whatever the response says."""
        query = {p.wire_name for p in op.parameters if p.location.value == "query"}
        limit = self.config.limit_param if self.config.limit_param in query else ""
        declared = Declaration(
            PageStyle.PAGE_NUMBER,
            PageSource.CONFIG,
            param=self.config.page_param,
            param_in="query",
            limit_param=limit,
        )
        try:
            return build(op, body, schemas, declared)
        except Unfit:
            return None


def _path(text: str) -> tuple[str, ...] | None:
    """A dotted path of the configuration; "" = not given, "$" = the body itself."""
    if not text:
        return None
    return () if text == "$" else tuple(text.split("."))


def _from_config(d: PageDeclaration) -> Declaration:
    return Declaration(
        PageStyle(d.style),
        PageSource.CONFIG,
        param=d.param,
        param_in=d.param_in,
        limit_param=d.limit_param,
        items=_path(d.items),
        next=_path(d.next),
        has_more=_path(d.has_more),
        total_items=_path(d.total_items),
        total_pages=_path(d.total_pages),
    )
