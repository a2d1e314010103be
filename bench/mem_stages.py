"""Memory by stage of one generation (issue 18, graph-beta ≤ 500 MB): not a test.

    python bench/mem_stages.py SPEC OUT [--trace] [--stage-peaks]

Runs `pipeline.generate` (a full render into OUT) with each stage wrapped: after load, parse, shape,
naming, render (`plan_files`, which stages each file as it is rendered), the validation child's answer,
ruff, staging (`Staging.finish`: hashing the formatted files) and writing (`apply_package`) it prints
the resident set (`/proc/self/statm`), the process's peak so far (`ru_maxrss`) and the CPU time so far;
after the validation, the peak of the validation child (`RUSAGE_CHILDREN`: the only child reaped by
then; its resident set counts the pages it shares with the parent since the fork).
With `--stage-peaks` it also prints each stage's own peak (the kernel's high-water mark `VmHWM`, reset
after each stage through `/proc/self/clear_refs`; `ru_maxrss` may be reset with it).
With `--trace`, `tracemalloc` also reports what is alive after parse, naming, render and staging, by
file and by line (about 3× slower: for graph-beta, tens of minutes on a shared machine).
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE")
TRACED = ("parse", "naming", "render (plan_files)", "staging (finish)")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


STAGE_PEAKS = "--stage-peaks" in sys.argv


def stage_peak_mb() -> float:
    """The resident set's high-water mark since the last `reset_peak` (`VmHWM`)."""
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as f:  # "5": reset the peak resident set (Linux)
        f.write("5")


def mark(name: str) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    own = f"  stage's own peak {stage_peak_mb():6.0f} MB" if STAGE_PEAKS else ""
    print(
        f"{name:26s} rss {rss_mb():6.0f} MB  peak {peak:6.0f} MB  cpu {time.process_time():6.2f} s"
        + own,
        flush=True,
    )
    if STAGE_PEAKS:
        reset_peak()
    if tracemalloc.is_tracing() and name in TRACED:
        snap = tracemalloc.take_snapshot()
        now, top = tracemalloc.get_traced_memory()
        print(
            f"  traced now {now / 2**20:.0f} MB, peak since last {top / 2**20:.0f} MB", flush=True
        )
        for key in ("filename", "lineno"):
            for st in snap.statistics(key)[:10]:
                frame = st.traceback[0]
                where = frame.filename if key == "filename" else f"{frame.filename}:{frame.lineno}"
                print(f"    {st.size / 2**20:8.1f} MB {st.count:9d}  {where}", flush=True)
        tracemalloc.reset_peak()


def wrap(module: Any, attr: str, label: str) -> None:
    fn = getattr(module, attr)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        finally:
            mark(label)
            if label == "validation":
                child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                print(f"  validation child: peak {child:.0f} MB", flush=True)

    setattr(module, attr, wrapper)


def wrap_stages() -> None:
    """Wrap each stage's function to `mark` it (also `bench/cli_peak.py --stage-peaks`)."""
    from generator import load, parse, staging, streamed, validate
    from generator.naming import plan as naming
    from generator.render import plan
    from generator.shape import stage
    from generator.stage import cache

    # a prose-only replay (`stage/replay.py`) reads the spec, scans it, loads the snapshot
    wrap(cache, "scan", "replay: text scan")
    wrap(cache, "load", "replay: snapshot load")
    wrap(cache, "replay", "replay: patched IR")

    # pipeline imports these inside `_render`, so they are wrapped where they are defined
    wrap(load, "open_spec", "load")
    wrap(parse, "build_api", "parse")
    wrap(stage, "shape", "shape")
    wrap(naming, "plan_names", "naming")
    wrap(plan, "plan_files", "render (plan_files)")
    wrap(validate.Validation, "wait", "validation")
    wrap(staging, "format_tree", "ruff")
    wrap(staging.Staging, "finish", "staging (finish)")
    wrap(streamed, "apply_package", "writing (apply_package)")  # generate's paths


def main() -> None:
    spec, out, *flags = sys.argv[1:]
    if "--trace" in flags:
        tracemalloc.start(1)
    from generator import pipeline
    from generator.config import adhoc_target

    wrap_stages()
    mark("start")
    pipeline.generate(adhoc_target(spec, out, "pkg", "Client"), full=True)
    mark("end")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest child (validation, ruff): peak {children:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
