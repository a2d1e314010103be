"""Short cuts in the views (issue 18): each answers as the general path does."""

from __future__ import annotations

from generator.ir.models import NO_CONSTRAINTS, Constraints
from generator.render import checks


def test_no_constraints_answer_as_an_equal_object() -> None:
    assert checks._constraint_items(NO_CONSTRAINTS) == checks._constraint_items(Constraints()) == []
    limits = Constraints(min_length=1, pattern="^a$", maximum=float("inf"))
    assert checks._constraint_items(limits) == [("pattern", '"^a$"'), ("min_length", "1")]
