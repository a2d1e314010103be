"""The typed intermediate representation: frozen dataclasses, no Python source strings."""

from .api import Api, SecurityScheme, Server, WebhookEvent
from .models import MISSING, Alias, Constraints, Enum, EnumMember, Field, Model, Schema
from .operations import (
    Header,
    Location,
    MediaType,
    Operation,
    Pagination,
    Parameter,
    RequestBody,
    Response,
    Result,
    ResultKind,
)
from .types import (
    AnyType,
    Discriminator,
    JsonValue,
    Kind,
    ListOf,
    LiteralOf,
    MapOf,
    ModelRef,
    Primitive,
    TypeRef,
    UnionOf,
    walk_refs,
    with_nullable,
)

__all__ = [
    "MISSING", "Alias", "AnyType", "Api", "Constraints", "Discriminator", "Enum", "EnumMember", "Field",
    "Header", "JsonValue", "Kind", "ListOf", "LiteralOf", "Location", "MapOf", "MediaType", "Model",
    "ModelRef", "Operation", "Pagination", "Parameter", "Primitive", "RequestBody", "Response", "Result",
    "ResultKind", "Schema", "SecurityScheme", "Server", "TypeRef", "UnionOf", "WebhookEvent", "walk_refs", "with_nullable",
]
