"""Relative server URLs (`servers: [{url: /api}]`) resolved against where the spec came from.

OpenAPI reads a relative server URL relative to the location the document is served from. When the
target names that location (`live_url`: set by `clientgen init URL`, used by `fetch` and `check --live`;
`clientgen generate URL -o OUT` sets it too), every relative server becomes absolute; otherwise it stays
relative and the client keeps its path after the user's base URL (`ir.Server.relative_path`).
"""

from __future__ import annotations

from urllib.parse import urljoin

from ..config import TargetConfig
from ..ir import Api, Server
from ..ir.quick_init import quick_replace


def resolve_servers(api: Api, config: TargetConfig) -> Api:
    base = config.live_url
    if not base.startswith(("http://", "https://")):
        return api

    def resolved(servers: tuple[Server, ...]) -> tuple[Server, ...]:
        if all(server.relative_path is None for server in servers):
            return servers
        return tuple(
            server
            if server.relative_path is None
            else quick_replace(server, url=urljoin(base, server.url))
            for server in servers
        )

    return quick_replace(
        api,
        servers=resolved(api.servers),
        operations=tuple(
            quick_replace(op, servers=resolved(op.servers)) if op.servers else op
            for op in api.operations
        ),
    )
