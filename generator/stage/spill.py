"""What the stage cache's recorder takes during a streamed run, kept on disk instead of in memory.

A full run with a project's caches notes, as each module is staged, its import stub and module-cache
key (`Recorder.note`), and, once the resources are rendered, every operation's api.md doc and README
part (`Recorder.seen_docs`). They serve only the snapshot, which a forked child makes after render
(`stage/writer.py`), so the run need not hold them while it renders the rest (graph-beta: ≈ 17 MB of
stubs for 34,800 modules, ≈ 46 MB of full method docs, against a 500 MB budget). They go, pickled, to
an unnamed temporary file in the stage cache's folder as they come — the stubs in batches — and
`read` (in the child, or in the run itself with an inline writer) loads them back, in the order they
were written. The file disappears with the last descriptor; any failure costs only the snapshot.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import IO, Any

_BATCH = 1024  # stubs pickled at a time


class Spill:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        # kept open past this call (closed by `read` or `close`): no context manager
        self._file: IO[bytes] | None = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115
        self._batch: list[tuple[str, str | None, bytes]] = []
        self.failed = False

    def fileno(self) -> int:
        """The descriptor a forked writer must keep open (-1: none)."""
        return -1 if self._file is None else self._file.fileno()

    def note(self, rel: str, stub: str | None, key: bytes) -> None:
        self._batch.append((rel, stub, key))
        if len(self._batch) >= _BATCH:
            self._put(("noted", self._batch))
            self._batch = []

    def docs(self, docs: dict[str, Any], examples: dict[str, Any]) -> None:
        """Pickled a batch at a time (the pickler's memo holds what it has pickled until done)."""
        self._put(("docs", []))
        for kind, items in (("docs", list(docs.items())), ("examples", list(examples.items()))):
            for at in range(0, len(items), _BATCH):
                self._put((kind, items[at : at + _BATCH]))

    def flush(self) -> None:
        """Everything noted so far written through (before a fork: the child must not inherit
        buffered bytes the run would write again)."""
        if self._batch:
            self._put(("noted", self._batch))
            self._batch = []
        if self._file is not None:
            try:
                self._file.flush()
            except OSError:
                self.failed = True

    def read(self) -> tuple[dict[str, tuple[str | None, bytes]], tuple[Any, Any] | None]:
        """The noted stubs and keys (in order) and the docs and examples (None: never written),
        from the start of the file; the file is closed."""
        from .snapshot import _Unpickler

        self.flush()
        noted: dict[str, tuple[str | None, bytes]] = {}
        docs: dict[str, Any] | None = None
        examples: dict[str, Any] = {}
        file, self._file = self._file, None
        if file is None:
            self.failed = True
            return noted, None
        with file:
            try:
                file.seek(0)
                while True:
                    try:
                        kind, value = _Unpickler(file).load()
                    except EOFError:
                        break
                    if kind == "noted":
                        noted.update((rel, (stub, key)) for rel, stub, key in value)
                    elif kind == "docs":
                        docs = {} if docs is None else docs
                        docs.update(value)
                    else:
                        examples.update(value)
            except Exception:  # noqa: BLE001 - whatever the unpickler says: damaged
                self.failed = True
        return noted, None if docs is None else (docs, examples)

    def close(self) -> None:
        """This process's descriptor closed (a forked child keeps its own)."""
        file, self._file = self._file, None
        if file is not None:
            try:
                file.close()
            except OSError:
                pass

    def _put(self, record: tuple[str, Any]) -> None:
        from .snapshot import _Pickler

        if self._file is None or self.failed:
            return
        try:
            _Pickler(self._file).dump(record)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - whatever the pickler says: no snapshot this time
            self.failed = True
