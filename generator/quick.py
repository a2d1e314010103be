"""The command line's answers that need no click (issue 18): a plain `generate` or `check` of
configured targets — target names and `-q`/`-v` (`generate`: `--strict` too), nothing else — when
nothing changed (answered from provenance) or, for `generate`, only prose changed (regenerated from
the stage cache: `pipeline.generate_replayed`). Read through the configuration's cached reading
(`target_cache`): no click, no pydantic. Anything else, or a target one of them cannot answer, goes
to the commands (`commands/`), which are told what was written here.

Also how `generate` and `check` end (`leave`): without tearing down what they built."""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .diagnostics import SpecError
from .exitcode import ExitCode

if TYPE_CHECKING:
    from .pipeline import TargetResult

LEAVE_AT_ONCE = ("generate", "check")
_FLAGS = {"-q": "quiet", "--quiet": "quiet", "-v": "verbose", "--verbose": "verbose"}


def leaves_at_once(args: Sequence[str]) -> bool:
    """Does this command line end with `leave` (`generate` and `check`, the commands that build a
    whole package in memory)?"""
    return next((a for a in args if not a.startswith("-")), "") in LEAVE_AT_ONCE


def leave(code: object = 0) -> NoReturn:
    """End the process now, with `code` as `SystemExit` would (None: 0, an int, else printed and 1).
    A run that rendered a package holds a few hundred thousand objects (GitHub's spec: the IR, the
    views, the texts); freeing them one by one at interpreter exit costs 0.1-0.3 s and changes
    nothing. The atexit handlers still run (a downloaded spec's temporary folder is removed), stdout
    and stderr are flushed (a failed flush of stdout exits 120, as Python does), then `os._exit`
    skips the teardown. Only for the `clientgen` command line, never for the library API."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe, a closed stream
            if stream is sys.stdout and status == 0:
                status = 120
    os._exit(status)


def writes(args: Sequence[str]) -> bool:
    """Could the command line have written something (generate, init, --update, --apply-version)?"""
    command = next((a for a in args if not a.startswith("-")), "")
    return command in ("generate", "init") or any(
        a in ("--update", "--apply-version") for a in args
    )


def plain(args: Sequence[str]) -> tuple[str, list[str], set[str]] | None:
    """(command, target names, flags) of a plain `generate`/`check` command line, else None."""
    if not args or args[0] not in LEAVE_AT_ONCE:
        return None
    names: list[str] = []
    flags: set[str] = set()
    for arg in args[1:]:
        if arg in _FLAGS:
            flags.add(_FLAGS[arg])
        elif arg == "--strict" and args[0] == "generate":
            flags.add("strict")
        elif arg.startswith("-") or not arg:
            return None  # an option the commands parse (or `--`, `-qv`, `--help`)
        else:
            names.append(arg)
    return args[0], names, flags


def answer(args: Sequence[str], done: dict[str, TargetResult]) -> int | None:
    """The exit code of a plain command line answered here, or None: the commands take it (the
    targets regenerated here are in `done`). A spec error is reported as the commands report it."""
    from .console import report_target

    parsed = plain(args)
    if parsed is None:
        return None
    command, names, flags = parsed
    verb = "generated" if command == "generate" else "checked"
    try:
        results = answered(names, verb, done if command == "generate" else None)
    except SpecError as exc:  # (as `commands.run` says it)
        print(f"clientgen: {exc.diagnostic.render()}", file=sys.stderr)
        if writes(args):
            print("Nothing was written.", file=sys.stderr)
        return ExitCode.UNUSABLE
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    if results is None:
        return None
    for result in results:
        report_target(result, verb, "verbose" in flags, "quiet" in flags)
    if "strict" in flags and any(result.diagnostics for result in results):
        return ExitCode.WARNINGS
    return ExitCode.OK


def answered(
    names: Sequence[str], verb: str, done: dict[str, TargetResult] | None = None
) -> list[TargetResult] | None:
    """Every named target's answer from provenance, through the configuration's cached reading
    (`target_cache`), or None when one of them needs the full command. `generate` (`done` given)
    also regenerates a prose-only edit from the stage cache (`pipeline.generate_replayed`);
    the targets written so are noted in `done`, so the full command does not redo them."""
    from .pipeline import answer_check, answer_generate
    from .target_cache import recall
    from .tree_index import forget

    found = recall(names, Path.cwd())
    if found is None:
        return None
    targets, root = found
    answer = answer_generate if verb == "generated" else answer_check
    results = []
    for target in targets:
        result = answer(target, root)
        if result is None and done is not None:
            from .pipeline import generate_replayed

            result = generate_replayed(target, root)
            if result is not None:
                done[target.name] = result
        forget()  # the spec's bytes the answer read, when the replay did not take them
        if result is None:
            return None
        results.append(result)
    return results
