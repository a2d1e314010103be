"""One side of a comparison built as `generate` builds its IR: the document read, what the comparers
need from it taken (parameter limits, webhook payloads), then let go before the IR is built (issue 18).

`sides.read_side` keeps the parsed document beside the IR and names (graph-beta: 166 MB more); this
keeps, besides the IR and names, only what the comparers read of the document: each parameter's
limits (`ParameterLimits` over the key-sorted copy the parser reads, the spec's own order of a
parameter's `content` recorded first) and the webhooks' payload places (`wire_hooks.hook_targets`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import pointer as jp
from ..config import TargetConfig
from ..diagnostics import DiagnosticSink
from ..ir import Api, Constraints, Parameter, TypeRef
from ..load import LoadedSpec, open_spec, parse_text
from ..naming.hints import schema_hints
from ..naming.plan import Names, plan_names
from ..parse import build_api
from ..parse.canonical import Canonical
from ..shape.stage import shape
from ..versions import pep440
from .digests import digest
from .sides import SpecSide, live_loaded
from .surface import Surface, build_surface
from .wire_hooks import hook_targets, payloads
from .wire_params import ParameterLimits

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class Unsummarised(Exception):
    """The side cannot be reduced faithfully (a parameter typed by one of several media types whose
    order the key-sorted copy lost): the caller compares the whole documents instead."""


class KnownLimits:
    """Parameter limits read before the document was let go, by the parameter's pointer."""

    def __init__(self, by_pointer: dict[str, tuple[Constraints, Constraints]]) -> None:
        self.by_pointer = by_pointer

    def of(self, p: Parameter) -> tuple[Constraints, Constraints]:
        return self.by_pointer[p.pointer]


@dataclass
class Built:
    """What the comparers read of one side, without its document."""

    label: str
    api: Api
    names: Names
    config: TargetConfig
    hints: dict[str, str]  # `schema_hints` of every schema
    limits: KnownLimits
    payloads: dict[str, TypeRef]  # `wire_hooks.webhook_payloads`
    paths: PathDigests

    @property
    def package_version(self) -> str:
        return self.config.package_version or pep440(self.api.version)

    def side(self) -> SpecSide:
        """As a `SpecSide` without its document (for `build_surface`, `package_name`)."""
        return SpecSide(self.label, {}, self.api, self.names, self.config)

    def surface(self, package: str) -> Surface:
        return build_surface(self.side(), package)


def committed(path: Path, config: TargetConfig, label: str) -> Built:
    """`read_side(path, config, label)` without the document. The schema validation's findings
    (warnings, which a comparison does not report) are not computed."""
    sink = DiagnosticSink(file=str(path))
    loaded, validation = open_spec(path, sink, background=False)
    validation.cancel()
    del validation  # it holds the document too
    box = [loaded]
    del loaded  # `_build` lets the document go before the IR is built: nothing else may hold it
    return _build(box, replace(config, spec=str(path)), sink, label or str(path))


def live(path: Path, url: str, config: TargetConfig, label: str) -> Built:
    """`side_from_document` of the download whose bytes `path` holds (parsed as `fetch.validate`
    parsed them)."""
    body = path.read_bytes()
    document = parse_text(body.decode("utf-8-sig"), url)
    box = [live_loaded(document, body, config, label)]
    del document, body
    loaded, sink = box.pop()
    box2 = [loaded]
    del loaded
    return _build(box2, config, sink, label)


def _build(box: list[LoadedSpec], config: TargetConfig, sink: DiagnosticSink, label: str) -> Built:
    """`box` holds the only reference to the loaded spec: its document is let go before parse."""
    loaded = box.pop()
    document = loaded.document
    targets = hook_targets(document)
    orders = _content_orders(document)
    paths = path_digests(document)
    canonical = Canonical(document)  # parse reads only this copy: the document can go
    loaded = dataclasses.replace(loaded, document={})
    del document
    api = shape(build_api(loaded, sink, canonical), config, sink)
    limits = _limits(api, canonical.document, orders)
    del canonical
    names = plan_names(api, sink)
    return Built(
        label,
        api,
        names,
        config,
        schema_hints(api.schemas),
        limits,
        payloads(api, targets),
        paths,
    )


@dataclass
class PathDigests:
    """Each path item's digest (of its `repr`: equal only when equal, key order and types included),
    and whether anything in the document may point into `paths` (then no path item may be left out
    of a comparison of the documents: `split`)."""

    items: dict[str, bytes]
    referenced: bool


def path_digests(document: dict[str, Any]) -> PathDigests:
    items: dict[str, bytes] = {}
    referenced = False
    for key, value in document.items():
        if key == "paths" and isinstance(value, dict):
            for path, item in value.items():
                text = repr(item)
                referenced = referenced or _points_into_paths(text)
                items[path] = digest(text.encode())
        else:
            referenced = referenced or _points_into_paths(repr(value))
    return PathDigests(items, referenced)


def _points_into_paths(text: str) -> bool:
    return "#/paths" in text or "#/%" in text  # (a percent-encoded pointer: not read, assumed)


def _content_orders(document: dict[str, Any]) -> dict[str, list[str]]:
    """Where a parameter object with more than one `content` entry sits (in an operation's or a path
    item's `parameters`, or `components/parameters`) → its media types in the spec's order."""
    found: dict[str, list[str]] = {}

    def note(node: Any, where: str) -> None:
        content = node.get("content") if isinstance(node, dict) else None
        if isinstance(content, dict) and len(content) > 1:
            found[where] = list(content)

    def listed(items: Any, where: str) -> None:
        for i, node in enumerate(items if isinstance(items, list) else ()):
            note(node, jp.join(where, i))

    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if isinstance(item, dict):
            where = jp.join("/paths", path)
            listed(item.get("parameters"), jp.join(where, "parameters"))
            for method in _METHODS:
                op = item.get(method)
                if isinstance(op, dict):
                    listed(op.get("parameters"), jp.join(where, method, "parameters"))
    components = document.get("components")
    shared = components.get("parameters") if isinstance(components, dict) else None
    for name, node in shared.items() if isinstance(shared, dict) else ():
        note(node, jp.join("/components/parameters", name))
    return found


def _limits(api: Api, sorted_document: dict[str, Any], orders: dict[str, list[str]]) -> KnownLimits:
    """Every operation's parameters' limits, as `ParameterLimits` reads them from the document."""

    def first_media(pointer: str, content: dict[str, Any]) -> Any:
        if len(content) == 1:
            return next(iter(content.values()))
        order = orders.get(pointer)
        if order is None or sorted(order) != sorted(content):
            raise Unsummarised(f"the order of {pointer}'s content is not known")
        return content[order[0]]

    reader = ParameterLimits(sorted_document, first_media)
    shared: dict[Constraints, Constraints] = {}  # equal limits are one object
    out: dict[str, tuple[Constraints, Constraints]] = {}
    for op in api.operations:
        for p in op.parameters:
            if p.pointer not in out:
                value, items = reader.of(p)
                out[p.pointer] = (shared.setdefault(value, value), shared.setdefault(items, items))
    return KnownLimits(out)
