"""Measure the method names a generator gives real specs (issue #14), before and after a change.

    python bench/name_quality.py                              # sample + GitHub + a FastAPI spec, this checkout
    python bench/name_quality.py --compare ../names           # + an "after" column from ../names/.venv/bin/clientgen
    python bench/name_quality.py --markdown .cache/names.md --json .cache/names.json
    python bench/name_quality.py --ids stripe.com,github --compare ../names

Every spec is generated through the command line (`bench/manifests.py`) and its `operations.json` is read:
each operation's `call` (`resource.method`, or `resource.sub.method`), operationId, method, path and tags.
Measured, over all methods:

- verb suffix: the method name ends in its own HTTP verb (`_get` for a GET, `_post` for a POST, …):
  `read_id_get`, `count_count_post`;
- path repetition: the method name spells out its route mechanically (`repeats_path` below has the
  exact rules): an HTTP verb followed by the whole path (`get_customers_customer` for
  GET /v1/customers/{customer}, `post_apps_secrets_delete`), a collection followed by its parameter
  (`..._transfers_transfer_reversals`), or a generic prefix (`list_api_v1_get`); names a person chose
  that merely mention path nouns (`get_branch_protection`, `list_task_queues`) do not count;
- FastAPI default ids: operationIds that are FastAPI's `{function}{route}_{method}` (the route's non-word
  characters as `_`: `read_flow_flows__id__get`); for these the issue's target is 0 bad names;
- diagnostics `method-name-collision` and `name-collision` printed by the generation;
- methods in a resource whose name carries a version (`taskrouter_v1_task_queue`, `v1`);
- untagged specs (no operation has a tag), and how many of their methods sit in a generic resource:
  `default`, a version or prefix segment (`v1`, `api`, `rest`), or a first path segment every path shares;
- a table of 30 random methods (30 specs drawn with `--seed`, one operation of each drawn from the spec
  file, so the draw does not depend on the generator), with the name before and, with `--compare`, after.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpora
import manifests

REPO = HERE.parent
VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
VERB_SUFFIX = re.compile(r"_(" + "|".join(VERBS) + r")$")
DEFAULT_EXTRA = ["github", "tests/fixtures/servers/zenml/openapi.json"]
HUGE = ("microsoft.com/graph-beta",)  # 47 MB, 22,361 operations: only with --huge
COLLISIONS = ("method-name-collision", "name-collision")
GENERIC_SEGMENT = re.compile(r"^(v\d+(\.\d+)*|api|apis|rest|latest|default|public)$")
VERSION_TOKEN = re.compile(r"^v\d+([a-z]\w*)?$")
WORD = re.compile(r"[A-Z]+\d*(?![a-z])|[A-Z]?[a-z]+\d*|\d+")


# ---------------------------------------------------------------------------------------------------------
# Definitions
# ---------------------------------------------------------------------------------------------------------
def words(text: str) -> list[str]:
    """`TaskQueues` → [task, queues]; `{flow_name}` → [flow, name]; `download-token` → [download, token]."""
    return [w.lower() for w in WORD.findall(text)]


def _same(a: str, b: str) -> bool:
    return a == b or a.removesuffix("s") == b.removesuffix("s")


def _contains(tokens: list[str], run: list[str]) -> bool:
    n = len(run)
    return n > 0 and any(
        all(_same(tokens[k + x], run[x]) for x in range(n)) for k in range(len(tokens) - n + 1)
    )


def has_verb_suffix(method: str, http_method: str) -> bool:
    """The name ends in `_<its own HTTP method>`, as FastAPI's default ids do (`read_id_get` for a GET);
    `post_apps_secrets_delete` (a POST to …/delete) ends in a path word, not in its verb."""
    return (
        method.lower().endswith("_" + http_method.lower())
        and VERB_SUFFIX.search(method) is not None
    )


def repeats_path(method: str, path: str) -> bool:
    """The method name spells out (part of) its route mechanically, in one of three ways:

    - verb + the whole path: an HTTP verb, then exactly the words of every path segment of a path of at
      least 2 segments besides `v1`/`api`-like ones (parameters included; those prefix segments optional):
      `get_customers_customer` (GET /v1/customers/{customer}), `post_apps_secrets_delete`; a one-segment
      `get_feeds` (GET /feeds) is a name a person may choose;
    - a collection and its parameter: the words of a literal segment followed by those of the parameter
      segment after it: `..._transfers_transfer_reversals`, `..._api_keys_api_key_name_or_id_...`;
    - a generic prefix: the words of two consecutive segments one of which is `api`/`v1`-like:
      `list_api_v1_get`, `activate_api_v1_activate_put`.

    Names a person chose that merely mention path nouns are not counted: `get_branch_protection`,
    `get_repo_subscription`, `list_task_queues`, `get_project`, `get_feeds`."""
    tokens = [t.lower() for t in method.split("_") if t]
    segments = [s for s in path.split("?")[0].split("#")[0].split("/") if s]
    seg_words = [words(s.strip("{}")) for s in segments]
    param = [s.startswith("{") for s in segments]
    generic = [GENERIC_SEGMENT.match(s.lower()) is not None for s in segments]
    if len(tokens) > 1 and tokens[0] in VERBS and len(segments) - sum(generic) >= 2:
        specific = [w for ws, g in zip(seg_words, generic, strict=True) if not g for w in ws]
        every = [w for ws in seg_words for w in ws]
        for candidate in (specific, every):
            if len(candidate) == len(tokens) - 1 and all(
                _same(a, b) for a, b in zip(tokens[1:], candidate, strict=True)
            ):
                return True
    for i in range(len(segments) - 1):
        pair = seg_words[i] + seg_words[i + 1]
        mechanical = (not param[i] and param[i + 1]) or generic[i] or generic[i + 1]
        if mechanical and _contains(tokens, pair):
            return True
    return False


def is_fastapi_id(operation_id: str | None, method: str, path: str) -> bool:
    """FastAPI's default `generate_unique_id`: `{name}{path}` with non-word characters as `_`, + `_{method}`."""
    if not operation_id:
        return False
    suffix = re.sub(r"\W", "_", path) + "_" + method.lower()
    return operation_id.endswith(suffix) and len(operation_id) > len(suffix)


