"""ruff starts on the staged files when the render's two processes meet (issue 18, `Staging.settled`):
the files staged until then are formatted by one run while the rest is rendered, the rest by a second
run. What comes out is byte for byte what one run over the whole tree gives, and a ruff failure in
either run is today's `format-failed` error."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import format as fmt
from generator import pipeline, staging
from generator.config import adhoc_target
from generator.diagnostics import SpecError
from generator.provenance import Provenance, current
from generator.render import fanout, plan
from tests.conftest import FIXTURES

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")

# texts ruff changes (quotes, spacing, wrapping, a Markdown file's Python block), by where they
# are staged: before `settled` (the early run) and after it (the late run)
EARLY = {
    "src/pkg/types/pet.py": "class Pet :\n    name : str='x'\n    tags : list[ str ]=[ 'a','b' ]\n",
    "src/pkg/resources/pets.py": "def get( x ):\n  return {'a':x,\n 'b' : [1,2,3]}\n",
    "api.md": "# API\n\n```python\nclient.pets.get( 'a' )\n```\n",
    "operations.json": '{"a":  1}\n',
}
LATE = {
    "src/pkg/_client.py": "import os\nX=os.environ.get( 'A','b' )\n",
    "README.md": "# pkg\n\n```python\nimport pkg\nc=pkg.Client( )\n```\n",
    "pyproject.toml": "[project]\nname='pkg'\n",
}
PROV: Provenance = current("pets.yml", "0" * 64, "0" * 64)
APART: list[bool] = []


class Runs(list[tuple[str, "subprocess.Popen[str]"]]):
    """The ruff runs started, in order: the name of the folder each formats, and its process."""

    aside: list[bool]  # each run on one thread (`start_format(aside=True)`)?

    @property
    def roots(self) -> list[str]:
        return [root for root, _ in self]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Iterator[Runs]:
    """Every ruff run started (by `settled`, `finish` or `format_tree`), in order."""
    runs = Runs()
    runs.aside = []
    real = fmt.start_format

    def start(root: Path, **kwargs: bool) -> subprocess.Popen[str]:
        runs.aside.append(kwargs.get("aside", False))
        runs.append((root.name, real(root, **kwargs)))
        return runs[-1][1]

    monkeypatch.setattr(fmt, "start_format", start)  # `format_tree`'s
    monkeypatch.setattr(staging, "start_format", start)
    yield runs
    assert all(run.returncode is not None for _, run in runs)  # every run reaped


def _staged(
    tmp_path: Path, early: dict[str, str], late: dict[str, str], *, split: bool
) -> dict[str, bytes]:
    """The finished files of a staging folder given `early`, then (after `settled` when `split`)
    `late`; `APART`: were the late ones staged apart (not below `tree/`)?"""
    with staging.Staging.open(tmp_path / "out", None, None, 0, aside=True) as st:
        for rel, text in early.items():
            st.add(rel, text)
        st.add("spec.json", b'{"openapi": "3.1.0"}')  # bytes: shipped as they are
        if split:
            st.settled()
        for rel, text in late.items():
            st.add(rel, text)
        APART[:] = [not os.path.isfile(os.path.join(st.tree, rel)) for rel in late]
        return dict(st.finish(PROV))


def test_two_runs_format_the_files_as_one_run_does(tmp_path: Path, started: Runs) -> None:
    one = _staged(tmp_path / "one", EARLY, LATE, split=False)
    assert started.roots == ["tree"]  # one run, over the whole tree
    started.clear()
    two = _staged(tmp_path / "two", EARLY, LATE, split=True)
    assert started.roots == ["tree", "late1"]  # the early run (`settled`), then the late one
    assert APART == [True] * len(LATE)
    assert two == one
    # ruff did change them (else the comparison would prove nothing)
    assert one["src/pkg/types/pet.py"].endswith(
        b'class Pet:\n    name: str = "x"\n    tags: list[str] = ["a", "b"]\n'
    )
    assert b'client.pets.get("a")' in one["api.md"]
    assert b"c = pkg.Client()" in one["README.md"]
    assert one["operations.json"].endswith(b'{"a":  1}\n')  # not a formatted file


def test_each_settled_starts_a_run_over_what_was_staged_since(
    tmp_path: Path, started: Runs
) -> None:
    one = _staged(tmp_path / "one", EARLY, LATE, split=False)
    started.clear()
    with staging.Staging.open(tmp_path / "two" / "out", None, None, 0, aside=True) as st:
        for rel, text in EARLY.items():
            st.add(rel, text)
            st.settled()  # after each text: a run over it alone
        st.add("spec.json", b'{"openapi": "3.1.0"}')
        st.settled()  # (no text staged since: none)
        for rel, text in LATE.items():
            st.add(rel, text)
        two = dict(st.finish(PROV))
    assert started.roots == ["tree", "late1", "late2", "late3", "late4"]
    assert two == one


def test_settled_before_any_module_leaves_the_formatting_to_finish(
    tmp_path: Path, started: Runs
) -> None:
    """Nothing but Markdown and data staged yet: no early run, one run over everything (as before)."""
    early = {"api.md": EARLY["api.md"]}
    rest = {rel: text for rel, text in {**EARLY, **LATE}.items() if rel not in early}
    texts = _staged(tmp_path / "a", early, rest, split=True)
    assert started.roots == ["tree"]
    assert not any(APART)  # all in `tree/`
    assert texts == _staged(tmp_path / "b", early, rest, split=False)


BAD = "def broken(:\n    pass\n"


@pytest.mark.parametrize("where", ["early", "late", "both"])
def test_a_ruff_failure_is_todays_format_failure(tmp_path: Path, where: str, started: Runs) -> None:
    early = {**EARLY, **({"src/pkg/types/bad.py": BAD} if where != "late" else {})}
    late = {**LATE, **({"src/pkg/bad_late.py": BAD} if where != "early" else {})}
    errors = []
    for split in (False, True):
        with pytest.raises(SpecError) as raised:
            _staged(tmp_path / str(split), early, late, split=split)
        errors.append(raised.value.diagnostic)
    one, two = errors
    assert started.roots == ["tree", "tree", "late1"]
    assert two.code == one.code == "format-failed"
    assert two.render() == one.render()  # (ruff's own message: its first lines on stderr)


def test_an_early_run_is_stopped_when_rendering_fails(tmp_path: Path, started: Runs) -> None:
    folder = ""
    with pytest.raises(RuntimeError):
        with staging.Staging.open(tmp_path / "out", None, None, 0, aside=True) as st:
            folder = os.path.dirname(st.tree)
            for rel, text in EARLY.items():
                st.add(rel, text)
            st.settled()
            raise RuntimeError("a failure after the early run started")
    assert started.roots == ["tree"]  # (and reaped: the fixture checks)
    assert folder and not os.path.exists(folder)


def _events(
    monkeypatch: pytest.MonkeyPatch, parallel: str, tmp_path: Path, child_done: bool | None = None
) -> list[str]:
    """What `pipeline.generate` hands to the staging folder, in order, with `settled` among them."""
    monkeypatch.setattr(plan, "FORK_FROM", 1)  # a small spec forks too
    monkeypatch.setattr(fanout, "other_threads", lambda: False)  # (a test's loopback server)
    monkeypatch.setenv("CLIENTGEN_PARALLEL", parallel)
    events: list[str] = []
    real_add, real_settled = staging.Staging.add, staging.Staging.settled

    def add(self: staging.Staging, rel: str, text: object) -> None:
        events.append(rel)
        real_add(self, rel, text)  # type: ignore[arg-type]

    def settled(self: staging.Staging, wide: bool = False) -> None:
        events.append("<settled wide>" if wide else "<settled>")
        real_settled(self, wide)

    monkeypatch.setattr(staging.Staging, "add", add)
    monkeypatch.setattr(staging.Staging, "settled", settled)
    if child_done is not None:  # (what `Worklist.done` answers while this process renders its part)
        monkeypatch.setattr(fanout.Worklist, "done", lambda self: child_done)
    spec = FIXTURES / "specs" / "petstore_31.yml"
    pipeline.generate(adhoc_target(str(spec), str(tmp_path / parallel / "pets"), None, None))
    return events


def test_generate_starts_ruff_when_the_render_child_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: Runs
) -> None:
    """With the types modules rendered by a child, `settled` comes after the resources and before
    the first types module is staged, and (`wide`) after the last one, before the client files; the
    package is the one a single process writes."""
    events = _events(monkeypatch, "on", tmp_path, child_done=False)
    assert events.count("<settled>") == 1 and events.count("<settled wide>") == 1
    at, wide = events.index("<settled>"), events.index("<settled wide>")
    types = [i for i, rel in enumerate(events) if "/types/" in rel and "__init__" not in rel]
    resources = [
        i for i, rel in enumerate(events) if "/resources/" in rel and "__init__" not in rel
    ]
    assert types and resources and max(resources) < at < min(types)
    assert max(types) < wide < events.index("src/pets/_client.py")
    assert started.roots == ["tree", "late1", "late2"]
    assert started.aside == [True, False, False]  # one thread while this process renders
    started.clear()
    assert not any("<settled" in e for e in _events(monkeypatch, "off", tmp_path))  # one process
    assert started.roots == ["tree"]  # one run over the whole tree
    one, two = (tmp_path / mode / "pets" for mode in ("off", "on"))
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert all((one / rel).read_bytes() == (two / rel).read_bytes() for rel in files)


def test_ruff_starts_as_soon_as_the_child_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: Runs
) -> None:
    """A child done before this process's own part: `settled` right after the first resource (the
    second core is free), and again when the two meet; four runs, the same package."""
    events = _events(monkeypatch, "on", tmp_path, child_done=True)
    assert events.count("<settled>") == 2 and events.count("<settled wide>") == 1
    first = events.index("<settled>")
    resources = [
        i for i, rel in enumerate(events) if "/resources/" in rel and "__init__" not in rel
    ]
    types = [i for i, rel in enumerate(events) if "/types/" in rel and "__init__" not in rel]
    assert resources[0] < first < events.index("api.md")
    assert max(resources) < events.index("<settled>", first + 1) < min(types)
    assert started.roots == ["tree", "late1", "late2", "late3"]
    started.clear()
    _events(monkeypatch, "off", tmp_path)
    one, two = (tmp_path / mode / "pets" for mode in ("off", "on"))
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert all((one / rel).read_bytes() == (two / rel).read_bytes() for rel in files)


def test_with_the_module_cache_the_entries_are_the_formatted_bytes(tmp_path: Path) -> None:
    """With a project's module cache, the texts staged after `settled` are formatted as well, and the
    cache keeps each one's formatted bytes: a second staging finds them all (nothing staged, no
    run) and gives the same package."""
    from generator.memo import Memo

    one = _staged(tmp_path / "one", EARLY, LATE, split=False)
    memo = Memo(tmp_path / "memo.bin")
    packages = []
    for attempt in ("first", "again"):
        with staging.Staging.open(tmp_path / attempt / "out", None, memo, 0, aside=True) as st:
            for rel, text in EARLY.items():
                st.add(rel, text)
            st.add("spec.json", b'{"openapi": "3.1.0"}')
            st.settled()
            for rel, text in LATE.items():
                st.add(rel, text)
            packages.append((dict(st.finish(PROV)), st.staged))
        memo.save()
        memo = Memo(tmp_path / "memo.bin")
    (first, staged_first), (again, staged_again) = packages
    assert first == one and again == one
    assert staged_first == len(EARLY) + len(LATE) + 1 and staged_again == 1  # then only the data


def test_a_folder_is_read_back_while_the_later_runs_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: Runs
) -> None:
    """`finish` reads and hashes the texts of a folder as soon as its run is done, before it waits
    for the next one (the parent would be idle meanwhile)."""
    events: list[str] = []
    real_read, real_wait = staging._read, staging.wait_format

    def read(path: str) -> bytes:
        events.append("read " + os.path.relpath(path, os.path.dirname(os.path.dirname(path))))
        return real_read(path)

    def wait(run: subprocess.Popen[str]) -> None:
        events.append("wait " + next(root for root, proc in started if proc is run))
        real_wait(run)

    monkeypatch.setattr(staging, "_read", read)
    monkeypatch.setattr(staging, "wait_format", wait)
    early = {"a.py": "a=1\n", "b.py": "b=2\n"}
    late = {"c.py": "c=3\n"}
    _staged(tmp_path, early, late, split=True)
    assert started.roots == ["tree", "late1"]  # both started before the first wait
    assert events[:5] == [  # (then the spec's copy, read with the package)
        "wait tree",
        "read tree/a.py",
        "read tree/b.py",
        "wait late1",
        "read late1/c.py",
    ]
