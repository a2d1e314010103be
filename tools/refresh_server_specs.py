"""Refresh the committed OpenAPI specs of the real servers used by tests/realservers/.

    .venv/bin/python tools/refresh_server_specs.py [NAME ...]     (default: every server)

Starts each pinned server (installed by `bash scripts/setup --with-servers`) on a free loopback port with
its storage in a temporary folder, downloads `/openapi.json` and, when it differs (as JSON, key order
aside) from `tests/fixtures/servers/<name>/openapi.json`, writes it there (the server's key order kept,
indented). Prints whether it changed. To move a server to a new version: edit its `requirement.txt`, run
`bash scripts/setup-servers --refresh NAME`, then this script, then the slow tests.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.realservers import REPO, SERVERS, fetch_spec, normalised, running_server, spec_text


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in SERVERS]
    if unknown:
        print(
            f"unknown server(s) {', '.join(unknown)}; known: {', '.join(SERVERS)}", file=sys.stderr
        )
        return 2
    for name in names or list(SERVERS):
        kind = SERVERS[name]
        if not kind.installed():
            print(
                f"{name}: not installed; run `bash scripts/setup --with-servers`", file=sys.stderr
            )
            return 2
        with (
            tempfile.TemporaryDirectory(prefix=f"refresh-{name}-") as tmp,
            running_server(kind, Path(tmp)) as server,
        ):
            live = fetch_spec(server)
        old = json.loads(kind.spec_file.read_text()) if kind.spec_file.exists() else None
        if old is not None and normalised(old) == normalised(live):
            state = "unchanged"  # Chroma's key order varies between starts: keep the committed text
        else:
            kind.spec_file.parent.mkdir(parents=True, exist_ok=True)
            kind.spec_file.write_text(spec_text(live))
            state = "written"
        print(f"{name} ({kind.requirement}): {kind.spec_file.relative_to(REPO)} {state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
