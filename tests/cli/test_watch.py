"""`clientgen watch` (issue 18): each change of a watched file is followed by one regeneration, run
as `clientgen generate` in a child forked from the warm watcher, whose tree equals a cacheless
`generate --full` of the same spec byte for byte; a warm regeneration imports no module; a broken
spec is reported and watching goes on; SIGTERM and Ctrl-C stop it without a traceback; every wait
for a child is bounded. Subprocesses throughout: the watcher forks."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import watch, watch_child
from generator.write import read_tree
from tests.conftest import FIXTURES, REPO

PROJECT = """[tool.clientgen.targets.pets]
spec = "specs/pets.json"
output = "out/pets"
package = "pets"
client_name = "Pets"
env_prefix = "PETS"
"""
_RAN = re.compile(
    r"clientgen watch: regenerated in ([\d.]+) s \(exit (\d+)(?:, CPU [\d.]+ s, (\d+) module)?"
)


def _pets() -> dict[str, Any]:
    text = (FIXTURES / "specs" / "petstore_31.yml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def _project(folder: Path, doc: dict[str, Any]) -> Path:
    (folder / "specs").mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    _write(folder, doc)
    return folder


def _write(folder: Path, doc: dict[str, Any]) -> None:
    (folder / "specs" / "pets.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")


def _env(**more: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), **more}


def _run(args: list[str], cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """`python ARGS…` with this checkout's generator, its output captured, bounded in time."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Watcher:
    """`clientgen watch ARGS…` in `folder`, its standard error into a file read as it grows (no
    thread here: the processes the watcher's children fork may hold a pipe open after it ends)."""

    def __init__(self, folder: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.log = folder / "watch.log"
        with self.log.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "generator", "watch", *args],
                cwd=folder,
                env=env or _env(),
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        self.seen: list[str] = []
        self._read = 0
        self._pending: list[str] = []

    def _lines(self) -> list[str]:
        data = self.log.read_bytes()
        end = data.rfind(b"\n", self._read) + 1
        if end <= self._read:
            return []
        lines = data[self._read : end].decode("utf-8", "replace").splitlines(keepends=True)
        self._read = end
        self.seen.extend(lines)
        self._pending.extend(lines)
        return lines

    def next_run(self, timeout: float = 90.0) -> tuple[int, int | None]:
        """The next regeneration's exit status and the modules it imported (with `-v`)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            ended = self.proc.poll() is not None  # (before reading: its last lines are then in)
            self._lines()
            while self._pending:
                if found := _RAN.search(self._pending.pop(0)):
                    modules = None if found.group(3) is None else int(found.group(3))
                    return int(found.group(2)), modules
            if ended:
                break
            time.sleep(0.05)
        raise AssertionError("no regeneration reported:\n" + "".join(self.seen))

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=60)
        self._lines()
        return code, "".join(self.seen)


def _cold_tree(tmp: Path, doc: dict[str, Any]) -> dict[str, bytes]:
    """A cacheless `generate --full` of `doc` in a project laid out like the watched one."""
    cold = _project(tmp, doc)
    done = _run(["-m", "generator", "generate", "--full", "-q"], cold, CLIENTGEN_CACHE="off")
    assert done.returncode == 0, done.stderr
    return read_tree(cold / "out" / "pets")


def _summary(doc: dict[str, Any]) -> None:
    doc["paths"]["/pets"]["get"]["summary"] = "List the pets in the store"


def _new_operation(doc: dict[str, Any]) -> None:
    op = copy.deepcopy(doc["paths"]["/pets"]["get"])
    op["operationId"] = "countPets"
    op["summary"] = "Count pets"
    doc["paths"]["/pets/count"] = {"get": op}


def _new_property(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Pet"]["properties"]["nickname"] = {"type": "string"}


def _query_parameter(doc: dict[str, Any]) -> None:
    doc["paths"]["/pets"]["get"]["parameters"].append(
        {"name": "sort", "in": "query", "schema": {"type": "string"}}
    )


EDITS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("summary", _summary),
    ("new operation", _new_operation),
    ("new query parameter", _query_parameter),
    ("new property of a shared schema", _new_property),
]


@pytest.mark.slow
def test_each_change_is_regenerated_exactly_as_a_full_run(tmp_path: Path) -> None:
    doc = _pets()
    folder = _project(tmp_path / "watched", doc)
    watcher = Watcher(folder, "-v")
    try:
        assert watcher.next_run()[0] == 0  # at start: the output brought up to date
        assert read_tree(folder / "out" / "pets") == _cold_tree(tmp_path / "cold0", doc)
        for n, (label, edit) in enumerate(EDITS, 1):
            edit(doc)
            _write(folder, doc)
            status, _ = watcher.next_run()
            assert status == 0, (label, watcher.seen)
            want = _cold_tree(tmp_path / f"cold{n}", doc)
            assert read_tree(folder / "out" / "pets") == want, label
    finally:
        code, said = watcher.stop()
    assert code == 0 and "Traceback" not in said, said


def test_a_warm_regeneration_imports_nothing_and_a_broken_spec_does_not_stop_it(
    tmp_path: Path,
) -> None:
    doc = _pets()
    folder = _project(tmp_path, doc)
    watcher = Watcher(folder, "-v")
    try:
        assert watcher.next_run()[0] == 0  # at start (its lazy imports: learnt from its report)
        _summary(doc)
        _write(folder, doc)
        assert watcher.next_run() == (0, 0)
        _new_operation(doc)
        _write(folder, doc)
        assert watcher.next_run() == (0, 0)  # the generator's modules were all imported at start
        (folder / "specs" / "pets.json").write_text('{"openapi": "3.1.0", "paths": {', "utf-8")
        assert watcher.next_run()[0] == 2  # `generate`'s exit code for an unusable spec
        assert any("pets.json" in line for line in watcher.seen)  # its message says where
        _write(folder, doc)
        assert watcher.next_run()[0] == 0
    finally:
        code, said = watcher.stop(signal.SIGINT)
    assert code == 130 and "Traceback" not in said, said
    assert (folder / "out" / "pets" / "GENERATION.toml").is_file()


@pytest.mark.slow
def test_a_changed_generator_starts_the_watcher_again(tmp_path: Path) -> None:
    """Code imported before an upgrade must not write caches under the new version's fingerprint."""
    copy_of = tmp_path / "clientgen"
    for part in ("generator", "templates"):
        shutil.copytree(REPO / part, copy_of / part, ignore=shutil.ignore_patterns("__pycache__"))
    doc = _pets()
    folder = _project(tmp_path / "watched", doc)
    watcher = Watcher(folder, "-v", env={**_env(), "PYTHONPATH": str(copy_of)})
    try:
        assert watcher.next_run()[0] == 0
        with (copy_of / "generator" / "version.py").open("a", encoding="utf-8") as f:
            f.write("# edited\n")
        _summary(doc)
        _write(folder, doc)
        assert watcher.next_run()[0] == 0  # (the new process's first run)
        assert any("starting again" in line for line in watcher.seen), watcher.seen
        assert read_tree(folder / "out" / "pets") == _cold_tree(tmp_path / "cold", doc)
    finally:
        code, said = watcher.stop()
    assert code == 0 and "Traceback" not in said, said


