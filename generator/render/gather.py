"""The resources a few at a time (issue 18, memory): each resource's methods are drafted when the file
plan (`plan.py`) gets to it, or when a feature asks (`Drafts`), and let go once its module and test
module are rendered; what the package-level files need of each method — api.md's doc, the
manifest's facts, the README's examples — is taken as it goes (`Gathered`). Holding every method
view until the last file was ≈ 90 MB on graph-beta (22,361 operations)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from ..ir import Api, Operation
from ..naming.plan import Names, op_key
from .apidoc_views import DocPlan, MethodDoc
from .auth_views import AuthView
from .environment import render
from .extension import MethodHook
from .literals import Literals
from .manifest import OpFacts, op_facts
from .readme_views import ExamplePicker
from .resource_views import MethodView, ResourceDraft, draft_resource
from .suite_views import suite_module_view, support_view


class Drafts(Mapping[str, ResourceDraft]):
    """Every resource's draft (features' `contribute` reads some), made when first asked for and
    kept until the file plan `take`s it; the file plan takes each once, in its order."""

    def __init__(
        self,
        api: Api,
        names: Names,
        by_resource: Mapping[str, list[Operation]],
        hooks: tuple[MethodHook, ...],
    ) -> None:
        self.api, self.names, self.by_resource, self.hooks = api, names, by_resource, hooks
        self._made: dict[str, ResourceDraft] = {}

    def _draft(self, key: str) -> ResourceDraft:
        resource = self.names.resources[key]
        return draft_resource(
            self.api, self.names, resource, self.by_resource.get(key, []), self.hooks
        )

    def __getitem__(self, key: str) -> ResourceDraft:
        draft = self._made.get(key)
        if draft is None:
            draft = self._made[key] = self._draft(key)
        return draft

    def __contains__(self, key: object) -> bool:
        return key in self.names.resources

    def __iter__(self) -> Iterator[str]:
        return iter(self.names.resources)

    def __len__(self) -> int:
        return len(self.names.resources)

    def take(self, key: str) -> ResourceDraft:
        """The resource's draft, forgotten here (made now unless a feature asked for it)."""
        draft = self._made.pop(key, None)
        return draft if draft is not None else self._draft(key)

    @property
    def held(self) -> int:
        """How many drafts are kept (made and not taken yet)."""
        return len(self._made)


class Gathered:
    """What the package-level files take from each method view, shown a resource at a time
    (`add`): api.md's method docs (`DocPlan`), the manifest's facts, the README's examples."""

    def __init__(self, api: Api, names: Names, doc_plan: DocPlan) -> None:
        self.index = {op_key(op): i for i, op in enumerate(api.operations)}
        self.doc_plan = doc_plan
        self.docs: dict[str, MethodDoc] = {}
        self.facts: dict[str, OpFacts] = {}
        self.picker = ExamplePicker(api, names)

    def add(self, ops: Sequence[Operation], methods: Sequence[MethodView]) -> None:
        for op, m in zip(ops, methods, strict=True):
            key = op_key(op)
            self.docs[key] = self.doc_plan.method(op, m)
            self.facts[key] = op_facts(m)
            self.picker.see(self.index[key], op, m)


class Suite:
    """`tests/`: fixtures, checks (`support`), and one module per resource (`module`), each handed to
    `put` as it is rendered; `done`: the modules an earlier run rendered (`Reuse.files`)."""

    def __init__(
        self,
        api: Api,
        names: Names,
        auth: AuthView,
        spec_file: str,
        done: Mapping[str, str],
        put: Callable[[str, str], None],
    ) -> None:
        self.api, self.names, self.auth, self.spec_file = api, names, auth, spec_file
        self.done, self.put = done, put
        self.literals = Literals(api.schemas, names)

    def support(self) -> None:
        support = support_view(self.api, self.auth, self.spec_file)
        put = self.put
        put("tests/__init__.py", render("package/tests/init.py.jinja"))
        put("tests/conftest.py", render("package/tests/conftest.py.jinja", view=support))
        put("tests/utils.py", render("package/tests/utils.py.jinja", view=support))
        put("tests/api_resources/__init__.py", render("package/tests/api_resources_init.py.jinja"))

    def module(self, tag: str, ops: list[Operation], methods: Sequence[MethodView]) -> None:
        names = self.names
        resource = names.resources[tag]
        path = self.path(names, tag)
        if path in self.done:
            self.put(path, self.done[path])
            return
        by_key = {op_key(op): m for op, m in zip(ops, methods, strict=True)}
        view = suite_module_view(self.api, names, resource, ops, by_key, self.literals, self.auth)
        self.put(path, render("package/tests/test_resource.py.jinja", view=view))

    @staticmethod
    def path(names: Names, tag: str) -> str:
        return f"tests/api_resources/test_{names.resources[tag].module}.py"
