"""The parse split (`generator/parse/split.py`) on a machine with a free second core, emulated so that the
figure does not depend on what else the machine runs (not a test).

    python bench/parse_split.py SPEC [ROUNDS]     # e.g. .cache/corpora/…/api.github.com.json 5

On a shared 2-core machine the child gets what the other processes leave it, so whether it is ahead of
this process says more about the load than about the split. Here each message the child sends is
stamped with the child's CPU time since the fork; this process lets the child finish, then drains
taking a message only once its own CPU time since the fork has reached the stamp — as if both ran at
the same speed on a core each. (Pessimistic in one way: the child never sees this process's claims in
time, so it builds the schemas this process built itself too; its CPU is reported as measured.)

"ahead": the child's whole output taken as there before the drain (the bound: a child infinitely
fast). Prints, per round, for one process, the split and "ahead": `build_api`'s CPU in this process (user + sys,
the COW page faults of the fork included), its minor page faults, and for the split the bodies taken
from the child / refused / built here, and the child's CPU.
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from generator.diagnostics import DiagnosticSink
from generator.load import load_spec
from generator.parse import build_api, split
from generator.parse.canonical import Canonical
from generator.parse.schemas import SchemaBuilder


def _cpu() -> tuple[float, int, float]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_minflt, r.ru_stime


class _Virtual(dict[str, Any]):
    """The records, each taken only once this process's CPU since the fork reaches its stamp."""

    def __init__(self, messages: list[tuple[float, bytes]], since: float) -> None:
        super().__init__()
        self.messages, self.since = messages, since

    def pop(self, sid: str, default: Any = None) -> Any:  # type: ignore[override]
        now = _cpu()[0] - self.since
        while self.messages and self.messages[0][0] <= now:
            for record in pickle.loads(self.messages.pop(0)[1]):
                self[record[0]] = record
        return super().pop(sid, default)


def main(spec: str, rounds: int) -> None:
    loaded = load_spec(Path(spec), DiagnosticSink())
    gc.disable()  # as the pipeline runs (generator/gcpause.py)
    stamps: dict[str, Any] = {}
    real_dumper, real_fork, real_drain = split._dumper, split.Split._fork, split.Split.drain

    def dumper() -> Any:
        dump = real_dumper()
        return lambda records: pickle.dumps((time.process_time(), dump(records)))

    def fork(self: split.Split, schemas: SchemaBuilder) -> None:
        stamps["fork"] = _cpu()[0]
        real_fork(self, schemas)

    def drain(self: split.Split, schemas: SchemaBuilder) -> None:
        if not self.forked:
            return real_drain(self, schemas)
        raw = bytearray()
        while True:  # the child's whole output, not unpickled yet
            try:
                chunk = os.read(self._fd, 1 << 20)
            except BlockingIOError:
                time.sleep(0.002)
                continue
            if not chunk:
                break
            raw += chunk
        os.waitpid(self._pid, 0)
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        stamps["child"] = child.ru_utime + child.ru_stime - stamps.get("children", 0.0)
        stamps["children"] = child.ru_utime + child.ru_stime
        self._pid = 0
        messages, at = [], 0
        while at < len(raw):
            size = int.from_bytes(raw[at : at + split._HEAD], "little")
            messages.append(pickle.loads(raw[at + split._HEAD : at + split._HEAD + size]))
            at += split._HEAD + size
        self._close_pipe()
        # (the pipe is closed: not read again); "ahead": as if the child were done before the drain
        since = -1e9 if stamps["mode"] == "ahead" else stamps["fork"]
        self._records = _Virtual(messages, since)
        real_drain(self, schemas)
        stamps["counts"] = (self.replayed, self.refused, self.built_here)

    split._dumper = dumper
    split.Split._fork = fork  # type: ignore[method-assign]
    split.Split.drain = drain  # type: ignore[method-assign]
    split.can_fork = lambda: True
    rows: dict[str, list[float]] = {"one": [], "split": [], "ahead": []}
    for _ in range(rounds):
        for mode in ("one", "split", "ahead"):
            stamps["mode"] = mode
            split.SPLIT_FROM = 1 << 30 if mode == "one" else 0
            sink = DiagnosticSink()
            canonical = Canonical(loaded.document)
            cpu, faults, system = _cpu()
            build_api(loaded, sink, canonical)
            after = _cpu()
            cpu, faults, system = after[0] - cpu, after[1] - faults, after[2] - system
            rows[mode].append(cpu)
            extra = ""
            if mode != "one":
                replayed, refused, here = stamps["counts"]
                extra = (
                    f"  taken {replayed}, refused {refused}, built here {here};"
                    f" child CPU {stamps['child']:.3f} s"
                )
            print(
                f"{mode:5}  build_api CPU {cpu:.3f} s (sys {system:.3f}), {faults:6d} faults{extra}",
                flush=True,
            )
            del canonical, sink
    one, two, ahead = (statistics.median(rows[k]) for k in ("one", "split", "ahead"))
    print(
        f"median: one process {one:.3f} s, split {two:.3f} s ({two - one:+.3f} s),"
        f" child ahead {ahead:.3f} s ({ahead - one:+.3f} s)"
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
