"""Compare two Python surfaces: what breaks for code that uses the generated client.

Breaking: a name that code imports or calls disappears or is renamed, a call needs a new argument, an
argument or a field accepts less than before (inputs) or may hold more than before (outputs).
"""

from __future__ import annotations

from .changes import Collector, Layer, Level
from .surface import Method, PyClass, PyField, Surface, literal_values, split_union


class PythonComparer:
    def __init__(self, old: Surface, new: Surface, out: Collector) -> None:
        self.old, self.new, self.out = old, new, out
        self.types = f"{new.package}.types"

    def _add(self, breaking: bool, code: str, subject: str, message: str, op: str = "") -> None:
        self.out.add(
            Layer.PYTHON,
            Level.BREAKING if breaking else Level.NON_BREAKING,
            code,
            subject,
            message,
            op,
        )

    def run(self) -> None:
        self._resources()
        self._methods()
        self._classes()

    # ---- resources and methods ---------------------------------------------------------------
    def _resources(self) -> None:
        for attr, methods in self.old.resources.items():
            if attr not in self.new.resources:
                self._add(
                    True,
                    "resource-removed",
                    f"client.{attr}",
                    f"resource removed (methods: {', '.join(methods)})",
                )
        for attr, methods in self.new.resources.items():
            if attr not in self.old.resources:
                self._add(
                    False,
                    "resource-added",
                    f"client.{attr}",
                    f"resource added (methods: {', '.join(methods)})",
                )

    def _methods(self) -> None:
        old, new = self.old.methods, self.new.methods
        new_by_endpoint = {m.endpoint: m for m in new.values()}
        renamed_to: set[str] = set()
        for call, m in old.items():
            if call in new:
                self._method(m, new[call])
                continue
            target = new_by_endpoint.get(m.endpoint)
            if target is not None and target.call not in old:
                renamed_to.add(target.call)
                self._add(
                    True,
                    "method-renamed",
                    f"client.{call}",
                    f"renamed to client.{target.call}",
                    m.label,
                )
                self._method(m, target)
            elif m.resource in self.new.resources:
                self._add(
                    True, "method-removed", f"client.{call}", f"method removed ({m.label})", m.label
                )
        for call, m in new.items():
            if call not in old and call not in renamed_to and m.resource in self.old.resources:
                self._add(
                    False, "method-added", f"client.{call}", f"method added ({m.label})", m.label
                )

    def _method(self, o: Method, n: Method) -> None:
        subject = f"client.{n.call}"
        op = n.label
        if o.endpoint != n.endpoint:
            self._add(
                False,
                "method-endpoint-changed",
                subject,
                f"now performs {n.label} (was {o.label})",
                op,
            )
        o_pos = [a for a in o.args.values() if a.position >= 0]
        n_pos = [a for a in n.args.values() if a.position >= 0]
        renamed = {a.name: b.name for a, b in zip(o_pos, n_pos, strict=False) if a.name != b.name}
        for old_name, new_name in renamed.items():
            self._add(
                True,
                "argument-renamed",
                f"{subject}({old_name})",
                f"positional argument renamed to `{new_name}` (breaks keyword use)",
                op,
            )
        if len(o_pos) != len(n_pos):
            self._add(
                True,
                "positional-arguments-changed",
                subject,
                f"positional arguments ({', '.join(a.name for a in o_pos)}) → "
                f"({', '.join(a.name for a in n_pos)})",
                op,
            )
        new_names = set(renamed.values())
        for name, a in o.args.items():
            b = n.args.get(renamed.get(name, name))
            if b is None:
                self._add(True, "argument-removed", f"{subject}({name})", "argument removed", op)
            else:
                self._argument(
                    a.annotation,
                    a.required,
                    a.position >= 0,
                    b.annotation,
                    b.required,
                    b.position >= 0,
                    f"{subject}({b.name})",
                    op,
                )
        for name, b in n.args.items():
            if name not in o.args and name not in new_names:
                self._add(
                    b.required,
                    "argument-added",
                    f"{subject}({name})",
                    f"new required argument `{name}: {b.annotation}`"
                    if b.required
                    else f"optional argument added `{name}: {b.annotation}`",
                    op,
                )
        if o.returns != n.returns:
            narrower = self._within(split_union(n.returns), split_union(o.returns))
            self._add(
                not narrower,
                "return-type-changed",
                subject,
                f"returns `{o.returns}` → `{n.returns}`",
                op,
            )

    def _argument(
        self,
        oa: str,
        oreq: bool,
        opos: bool,
        na: str,
        nreq: bool,
        npos: bool,
        subject: str,
        op: str,
    ) -> None:
        if opos != npos:
            self._add(
                True,
                "argument-kind-changed",
                subject,
                "now positional" if npos else "now keyword-only",
                op,
            )
        if oreq != nreq:
            self._add(
                nreq,
                "argument-required" if nreq else "argument-optional",
                subject,
                "became required" if nreq else "became optional",
                op,
            )
        if oa != na:
            wider = self._within(split_union(oa), split_union(na))
            self._add(not wider, "argument-retyped", subject, f"`{oa}` → `{na}`", op)

    # ---- classes -----------------------------------------------------------------------------
    def _classes(self) -> None:
        old, new = self.old.classes, self.new.classes
        new_by_id = {c.schema_id: c for c in new.values() if c.name not in old}
        renamed_to: set[str] = set()
        for name, c in old.items():
            if name in new:
                self._class(c, new[name])
                continue
            target = new_by_id.get(c.schema_id)
            if target is not None and target.kind == c.kind:
                renamed_to.add(target.name)
                self._add(
                    True,
                    "class-renamed",
                    f"{self.types}.{name}",
                    f"{c.kind} renamed to {target.name}",
                )
                self._class(c, target)
            else:
                self._add(True, "class-removed", f"{self.types}.{name}", f"{c.kind} removed")
        for name, c in new.items():
            if name not in old and name not in renamed_to:
                self._add(False, "class-added", f"{self.types}.{name}", f"{c.kind} added")

    def _class(self, o: PyClass, n: PyClass) -> None:
        subject = f"{self.types}.{n.name}"
        if o.kind != n.kind:
            self._add(True, "class-kind-changed", subject, f"changed from {o.kind} to {n.kind}")
            return
        used = n.used | o.used or frozenset({"output"})
        if n.kind == "enum":
            for member, value in o.members.items():
                if member not in n.members:
                    self._add(
                        True,
                        "enum-member-removed",
                        f"{subject}.{member}",
                        f"member removed ({value})",
                    )
                elif n.members[member] != value:
                    self._add(
                        True,
                        "enum-member-changed",
                        f"{subject}.{member}",
                        f"value {value} → {n.members[member]}",
                    )
            for member, value in n.members.items():
                if member not in o.members:
                    self._add(
                        False, "enum-member-added", f"{subject}.{member}", f"member added ({value})"
                    )
        elif n.kind == "alias" and o.annotation != n.annotation:
            self._add(
                self._breaking_retype(o.annotation, n.annotation, used),
                "alias-retyped",
                subject,
                f"`{o.annotation}` → `{n.annotation}`",
            )
        for attr, f in o.fields.items():
            if attr in n.fields:
                self._field(f, n.fields[attr], used, f"{subject}.{attr}")
                continue
            twin = next(
                (g for g in n.fields.values() if g.wire == f.wire and g.attr not in o.fields), None
            )
            if twin is not None:
                self._add(
                    True, "field-renamed", f"{subject}.{attr}", f"field renamed to {twin.attr}"
                )
                self._field(f, twin, used, f"{subject}.{twin.attr}")
            else:
                self._add(
                    True,
                    "field-removed",
                    f"{subject}.{attr}",
                    f"field removed (wire name `{f.wire}`)",
                )
        old_wires = {f.wire for f in o.fields.values()}
        for attr, f in n.fields.items():
            if attr in o.fields or f.wire in old_wires:
                continue
            needed = f.required and "input" in used
            self._add(
                needed,
                "field-added",
                f"{subject}.{attr}",
                f"new required field `{attr}: {f.annotation}` (needed to construct {n.name})"
                if needed
                else f"field added `{attr}: {f.annotation}` (wire name `{f.wire}`)",
            )

    def _field(self, o: PyField, n: PyField, used: frozenset[str], subject: str) -> None:
        if o.annotation == n.annotation and o.required == n.required:
            return
        breaking = self._breaking_retype(o.annotation, n.annotation, used)
        if o.required != n.required and "input" in used:
            breaking = breaking or n.required
        message = f"`{o.annotation}` → `{n.annotation}`"
        if o.required != n.required:
            message += " (now required)" if n.required else " (now optional)"
        self._add(breaking, "field-retyped", subject, message)

    def _breaking_retype(self, old: str, new: str, used: frozenset[str]) -> bool:
        """Outputs may only narrow (every new value was possible before); inputs may only widen."""
        op, np_ = split_union(old), split_union(new)
        if "output" in used and not self._within(np_, op):
            return True
        return "input" in used and not self._within(op, np_)

    def _within(self, parts: list[str], accepted: list[str]) -> bool:
        """Is every type in `parts` accepted where `accepted` is expected? (int fits float; an open
        string enum member is a str; a `Literal` fits a `Literal` with every one of its values, or the
        plain type of its values.)"""
        allowed = {v for a in accepted for v in literal_values(a) or ()}
        return all(
            p in accepted
            or (p == "int" and "float" in accepted)
            or ("str" in accepted and self._is_str_enum(p))
            or self._literal_within(literal_values(p), allowed, accepted)
            for p in parts
        )

    @staticmethod
    def _literal_within(
        values: tuple[object, ...] | None, allowed: set[object], accepted: list[str]
    ) -> bool:
        if values is None:
            return False
        plain = {str: "str", bool: "bool", int: "int"}
        return all(v in allowed or plain.get(type(v), "") in accepted for v in values)

    def _is_str_enum(self, name: str) -> bool:
        if self.new.str_enums is not None:
            return name in self.new.str_enums
        c = self.new.classes.get(name)
        return c is not None and c.kind == "enum" and c.value_kind == "string"
