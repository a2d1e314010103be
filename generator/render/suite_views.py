"""Views of the tests every package ships (`tests/`): one test per operation, sync and async, that
calls the method with realistic arguments (`call_samples.py`) against a mock server of the package's
own spec and checks the result has the type the method declares (`tests/utils.py`
`assert_matches_type`; a page's items too, over two pages).

The modules import the package by name (`import casexchange`) and the model classes they name from
`<package>.types`; the rest of their text is the templates' (`templates/package/tests/`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..ir import Api, Operation, Result, SecurityScheme
from ..naming.names import Names, ResourceName, op_key
from .annotations import Annotator, Context, Imports
from .auth_views import AuthView
from .call_samples import call_sample
from .imports import ImportBlock
from .literals import Files, Literals, Uses
from .resource_views import MethodView, return_parts
from .safe import NO_CODE, Code, Comment, Doc, Name, code, comment, doc, py

RESERVED = frozenset({"assert_matches_type", "raises_status_error", "pytest"})


@dataclass(frozen=True, slots=True)
class CaseView:
    """One test case of a resource's generated test module."""

    method: Name
    http: Comment  # `GET /referrals/{id}` (a comment line above the call)
    arguments: Code
    expected: Code  # the declared return type of the sync method ("" = returns None)
    async_expected: Code
    item: Code  # a page's item type ("" = not a page)
    raises: bool  # the spec declares no success response: the call raises APIStatusError
    skip: Code = NO_CODE  # the reason the test is skipped, quoted ("" = it runs)


@dataclass(frozen=True, slots=True)
class SuiteModuleView:
    """A resource's generated test module."""

    package: Name
    client: Name
    resource: ResourceName
    sync_class: Name
    async_class: Name
    import_lines: tuple[Code, ...]
    cases: tuple[CaseView, ...]


@dataclass(frozen=True, slots=True)
class CredentialArg:
    """A credential argument the generated tests pass to the client."""

    name: Name
    value: Code


@dataclass(frozen=True, slots=True)
class SuiteSupportView:
    """`tests/conftest.py` and `tests/utils.py`."""

    package: Name
    client: Name
    spec_file: Code  # the spec copy's file name, quoted
    spec_doc: Doc  # the same, in a docstring
    credentials: tuple[CredentialArg, ...]
    utils_imports: tuple[Code, ...]  # `import pytest` and the package, in ruff's order


def support_view(api: Api, auth: AuthView, spec_file: str) -> SuiteSupportView:
    """The tests pass dummy credentials: for the client's own credential a token it uses as it is
    when it can take one (a session or OAuth client), else each of its arguments; and each argument of
    the credentials serving the spec's other security schemes (a vendor API key beside a login)."""
    own = [p for p in auth.own if p.alternative][:1] or list(auth.own)
    params = own + [p for extra in auth.extras for p in extra.params]
    return SuiteSupportView(
        Name(api.target.package.name),
        Name(api.target.package.client),
        py(spec_file),
        doc(spec_file),
        tuple(CredentialArg(p.name, py(f"test-{p.name.replace('_', '-')}")) for p in params),
        tuple(ImportBlock().add("pytest").add(api.target.package.name).lines()),
    )


def suite_module_view(
    api: Api,
    names: Names,
    resource: ResourceName,
    ops: list[Operation],
    methods: Mapping[str, MethodView],
    literals: Literals,
    auth: AuthView,
) -> SuiteModuleView:
    cases, imports = suite_cases(api, names, ops, methods, literals, auth)
    block = suite_imports(api.target.package.name, names, imports, cases)
    return suite_view(api, resource, cases, block)


def suite_cases(
    api: Api,
    names: Names,
    ops: list[Operation],
    methods: Mapping[str, MethodView],
    literals: Literals,
    auth: AuthView,
) -> tuple[tuple[CaseView, ...], Imports]:
    """Each operation's test case, and what they need imported (each case's needs its own: the
    module's are their union, which `splice.py` rests on)."""
    package = api.target.package.name
    annotator = Annotator(api.schemas, names)
    imports = Imports()
    uses = Uses()
    cases: list[CaseView] = []
    for op in ops:
        m = methods[op_key(op)]
        sample = call_sample(api, op, m, literals, uses, Files.PART)
        item = next((r.item for r in op.results if r.pagination and r.item is not None), None)
        extra, skip = _other_credential(api, auth, op)
        arguments = sample.arguments
        if extra:
            arguments = code(", ".join(a for a in (arguments, extra) if a))
        cases.append(
            CaseView(
                method=m.name,
                http=comment(f"{op.method.upper()} {op.path}"),
                arguments=arguments,
                expected=_expected(package, annotator, op.results, imports, ""),
                async_expected=_expected(package, annotator, op.results, imports, "Async"),
                item=annotator.render(item, Context.MODEL, imports) if item else Code(""),
                raises=not any(r.is_success for r in op.responses),
                skip=py(skip) if skip else Code(""),
            )
        )
    imports.schemas |= uses.schemas
    imports.datetime = imports.datetime or uses.datetime
    return tuple(cases), imports


