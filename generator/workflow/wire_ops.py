"""Wire-level comparison of operations: added/removed, parameters, request bodies, status codes, security,
access tier. Schemas are compared by `SchemaComparer` in the direction the data flows."""

from __future__ import annotations

import re
from typing import Any, Protocol

from ..ir import (
    Api,
    Constraints,
    Location,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    Response,
)
from .changes import Change, Collector, Layer, Level
from .wire_params import ParameterLimits
from .wire_schema import Direction, SchemaComparer

# Access tiers in increasing order of privilege (x-access-tier); unknown values compare as "different".
TIERS = ("public", "read_only", "read", "standard", "write", "full", "admin")


class Limits(Protocol):
    """A parameter's validation limits (`ParameterLimits`, or ones computed before: `summary`)."""

    def of(self, p: Parameter) -> tuple[Constraints, Constraints]: ...


def op_label(op: Operation) -> str:
    return f"{op.method.upper()} {op.path}"


def match_key(op: Operation) -> str:
    """Operations are the same endpoint when method and path agree up to path-parameter names."""
    return f"{op.method} {re.sub(r'{[^{}]*}', '{}', op.path)}"


def _path_names(path: str) -> list[str]:
    return re.findall(r"{([^{}]+)}", path)


class OperationComparer:
    def __init__(
        self,
        old: Api,
        new: Api,
        out: Collector,
        documents: tuple[dict[str, Any], dict[str, Any]] = ({}, {}),
        *,
        limits: tuple[Limits, Limits] | None = None,
        hints: tuple[dict[str, str], dict[str, str]] | None = None,
    ) -> None:
        """`limits`: each side's parameter limits when they were read before (else from
        `documents`); `hints`: each side's `schema_hints` when computed over more schemas than the
        Apis hold (a pruned side's)."""
        self.old, self.new, self.out = old, new, out
        self.schemas = SchemaComparer(old, new, out, hints)
        self.limits: tuple[Limits, Limits] = limits or (
            ParameterLimits(documents[0]),
            ParameterLimits(documents[1]),
        )

    def _add(
        self, level: bool | Level, code: str, subject: str, message: str, op: str = ""
    ) -> Change:
        if isinstance(level, bool):
            level = Level.BREAKING if level else Level.NON_BREAKING
        return self.out.add(Layer.WIRE, level, code, subject, message, op)

    def run(self) -> None:
        self._api_level()
        old_ops = {match_key(op): op for op in self.old.operations}
        new_ops = {match_key(op): op for op in self.new.operations}
        for key, op in old_ops.items():
            if key not in new_ops:
                self._add(True, "operation-removed", op_label(op), f"operation removed ({op.id})")
        for key, op in new_ops.items():
            if key not in old_ops:
                note = ", deprecated" if op.deprecated else ""
                self._add(
                    False, "operation-added", op_label(op), f"operation added ({op.id}{note})"
                )
        for key, op in old_ops.items():
            if key in new_ops:
                self._operation(op, new_ops[key])

    def _api_level(self) -> None:
        if self.old.version != self.new.version:
            self._add(
                False,
                "api-version-changed",
                "info.version",
                f"API version {self.old.version} → {self.new.version}",
            )
        old_urls, new_urls = [s.url for s in self.old.servers], [s.url for s in self.new.servers]
        if old_urls[:1] != new_urls[:1]:
            self._add(
                False,
                "server-changed",
                "servers",
                f"default server {old_urls[:1] or 'none'} → {new_urls[:1] or 'none'}",
            )
        old_s = {s.name: s for s in self.old.security_schemes}
        for s in self.new.security_schemes:
            before = old_s.get(s.name)
            if before is not None and before != s:
                was = (
                    f"{before.kind} {before.location} {before.param_name or before.scheme}".strip()
                )
                now = f"{s.kind} {s.location} {s.param_name or s.scheme}".strip()
                self._add(
                    True, "security-scheme-changed", f"securitySchemes.{s.name}", f"{was} → {now}"
                )

    # ---- one operation -----------------------------------------------------------------------
    def _operation(self, o: Operation, n: Operation) -> None:
        label = op_label(n)
        if o.path != n.path:
            self._add(
                False, "path-template-changed", label, f"path parameters renamed ({o.path})", label
            )
        if o.id != n.id:
            self._add(False, "operation-id-changed", label, f"operationId {o.id} → {n.id}", label)
        if n.deprecated and not o.deprecated:
            self._add(False, "operation-deprecated", label, "operation deprecated", label)
        self._parameters(o, n, label)
        self._body(o.body, n.body, label)
        self._responses(o.responses, n.responses, label)
        self._security(o, n, label)

    def _parameters(self, o: Operation, n: Operation, label: str) -> None:
        rename = dict(zip(_path_names(o.path), _path_names(n.path), strict=False))

        def key(p: Parameter, old: bool) -> tuple[str, str]:
            name = (
                rename.get(p.wire_name, p.wire_name)
                if old and p.location is Location.PATH
                else p.wire_name
            )
            return (p.location.value, name)

        old_p = {key(p, True): p for p in o.parameters}
        new_p = {key(p, False): p for p in n.parameters}
        old_loc, new_loc = {nm: loc for loc, nm in old_p}, {nm: loc for loc, nm in new_p}
        moved = {
            nm
            for nm in old_loc.keys() & new_loc.keys()
            if (new_loc[nm], nm) not in old_p and (old_loc[nm], nm) not in new_p
        }
        for k, p in old_p.items():
            if k in new_p:
                self._parameter(p, new_p[k], label)
            elif k[1] in moved:
                self._add(
                    True,
                    "parameter-location-changed",
                    f"{label} parameter `{p.wire_name}`",
                    f"moved from {k[0]} to {new_loc[k[1]]}",
                    label,
                )
            else:
                self._add(
                    True,
                    "parameter-removed",
                    f"{label} {k[0]} parameter `{p.wire_name}`",
                    "parameter removed",
                    label,
                )
        for k, p in new_p.items():
            if k not in old_p and k[1] not in moved:
                self._add(
                    p.required,
                    "parameter-added",
                    f"{label} {k[0]} parameter `{p.wire_name}`",
                    "new required parameter" if p.required else "parameter added (optional)",
                    label,
                )

    def _parameter(self, o: Parameter, n: Parameter, label: str) -> None:
        subject = f"{label} {n.location.value} parameter `{n.wire_name}`"
        if o.required != n.required:
            self._add(
                n.required,
                "parameter-required" if n.required else "parameter-optional",
                subject,
                "became required" if n.required else "became optional",
                label,
            )
        if (o.style, o.explode) != (n.style, n.explode):
            self._add(
                True,
                "parameter-style-changed",
                subject,
                f"serialisation {o.style}/explode={o.explode} → {n.style}/explode={n.explode}",
                label,
            )
        if n.deprecated and not o.deprecated:
            self._add(False, "parameter-deprecated", subject, "deprecated", label)
        if o.default != n.default:
            self._add(
                False,
                "parameter-default-changed",
                subject,
                f"default {_show(o.default)} → {_show(n.default)}",
                label,
            )
        found: list[Change] = []
        (oc, oi), (nc, ni) = self.limits[0].of(o), self.limits[1].of(n)
        self.schemas.constraints(found, oc, nc, subject)
        self.schemas.constraints(found, oi, ni, subject + "[]")
        self._tag(found, label)
        self._tag(self.schemas.compare(o.type, n.type, Direction.REQUEST, subject), label)

    def _body(self, o: RequestBody | None, n: RequestBody | None, label: str) -> None:
        subject = f"{label} request body"
        if o is None or n is None:
            if o is not None:
                self._add(True, "request-body-removed", subject, "request body removed", label)
            elif n is not None:
                self._add(
                    n.required,
                    "request-body-added",
                    subject,
                    "request body added (required)"
                    if n.required
                    else "request body added (optional)",
                    label,
                )
            return
        if o.required != n.required:
            self._add(
                n.required,
                "request-body-required" if n.required else "request-body-optional",
                subject,
                "became required" if n.required else "became optional",
                label,
            )
        self._media(o.media, n.media, Direction.REQUEST, subject, label, critical=True)

    def _responses(self, old: tuple[Response, ...], new: tuple[Response, ...], label: str) -> None:
        old_r, new_r = {r.status: r for r in old}, {r.status: r for r in new}
        for status, r in old_r.items():
            if status not in new_r:
                self._add(
                    r.is_success,
                    "response-status-removed",
                    f"{label} → {status}",
                    "success status no longer returned"
                    if r.is_success
                    else "error status no longer documented",
                    label,
                )
        for status, r in new_r.items():
            if status not in old_r:
                self._add(
                    False,
                    "response-status-added",
                    f"{label} → {status}",
                    "new success status" if r.is_success else "new error status documented",
                    label,
                )
        for status in [s for s in old_r if s in new_r]:
            o, n = old_r[status], new_r[status]
            subject = f"{label} → {status}"
            self._media(o.media, n.media, Direction.RESPONSE, subject, label, critical=o.is_success)
            old_h = {h.wire_name.lower() for h in o.headers}
            for h in n.headers:
                if h.wire_name.lower() not in old_h:
                    self._add(
                        False,
                        "response-header-added",
                        f"{subject} header {h.wire_name}",
                        "header added",
                        label,
                    )
            new_h = {h.wire_name.lower() for h in n.headers}
            for h in o.headers:
                if h.wire_name.lower() not in new_h:
                    self._add(
                        o.is_success,
                        "response-header-removed",
                        f"{subject} header {h.wire_name}",
                        "header removed",
                        label,
                    )

    def _media(
        self,
        old: tuple[MediaType, ...],
        new: tuple[MediaType, ...],
        d: Direction,
        subject: str,
        label: str,
        critical: bool,
    ) -> None:
        om, nm = {m.media_type: m for m in old}, {m.media_type: m for m in new}
        single = len(om) == 1 and len(nm) == 1
        if single and list(om) != list(nm):
            self._add(
                critical,
                f"{d.value}-media-type-changed",
                subject,
                f"content type {next(iter(om))} → {next(iter(nm))}",
                label,
            )
            self._tag(
                self.schemas.compare(
                    next(iter(om.values())).type, next(iter(nm.values())).type, d, subject
                ),
                label,
            )
            return
        for mt in [m for m in om if m not in nm]:
            self._add(
                critical,
                f"{d.value}-media-type-removed",
                subject,
                f"content type {mt} removed",
                label,
            )
        for mt in [m for m in nm if m not in om]:
            self._add(
                False, f"{d.value}-media-type-added", subject, f"content type {mt} added", label
            )
        for mt, media in om.items():
            if mt in nm:
                where = subject if len(nm) == 1 else f"{subject} ({mt})"
                self._tag(self.schemas.compare(media.type, nm[mt].type, d, where), label)

    def _security(self, o: Operation, n: Operation, label: str) -> None:
        if o.requires_auth != n.requires_auth:
            self._add(
                n.requires_auth,
                "security-changed",
                label,
                "now requires authentication"
                if n.requires_auth
                else "no longer requires authentication",
                label,
            )
        removed, added = (
            sorted(set(o.security) - set(n.security)),
            sorted(set(n.security) - set(o.security)),
        )
        if removed and n.requires_auth:
            self._add(
                True,
                "security-scheme-removed",
                label,
                f"no longer accepts {', '.join(removed)}",
                label,
            )
        if added and o.requires_auth:
            self._add(
                not set(o.security) & set(n.security),
                "security-scheme-added",
                label,
                f"security {', '.join(sorted(o.security)) or 'none'} → {', '.join(sorted(n.security))}",
                label,
            )
        oe, ne = dict(o.extensions), dict(n.extensions)
        for name in sorted(oe.keys() | ne.keys()):
            if oe.get(name) != ne.get(name):
                self._extension(name, oe.get(name), ne.get(name), label)

    def _extension(self, name: str, old: object, new: object, label: str) -> None:
        if name == "x-access-tier" and old is not None and new is not None:
            o, n = str(old), str(new)
            higher = n not in TIERS or o not in TIERS or TIERS.index(n) > TIERS.index(o)
            self._add(
                higher,
                "access-tier-changed",
                label,
                f"access tier {o} → {n}"
                + (
                    " (a higher tier is now required)" if higher else " (a lower tier now suffices)"
                ),
                label,
            )
        elif name == "x-key-scope" and isinstance(old, list) and isinstance(new, list):
            gone = [s for s in old if s not in new]
            self._add(
                bool(gone),
                "key-scope-changed",
                label,
                f"key scope {', '.join(map(str, old))} → {', '.join(map(str, new))}",
                label,
            )
        else:
            self._add(
                False, "extension-changed", label, f"{name} {_show(old)} → {_show(new)}", label
            )

    def _tag(self, changes: list[Change], label: str) -> None:
        for change in changes:
            change.operations.add(label)


def _show(value: object) -> str:
    text = "unset" if value is None or repr(value) == "MISSING" else repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