def split_call(call: str) -> tuple[str, str]:
    resource, _, method = call.rpartition(".")
    return resource, method


def _flat(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def generic_resources(paths: list[str]) -> set[str]:
    """Resource names that say nothing, flattened (lower case, letters and digits only): `default`, the
    first literal segment when it is a version/prefix (`v1`, `api`, `rest`), and the first segment when
    every path starts with it (`/2020-05-31/...`); a resource generated as `api_2020_05_31` matches too."""
    out = {"default"}
    firsts = {next((s for s in p.split("/") if s), "") for p in paths}
    for p in paths:
        first = next((s for s in p.split("/") if s and not s.startswith("{")), "")
        if GENERIC_SEGMENT.match(first.lower()) or (len(firsts) == 1 and len(paths) > 1):
            out |= {_flat(first), "api" + _flat(first)}
    return out


# ---------------------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------------------
@dataclass
class SpecNames:
    spec: str
    ok: bool
    error: str = ""
    methods: int = 0
    verb_suffix: int = 0
    path_repeat: int = 0
    bad: int = 0  # verb suffix or path repetition
    fastapi_ids: int = 0
    fastapi_bad: int = 0
    untagged: bool = False
    generic: int = 0  # methods of an untagged spec in a generic resource
    versioned: int = 0  # methods in a resource whose name carries a version (`taskrouter_v1_task`)
    resources: int = 0
    collisions: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


def measure(run: manifests.Generated) -> SpecNames:
    if not run.ok:
        return SpecNames(run.spec_id, False, run.error)
    ops = run.operations
    s = SpecNames(run.spec_id, True, methods=len(ops))
    s.collisions = {code: run.diagnostics.get(code, 0) for code in COLLISIONS}
    s.untagged = bool(ops) and not any(op.get("tags") for op in ops)
    generic = generic_resources([str(op["path"]) for op in ops]) if s.untagged else set()
    resources = set()
    for op in ops:
        resource, method = split_call(str(op["call"]))
        resources.add(resource)
        verb = has_verb_suffix(method, str(op["method"]))
        repeat = repeats_path(method, str(op["path"]))
        s.verb_suffix += verb
        s.path_repeat += repeat
        s.bad += verb or repeat
        if (verb or repeat) and len(s.examples) < 3:
            s.examples.append(f"{op['call']} ({op['method']} {op['path']})")
        if is_fastapi_id(op.get("operation_id"), str(op["method"]), str(op["path"])):
            s.fastapi_ids += 1
            s.fastapi_bad += verb or repeat
        if s.untagged and _flat(resource.split(".")[0]) in generic:
            s.generic += 1
        if any(VERSION_TOKEN.match(t) for part in resource.split(".") for t in part.split("_")):
            s.versioned += 1
    s.resources = len(resources)
    return s


def totals(rows: list[SpecNames]) -> dict[str, Any]:
    ok = [r for r in rows if r.ok]
    methods = sum(r.methods for r in ok)
    untagged = [r for r in ok if r.untagged]

    def share(n: int, d: int) -> float | None:
        return n / d if d else None

    fastapi = sum(r.fastapi_ids for r in ok)
    return {
        "specs": len(rows),
        "generated": len(ok),
        "methods": methods,
        "verb_suffix": sum(r.verb_suffix for r in ok),
        "path_repeat": sum(r.path_repeat for r in ok),
        "bad": sum(r.bad for r in ok),
        "bad_share": share(sum(r.bad for r in ok), methods),
        "verb_suffix_share": share(sum(r.verb_suffix for r in ok), methods),
        "path_repeat_share": share(sum(r.path_repeat for r in ok), methods),
        "fastapi_specs": sum(1 for r in ok if r.fastapi_ids),
        "fastapi_ids": fastapi,
        "fastapi_bad": sum(r.fastapi_bad for r in ok),
        "fastapi_bad_share": share(sum(r.fastapi_bad for r in ok), fastapi),
        "method-name-collision": sum(r.collisions.get("method-name-collision", 0) for r in ok),
        "name-collision": sum(r.collisions.get("name-collision", 0) for r in ok),
        "specs_with_collisions": sum(1 for r in ok if any(r.collisions.values())),
        "versioned": sum(r.versioned for r in ok),
        "versioned_specs": sum(1 for r in ok if r.versioned),
        "untagged_specs": len(untagged),
        "untagged_one_resource": sum(1 for r in untagged if r.resources == 1),
        "untagged_methods": sum(r.methods for r in untagged),
        "untagged_generic_methods": sum(r.generic for r in untagged),
        "untagged_specs_generic": sum(1 for r in untagged if r.generic),
    }


def draw_sample(spec_ids: list[str], n: int, seed: int) -> list[tuple[str, str, str, str | None]]:
    """n (spec, METHOD, path, operationId): n specs shuffled with `seed`, one operation of each, read
    from the spec file itself (independent of any generator)."""
    rng = random.Random(seed)
    order = sorted(spec_ids)
    rng.shuffle(order)
    picked = []
    for spec_id in order:
        if len(picked) == n:
            break
        path = manifests.resolve_spec(spec_id)
        if not path.is_file():
            continue
        try:
            doc = manifests.load_spec(path)
        except ValueError:
            continue
        ops = sorted(
            (m, p, op.get("operationId")) for m, p, op, _ in manifests.spec_operations(doc)
        )
        if ops:
            method, p, op_id = ops[rng.randrange(len(ops))]
            picked.append((spec_id, method, p, op_id))
    return picked


def calls_by_key(runs: dict[str, manifests.Generated]) -> dict[tuple[str, str, str], str]:
    return {
        (spec, str(op["method"]).upper(), str(op["path"])): str(op["call"])
        for spec, run in runs.items()
        for op in run.operations
    }


# ---------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------
def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


TOTAL_ROWS = [
    ("specs generated", lambda t: f"{t['generated']} of {t['specs']}"),
    ("methods", lambda t: str(t["methods"])),
    ("verb suffix or path repetition", lambda t: f"{t['bad']} ({pct(t['bad_share'])})"),
    ("… HTTP verb suffix", lambda t: f"{t['verb_suffix']} ({pct(t['verb_suffix_share'])})"),
    ("… path repetition", lambda t: f"{t['path_repeat']} ({pct(t['path_repeat_share'])})"),
    (
        "FastAPI default ids: bad names",
        lambda t: (
            f"{t['fastapi_bad']} of {t['fastapi_ids']} ({pct(t['fastapi_bad_share'])}) "
            f"in {t['fastapi_specs']} specs"
        ),
    ),
    ("`method-name-collision` warnings", lambda t: str(t["method-name-collision"])),
    ("`name-collision` warnings", lambda t: str(t["name-collision"])),
    ("specs with a collision warning", lambda t: str(t["specs_with_collisions"])),
    (
        "methods in a resource named with a version",
        lambda t: f"{t['versioned']} (in {t['versioned_specs']} specs)",
    ),
    ("untagged specs", lambda t: str(t["untagged_specs"])),
    ("… with every method in one resource", lambda t: str(t["untagged_one_resource"])),
    (
        "… methods in a generic resource",
        lambda t: (
            f"{t['untagged_generic_methods']} of {t['untagged_methods']} "
            f"(in {t['untagged_specs_generic']} specs)"
        ),
    ),
]


def focus(spec_id: str) -> bool:
    """The specs issue #14 names: Stripe, Twilio, GitHub, the FastAPI server (zenml), Asana, Slack."""
    return (
        spec_id in ("stripe.com", "github", "asana.com", "slack.com")
        or spec_id.startswith("twilio.com/")
        or "zenml" in spec_id
    )


def markdown_report(
    before: dict[str, Any],
    after: dict[str, Any] | None,
    rows_before: list[SpecNames],
    rows_after: list[SpecNames] | None,
    sample: list[tuple[str, str, str, str | None]],
    calls_before: dict[tuple[str, str, str], str],
    calls_after: dict[tuple[str, str, str], str] | None,
    labels: tuple[str, str],
    seed: int,
) -> str:
    head = ["measure", labels[0]] + ([labels[1]] if after is not None else [])
    lines = ["# Method names on real specs", "", "| " + " | ".join(head) + " |"]
    lines.append("|" + "---|" * len(head))
    for name, cell in TOTAL_ROWS:
        row = [name, cell(before)] + ([cell(after)] if after is not None else [])
        lines.append("| " + " | ".join(row) + " |")
    focus_before = sorted((r for r in rows_before if r.ok and focus(r.spec)), key=lambda r: r.spec)
    if focus_before:
        after_by = {r.spec: r for r in rows_after or []}
        lines += ["", "Specs the issue names (bad = verb suffix or path repetition):", ""]
        head2 = ["spec", "methods", f"bad ({labels[0]})"]
        head2 += [f"bad ({labels[1]})"] if rows_after is not None else []
        head2 += ["example"]
        lines += ["| " + " | ".join(head2) + " |", "|" + "---|" * len(head2)]
        for r in focus_before:
            cells = [
                r.spec,
                str(r.methods),
                f"{r.bad} ({pct(r.bad / r.methods if r.methods else None)})",
            ]
            if rows_after is not None:
                a = after_by.get(r.spec)
                cells.append(
                    "—"
                    if a is None or not a.ok
                    else f"{a.bad} ({pct(a.bad / a.methods if a.methods else None)})"
                )
            cells.append(f"`{r.examples[0]}`" if r.examples else "")
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"{len(sample)} random methods (seed {seed}):", ""]
    head3 = ["spec", "operation", "operationId", labels[0]] + (
        [labels[1]] if calls_after is not None else []
    )
    lines += ["| " + " | ".join(head3) + " |", "|" + "---|" * len(head3)]
    for spec, method, path, op_id in sample:
        key = (spec, method, path)
        cells = [spec, f"`{method} {path}`", f"`{op_id}`" if op_id else "—"]
        cells.append(f"`{calls_before[key]}`" if key in calls_before else "(not generated)")
        if calls_after is not None:
            cells.append(f"`{calls_after[key]}`" if key in calls_after else "(not generated)")
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def read_ids(text: str | None) -> list[str]:
    if text is None:
        return [s for s in corpora.sample_ids() if s not in HUGE]
    path = Path(text)
    if path.is_file() and not text.endswith((".json", ".yaml", ".yml")):
        return [
            s.strip() for s in path.read_text().splitlines() if s.strip() and not s.startswith("#")
        ]
    return [s.strip() for s in text.split(",") if s.strip()]


