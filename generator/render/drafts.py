"""The resources' drafts, each made when first asked for (`plan.plan_files`): a full run asks for
every one; a prose-only regeneration (`generator/stage/cache.py`) only for the resources it renders
again and those a feature looks at, and takes everything else the package-level files need of the
other operations from the snapshot (api.md's docs, the README's example parts)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..ir import Api, Operation
from ..naming.names import Names, op_key
from .extension import MethodHook
from .resource_views import MethodView, ResourceDraft, draft_resource


class Drafts(Mapping[str, ResourceDraft]):
    """Resource key → its draft (every resource, also one that only holds nested ones), in the
    names' order; made on first access and kept."""

    def __init__(
        self,
        api: Api,
        names: Names,
        by_resource: Mapping[str, list[Operation]],
        hooks: tuple[MethodHook, ...],
    ) -> None:
        self._api = api
        self._names = names
        self._by_resource = by_resource
        self._hooks = hooks
        self.made: dict[str, ResourceDraft] = {}

    def __getitem__(self, key: str) -> ResourceDraft:
        draft = self.made.get(key)
        if draft is None:
            resource = self._names.resources[key]  # KeyError for a key that is no resource
            ops = self._by_resource.get(key, [])
            draft = draft_resource(self._api, self._names, resource, ops, self._hooks)
            self.made[key] = draft
        return draft

    def __contains__(self, key: object) -> bool:
        return key in self._names.resources  # (Mapping's would draft it)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.resources)

    def ops(self, key: str) -> list[Operation]:
        """The resource's operations, in its methods' order."""
        return list(self._by_resource.get(key, []))

    def some(self, key: str, ops: list[Operation]) -> ResourceDraft:
        """A draft of only `ops`, some of the resource's operations (not kept): each method's view
        is the one the whole draft has (`draft_resource`'s `among`), its imports only theirs."""
        resource = self._names.resources[key]
        among = self._by_resource.get(key, [])
        return draft_resource(self._api, self._names, resource, ops, self._hooks, among)

    @property
    def hooks(self) -> tuple[MethodHook, ...]:
        return self._hooks

    def take(self, key: str) -> ResourceDraft:
        """The resource's draft, forgotten here (made now unless something asked for it before):
        a full run's plan takes each once and lets it go after its modules (`gather.py`; issue 18:
        graph-beta's 22,361 method views kept together were ≈ 90 MB)."""
        self[key]
        return self.made.pop(key)

    @property
    def held(self) -> int:
        """How many drafts are kept (made and not taken)."""
        return len(self.made)

    def __len__(self) -> int:
        return len(self._names.resources)


class Methods(Mapping[str, MethodView]):
    """Operation key → its method view, from its resource's draft (made when first asked for)."""

    def __init__(self, drafts: Drafts, by_resource: Mapping[str, list[Operation]]) -> None:
        self._drafts = drafts
        self._at = {
            op_key(op): (tag, i) for tag, ops in by_resource.items() for i, op in enumerate(ops)
        }

    def __getitem__(self, key: str) -> MethodView:
        tag, i = self._at[key]
        return self._drafts[tag].methods[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)
