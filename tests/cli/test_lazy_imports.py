"""What a full generation imports (issue 18: imports off the serial stretch before rendering). A JSON
spec's generation through the command line never imports PyYAML (the YAML reader is
`generator/yaml_text.py`, imported only for YAML text), and without a project's caches the stage cache
(`generator/stage/`) is not imported either, nor `multiprocessing` (the validation child is a plain
fork). Structure, no timings."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from generator.cache_files import cache_file
from generator.stage.writer import settle
from tests.cli.test_stage_structural import PROJECT as SHOP
from tests.cli.test_stage_structural import _new_query, _shop, _write
from tests.conftest import FIXTURES, REPO
from tests.support.processes import isolated_python

RUN = f"""
import atexit
import sys
sys.path.insert(0, {str(REPO)!r})
sys.argv = ["clientgen", *sys.argv[1:]]
atexit.register(lambda: print(",".join(sorted(m for m in sys.modules if m.startswith(("generator.",
      "yaml", "pydantic", "jinja2", "multiprocessing", "tomllib"))))))
from generator.cli import main
main()
"""


def _generate(folder: Path, spec: Path, *flags: str) -> set[str]:
    """`clientgen generate SPEC -o out` in a fresh interpreter; the modules it imported."""
    modules = _modules(folder, "generate", str(spec), "-o", "out", "-q", *flags)
    assert (folder / "out" / "pyproject.toml").is_file()  # it generated a package
    return modules


def _modules(folder: Path, *args: str) -> set[str]:
    """`clientgen ARGS` in a fresh interpreter in `folder`; the modules it imported."""
    return set(isolated_python(RUN, *args, cwd=folder, timeout=300).split(","))


def test_a_json_spec_is_generated_without_pyyaml_or_the_stage_cache(tmp_path: Path) -> None:
    document = yaml.safe_load((FIXTURES / "specs" / "petstore_31.yml").read_text())
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(document))
    modules = _generate(tmp_path, spec)
    assert "generator.render.plan" in modules  # it rendered
    assert not {m for m in modules if m == "yaml" or m.startswith("yaml.")}
    assert "generator.yaml_text" not in modules
    assert not {m for m in modules if m.startswith("generator.stage.")}
    # the configuration is read without pydantic (its schema is for tables the cheap reader refuses)
    assert not {m for m in modules if m.startswith("pydantic")}
    assert "generator.config_schema" not in modules
    # the validation child is a plain fork: `multiprocessing` (≈ 15 ms of imports) is not loaded
    assert "generator.validate" in modules
    assert not {m for m in modules if m == "multiprocessing" or m.startswith("multiprocessing.")}
    # no TOML is read outside a project: no configuration file, no provenance read back after writing
    if not any((folder / "pyproject.toml").exists() for folder in [tmp_path, *tmp_path.parents]):
        assert "tomllib" not in modules


def test_a_plain_config_file_is_read_without_pydantic(tmp_path: Path) -> None:
    document = yaml.safe_load((FIXTURES / "specs" / "petstore_31.yml").read_text())
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(document))
    config = tmp_path / "clientgen.toml"
    config.write_text(
        'client_name = "Pets"\nmethod_names = { listPets = "pets.all" }\n'
        "[pagination]\ndetect = false\n"
    )
    modules = _generate(tmp_path, spec, "--config", str(config))
    assert "generator.config" in modules
    assert not {m for m in modules if m.startswith("pydantic")}
    assert "generator.config_schema" not in modules
    assert "class Pets" in (tmp_path / "out" / "src" / "out" / "_client.py").read_text()


def test_a_yaml_spec_still_reads_through_the_yaml_reader(tmp_path: Path) -> None:
    spec = tmp_path / "pets.yml"
    spec.write_text((FIXTURES / "specs" / "petstore_31.yml").read_text())
    modules = _generate(tmp_path, spec)
    assert {"generator.yaml_text", "yaml"} <= modules


def test_a_prose_edit_is_replayed_without_the_loader_parse_or_the_naming_pass(
    tmp_path: Path,
) -> None:
    """A summary edit is regenerated from the stage cache (`generator/stage/replay.py`): it imports
    neither the loader nor the parse stage's builders nor the naming pass (`naming.plan`) — the
    replay takes the IR and the names from the snapshot. Of parse it needs `parse.results` (what
    the views ask of an operation's results) and what the prose patch reads (`stage/prose.py`);
    nor the types modules' views (`render.model_views`), route naming or `uuid` (edit18)."""
    document = yaml.safe_load((FIXTURES / "specs" / "petstore_31.yml").read_text())
    (tmp_path / "pyproject.toml").write_text(
        '[tool.clientgen.targets.pets]\nspec = "pets.json"\noutput = "out"\npackage = "pets"\n'
        'client_name = "Pets"\nenv_prefix = "PETS"\n'
    )
    spec = tmp_path / "pets.json"
    spec.write_text(json.dumps(document))
    full = _modules(tmp_path, "generate", "-q")
    assert {"generator.naming.plan", "generator.parse.schemas"} <= full  # the full path
    operation = next(iter(next(iter(document["paths"].values())).values()))
    operation["summary"] = "An edited summary"
    spec.write_text(json.dumps(document))
    replayed = _modules(tmp_path, "generate", "-q")
    assert "generator.stage.replay" in replayed and "generator.render.plan" in replayed
    assert "An edited summary" in (tmp_path / "out" / "README.md").read_text()
    assert not {m for m in replayed if m.startswith(("pydantic", "yaml"))}
    assert "generator.parse.results" in replayed
    assert not {"generator.parse.schemas", "generator.parse.operations"} & replayed  # the builders
    assert "generator.naming.plan" not in replayed
    assert not {"generator.load", "generator.validate", "generator.config_schema"} & replayed
    # what only types modules, route naming and uuid samples need: none is rendered or named again
    assert {"generator.render.model_views", "generator.naming.routes"} <= full
    assert not {"generator.render.model_views", "generator.naming.routes", "uuid"} & replayed


EDIT = RUN.replace('"multiprocessing", "tomllib"', '"tomllib", "uuid", "platform", "inflection"')


def test_a_structural_edit_imports_what_it_uses(tmp_path: Path) -> None:
    """A new optional query parameter is served by the structural replay (`stage/structural.py`):
    it imports neither `uuid` (with `platform`: only a UUID default is checked with it) nor
    `inflection` (the singular rules are made at the first word made singular: this edit names no
    operation), nor `tomllib` (GENERATION.toml as `render` wrote it is read without it) — nor does
    the no-op `generate` after it (imp24)."""
    doc = _shop()
    (tmp_path / "pyproject.toml").write_text(SHOP, encoding="utf-8")
    _write(tmp_path, doc)
    full = set(isolated_python(EDIT, "generate", "-q", cwd=tmp_path, timeout=300).split(","))
    assert {"generator.naming.plan", "generator.parse.defaults", "inflection"} <= full
    snapshot = cache_file(tmp_path, tmp_path / "out" / "shop", "stages", ".bin")
    assert snapshot is not None
    settle(snapshot)  # the full run's snapshot written (its writer outlives the command)
    _new_query(doc)
    _write(tmp_path, doc)
    edited = set(isolated_python(EDIT, "generate", "-q", cwd=tmp_path, timeout=300).split(","))
    assert "species" in (tmp_path / "out" / "shop" / "api.md").read_text()
    assert {"generator.stage.structural", "generator.parse.defaults"} <= edited  # served so,
    assert "generator.commands" not in edited  # not by the full path after it
    assert not {"uuid", "platform", "inflection", "tomllib"} & edited, sorted(
        {"uuid", "platform", "inflection", "tomllib"} & edited
    )
    settle(snapshot)
    noop = set(isolated_python(EDIT, "generate", "-q", cwd=tmp_path, timeout=300).split(","))
    assert "generator.stage.structural" not in noop  # answered from the provenance
    assert "tomllib" not in noop


def test_a_new_operation_takes_its_words_singular_forms_from_the_snapshots_notes(
    tmp_path: Path,
) -> None:
    """A new operation is served by the structural replay, which names the methods of its resource
    (edit26): the singular of each word it asks for (its operationId's are words the spec has) was
    noted by the snapshot's writer beside the pass's warnings (`notes.said_and_singulars`), so
    the replay compiles no singular rule and does not import `inflection` — after the full run,
    and after a replay re-keyed the snapshot."""
    import copy

    from generator.stage import notes
    from generator.stage.snapshot import MAGIC

    doc = _shop()
    (tmp_path / "pyproject.toml").write_text(SHOP, encoding="utf-8")
    _write(tmp_path, doc)
    full = set(isolated_python(EDIT, "generate", "-q", cwd=tmp_path, timeout=300).split(","))
    assert "inflection" in full
    snapshot = cache_file(tmp_path, tmp_path / "out" / "shop", "stages", ".bin")
    assert snapshot is not None
    for n in range(2):
        settle(snapshot)  # (the snapshot and its notes written: its writer outlives the command)
        noted = notes.said_and_singulars(snapshot, snapshot.read_bytes()[len(MAGIC) :][:32])
        assert noted is not None and noted[1], n
        op = copy.deepcopy(doc["paths"]["/pets/{petId}"]["get"])
        op["operationId"] = ["deleteStores", "createStores"][n]  # (words the spec has)
        doc["paths"]["/pets/{petId}"][["put", "patch"][n]] = op
        _write(tmp_path, doc)
        edited = set(isolated_python(EDIT, "generate", "-q", cwd=tmp_path, timeout=300).split(","))
        assert "generator.stage.structural" in edited and "generator.commands" not in edited, n
        assert "inflection" not in edited, n
