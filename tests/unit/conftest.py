"""Fixtures of the view builders' unit tests (`test_views_*.py`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.views import PETSHOP, Built, build_views


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The views of `PETSHOP` (tests/support/views.py), built once: do not change them."""
    return build_views(PETSHOP, tmp_path_factory.mktemp("shop"))


@pytest.fixture
def views(tmp_path: Path) -> Callable[..., Built]:
    """views(doc, **target fields) → the views of an inline spec."""

    def _views(doc: dict[str, Any], **target: Any) -> Built:
        return build_views(doc, tmp_path, **target)

    return _views