def suite_imports(
    package: str, names: Names, imports: Imports, cases: tuple[CaseView, ...]
) -> ImportBlock:
    """The test module's imports (`suite_cases`' and what the cases' kinds need)."""
    block = _imports(package, names, imports)
    block.add(package)
    if any(c.skip for c in cases):
        block.add("pytest")
    if any(not c.raises and c.expected for c in cases) or any(c.raises for c in cases):
        block.add_from(
            "..utils",
            *(["assert_matches_type"] if any(not c.raises and c.expected for c in cases) else []),
            *(["raises_status_error"] if any(c.raises for c in cases) else []),
        )
    return block


def suite_view(
    api: Api, resource: ResourceName, cases: tuple[CaseView, ...], block: ImportBlock
) -> SuiteModuleView:
    """The test module's view; its classes renamed when a model it imports has their name."""
    package = api.target.package.name
    taken = {name for name, _ in block.members.get(f"{package}.types", ())}
    sync_class, async_class = f"Test{resource.cls}", f"TestAsync{resource.cls}"
    if {sync_class, async_class} & taken:
        sync_class, async_class = sync_class + "Calls", async_class + "Calls"
    return SuiteModuleView(
        Name(package),
        Name(api.target.package.client),
        resource,
        Name(sync_class),
        Name(async_class),
        tuple(block.lines()),
        cases,
    )


def _imports(package: str, names: Names, imports: Imports) -> ImportBlock:
    block = ImportBlock()
    if imports.typing:
        block.add("typing", "_t")
    if imports.datetime:
        block.add("datetime", "_dt")
    if imports.unions:
        block.add_from(f"{package}._unions", ("Tag", "_Tag"), ("discriminator", "_disc"))
    if imports.schemas:
        block.add_from(
            f"{package}.types", *sorted({names.schema_class[s] for s in imports.schemas})
        )
    return block


def _expected(
    package: str, annotator: Annotator, results: tuple[Result, ...], imports: Imports, prefix: str
) -> Code:
    """The method's declared return type, spelled for the test module ("" when it returns None)."""
    parts = return_parts(annotator, results, imports, prefix, qualify=f"{package}.", streams=False)
    return Code("") if parts in ([], ["None"]) else code(" | ".join(parts))


# The security scheme kinds each kind of client authentication satisfies (a token is sent as a
# bearer token whatever the scheme calls it).
_TOKEN = frozenset({("http", "bearer"), ("oauth2", ""), ("openIdConnect", "")})
_SATISFIES = {"bearer": _TOKEN, "session": _TOKEN, "oauth": _TOKEN, "basic": {("http", "basic")}}


def _other_credential(api: Api, auth: AuthView, op: Operation) -> tuple[str, str]:
    """For an operation none of whose security schemes a credential of the client serves: the
    per-call argument that sends a dummy API key (`extra_headers=`), or why the test is skipped.
    ("", "") when the client's credentials (all given in the tests) serve one of its schemes."""
    if not op.requires_auth:
        return "", ""
    served = {s.name for s in auth.schemes}
    schemes = [s for s in api.security_schemes if s.name in op.security]
    if not schemes or any(s.name in served or _satisfied(auth, s) for s in schemes):
        return "", ""
    for s in schemes:
        if s.kind == "apiKey" and s.location in ("header", "query") and s.param_name:
            option = "extra_headers" if s.location == "header" else "extra_query"
            return f"{option}={{{py(s.param_name)}: {py('test-api-key')}}}", ""
    names = ", ".join(s.name for s in schemes)
    return "", f"the client's credentials do not satisfy this operation's security ({names})"


def _satisfied(auth: AuthView, scheme: SecurityScheme) -> bool:
    if auth.kind == "api_key":
        return (
            scheme.kind == "apiKey"
            and scheme.param_name == auth.key_name
            and scheme.location == auth.key_location
        )
    key = (scheme.kind, scheme.scheme.lower() if scheme.kind == "http" else "")
    return key in _SATISFIES.get(auth.kind, frozenset())
