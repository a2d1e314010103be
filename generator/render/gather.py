"""A resource at a time (issue 18, memory): the file plan drafts each resource when it gets to it
(`drafts.Drafts.take`) and lets its method views go once its module and test module are rendered;
what the package-level files need of each method — api.md's doc (`apidoc_views.DocPlan`), the
manifest's facts (`manifest.OpFacts`), the README's example part (`readme_views.ExamplePart`) — is
taken as it goes (`Gathered`). A prose-only regeneration (`Reuse`) takes the docs and parts of the
operations it did not patch as they were, so a resource whose modules it reuses is drafted only when
one of its operations needs its view. Holding every method view until the last file was ≈ 90 MB on
graph-beta (22,361 operations)."""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence

from ..ir import Api, Operation
from ..naming.names import Names, op_key
from .apidoc_views import DocPlan, MethodDoc
from .auth_views import AuthView
from .drafts import Drafts
from .environment import render
from .extension import MethodHook
from .literals import Literals
from .manifest import OpFacts, op_facts
from .readme_views import ExamplePart, example_part
from .resource_views import MethodView, ResourceDraft
from .suite_views import suite_module_view, support_view


class Views:
    """One resource's method views, drafted on first use (`drafts.take`) and held until let go; or
    only those asked for one by one (`method`, `some`: a regeneration's changed methods)."""

    def __init__(self, drafts: Drafts, tag: str) -> None:
        self._drafts, self._tag = drafts, tag
        self._draft: ResourceDraft | None = None
        self._one: dict[int, MethodView] = {}  # drafted alone, by index (`some`)

    @property
    def draft(self) -> ResourceDraft:
        if self._draft is None:
            self._draft = self._drafts.take(self._tag)
        return self._draft

    def methods(self) -> tuple[MethodView, ...]:
        return self.draft.methods

    def method(self, i: int) -> MethodView:
        """The i-th method's view: the whole draft's, or drafted alone (the same view)."""
        if self._draft is not None:
            return self._draft.methods[i]
        if i not in self._one:
            self.some([i])
        return self._one[i]

    @property
    def hooks(self) -> tuple[MethodHook, ...]:
        return self._drafts.hooks

    def ops(self) -> list[Operation]:
        return self._drafts.ops(self._tag)

    def some(self, indices: list[int]) -> ResourceDraft:
        """A draft of these methods only (`drafts.Drafts.some`); their views are kept."""
        ops = self._drafts.ops(self._tag)
        draft = self._drafts.some(self._tag, [ops[i] for i in indices])
        self._one.update(zip(indices, draft.methods, strict=True))
        return draft


class Gathered:
    """What the package-level files take from each method view, shown a resource at a time
    (`add`): api.md's method docs, the manifest's facts (`facts=False`: the manifest is reused),
    the README's example parts (`kept`: an earlier run's, of operations it did not patch)."""

    def __init__(
        self,
        api: Api,
        doc_plan: DocPlan,
        kept: Mapping[str, ExamplePart] | None,
        facts: bool = True,
        pieces: Container[str] = (),
    ) -> None:
        """`pieces`: the operations whose manifest piece an earlier run's is (no facts taken)."""
        self.api, self.doc_plan, self.kept, self.with_facts = api, doc_plan, kept, facts
        self.pieces = pieces
        self.docs: dict[str, MethodDoc] = {}
        self.facts: dict[str, OpFacts] = {}
        self.parts: dict[str, ExamplePart] = {}

    def add(self, ops: Sequence[Operation], views: Views) -> None:
        for i, op in enumerate(ops):
            key = op_key(op)

            def view(i: int = i) -> MethodView:
                return views.method(i)

            self.docs[key] = self.doc_plan.method(op, view)
            part = self.kept.get(key) if self.kept else None
            self.parts[key] = part if part is not None else example_part(self.api, op, view())
            if self.with_facts and key not in self.pieces:
                self.facts[key] = op_facts(view())

    def examples(self) -> dict[str, ExamplePart]:
        """Operation key → its part, in the spec's order (`client_view` takes them so)."""
        return {op_key(op): self.parts[op_key(op)] for op in self.api.operations}


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

    def module(self, tag: str, ops: list[Operation], views: Views, text: str | None = None) -> None:
        """`text`: the module made otherwise (`splice.py`)."""
        names = self.names
        path = self.path(names, tag)
        if path in self.done:
            self.put(path, self.done[path])
            return
        if text is not None:
            self.put(path, text)
            return
        by_key = {op_key(op): m for op, m in zip(ops, views.methods(), strict=True)}
        view = suite_module_view(
            self.api, names, names.resources[tag], ops, by_key, self.literals, self.auth
        )
        self.put(path, render("package/tests/test_resource.py.jinja", view=view))

    @staticmethod
    def path(names: Names, tag: str) -> str:
        return f"tests/api_resources/test_{names.resources[tag].module}.py"
