"""`$ref` stays inside the spec's folder (issue #12, item 2).

A relative-file `$ref` may name only a regular file inside the folder tree of the root spec, symlinks
resolved; absolute paths, URLs, `..` escapes, devices, FIFOs and files over 50 MB are refused with a
diagnostic naming the file and JSON pointer of the `$ref`, exit 2, nothing written. The real CLI runs in a
subprocess. An ordinary multi-file spec (schemas in files beside the root document, referenced straight
from `components/schemas`) generates and imports.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.config import adhoc_target
from generator import generate
from generator.refs import MAX_REF_BYTES
from tests.conftest import FIXTURES

SECRET = "top-secret-value-7f3a"
ROOT = """\
openapi: 3.1.0
info: {{title: Leaky, version: "1"}}
paths: {{}}
components:
  schemas:
    Leak: {{$ref: "{ref}"}}
"""


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """tmp/proj/ holds the spec; tmp/secret.yml sits just outside it."""
    (tmp_path / "secret.yml").write_text(f"type: string\ndescription: {SECRET}\n")
    (tmp_path / "proj").mkdir()
    return tmp_path / "proj"


def refused(project: Path, ref: str, code: str, *, file: Path | None = None) -> str:
    """Generate from a root spec whose components/schemas/Leak is `$ref: ref`; assert the refusal."""
    spec = project / "openapi.yml"
    if not spec.exists():
        spec.write_text(ROOT.format(ref=ref))
    out = project.parent / "out"
    before = sorted(p.name for p in project.parent.iterdir())
    proc = run_cli("generate", str(spec), "-o", str(out), cwd=project.parent)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"error[{code}]" in proc.stderr, proc.stderr
    assert f"{file or spec}#" in proc.stderr  # the file and the JSON pointer of the $ref
    assert "Nothing was written." in proc.stderr
    assert SECRET not in proc.stderr
    assert not out.exists()
    assert sorted(p.name for p in project.parent.iterdir()) == before  # no staging folder left
    return proc.stderr


def test_absolute_path_is_refused(project: Path) -> None:
    message = refused(project, str(project.parent / "secret.yml"), "ref-outside")
    assert "#/components/schemas/Leak" in message and "absolute path" in message


def test_etc_file_is_refused(project: Path) -> None:
    refused(project, "/etc/hostname", "ref-outside")


def test_dotdot_escape_is_refused(project: Path) -> None:
    message = refused(project, "../secret.yml", "ref-outside")
    assert "outside the spec's folder" in message


def test_dotdot_that_comes_back_inside_is_fine(project: Path) -> None:
    (project / "sub").mkdir()
    (project / "inside.yml").write_text("type: string\n")
    spec = project / "openapi.yml"
    spec.write_text(ROOT.format(ref="sub/../inside.yml"))
    proc = run_cli("generate", str(spec), "-o", str(project.parent / "out"), cwd=project)
    assert proc.returncode == 0, proc.stderr


def test_symlink_leading_outside_is_refused(project: Path) -> None:
    (project / "schemas").mkdir()
    (project / "schemas" / "innocent.yml").symlink_to(project.parent / "secret.yml")
    message = refused(project, "schemas/innocent.yml", "ref-outside")
    assert str(project.parent / "secret.yml") in message  # where it really leads


def test_nested_file_escaping_is_refused_naming_that_file(project: Path) -> None:
    (project / "schemas").mkdir()
    nested = project / "schemas" / "a.yml"
    nested.write_text("type: object\nproperties:\n  x: {$ref: '../../secret.yml'}\n")
    message = refused(project, "schemas/a.yml", "ref-outside", file=nested)
    assert "#/properties/x" in message


def test_dev_zero_is_refused(project: Path) -> None:
    refused(project, "/dev/zero", "ref-outside")


def test_symlink_to_a_device_is_refused(project: Path) -> None:
    (project / "zero.yml").symlink_to("/dev/zero")
    refused(project, "zero.yml", "ref-outside")


def test_fifo_inside_the_folder_is_refused_without_blocking(project: Path) -> None:
    os.mkfifo(project / "pipe.yml")
    message = refused(project, "pipe.yml", "ref-not-a-file")
    assert "not a regular file" in message


def test_folder_is_refused(project: Path) -> None:
    (project / "schemas").mkdir()
    refused(project, "schemas", "ref-not-a-file")


def test_file_over_the_size_bound_is_refused(project: Path) -> None:
    with open(project / "big.yml", "wb") as f:
        f.truncate(MAX_REF_BYTES + 1)  # sparse: costs no disk space
    message = refused(project, "big.yml", "ref-too-large")
    assert str(MAX_REF_BYTES) in message


@pytest.mark.parametrize("ref", ["https://evil.example/schema.yml", "file:///etc/hostname"])
def test_urls_are_refused(project: Path, ref: str) -> None:
    refused(project, ref, "ref-remote")


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_root_spec_that_is_not_a_file_is_refused(tmp_path: Path, kind: str) -> None:
    spec = Path("/dev/zero") if kind == "device" else tmp_path / "spec.yml"
    if kind == "fifo":
        os.mkfifo(spec)
    proc = run_cli("generate", str(spec), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "error[not-a-file]" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_multi_file_spec_generates_and_imports(tmp_path: Path) -> None:
    spec = FIXTURES / "specs" / "multifile" / "openapi.yml"
    result = generate(adhoc_target(str(spec), str(tmp_path / "kennel"), "kennel", "Kennel"))
    assert result.operations == 2
    sys.path.insert(0, str(tmp_path / "kennel" / "src"))
    try:
        types = importlib.import_module("kennel.types")
        owner = types.Owner.model_validate(
            {
                "id": "o1",
                "pets": [{"id": "p1", "name": "Rex", "kind": "dog", "owner": {"id": "o1"}}],
                "address": {"city": "Oslo"},
            }
        )
        assert owner.pets[0].kind == types.Kind.DOG
        assert owner.pets[0].owner.id == "o1" and owner.address.city == "Oslo"
        assert {"Owner", "Pet", "Kind", "Problem", "Address"} <= set(types.__all__)
    finally:
        sys.path.remove(str(tmp_path / "kennel" / "src"))
        for name in [m for m in sys.modules if m == "kennel" or m.startswith("kennel.")]:
            del sys.modules[name]


def test_a_ref_path_the_file_system_cannot_name_is_refused(project: Path) -> None:
    """Found by the hostile fuzz: a NUL in a `$ref` path crashed `Path.resolve()` (ValueError)."""
    refused(project, "schemas/a\\u0000b.yml#/Leak", "ref-bad-path")


def test_a_file_ref_whose_fragment_is_not_a_pointer_degrades(project: Path) -> None:
    """Found by the hostile fuzz: `file.yml#not-a-pointer` crashed naming the bundled schema."""
    (project / "schemas").mkdir(exist_ok=True)
    (project / "schemas" / "a.yml").write_text("Leak: {type: object}\n")
    spec = project / "openapi.yml"
    spec.write_text(ROOT.format(ref="schemas/a.yml#not-a-pointer"))
    proc = run_cli("generate", str(spec), "-o", str(project.parent / "out"), cwd=project)
    assert "Traceback" not in proc.stderr
    assert "warning[dangling-ref]" in proc.stderr and "check the JSON pointer" in proc.stderr
