"""A timeline of one generation without caches (issue 18): when each stage starts and ends, in which
process, with that process's CPU time and page faults so far — the render child's part included.

    python bench/timeline.py SPEC OUT        # e.g. .cache/corpora/node_modules/@octokit/openapi/generated/api.github.com.json /tmp/gh

Not a test. Wraps the same functions `bench/perf.py --worker-generate` times (`pipeline.generate` is the
code path), and a few more: the pool of files made ahead, the render child's work, the join, ruff, the
staging folder's removal. Each line: seconds since the process started, its CPU (user + sys) and sys
time, its minor page faults, its pid, the event. Run it as bench/perf.py runs the worker (bytecode cached,
under `nice`) for figures that compare.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

_TICK = os.sysconf("SC_CLK_TCK")


def _age() -> float:
    """Seconds since this process started."""
    with open("/proc/self/stat") as f:
        started = int(f.read().rsplit(")", 1)[1].split()[19]) / _TICK
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) - started


T0 = time.perf_counter() - _age()
LOG = f"/tmp/clientgen-timeline-{os.getpid()}.log"
FD = os.open(LOG, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)


def event(name: str) -> None:
    """One line: appended with one write, so the child's lines interleave whole."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    now, cpu = time.perf_counter() - T0, r.ru_utime + r.ru_stime
    line = f"{now:7.3f}  cpu {cpu:6.3f} sys {r.ru_stime:5.3f} flt {r.ru_minflt:6d}  [{os.getpid()}] {name}\n"
    os.write(FD, line.encode())


def wrap(owner: Any, attr: str, name: str) -> None:
    real: Callable[..., Any] = getattr(owner, attr)

    def timed(*args: Any, **kwargs: Any) -> Any:
        event(name + " >")
        try:
            return real(*args, **kwargs)
        finally:
            event(name + " <")

    setattr(owner, attr, timed)


def main(spec: str, out: str) -> None:
    event("main")
    import shutil

    from generator import load, parse, pipeline, prewrite, staging, streamed, validate, write_files
    from generator.config import adhoc_target
    from generator.naming import plan as naming
    from generator.parse import canonical
    from generator.render import fanout, plan

    event("imported")
    from pathlib import Path

    Path(out).parent.mkdir(parents=True, exist_ok=True)  # as bench/perf.py does: a pool is made
    for owner, attr, name in [
        (load, "open_spec", "load"),
        (canonical.Canonical, "__init__", "canonical copy"),
        (parse, "build_api", "parse"),
        (naming, "plan_names", "naming"),
        (plan, "plan_files", "render"),
        (fanout.Worklist, "_fork", "fork render child"),
        (fanout.Worklist, "_front", "child's work"),
        (fanout.Worklist, "results", "join (the parent takes from the back)"),
        (validate.Validation, "wait", "validation wait"),
        (staging, "format_tree", "ruff"),
        (staging.Staging, "finish", "finish"),
        *(
            [
                (staging.Apart, "write", "the child writes its modules apart"),
                (staging.Apart, "start", "ruff apart started"),
                *(
                    [
                        (staging.Apart, "exec", "the child becomes the ruff apart"),
                        (staging.Apart, "adopt", "ruff apart adopted"),
                    ]
                    if hasattr(staging.Apart, "adopt")
                    else []
                ),
                (staging.Apart, "wait", "ruff apart waited for"),
            ]
            if hasattr(staging, "Apart")
            else []
        ),
        (streamed, "apply_package", "write"),
        (write_files, "create", "new folder"),
        (prewrite.Prewrite, "start", "pool start"),
        (prewrite.Prewrite, "take", "pool stopped"),
        (shutil, "rmtree", "rmtree"),
        (pipeline, "remember_written", "remember"),
    ]:
        wrap(owner, attr, name)
    _held = pipeline.generate(adhoc_target(spec, out, None, None))  # never freed, as the CLI
    event("generated")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.write(
        FD,
        b"children (waited for): cpu %.3f sys %.3f flt %d\n"
        % (children.ru_utime + children.ru_stime, children.ru_stime, children.ru_minflt),
    )
    os.close(FD)
    with open(LOG) as f:
        sys.stdout.write(f.read())
    os.unlink(LOG)
    sys.stdout.flush()
    os._exit(0)  # as `clientgen generate` ends


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
