"""Postman-parity tests: the vendor's Postman requests, sent through the generated CaseXchange client."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `support`

from support.postman_parity import casexchange_parity


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print which Postman requests the client can express, and why not for the others."""
    ran = any(
        "tests/postman/" in report.nodeid
        for reports in terminalreporter.stats.values()
        for report in reports
        if hasattr(report, "nodeid")
    )
    if not ran:
        return
    parity = casexchange_parity()
    if parity is None:
        return
    terminalreporter.section("Postman parity (CaseXchange)")
    for line in parity.summary():
        terminalreporter.write_line(line)
