"""`generate` and `check` leave the process with `quick.leave` (issue 18): no teardown of the
objects a run built, but the atexit handlers run, stdout and stderr are flushed (also into a pipe,
where they are block-buffered) and the exit codes are those of `SystemExit`. Other commands and the
library API return normally. Subprocesses: what is asserted is the process's own exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

WRAPPED = f"""
import atexit
import sys
sys.path.insert(0, {str(REPO)!r})
sys.argv = ["clientgen", *sys.argv[1:]]
atexit.register(lambda: print("atexit ran", file=sys.stderr))
from generator.cli import main
main()
print("main returned")
"""


def _clientgen(cwd: Path, *args: str, script: str = WRAPPED) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-c", script, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_generate_leaves_after_flushing_its_output(tmp_path: Path) -> None:
    spec = FIXTURES / "specs" / "petstore_31.yml"
    proc = _clientgen(tmp_path, "generate", str(spec), "-o", "out", "--package", "pets")
    assert proc.returncode == 0, proc.stderr
    assert "generated" in proc.stdout  # the summary, written into a pipe, was flushed
    assert "main returned" not in proc.stdout  # `leave` ended the process inside main()
    assert "atexit ran" in proc.stderr
    assert (tmp_path / "out" / "GENERATION.toml").is_file()


HELD = WRAPPED.replace(
    'atexit.register(lambda: print("atexit ran", file=sys.stderr))',
    "import generator.keep as keep\n"
    "atexit.register(lambda: print('held:', [type(v).__name__ for v in keep._held],"
    " file=sys.stderr))",
)


def _held(cwd: Path, *args: str) -> str:
    proc = _clientgen(cwd, *args, script=HELD)
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


def test_the_last_result_is_held_until_the_process_ends(tmp_path: Path, pets_project: Path) -> None:
    """The command line does not free the last target's result (its IR) when the command returns:
    `os._exit` lets it go with the process. `generate` and a `check` that renders."""
    spec = FIXTURES / "specs" / "petstore_31.yml"
    assert "held: ['TargetResult']" in _held(tmp_path, "generate", str(spec), "-o", "out")
    assert "held: ['TargetResult']" in _held(pets_project, "generate", "-q")
    assert "held: ['TargetResult']" in _held(pets_project, "check", "--full")


def test_the_library_api_holds_nothing(tmp_path: Path) -> None:
    from generator import keep, pipeline
    from generator.config import adhoc_target

    spec = str(FIXTURES / "specs" / "petstore_31.yml")
    pipeline.generate(adhoc_target(spec, str(tmp_path / "out"), "pets", None))
    assert keep._held == []


def test_generate_warnings_under_strict_exit_1(tmp_path: Path) -> None:
    warned = _clientgen(
        tmp_path,
        "generate",
        str(FIXTURES / "specs" / "spec_warnings_30.yml"),
        "-o",
        "out",
        "--package",
        "warn",
        "--strict",
    )
    assert warned.returncode == 1, warned.stderr  # warnings under --strict
    assert "warning" in warned.stdout + warned.stderr


def test_generate_of_an_unusable_spec_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("openapi: 3.1.0\npaths: {\n")  # not YAML
    bad = _clientgen(tmp_path, "generate", "bad.yml", "-o", "bad", "--package", "bad")
    assert bad.returncode == 2
    assert "Nothing was written." in bad.stderr and "atexit ran" in bad.stderr
    assert "main returned" not in bad.stdout
    assert not (tmp_path / "bad").exists()


def test_check_leaves_with_its_exit_code(pets_project: Path) -> None:
    assert _clientgen(pets_project, "generate", "-q").returncode == 0
    client = next((pets_project / "generated" / "pets").rglob("_client.py"))
    client.write_text(client.read_text() + "\n# edited\n")
    stale = _clientgen(pets_project, "check")
    assert stale.returncode == 1
    assert "main returned" not in stale.stdout and "atexit ran" in stale.stderr


def test_other_commands_return_normally(tmp_path: Path) -> None:
    proc = _clientgen(tmp_path, "--version")
    assert proc.returncode == 0
    assert "main returned" in proc.stdout and "clientgen" in proc.stdout


LEAVE = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
from generator.quick import leave
print("buffered")
leave(sys.argv[1] if sys.argv[1] == "text" else int(sys.argv[1]))
"""


@pytest.mark.parametrize(("code", "status"), [("0", 0), ("3", 3), ("text", 1)])
def test_leave_exits_like_system_exit(code: str, status: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-I", "-c", LEAVE, code], capture_output=True, text=True, check=False
    )
    assert proc.returncode == status
    assert proc.stdout == "buffered\n"
    assert proc.stderr == ("text\n" if code == "text" else "")


def test_leave_into_a_closed_pipe_exits_120() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", LEAVE + "\n", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the child flushes
    assert proc.wait(timeout=60) == 120
