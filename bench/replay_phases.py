"""CPU and wall time of a replay's parts, in one unprofiled `generate` (issue 18).

    cd PROJECT && PYTHONPATH=TREE python /path/to/bench/replay_phases.py generate -q

Runs `python -m generator` with the functions below wrapped (by module and name; one a tree lacks
is skipped) and prints, when the command ends (`os._exit` or not), the process's CPU time and each
function's calls, CPU and wall time (inclusive: nested ones count in both), largest first. Not
cProfile: only the wrapped calls pay anything, so imports and C-heavy code keep their weight. The
forked children (validation, formatting) are not in the process's CPU time. Also the tail after the
package is formatted (the last `Staging.finish` → the exit: the write, the snapshot writer's fork):
its wall, CPU, time waited for a CPU and time blocked in syscalls. More functions:
`REPLAY_PHASES_MORE=module:name,module:Class.name,…` (a name another module imported with `from …
import` is wrapped where it is called: `generator.streamed:apply_package`). Not a test.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import os
import runpy
import sys
import time
from typing import Any

TARGETS = [
    ("generator.quick", "answered"),
    ("generator.streamed", "write_replayed"),
    ("generator.stage.replay", "_replay"),
    ("generator.stage.replay", "_rendered"),
    ("generator.render.plan", "plan_files"),
    ("generator.stage.cache", "read_spec"),
    ("generator.stage.cache", "edited"),
    ("generator.stage.region", "locate"),
    ("generator.stage.edit", "against"),  # (load24: the kept text read and compared once)
    ("generator.stage.edit", "edit_of"),
    ("generator.stage.region", "located"),
    ("generator.stage.snapshot", "LazyTable.table"),
    ("generator.pipeline", "_configured"),
    ("generator.stage.snapshot", "load"),
    ("generator.stage.snapshot", "LazySchemas._read"),
    ("generator.stage.structural", "structural"),
    ("generator.stage.structural", "_validation"),
    ("generator.stage.structural", "_served"),
    ("generator.stage.structural", "components"),
    ("generator.stage.structural", "parsed"),
    ("generator.stage.structural", "shaped"),
    ("generator.stage.structural", "_changed"),
    ("generator.stage.structural", "_added_or_removed"),
    ("generator.stage.structural", "_same_features"),
    ("generator.stage.structural", "_same_schemas"),
    ("generator.stage.structural", "_manifest"),
    ("generator.stage.structural", "valid"),
    ("generator.stage.cache", "reused"),
    ("generator.naming.operations", "operation_names"),
    ("generator.naming.operations", "settled"),
]
SPENT: dict[str, list[float]] = {}  # name → calls, CPU, wall
# when the last `Staging.finish` returned (the package formatted: what is left is the write, the
# snapshot writer's fork and the exit): wall, process CPU, time waited for a CPU
TAIL: list[tuple[float, float, float]] = []


def _waited() -> float:
    """Seconds this process has waited for a CPU, runnable (Linux's schedstat; 0 elsewhere)."""
    try:
        with open("/proc/self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def _mark_finish() -> None:
    from generator.staging import Staging

    real = Staging.finish

    @functools.wraps(real)
    def finish(*args: Any, **kwargs: Any) -> Any:
        try:
            return real(*args, **kwargs)
        finally:
            TAIL[:] = [(time.perf_counter(), time.process_time(), _waited())]

    Staging.finish = finish  # type: ignore[method-assign]


def _wrap(module: str, name: str) -> None:
    owner: Any = importlib.import_module(module)
    label = f"{module.rsplit('.', 1)[-1]}.{name}"
    if "." in name:
        cls, name = name.split(".")
        owner = getattr(owner, cls, None)  # (a tree without the class: skipped)
    real = getattr(owner, name, None)
    if real is None:
        return

    @functools.wraps(real)
    def timed(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent = SPENT.setdefault(label, [0, 0.0, 0.0])
            spent[0] += 1
            spent[1] += time.process_time() - cpu
            spent[2] += time.perf_counter() - wall

    setattr(owner, name, timed)


def main() -> None:
    more = [tuple(t.split(":")) for t in os.environ.get("REPLAY_PHASES_MORE", "").split(",") if t]
    for module, name in [*TARGETS, *more]:
        _wrap(module, name)
    _mark_finish()
    pid, leave = os.getpid(), os._exit

    def report() -> None:
        if os.getpid() == pid and SPENT:
            print(f"process CPU {time.process_time():.3f} s", file=sys.stderr)
            if TAIL:  # (blocked: neither on a CPU nor waiting for one — a syscall's wait)
                wall, cpu, waited = (
                    now - then
                    for now, then in zip(
                        (time.perf_counter(), time.process_time(), _waited()), TAIL[0], strict=True
                    )
                )
                print(
                    f"after staging: wall {wall:.4f} s CPU {cpu:.4f} s run queue {waited:.4f} s "
                    f"blocked {wall - cpu - waited:.4f} s",
                    file=sys.stderr,
                )
            for label, (n, cpu, wall) in sorted(SPENT.items(), key=lambda kv: -kv[1][1]):
                print(f"  {label:36} x{n:<4} CPU {cpu:.3f} s  wall {wall:.3f} s", file=sys.stderr)
            SPENT.clear()

    def reported(code: int) -> None:
        report()
        leave(code)

    atexit.register(report)
    os._exit = reported  # type: ignore[assignment]
    sys.argv = ["generator", *sys.argv[1:]]
    runpy.run_module("generator", run_name="__main__")


if __name__ == "__main__":
    main()
