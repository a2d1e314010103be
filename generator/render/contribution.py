"""What a feature hands the file plan: the render side of the `Feature` contract (`features/base.py`).

The file plan (`plan.py`) takes the active extensions as values, so render/ never imports a feature
(nor the configuration the features' `shape()` reads)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ..diagnostics import DiagnosticSink
from ..ir import Api
from ..naming.names import Names
from ..naming.requests import NameRequest
from .auth_views import AuthView
from .extension import ClientExtras, MethodHook, ResourceExtras, RuntimeImport
from .resource_views import ResourceDraft
from .safe import Code, TemplateText

F = TypeVar("F")


@dataclass(frozen=True, slots=True)
class Context:
    """What a feature reads: the API, its names and where diagnostics go."""

    api: Api
    names: Names
    sink: DiagnosticSink


@dataclass(frozen=True, slots=True)
class Preparation:
    """A feature's changes to the core views, made before they are built."""

    method: MethodHook | None = None
    model_bases: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # sid → (module, cls)


@dataclass(frozen=True, slots=True)
class Contribution:
    """What a feature adds to the generated package."""

    runtime: tuple[str, ...] = ()  # modules under templates/runtime/ it ships
    files: Mapping[str, TemplateText] = field(default_factory=dict)  # path under src/<pkg>/ → text
    resources: Mapping[str, ResourceExtras] = field(default_factory=dict)  # tag → methods
    client: ClientExtras = field(default_factory=ClientExtras)
    readme: Mapping[str, tuple[TemplateText, ...]] = field(default_factory=dict)  # slot → sections
    init: tuple[Code, ...] = ()  # more lines of the package's `__init__.py` imports
    # runtime names the package's `__init__.py` re-exports (in `__all__`): (".module", names)
    exports: tuple[RuntimeImport, ...] = ()
    auth: AuthView | None = None  # the client's authentication, when the feature provides it
    access: Mapping[str, str] = field(default_factory=dict)  # op key → the README's "Access" label
    readme_view: Any = None  # what other features' README sections may read (JSON:API's example)


class Extension(Protocol[F]):
    """A feature as the file plan sees it: `analyse` (None: it does not apply), then its names, its
    changes to the core views, and what it adds."""

    name: str

    def analyse(self, api: Api, sink: DiagnosticSink) -> F | None: ...

    def names(self, facts: F, api: Api) -> Iterable[NameRequest]: ...

    def prepare(self, facts: F, ctx: Context) -> Preparation: ...

    def contribute(
        self, facts: F, ctx: Context, resources: Mapping[str, ResourceDraft]
    ) -> Contribution: ...


def runtime_path(feature: str, module: str) -> str:
    """A feature's runtime module, as a path under templates/runtime/."""
    return f"features/{feature}/{module}"
