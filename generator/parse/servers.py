"""`servers` lists (document, path item or operation level) → IR `Server`s, with diagnostics for URL
templates the generated client cannot fill in.

How the client uses servers: the document's first server with an absolute http(s) URL (variables
replaced by their defaults) is the client's default `base_url`; without one, the first relative server
(`/api`: relative to where the spec is served) gives the path the client keeps after the user's
`base_url` (the shape stage first resolves relative servers against the target's `live_url`, when the
spec came from a URL). An operation's own servers (else its path item's) give its requests the first
server's URL (`Endpoint(server=...)`) while the client runs on that default base URL. Any other server
is never used by the generated client.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from .. import pointer as jp
from ..diagnostics import DiagnosticSink
from ..ir import Server
from .nodes import mapping, sequence

Level = Literal["document", "path", "operation"]
_TEMPLATE = re.compile(r"{([^{}]*)}")


def servers(raw: Any, where: str, sink: DiagnosticSink, level: Level) -> tuple[Server, ...]:
    out: list[tuple[int, Server]] = []
    for i, s in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(s, dict) and isinstance(s.get("url"), str):
            variables = tuple(
                (name, str(v.get("default", "")), tuple(str(e) for e in sequence(v.get("enum"))))
                for name, v in mapping(s.get("variables")).items()
                if isinstance(v, dict)
            )
            out.append((i, Server(s["url"], str(s.get("description") or ""), variables)))
    used = _used_index([server for _, server in out], level)
    for n, (i, server) in enumerate(out):
        _check(server, raw[i], jp.join(where, i), _effect(level) if n == used else "", sink)
    return tuple(server for _, server in out)


def _used_index(found: list[Server], level: Level) -> int | None:
    if level != "document":
        return 0 if found else None
    for n, server in enumerate(found):
        if server.default_url.startswith(("http://", "https://")):
            return n
    return next((n for n, server in enumerate(found) if server.relative_path is not None), None)


def _effect(level: Level) -> str:
    """What a URL the client cannot fill in does to requests, for the server the client uses."""
    who = {
        "document": "this is the client's default base URL, so requests",
        "path": "the requests of this path's operations (those without servers of their own)",
        "operation": "this operation's requests",
    }[level]
    fix = (
        "with base_url=..."
        if level == "document"
        else "with a base_url=... of its own (which then replaces this server)"
    )
    return f"{who} go to a wrong host or path unless the client is created {fix}"


def _consequence(name: str, effect: str) -> str:
    if not effect:
        return "the generated client never uses this server (only the first one of a list), so only other tools are affected"
    return f"the generated client leaves {{{name}}} in the URL as written; {effect}"


def _check(
    server: Server, node: dict[str, Any], where: str, effect: str, sink: DiagnosticSink
) -> None:
    """`effect`: what goes wrong for the client when this server's URL is wrong ("" = it is not used)."""
    raw = node.get("variables")
    declared = mapping(raw)
    if raw is not None and not isinstance(raw, dict):
        sink.warn(
            "bad-server",
            jp.join(where, "variables"),
            "server variables is not a mapping; ignored",
            "make variables an object of name → {default, enum}",
        )
    for name in dict.fromkeys(_TEMPLATE.findall(server.url)):
        if isinstance(declared.get(name), dict):
            continue
        problem = (
            "whose entry under variables is not an object"
            if name in declared
            else "which is not defined under this server's variables"
        )
        sink.warn(
            "server-variable-undefined",
            jp.join(where, "url"),
            f"server URL {server.url!r} uses {{{name}}}, {problem}; {_consequence(name, effect)}",
            f"define {name!r} under variables with a default, or write its value into the URL",
        )
    for name, default, enum in server.variables:
        if "default" not in declared[name]:
            sink.warn(
                "server-variable-default",
                jp.join(where, "variables", name),
                f"server variable {name!r} has no default (OpenAPI requires one); the generated client "
                f"puts an empty string in its place: {server.default_url!r}",
                "give the variable a default",
            )
        elif enum and default not in enum:
            sink.warn(
                "server-variable-default",
                jp.join(where, "variables", name, "default"),
                f"the default {default!r} of server variable {name!r} is not one of its enum values "
                f"{list(enum)!r}; the generated client puts it into the URL anyway: {server.default_url!r}",
                "make the default one of the enum values (OpenAPI requires it), or add it to the enum",
            )
