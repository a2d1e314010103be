"""The naming pass's result: the `Names` table every view reads (see `plan.py`)."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field

from ..ir import Operation
from ..render.safe import NO_NAME, Name


@dataclass(frozen=True, slots=True)
class ResourceName:
    """A resource's names: attribute, class and module, and where it sits."""

    attr: Name  # attribute on its parent (the client, or the parent resource): `sent_cases`
    cls: Name  # class: `SentCases`
    module: Name  # module under resources/: `sent_cases`
    tag: str  # the spec's tag (raw text); "" for a resource named from its paths
    path: Name = NO_NAME  # how code reaches it from the client: `customers.sources`
    parent: str = ""  # the parent resource's key in `Names.resources`; "" = the client
    route: str = (
        ""  # a resource named from its paths: the route it covers (`/v1/customers/{customer}`)
    )

    @property
    def access(self) -> Name:
        """`customers.sources`: the dotted attributes after `client.`."""
        return self.path or self.attr


@dataclass
class Names:
    """The names the naming pass gave schemas, modules, fields and enum members."""

    schema_class: dict[str, Name] = field(default_factory=dict)
    schema_module: dict[str, Name] = field(default_factory=dict)
    param_class: dict[str, Name] = field(
        default_factory=dict
    )  # schema id → its `…Param` TypedDict (in the model's module), see naming/bodies.py
    module_members: dict[Name, list[str]] = field(
        default_factory=dict
    )  # module → schema ids, in order
    # (schema id, wire) → attr; a mapping, not only a dict: a loaded stage snapshot's is unpickled
    # when first used (`stage.snapshot.LazyTable`: only types modules and a few bodies read it)
    fields: MutableMapping[tuple[str, str], Name] = field(default_factory=dict)
    # enum id → its members' names, by index (one tuple per enum: graph-beta's 191,000 members
    # keyed by (id, index) pairs were ≈ 16 MB more); a mapping, as `fields`
    members: MutableMapping[str, tuple[Name, ...]] = field(default_factory=dict)
    resources: dict[str, ResourceName] = field(default_factory=dict)  # resource key → names
    op_resource: dict[str, str] = field(default_factory=dict)  # op key → resource key
    op_method: dict[str, Name] = field(default_factory=dict)  # op key → method name
    params: dict[tuple[str, str, str], Name] = field(
        default_factory=dict
    )  # (op key, in, wire) → arg
    body_fields: dict[tuple[str, str], Name] = field(
        default_factory=dict
    )  # (op key, wire) → argument of a flattened body property (JSON, multipart, form)
    requested: dict[tuple[str, ...], Name] = field(default_factory=dict)  # features' names by key
    extra_methods: dict[str, list[Name]] = field(
        default_factory=dict
    )  # resource key → features' methods

    def resource_of(self, op: Operation) -> ResourceName:
        return self.resources[self.op_resource[op_key(op)]]

    def children(self, key: str) -> list[ResourceName]:
        """The resources nested in resource `key` (`customers` → `customers.sources`), in order."""
        return [r for r in self.resources.values() if r.parent == key and key]

    def top_level(self) -> list[str]:
        """Keys of the resources the client itself holds, in order."""
        return [k for k, r in self.resources.items() if not r.parent]


def op_key(op: Operation) -> str:
    return f"{op.method} {op.path}"