def test_without_a_project_it_says_why(tmp_path: Path) -> None:
    proc = _run(["-m", "generator", "watch"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "no [tool.clientgen] table" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_without_fork_each_regeneration_is_a_new_interpreter(tmp_path: Path) -> None:
    doc = _pets()
    folder = _project(tmp_path / "watched", doc)
    proc = _run(["-m", "generator", "watch", "--runs", "1"], folder, CLIENTGEN_PARALLEL="off")
    assert proc.returncode == 0 and _RAN.search(proc.stderr), proc.stderr
    assert read_tree(folder / "out" / "pets") == _cold_tree(tmp_path / "cold", doc)


def test_watched_files_leave_out_outputs_and_hidden_folders(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    spec = tmp_path / "specs" / "pets.json"
    for rel in [
        "specs/pets.json",
        "specs/parts/pet.yaml",
        "specs/notes.md",
        "specs/.git/x.json",
        "specs/a/b/c/d/e/too-deep.json",
        "specs/out/x.json",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("{}", encoding="utf-8")
    target = type("T", (), {"spec": str(spec), "output": str(tmp_path / "specs" / "out")})()
    files = watch.watched_files(tmp_path / "pyproject.toml", [target])  # type: ignore[list-item]
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "pyproject.toml",
        "specs/parts/pet.yaml",
        "specs/pets.json",
    ]
    before = watch.stamp(files)
    spec.write_text("{} ", encoding="utf-8")
    assert watch.stamp(files) != before
    spec.unlink()
    assert dict(watch.stamp(files))[str(spec)] is None


def _forked(body: Callable[[int], None]) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            body(write)
        finally:
            os._exit(3)
    os.close(write)
    return pid, read


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")
def test_a_child_past_its_deadline_is_killed_and_a_large_report_read_whole() -> None:
    pid, read = _forked(lambda write: time.sleep(30))
    start = time.monotonic()
    try:
        status, modules = watch_child._collect(pid, read, time.perf_counter() + 0.3)
    finally:
        os.close(read)
    assert status is None and modules == () and time.monotonic() - start < 10
    names = "\n".join(
        f"module_{i:06}" for i in range(20_000)
    ).encode()  # 280 KB: over a pipe's buffer

    def report(write: int) -> None:
        os.write(write, names)

    pid, read = _forked(report)
    try:
        status, modules = watch_child._collect(pid, read, time.perf_counter() + 60)
    finally:
        os.close(read)
    assert status == 3
    assert len(modules) == 20_000 and modules[-1] == "module_019999"


def test_warm_imports_every_module_of_the_generator() -> None:
    probe = (
        "import sys\n"
        "from generator import watch_child as w\n"
        "w.warm()\n"
        "names = w._module_names()\n"
        "assert 'generator.render.plan' in names and 'generator.stage.structural' in names\n"
        "assert 'generator.__main__' not in names\n"
        "print([n for n in names if n not in sys.modules])\n"
    )
    proc = _run(["-c", probe])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_templates_inside_an_installed_package_are_not_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Installed, the templates (the generated clients' runtime modules among them) live inside the
    package: `warm` must not import them as the generator's."""
    from generator import paths

    inside = Path(watch_child.__file__).resolve().parent / "render"  # (a folder that is there)
    monkeypatch.setattr(paths, "templates_dir", lambda: inside)
    names = watch_child._module_names()
    assert "generator.watch" in names
    assert not [n for n in names if n == "generator.render" or n.startswith("generator.render.")]


def test_learning_imports_only_module_names() -> None:
    before = set(sys.modules)
    assert (
        watch_child.learn(["os; import this", "../x", "generator.watch", "no_such_module_x"]) == 0
    )
    assert set(sys.modules) == before
