"""Session login: bearer tokens from a login operation, renewed through a refresh operation
(`session` in the target's configuration). The client takes the login body's fields (or a token
you already have), logs in on first use and renews before expiry or on a 401."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..diagnostics import DiagnosticSink
from ..ir import Api, Model, ModelRef, SessionLogin
from ..render.auth_views import AuthPlan, Credential
from .token_auth import TokenAuth

if TYPE_CHECKING:
    from ..config import TargetConfig


class Session(TokenAuth):
    name = "session"
    runtime = (("session", "_session.py"),)

    def shape(self, api: Api, config: TargetConfig, sink: DiagnosticSink) -> Api:
        s = config.session
        login = (
            SessionLogin(
                s.login_operation,
                s.refresh_operation,
                s.access_token,
                s.refresh_token,
                s.credentials,
            )
            if s is not None
            else None
        )
        return replace(api, target=replace(api.target, session=login))

    def analyse(self, api: Api, sink: DiagnosticSink) -> AuthPlan | None:
        session = api.target.session
        if session is None:
            return None
        by_id = {op.id: op for op in api.operations}
        login = by_id.get(session.login_operation)
        refresh = by_id.get(session.refresh_operation) if session.refresh_operation else None
        if login is None:
            sink.error(
                "session-login-missing",
                "/paths",
                f"session login operation {session.login_operation!r} is not in the spec",
                "fix [tool.clientgen.targets.*.session] login_operation",
            )
            return None
        wires = list(session.credentials)
        body = login.body.media[0].type if login.body is not None else None
        if not wires and isinstance(body, ModelRef):
            model = api.schemas.get(body.id)
            wires = (
                [f.wire_name for f in model.fields if f.required]
                if isinstance(model, Model)
                else []
            )
        credentials = tuple(Credential(w, f"login `{w}`", w) for w in wires)
        credentials += (
            Credential("access token", "a token you already have", alternative=True),
            Credential("refresh token", "a refresh token you already have", alternative=True),
        )
        return AuthPlan(
            "session",
            credentials,
            login_path=login.path,
            refresh_path=refresh.path if refresh else "",
            access_field=session.access_token,
            refresh_field=session.refresh_token,
        )


FEATURE = Session()
