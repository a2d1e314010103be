"""`load.open_spec` hashes a large spec's bytes in a thread while it decodes the text (issue 18,
parse26): the same SHA-256 as hashing them at once, and the thread is done before the validation
child is forked."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from generator import load, validate
from generator.diagnostics import DiagnosticSink
from generator.load import _Digest, open_spec


@pytest.mark.parametrize("size", [0, 10, (1 << 20) - 1, 1 << 20, 3 << 20])
def test_the_digest_is_the_bytes_sha256(size: int) -> None:
    raw = bytes(i % 251 for i in range(size))
    digest = _Digest(raw)
    assert (digest._thread is not None) is (size >= 1 << 20)
    assert digest.hexdigest() == hashlib.sha256(raw).hexdigest()
    assert digest.hexdigest() == hashlib.sha256(raw).hexdigest()  # asked again


def test_no_thread_is_left_when_the_validation_child_forks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1", "description": "x" * (2 << 20)},
        "paths": {},
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    before = threading.active_count()
    seen: list[int] = []
    real = validate.Validation

    def counted(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.active_count())
        return real(*args, **kwargs)

    class Slow(_Digest):  # a hash that takes long: its thread alive at the fork unless joined
        def __init__(self, raw: bytes) -> None:
            super().__init__(raw)
            assert self._thread is not None
            self._thread.join()
            self._hash = hashlib.sha256()
            self._thread = threading.Thread(target=self._slowly, args=(raw,), daemon=True)
            self._thread.start()

        def _slowly(self, raw: bytes) -> None:
            time.sleep(0.3)
            self._hash.update(raw)

    monkeypatch.setattr(load, "Validation", counted)
    monkeypatch.setattr(load, "_Digest", Slow)
    loaded, validation = open_spec(path, DiagnosticSink(file=str(path)), canonical=True)
    validation.wait(DiagnosticSink(file=str(path)))
    assert seen == [before]
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
