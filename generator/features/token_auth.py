"""The part session login (`session.py`) and OAuth client credentials (`oauth.py`) share: both are
an `AuthPlan` whose token the runtime renews (`RenewingAuth` in the session runtime). Each claims
its credential arguments, changes no method, and adds its own `_credentials.py`
(`templates/features/<name>/credentials.py.jinja`), the README paragraph on the client
(`README.md.jinja` beside it) and its runtime modules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..diagnostics import DiagnosticSink
from ..ir import Api
from ..naming.requests import NameRequest
from ..render.auth_views import AuthPlan, auth_requests, auth_view
from ..render.extension import block
from ..render.resource_views import ResourceDraft
from .base import Context, Contribution, Preparation, runtime_path

if TYPE_CHECKING:
    from ..config import TargetConfig


class TokenAuth:
    """A token-auth feature; subclasses set `name` and `runtime` and decide `analyse`."""

    name: str
    runtime: tuple[tuple[str, str], ...]  # (feature, module) under templates/runtime/features/

    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        return api

    def names(self, facts: AuthPlan, api: Api) -> Iterable[NameRequest]:
        return auth_requests(facts)

    def prepare(self, facts: AuthPlan, ctx: Context) -> Preparation:
        return Preparation()

    def contribute(
        self, facts: AuthPlan, ctx: Context, resources: Mapping[str, ResourceDraft]
    ) -> Contribution:
        auth = auth_view(facts, ctx.names, ctx.api.target.package.env_prefix)
        templates = f"features/{self.name}"
        return Contribution(
            runtime=tuple(runtime_path(feature, module) for feature, module in self.runtime),
            files={"_credentials.py": block(f"{templates}/credentials.py.jinja", auth=auth)},
            readme={"client": (block(f"{templates}/README.md.jinja", auth=auth),)},
            auth=auth,
        )
