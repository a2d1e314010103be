"""The runtime passes mypy --strict and ruff; a generated call costs about a hand-written one."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from rt_helpers import API_KEY, REFERRAL, RUNTIME_DIR, build_package

REPO = RUNTIME_DIR.parents[1]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def test_runtime_layout() -> None:
    expected = {
        "_types.py",
        "_models.py",
        "_endpoint.py",
        "_base_client.py",
        "_auth.py",
        "_response.py",
        "_pagination.py",
        "_exceptions.py",
        "_constants.py",
    }
    names = {p.name for p in RUNTIME_DIR.glob("*.py")}
    assert expected <= names
    assert (RUNTIME_DIR / "py.typed").read_text() == ""
    assert all(name.startswith("_") for name in names)
    for path in RUNTIME_DIR.glob("*.py"):
        text = path.read_text()
        assert len(text.splitlines()) <= 400, f"{path.name} is too long"
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and not stripped.startswith(
                "from __future__"
            ):
                module = stripped.split()[1]
                assert module.startswith(".") or module.split(".")[0] in STDLIB_OR_DEPS, line


STDLIB_OR_DEPS = set(sys.stdlib_module_names) | {"httpx", "pydantic", "pydantic_core"}


@pytest.mark.slow
def test_ruff_check_and_format() -> None:
    ruff = _tool("ruff")
    check = subprocess.run(
        [ruff, "check", "--extend-select", "I", str(RUNTIME_DIR)],
        cwd=REPO,
        check=False,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run(
        [ruff, "format", "--check", str(RUNTIME_DIR)],
        cwd=REPO,
        check=False,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


@pytest.mark.slow
def test_mypy_strict(tmp_path: Path) -> None:
    mypy = _tool("mypy")
    # the runtime alone, as a package (relative imports need one) ...
    runtime = tmp_path / "runtime_only" / "rt"
    runtime.mkdir(parents=True)
    for source in RUNTIME_DIR.glob("*.py"):
        shutil.copy(source, runtime / source.name)
    (runtime / "__init__.py").write_text("")
    # ... and the fake generated package, which checks how generated code types against it
    build_package(tmp_path / "generated")
    for target, cwd in (
        (runtime, runtime.parent),
        (tmp_path / "generated" / "fakeapi", tmp_path / "generated"),
    ):
        result = subprocess.run(
            [
                mypy,
                "--strict",
                "--python-version",
                "3.11",
                "--cache-dir",
                str(tmp_path / ".mypy_cache"),
                target.name,
            ],
            cwd=cwd,
            check=False,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def _ratio(hand_written: Callable[[], Any], generated: Callable[[], Any]) -> float:
    """Best generated / best hand-written time per call, measured in alternating short batches
    (so that load from other processes hits both sides alike)."""
    best = [float("inf"), float("inf")]
    for _ in range(40):
        for index, func in enumerate((hand_written, generated)):
            started = time.perf_counter()
            for _ in range(50):
                func()
            best[index] = min(best[index], (time.perf_counter() - started) / 50)
    return best[1] / best[0]


@pytest.fixture
def quiet_logging() -> Any:
    """Measure with logging at its defaults, whatever earlier tests configured."""
    loggers = [logging.getLogger(), logging.getLogger("fakeapi"), logging.getLogger("httpx")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.mark.slow
def test_generated_call_costs_at_most_1_3x_hand_written(fakeapi: Any, quiet_logging: None) -> None:
    from fakeapi.types import ReferralEnvelope, ReferralList

    one = json.dumps({"data": REFERRAL, "meta": {"requestId": "r"}}).encode()
    many = json.dumps(
        {
            "data": [dict(REFERRAL, id=f"r{i}") for i in range(100)],
            "pagination": {"page": 1, "totalPages": 1},
        }
    ).encode()
    headers = {"content-type": "application/json"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=many if request.url.path.endswith("referrals") else one, headers=headers
        )

    auth = {"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"}
    with (
        httpx.Client(
            transport=httpx.MockTransport(handler), base_url="https://api.fake.test/v1/"
        ) as hand,
        httpx.Client(transport=httpx.MockTransport(handler)) as generated_http,
    ):
        client = fakeapi.FakeAPI(api_key=API_KEY, http_client=generated_http)
        cases = [
            (
                lambda: (
                    ReferralEnvelope.model_validate_json(
                        hand.get("referrals/r1", headers=auth).content
                    ).data
                ),
                lambda: client.referrals.retrieve("r1"),
            ),
            (
                lambda: ReferralList.model_validate_json(
                    hand.get("referrals", params={"limit": 100}, headers=auth).content
                ),
                lambda: client.referrals.list(limit=100),
            ),
        ]
        for hand_written, generated in cases:
            assert type(hand_written()) is type(generated()) or generated() is not None
            ratios = []
            for _ in range(3):  # a busy machine can spoil one measurement, not three
                ratios.append(_ratio(hand_written, generated))
                if ratios[-1] <= 1.3:
                    break
            assert min(ratios) <= 1.3, f"generated call is {min(ratios):.2f}x a hand-written one"
