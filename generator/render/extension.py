"""What a feature may add to the core's views: the vocabulary `generator/features/` speaks to render/.

The core views (resources, types, client, README) know nothing of any one feature; they apply these
records where a feature hands them one. A template block is text a feature's own template rendered
(`templates/features/<name>/`), printed by a core template as it stands."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..ir import Location, Operation
from ..ir.quick_init import quick_init
from .annotations import Annotator, Imports
from .environment import render
from .safe import Code, Doc, Name, TemplateText

# (module relative to the importing module, names) — a name is "x" or ("x", "alias")
RuntimeImport = tuple[str, tuple[str | tuple[str, str], ...]]


def block(template: str, **context: object) -> TemplateText:
    """A feature's template block, rendered for a core template to print."""
    return TemplateText(render(template, **context))


@quick_init
@dataclass(frozen=True, slots=True)
class ArgView:
    """One argument of a generated method."""

    name: Name
    annotation: Code
    default: Code  # "" when required
    wire: str  # raw: the template prints it with `py`
    doc: str  # raw: part of the method's docstring


@dataclass(frozen=True, slots=True)
class BodyExtras:
    """A request body the feature builds from keyword arguments (a JSON:API document)."""

    args: tuple[ArgView, ...]  # the keyword arguments that replace `body=`
    call: Code  # the expression sent as the body
    media: str  # raw: the request's media type


@dataclass(frozen=True, slots=True)
class MethodExtras:
    """What a feature changes in one generated method."""

    annotations: Mapping[str, Code] = field(default_factory=dict)  # query wire name → annotation
    body: BodyExtras | None = None
    json_media: str = ""  # Accept of the JSON responses, when not application/json
    doc_notes: tuple[str, ...] = ()  # raw lines after the description
    imports: tuple[RuntimeImport, ...] = ()


@dataclass(frozen=True, slots=True)
class MethodContext:
    """What a method hook sees: the operation, its core arguments, and the module's annotator."""

    op: Operation
    args: Mapping[Location, list[ArgView]]  # by location, as the core made them
    annotator: Annotator
    imports: Imports


MethodHook = Callable[[MethodContext], MethodExtras | None]


@dataclass(frozen=True, slots=True)
class ResourceExtras:
    """Methods a feature adds to one resource class (its own template renders them)."""

    sync_blocks: tuple[TemplateText, ...] = ()
    async_blocks: tuple[TemplateText, ...] = ()
    imports: tuple[RuntimeImport, ...] = ()
    typing: bool = False  # the blocks use `_t`
    file_types: bool = False  # the blocks use `FileTypes`


@dataclass(frozen=True, slots=True)
class ClientParam:
    """One keyword argument of the generated clients' constructors (and of `with_options`)."""

    name: Name
    annotation: Code
    default: Code


@dataclass(frozen=True, slots=True)
class ClientExtras:
    """What a feature adds to `_client.py` (printed at fixed places of the core template)."""

    imports: tuple[RuntimeImport, ...] = ()  # printed with the core's, in ruff's order
    class_lines: tuple[Code, ...] = ()  # class attributes of both client classes
    exports: tuple[Name, ...] = ()  # more `__all__` names
    base_url: TemplateText | None = None  # replaces the core's `_base_url` function
    params: tuple[ClientParam, ...] = ()  # keyword parameters of `__init__` (before base_url)
    param_docs: Doc | None = None  # replaces the docstring lines of `base_url`
    base_url_args: tuple[str, ...] = ()  # more arguments of the `_base_url(base_url, …)` call
    error_table: Code | None = None  # replaces the core's empty `_ERROR_CODES` table
