"""Peak memory of one `clientgen` command, the process itself and its children apart: not a test.

    cd PROJECT && python /path/to/bench/cli_peak.py [--stage-peaks] generate [--full]

Runs `python -m generator ARGS` in this process and, as it exits (also through `os._exit`, which the
CLI uses to skip the interpreter's teardown), prints `getrusage` of the process itself (its peak
resident set and CPU) and of the children it has reaped (the validation child, ruff, the stage
snapshot's writer once reaped: a forked child's peak counts the pages it shares with the parent).
`/usr/bin/time -f %M` around it gives the largest of all of them. `--stage-peaks` (before the
command's arguments) also prints each stage's own peak, as `bench/mem_stages.py --stage-peaks` does.
"""

from __future__ import annotations

import os
import resource
import runpy
import sys

MAIN = os.getpid()
_exit = os._exit


def report() -> None:
    if os.getpid() != MAIN:  # a forked child exiting
        return
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"PEAK main {me.ru_maxrss / 1024:.0f} MB (user {me.ru_utime:.1f} s, sys {me.ru_stime:.1f} s);"
        f" reaped children max {kids.ru_maxrss / 1024:.0f} MB"
        f" (user {kids.ru_utime:.1f} s, sys {kids.ru_stime:.1f} s)",
        file=sys.stderr,
        flush=True,
    )


def leave(code: int) -> None:
    report()
    _exit(code)


def main() -> None:
    os._exit = leave  # type: ignore[assignment]
    args = sys.argv[1:]
    if args[:1] == ["--stage-peaks"]:
        import mem_stages  # beside this script

        mem_stages.STAGE_PEAKS = True
        mem_stages.wrap_stages()
        args = args[1:]
    sys.argv = ["generator", *args]
    try:
        runpy.run_module("generator", run_name="__main__")
    finally:
        report()


if __name__ == "__main__":
    main()
