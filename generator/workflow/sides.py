"""One side of a comparison: a spec file read through the generator's own pipeline (load → IR → names)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..config import TargetConfig, adhoc_target
from ..diagnostics import DiagnosticSink, SpecError, fatal
from ..ir import Api
from ..load import LoadedSpec, load_spec, read_document
from ..naming import snake
from ..naming.plan import Names, plan_names
from ..parse import build_api
from ..refs import bundle_external_refs
from ..shape.stage import shape
from ..versions import pep440
from .fetch import FetchError

# What the parser raises on a malformed document it does not anticipate (e.g. `properties: "data"`).
UNREADABLE = (AttributeError, TypeError, KeyError, ValueError, IndexError, RecursionError)


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


@contextmanager
def live_document_errors() -> Iterator[None]:
    """A downloaded document that cannot be built into a side: a `FetchError` (nothing is
    written), whether the generator refused it or its parser met a structure it does not expect."""
    try:
        yield
    except SpecError as exc:
        raise FetchError(
            f"the live document cannot be used: {exc.diagnostic.message}",
            exc.diagnostic.hint or "nothing was written",
        ) from None
    except UNREADABLE as exc:  # a malformed document the parser does not anticipate
        raise FetchError(
            f"the live document has a structure clientgen cannot read ({describe(exc)})",
            "a truncated download or a broken publish; nothing was written",
        ) from None


@dataclass(frozen=True)
class SpecSide:
    label: str
    document: dict[str, Any]  # the parsed document (external refs bundled)
    api: Api
    names: Names
    config: TargetConfig

    @property
    def package_version(self) -> str:
        """The generated package's version: package_version, else info.version as PEP 440."""
        return self.config.package_version or pep440(self.api.version)


def read_side(path: Path, config: TargetConfig, label: str = "") -> SpecSide:
    """Raises SpecError when the file cannot be used as a spec (the caller reports it)."""
    sink = DiagnosticSink(file=str(path))
    loaded = load_spec(path, sink)
    cfg = replace(config, spec=str(path))
    api = shape(build_api(loaded, sink), cfg, sink)
    names = plan_names(api, sink)
    return SpecSide(label or str(path), loaded.document, api, names, cfg)


ADHOC_PACKAGE = "client"


def side_from_document(
    document: dict[str, Any], body: bytes, config: TargetConfig, label: str
) -> SpecSide:
    """A side from an already parsed and checked document (a downloaded spec): no second parse, no
    schema validation (its warnings do not change a comparison). Raises SpecError like read_side."""
    loaded, sink = live_loaded(document, body, config, label)
    api = shape(build_api(loaded, sink), config, sink)
    return SpecSide(label, loaded.document, api, plan_names(api, sink), config)


def live_loaded(
    document: dict[str, Any], body: bytes, config: TargetConfig, label: str
) -> tuple[LoadedSpec, DiagnosticSink]:
    """A downloaded document as a loaded spec (`side_from_document`'s first step)."""
    version = str(document.get("openapi", ""))
    if not version.startswith(("3.0", "3.1", "3.2")):
        raise fatal(
            "unsupported-version",
            f"OpenAPI version {version!r} is not supported",
            file=label,
            pointer="/openapi",
            hint="clientgen reads OpenAPI 3.0.x and 3.1.x",
        )
    sink = DiagnosticSink(file=label)
    # relative `$ref`s resolve as they will once the document replaces the committed spec, under the
    # same rules: only files inside that spec's folder
    document = bundle_external_refs(document, Path(config.spec), sink, read_document)
    loaded = LoadedSpec(
        label, document, hashlib.sha256(body).hexdigest(), version[:3].replace("3.2", "3.1")
    )
    return loaded, sink


def default_config(path: Path) -> TargetConfig:
    """Settings for a spec that no configured target owns: names as `clientgen generate SPEC -o client`."""
    return adhoc_target(str(path), ADHOC_PACKAGE, ADHOC_PACKAGE, None)


def package_name(side: SpecSide) -> str:
    """The import name shown in reports: the target's package, or one made from the API title."""
    if side.config.package != ADHOC_PACKAGE:
        return side.config.package
    return snake(side.api.title) or ADHOC_PACKAGE
