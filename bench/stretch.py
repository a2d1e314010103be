"""The one-core stretch of a full generation, in process (issue 18): the spec read and its key-sorted
form made (`load.open_spec` as `pipeline._render` calls it), parse, shape and the naming pass — the
work before the render fork, with the validation child running beside it as in a run.

    python bench/stretch.py SPEC      # e.g. .cache/corpora/node_modules/@octokit/openapi/generated/api.github.com.json
    python bench/stretch.py SPEC --known FILE   # as a project run with the caches on has it

`--known FILE`: the validation findings file (`validation_cache.FindingsCache`) of a project run with
the caches on; a missing one (or one of another text) is a run whose findings are not known.

Not a test. Prints one line: the CPU (user + sys) and minor page faults of this process over the
stretch (imports excluded), and the validation child's CPU. Alternate two `git archive` copies with
`PYTHONPATH=COPY` (bytecode cached, under `nice`), or count instructions, which the load on the
machine does not change: `valgrind --tool=cachegrind --cache-sim=no python bench/stretch.py SPEC`
(the main process's total; a forked child's file also holds what the parent counted before the fork).
"""

from __future__ import annotations

import dataclasses
import gc
import inspect
import os
import resource
import sys
from pathlib import Path


def main(spec: str, known_file: str | None = None) -> None:
    gc.disable()  # as the pipeline has it (`pipeline._no_cycle_collection`)
    from generator.config import adhoc_target
    from generator.diagnostics import DiagnosticSink
    from generator.load import open_spec
    from generator.naming.plan import plan_names
    from generator.parse import build_api
    from generator.parse.canonical import Canonical
    from generator.shape.stage import shape
    from generator.validation_cache import FindingsCache

    target = adhoc_target(spec, os.devnull, None, None)
    # (a copy of a generator from before `canonical=` measures as it ran then)
    asked = {"canonical": True} if "canonical" in inspect.signature(open_spec).parameters else {}
    before = resource.getrusage(resource.RUSAGE_SELF)
    sink = DiagnosticSink(file=spec)
    known = None if known_file is None else FindingsCache(Path(known_file))
    loaded, validation = open_spec(Path(spec), sink, known=known, **asked)
    canonical = getattr(loaded, "canonical", None) or Canonical(loaded.document)
    loaded = dataclasses.replace(loaded, document={})
    validation.release()
    api = build_api(loaded, sink, canonical)
    del canonical
    api = shape(api, target, sink)
    plan_names(api, sink)
    after = resource.getrusage(resource.RUSAGE_SELF)
    validation.wait(sink)
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        f"stretch cpu {cpu:.3f} s sys {after.ru_stime - before.ru_stime:.3f} s "
        f"faults {after.ru_minflt - before.ru_minflt} | validation child cpu "
        f"{child.ru_utime + child.ru_stime:.3f} s | {len(sink.items)} diagnostics",
        flush=True,
    )
    os._exit(0)  # as `clientgen generate` ends: no teardown of what the run built


if __name__ == "__main__":
    if len(sys.argv) not in (2, 4) or (len(sys.argv) == 4 and sys.argv[2] != "--known"):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[3] if len(sys.argv) == 4 else None)
