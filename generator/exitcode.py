"""The exit codes of every `clientgen` command (one set, shared by the CLI and the workflow's reports)."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    # 1: there is something to act on: stale generated code (check), warnings under --strict (generate),
    # a change that breaks a client (diff), a live spec that drifted (fetch, check --live)
    STALE = 1
    BREAKING = 1
    DRIFT = 1
    WARNINGS = 1
    # 2: a spec, the configuration or the command line cannot be used (a clear message says why)
    UNUSABLE = 2
    # 3: a live spec could not be fetched (offline, HTTP error, HTML page, truncated document)
    FETCH_FAILED = 3
    INTERRUPTED = 130
