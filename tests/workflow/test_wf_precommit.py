"""The clientgen-check pre-commit hook, run by the real `pre-commit` tool in throw-away git repositories:
a commit that edits a spec without regenerating is refused with a useful message."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from wf_support import REPO

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install pre-commit)")

FIX = Path(__file__).parent / "fixtures"
MANIFEST = REPO / ".pre-commit-hooks.yaml"
PYPROJECT = """\
[tool.clientgen.targets.shop]
spec = "specs/shop.yml"
output = "generated/shop"
package = "shop"
client_name = "Shop"
env_prefix = "SHOP"
"""


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=check, timeout=600
    )


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        check=False,
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=900,
        env=os.environ.copy(),
    )


def make_consumer(repo: Path, generator: list[str]) -> Path:
    """A git repository with one target, its spec and its generated client, committed."""
    (repo / "specs").mkdir(parents=True)
    git(repo, "init", "-q", ".")
    git(repo, "config", "user.email", "dev@example.test")
    git(repo, "config", "user.name", "Dev")
    git(repo, "config", "commit.gpgsign", "false")
    (repo / "pyproject.toml").write_text(PYPROJECT)
    shutil.copy(FIX / "shop_old.yml", repo / "specs" / "shop.yml")
    run_generate(repo, generator)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "client", "--no-verify")
    return repo


CHECKOUT = [sys.executable, "-m", "generator"]  # the clientgen of this checkout


@pytest.fixture
def consumer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    monkeypatch.setenv("PYTHONPATH", str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for var in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        monkeypatch.delenv(var, raising=False)
    return make_consumer(tmp_path / "consumer", CHECKOUT)


def run_generate(repo: Path, generator: list[str]) -> None:
    result = subprocess.run(
        [*generator, "generate"],
        check=False,
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_env() if generator != CHECKOUT else os.environ.copy(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def clean_env() -> dict[str, str]:
    """No PYTHONPATH: an installed clientgen must import its own code, not this checkout's."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def manifest_hook() -> dict[str, object]:
    hooks: list[dict[str, object]] = yaml.safe_load(MANIFEST.read_text())
    (hook,) = [h for h in hooks if h["id"] == "clientgen-check"]
    return hook


def install(repo: Path, config: dict[str, object]) -> None:
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    git(repo, "add", ".pre-commit-config.yaml")
    result = pre_commit(repo, "install")
    assert result.returncode == 0, result.stdout + result.stderr


def edit_spec_and_commit(repo: Path) -> subprocess.CompletedProcess[str]:
    shutil.copy(FIX / "shop_new.yml", repo / "specs" / "shop.yml")
    git(repo, "add", "specs/shop.yml")
    return git(repo, "commit", "-m", "take the new spec", check=False)


def assert_refused_then_accepted(repo: Path, generator: list[str]) -> None:
    refused = edit_spec_and_commit(repo)
    out = refused.stdout + refused.stderr
    assert refused.returncode != 0, out
    assert "clientgen check" in out and "Failed" in out
    assert "stale: shop/" in out and "run `clientgen generate`" in out
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"  # nothing was committed

    run_generate(repo, generator)
    git(repo, "add", "-A")
    accepted = git(repo, "commit", "-m", "take the new spec, regenerated", check=False)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr

    (repo / "NOTES.txt").write_text("unrelated\n")
    git(repo, "add", "NOTES.txt")
    skipped = git(repo, "commit", "-m", "notes", check=False)
    assert skipped.returncode == 0 and "Skipped" in skipped.stdout + skipped.stderr


def test_manifest_and_config_are_valid() -> None:
    assert pre_commit(REPO, "validate-manifest", str(MANIFEST)).returncode == 0
    config = REPO / ".pre-commit-config.yaml"
    assert pre_commit(REPO, "validate-config", str(config)).returncode == 0
    (local,) = yaml.safe_load(config.read_text())["repos"]
    hooks = {h["id"]: h for h in local["hooks"]}
    assert local["repo"] == "local"
    assert set(hooks) == {"ruff-format", "ruff-check", "mypy", "clientgen-check"}
    hook = hooks["clientgen-check"]
    import re

    for path in (
        "specs/casexchange/openapi.yml",
        "templates/package/client.py.jinja",
        "generator/cli.py",
        "generated/casexchange/operations.json",
        "pyproject.toml",
    ):
        assert re.search(hook["files"], path), path
    assert not re.search(hook["files"], "tests/package/test_generated.py")
    for path in ("specs/shop.yml", "api/openapi.json", "pyproject.toml", "generated/x/client.py"):
        assert re.search(str(manifest_hook()["files"]), path), path


def test_hook_refuses_a_spec_edit_without_regenerating(consumer: Path) -> None:
    """The manifest's hook definition (name, files, pass_filenames), run from this environment."""
    hook = {
        **manifest_hook(),
        "language": "system",
        "entry": f"{sys.executable} -m generator check",
    }
    hook.pop("minimum_pre_commit_version", None)
    install(consumer, {"repos": [{"repo": "local", "hooks": [hook]}]})
    assert_refused_then_accepted(consumer, CHECKOUT)


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def published_hook(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dict[str, object], list[str]]]:
    """The hook exactly as users reference it (`repo:` + `rev:`), from a git repository holding this
    checkout's generator; pre-commit pip-installs clientgen into its own environment (needs PyPI).
    Yields (config, the installed `clientgen` command)."""
    if not _pypi_reachable():
        pytest.skip("PyPI is not reachable: pre-commit cannot install the hook's environment")
    base = tmp_path_factory.mktemp("published")
    hook_repo = base / "clientgen-hook-repo"
    hook_repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("generator", "templates"):
        shutil.copytree(REPO / name, hook_repo / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, hook_repo / name)
    git(hook_repo, "init", "-q", ".")
    git(hook_repo, "add", "-A")
    git(
        hook_repo,
        "-c",
        "user.email=x@example.test",
        "-c",
        "user.name=x",
        "commit",
        "-q",
        "-m",
        "hook",
    )
    rev = git(hook_repo, "rev-parse", "HEAD").stdout.strip()
    config: dict[str, object] = {
        "repos": [{"repo": str(hook_repo), "rev": rev, "hooks": [{"id": "clientgen-check"}]}]
    }
    mp = pytest.MonkeyPatch()
    mp.setenv("PRE_COMMIT_HOME", str(base / "pre-commit-home"))
    probe = base / "probe"
    probe.mkdir()
    git(probe, "init", "-q", ".")
    (probe / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    installed = pre_commit(probe, "install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (clientgen,) = (base / "pre-commit-home").glob("repo*/py_env-*/bin/clientgen")
    yield config, [str(clientgen)]
    mp.undo()


@pytest.mark.slow
def test_published_hook_installs_and_refuses(
    published_hook: tuple[dict[str, object], list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config, clientgen = published_hook
    monkeypatch.delenv("PYTHONPATH", raising=False)  # the hook runs its own installed clientgen
    repo = make_consumer(
        tmp_path / "consumer", clientgen
    )  # generated with the same clientgen as the hook
    install(repo, config)
    assert_refused_then_accepted(repo, clientgen)


@pytest.mark.slow
def test_checkout_and_installed_clientgen_agree(
    published_hook: tuple[dict[str, object], list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, clientgen = published_hook
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    repo = make_consumer(tmp_path / "consumer", CHECKOUT)
    result = subprocess.run(
        [*clientgen, "check"],
        check=False,
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_env(),
    )
    assert result.returncode == 0, result.stdout
