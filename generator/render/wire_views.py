"""What an endpoint constant says about the wire beyond its success responses: the `Accept` it sends,
the classes its declared error bodies parse into, its security requirements (by scheme name) and the
parameters the client's credentials fill."""

from __future__ import annotations

from collections import Counter

from ..ir import Api, ModelRef, Operation, TypeRef
from ..naming.names import Names
from ..parse.results import accept_media
from .annotations import Annotator, Context, Imports
from .safe import Code, code, py


def accept_value(op: Operation, kinds: set[str], json_media: str) -> str:
    """The declared media types as `Accept` (raw), or "" when the runtime's default is the same value
    (`json_media` or `application/json` for JSON operations, `*/*` when some response (`kinds`) is
    binary or text)."""
    declared = ", ".join(accept_media(op))
    default = "*/*" if kinds - {"json", "empty"} else (json_media or "application/json")
    return "" if declared in ("", default) else declared


def error_model(annotator: Annotator, names: Names, t: TypeRef, imports: Imports) -> Code:
    """A declared error body's model: a class is imported only when such an error is raised
    (`LazyModel`); other types that name models (lists, unions) are `None, load=lambda: …` over the
    lazy types package (the `ResponseSpec` arguments `model` and `load`), the rest as they are."""
    if isinstance(t, ModelRef) and not t.nullable:
        module, cls = names.schema_module[t.id], names.schema_class[t.id]
        return code(f"LazyModel({py('..types.' + module)}, {py(cls)}, __package__)")
    lazy = annotator.lazy(t, imports)
    if lazy is not None:
        return code(f"None, load={lazy}")
    return annotator.render(t, Context.MODEL, imports)


def credential_params(api: Api, op: Operation) -> frozenset[tuple[str, str]]:
    """(location, lower-case name) of the API key parameters the operation's security names."""
    named = {s for req in op.security_requirements for s in req}
    return frozenset(
        (s.location, s.param_name.lower())
        for s in api.security_schemes
        if s.kind == "apiKey" and s.name in named
    )


def default_requirements(api: Api) -> tuple[tuple[str, ...], ...]:
    """The requirements most operations that need credentials state (ties: the first met): the
    client's default, so only the operations that differ carry their own."""
    counts = Counter(op.security_requirements for op in api.operations if op.requires_auth)
    return counts.most_common(1)[0][0] if counts else ()


def requirements_code(requirements: tuple[tuple[str, ...], ...]) -> Code:
    def literal(parts: list[str]) -> str:
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"

    return code(literal([literal([py(name) for name in req]) for req in requirements]))


def operation_security(op: Operation, default: tuple[tuple[str, ...], ...]) -> Code:
    """`Endpoint(security=...)` for an operation whose requirements the runtime would not infer
    (`auth=True`: the client's default; `auth=False`: none); "" when it would."""
    requirements = op.security_requirements
    if op.requires_auth and requirements == default:
        return Code("")
    if not op.requires_auth and not any(requirements):
        return Code("")
    return requirements_code(requirements)