def run_all(
    spec_ids: list[str], clientgen: Path, args: argparse.Namespace, label: str
) -> dict[str, manifests.Generated]:
    def progress(g: manifests.Generated) -> None:
        if not g.ok:
            print(f"  [{label}] {g.spec_id}: FAILED {g.error}", file=sys.stderr)

    print(f"generating {len(spec_ids)} specs with {clientgen} …", file=sys.stderr)
    return manifests.generate_many(
        spec_ids, clientgen, jobs=args.jobs, timeout=args.timeout, progress=progress
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--ids", help="comma-separated spec ids or a file of ids (default: the shared sample)"
    )
    ap.add_argument(
        "--extra",
        default=",".join(DEFAULT_EXTRA),
        help="ids added to the sample (default: github and the zenml FastAPI spec); '' for none",
    )
    ap.add_argument("--huge", action="store_true", help="include microsoft.com/graph-beta")
    ap.add_argument("--clientgen", type=Path, default=manifests.default_clientgen())
    ap.add_argument(
        "--compare",
        type=Path,
        help="another checkout (its .venv/bin/clientgen) or clientgen executable",
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per spec")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--sample", type=int, default=30, help="methods in the before/after table")
    ap.add_argument("--markdown", type=Path)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    corpora.install(quiet=True)
    ids = read_ids(args.ids)
    if args.huge and args.ids is None:
        ids += list(HUGE)
    ids = list(dict.fromkeys(ids + [s for s in args.extra.split(",") if s.strip()]))

    runs_before = run_all(ids, args.clientgen, args, "before")
    rows_before = [measure(runs_before[s]) for s in ids if s in runs_before]
    t_before = totals(rows_before)
    runs_after = rows_after = t_after = None
    other = None
    if args.compare is not None:
        other = (
            args.compare if args.compare.is_file() else manifests.default_clientgen(args.compare)
        )
        runs_after = run_all(ids, other, args, "after")
        rows_after = [measure(runs_after[s]) for s in ids if s in runs_after]
        t_after = totals(rows_after)

    sample = draw_sample(ids, args.sample, args.seed)
    calls_before = calls_by_key(runs_before)
    calls_after = calls_by_key(runs_after) if runs_after is not None else None
    labels = ("before", "after")

    print(f"\nbefore: {args.clientgen}" + (f"\nafter:  {other}" if other else ""))
    for name, cell in TOTAL_ROWS:
        print(f"  {name:40} {cell(t_before):32} {cell(t_after) if t_after else ''}")
    worst = sorted((r for r in rows_before if r.ok and r.bad), key=lambda r: (-r.bad, r.spec))[:10]
    print("\nmost bad names (before):")
    for r in worst:
        print(f"  {r.spec:40} {r.bad:5} of {r.methods:5}  e.g. {r.examples[0]}")
    print(f"\n{len(sample)} random methods (seed {args.seed}):")
    for spec, method, path, _ in sample:
        key = (spec, method, path)
        after = f"  →  {calls_after.get(key, '(not generated)')}" if calls_after is not None else ""
        print(
            f"  {spec:32} {method:6} {path[:48]:48} {calls_before.get(key, '(not generated)')}{after}"
        )
    failed = [r for r in rows_before if not r.ok]
    for r in failed:
        print(f"NOT GENERATED (before) {r.spec}: {r.error}")

    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(
            markdown_report(
                t_before,
                t_after,
                rows_before,
                rows_after,
                sample,
                calls_before,
                calls_after,
                labels,
                args.seed,
            ),
            encoding="utf-8",
        )
        print(f"\nwrote {args.markdown}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "before": {
                "clientgen": str(args.clientgen),
                "totals": t_before,
                "specs": [r.__dict__ for r in rows_before],
            },
            "after": None
            if t_after is None
            else {
                "clientgen": str(other),
                "totals": t_after,
                "specs": [r.__dict__ for r in rows_after or []],
            },
            "sample": [
                {
                    "spec": s,
                    "method": m,
                    "path": p,
                    "operation_id": o,
                    "before": calls_before.get((s, m, p)),
                    "after": None if calls_after is None else calls_after.get((s, m, p)),
                }
                for s, m, p, o in sample
            ],
        }
        args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
