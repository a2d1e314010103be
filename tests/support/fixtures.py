"""Fixtures shared by the test folders, registered for every test by `pytest_plugins` in
tests/conftest.py. A module's own fixture of the same name takes precedence."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.loopback import LoopServer, serving


@pytest.fixture
def server() -> Iterator[LoopServer]:
    """A loopback HTTP server on 127.0.0.1 for one test (routes: `server.on(path, route)`)."""
    with serving() as running:
        yield running
