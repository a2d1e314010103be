"""Regions: the API is served from one base URL per region; the client takes `region=` (or the
`<PREFIX>_REGION` environment variable) and picks that URL. Configured with `regions`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .. import escape
from ..diagnostics import DiagnosticSink
from ..ir import Api
from ..naming.requests import NameRequest
from ..render.client_views import default_base_url
from ..render.extension import ClientExtras, ClientParam, block
from ..render.resource_views import ResourceDraft
from ..render.safe import Code, Name, doc
from .base import Context, Contribution, Preparation

if TYPE_CHECKING:
    from ..config import TargetConfig


@dataclass(frozen=True, slots=True)
class RegionsView:
    """The regions feature's client code: each region's base URL and the variables read."""

    regions: tuple[tuple[str, str], ...]  # raw (config): name → base URL
    region_env: Name
    base_url_env: Name
    base_url: str  # raw: the spec's default


class Regions:
    name = "regions"

    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        return replace(api, target=replace(api.target, regions=tuple(config.regions.items())))

    def analyse(self, api: Api, sink: DiagnosticSink) -> tuple[tuple[str, str], ...] | None:
        return api.target.regions or None

    def names(self, facts: tuple[tuple[str, str], ...], api: Api) -> Iterable[NameRequest]:
        return ()

    def prepare(self, facts: tuple[tuple[str, str], ...], ctx: Context) -> Preparation:
        return Preparation()

    def contribute(
        self,
        facts: tuple[tuple[str, str], ...],
        ctx: Context,
        resources: Mapping[str, ResourceDraft],
    ) -> Contribution:
        env = ctx.api.target.package.env_prefix
        view = RegionsView(
            facts, Name(f"{env}_REGION"), Name(f"{env}_BASE_URL"), default_base_url(ctx.api)
        )
        names = " | ".join(escape.py_string(name) for name, _ in facts)
        docs = doc(
            f"region: {names}: the regional base URL (see `REGIONS`); defaults to "
            f"`{view.region_env}`.\n        base_url: overrides the region; defaults to "
            f"`{view.base_url_env}`, then `{view.base_url}`."
        )
        return Contribution(
            client=ClientExtras(
                exports=(Name("REGIONS"), Name("Region")),
                base_url=block("features/regions/base_url.py.jinja", rv=view),
                params=(ClientParam(Name("region"), Code("Region | None"), Code("None")),),
                param_docs=docs,
                base_url_args=("region",),
            ),
            readme={"client": (block("features/regions/README.md.jinja", rv=view),)},
        )


FEATURE = Regions()
