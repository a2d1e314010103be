"""Error codes: an exception subclass per documented `error.code` value (the spec's `x-known-values`
of an error schema's `code`, plus the target's `error_codes`), raised instead of its status class when
a response carries that code; the status decides the base class, from the runtime's own table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..diagnostics import DiagnosticSink
from ..ir import Api, ErrorCode
from ..naming.requests import NameKind, NameRequest
from ..naming.runtime import status_class
from ..render.extension import ClientExtras, block
from ..render.resource_views import ResourceDraft
from ..render.safe import Code, Doc, Name, doc
from .base import Context, Contribution, Preparation

if TYPE_CHECKING:
    from ..config import TargetConfig


@dataclass(frozen=True, slots=True)
class DetailView:
    """A detail field of an error-code class: its attribute, the body key and its doc."""

    name: Name
    key: str  # raw (printed with `py`)
    doc: Doc


@dataclass(frozen=True, slots=True)
class ErrorClassView:
    """The exception class of one `error.code` value, as its template prints it."""

    name: Name
    base: Name
    code: str  # raw (printed with `py`)
    status: int | None
    details: tuple[DetailView, ...]
    doc: Doc


def error_views(
    codes: tuple[ErrorCode, ...], requested: Mapping[tuple[str, ...], Name]
) -> tuple[ErrorClassView, ...]:
    out = []
    for e in codes:
        details = tuple(
            DetailView(
                requested[("error_codes", "detail", e.code, k)],
                k,
                doc(f"`error.details.{k}` (None when absent)."),
            )
            for k in e.details
        )
        status = f" (HTTP {e.status})" if e.status else ""
        out.append(
            ErrorClassView(
                requested[("error_codes", "class", e.code)],
                Name(status_class(e.status)),
                e.code,
                e.status,
                details,
                doc(f"`error.code == {e.code!r}`{status}."),
            )
        )
    return tuple(out)


class ErrorCodes:
    name = "error_codes"

    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        from ..config import ErrorCodeConfig

        codes = []
        for code in dict.fromkeys([*api.error_codes, *config.error_codes]):
            raw = config.error_codes.get(code)
            cfg = raw if isinstance(raw, ErrorCodeConfig) else ErrorCodeConfig(status=raw)
            codes.append(ErrorCode(code, cfg.status, cfg.name, cfg.details))
        return replace(api, target=replace(api.target, error_codes=tuple(codes)))

    def analyse(self, api: Api, sink: DiagnosticSink) -> tuple[ErrorCode, ...] | None:
        return api.target.error_codes or None

    def names(self, facts: tuple[ErrorCode, ...], api: Api) -> Iterable[NameRequest]:
        for e in facts:
            yield NameRequest(
                ("error_codes", "class", e.code),
                NameKind.ERROR_CLASS,
                e.name or e.code,
                exact=bool(e.name),
            )
            for k in e.details:
                yield NameRequest(
                    ("error_codes", "detail", e.code, k), NameKind.ATTRIBUTE, k, f"error {e.code}"
                )

    def prepare(self, facts: tuple[ErrorCode, ...], ctx: Context) -> Preparation:
        return Preparation()

    def contribute(
        self, facts: tuple[ErrorCode, ...], ctx: Context, resources: Mapping[str, ResourceDraft]
    ) -> Contribution:
        errors = error_views(facts, ctx.names.requested)
        bases = sorted({e.base for e in errors} | {Name("APIStatusError")})
        return Contribution(
            files={
                "_errors.py": block(
                    "features/error_codes/errors.py.jinja", errors=errors, bases=bases
                )
            },
            client=ClientExtras(
                error_table=Code("from ._errors import ERROR_CODES as _ERROR_CODES")
            ),
            init=(
                Code("from ._errors import *  # noqa: F403"),
                Code("from ._errors import __all__ as _errors_all"),
            ),
            readme={
                "errors": (
                    block(
                        "features/error_codes/README.md.jinja",
                        package=Name(ctx.api.target.package.name),
                    ),
                )
            },
        )


FEATURE = ErrorCodes()
