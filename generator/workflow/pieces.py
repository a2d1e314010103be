"""A file of pickled pieces, each read back alone by its key (`split`: one side's operations,
schemas and Python names, written by the process that built them, read by the one that compares)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any


class PieceWriter:
    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self._at = 0
        self.index: dict[tuple[str, str], tuple[int, int]] = {}

    def put(self, kind: str, key: str, piece: bytes) -> None:
        self._file.write(piece)
        self.index[(kind, key)] = (self._at, len(piece))
        self._at += len(piece)

    def close(self) -> None:
        self._file.close()


class PieceReader:
    def __init__(self, path: Path, index: dict[tuple[str, str], tuple[int, int]]) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self.index = index

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self.index

    def get(self, kind: str, key: str) -> Any:
        at, size = self.index[(kind, key)]
        data = os.pread(self._fd, size, at)
        if len(data) != size:
            raise OSError(f"piece {kind} {key!r} cut short")
        return pickle.loads(data)  # written by this command's own child

    def close(self) -> None:
        os.close(self._fd)
