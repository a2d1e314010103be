"""Score a generator's pagination detection against hand-labelled operations of real specs (issue #14).

    python bench/pagination_eval.py                                   # this checkout's .venv/bin/clientgen
    python bench/pagination_eval.py --markdown .cache/pagination.md   # … and a markdown report
    python bench/pagination_eval.py --clientgen ../main/.venv/bin/clientgen --ids stripe.com,github

The labels (`tests/fixtures/pagination_labels.yaml`, rules in `pagination_labels.md`) say for each list
operation whether it is paginated and in which style. Every labelled spec is generated (into a temporary
folder, `--jobs` at a time) and each operation's entry in the client's `operations.json` is read:
`paginated` (a bool today) and, when the generator writes one, the style (`pagination.style`,
`pagination_style`, or a string in `paginated`). Printed: precision and recall of `paginated` (overall,
without the ambiguous labels, per spec), style accuracy on the true positives that carry a style (strict:
the labelled style; lenient: it or one of the `also` styles), the wrong calls, and for GitHub, Stripe and
Twilio the share of paginated operations among those taking the vendor's paging parameter and among the
list-shaped operations of the whole spec.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import manifests

REPO = HERE.parent
LABELS = REPO / "tests" / "fixtures" / "pagination_labels.yaml"
STYLES = (
    "page_number",
    "offset_limit_query",
    "offset_limit_body",
    "cursor_query",
    "cursor_body",
    "starting_after",
    "next_url_body",
    "link_header",
    "jsonapi",
    "ms_pageable",
    "none",
)
# (spec id, the vendor's paging parameter): "N of the operations taking it are marked paginated".
SHARES = (
    ("github", "per_page"),
    ("stripe.com", "starting_after"),
    ("twilio.com/twilio_taskrouter_v1", "PageToken"),
    ("twilio.com/twilio_sync_v1", "PageToken"),
)
OPERATION_FIELDS = {"op", "id", "paginated", "style", "also", "ambiguous", "knobs", "items", "next"}
OPERATION_FIELDS |= {"reason"}

Key = tuple[str, str, str]  # (spec id, METHOD, path)


# ---------------------------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    spec: str
    operation_id: str | None
    method: str
    path: str
    paginated: bool
    style: str
    also: tuple[str, ...] = ()
    ambiguous: bool = False
    knobs: tuple[str, ...] = ()
    items: str | None = None
    next: str | None = None
    reason: str = ""

    @property
    def key(self) -> Key:
        return (self.spec, self.method, self.path)

    @property
    def name(self) -> str:
        """`spec operationId METHOD path`: the label's identity in messages."""
        return f"{self.spec} {self.operation_id} {self.method} {self.path}"


def read_labels(path: Path = LABELS) -> dict[str, Any]:
    import yaml

    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise TypeError(f"{path}: expected a mapping at the top")
    return doc


def label_problems(doc: dict[str, Any]) -> list[str]:
    """Everything structurally wrong with a label document (empty when well-formed)."""
    problems: list[str] = []
    if tuple(doc.get("styles") or ()) != STYLES:
        problems.append(f"styles must be exactly {list(STYLES)}")
    specs = doc.get("specs")
    if not isinstance(specs, dict) or not specs:
        return [*problems, "specs: expected a non-empty mapping of spec id → {operations: [...]}"]
    seen: set[Key] = set()
    for spec_id, body in specs.items():
        ops = body.get("operations") if isinstance(body, dict) else None
        if not isinstance(ops, list) or not ops:
            problems.append(f"{spec_id}: expected a non-empty `operations` list")
            continue
        for i, op in enumerate(ops):
            where = f"{spec_id} operations[{i}]"
            if not isinstance(op, dict):
                problems.append(f"{where}: expected a mapping")
                continue
            where = f"{spec_id} {op.get('op')!r}"
            unknown = set(op) - OPERATION_FIELDS
            if unknown:
                problems.append(f"{where}: unknown fields {sorted(unknown)}")
            missing = {"op", "id", "paginated", "style", "reason"} - set(op)
            if missing:
                problems.append(f"{where}: missing {sorted(missing)}")
                continue
            method, _, path = str(op["op"]).partition(" ")
            if method.lower() not in manifests.METHODS or not path.startswith("/"):
                problems.append(f"{where}: `op` must be 'METHOD /path'")
            if op["id"] is not None and not isinstance(op["id"], str):
                problems.append(f"{where}: `id` must be a string or null")
            if not isinstance(op["paginated"], bool):
                problems.append(f"{where}: `paginated` must be true or false")
            style = op["style"]
            if style not in STYLES:
                problems.append(f"{where}: style {style!r} is not one of {list(STYLES)}")
            elif (style == "none") == bool(op["paginated"]):
                problems.append(f"{where}: style {style!r} contradicts paginated={op['paginated']}")
            also = op.get("also") or []
            if not isinstance(also, list) or any(a not in STYLES or a == "none" for a in also):
                problems.append(f"{where}: `also` must list styles other than none")
            elif also and not op["paginated"]:
                problems.append(f"{where}: `also` on an unpaginated operation")
            elif style in also:
                problems.append(f"{where}: `also` repeats the style")
            if op.get("ambiguous") and (op["paginated"] or "AMBIGUOUS" not in str(op["reason"])):
                problems.append(
                    f"{where}: ambiguous labels are conservative (paginated: false) and say AMBIGUOUS"
                )
            if not str(op["reason"]).strip():
                problems.append(f"{where}: empty reason")
            key = (str(spec_id), method.upper(), path)
            if key in seen:
                problems.append(f"{where}: labelled twice")
            seen.add(key)
    return problems


def load_labels(path: Path = LABELS) -> list[Label]:
    doc = read_labels(path)
    problems = label_problems(doc)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems[:10]))
    labels = []
    for spec_id, body in doc["specs"].items():
        for op in body["operations"]:
            method, _, path_ = op["op"].partition(" ")
            labels.append(
                Label(
                    spec=str(spec_id),
                    operation_id=op["id"],
                    method=method.upper(),
                    path=path_,
                    paginated=op["paginated"],
                    style=op["style"],
                    also=tuple(op.get("also") or ()),
                    ambiguous=bool(op.get("ambiguous", False)),
                    knobs=tuple(op.get("knobs") or ()),
                    items=op.get("items"),
                    next=op.get("next"),
                    reason=op["reason"],
                )
            )
    return labels


def spec_mismatches(labels: Iterable[Label]) -> list[str]:
    """Labels whose method + path is not an operation of the spec, or whose operationId differs."""
    groups: dict[str, list[Label]] = collections.defaultdict(list)
    for label in labels:
        groups[label.spec].append(label)
    problems = []
    for spec_id, group in groups.items():
        path = manifests.resolve_spec(spec_id)
        if not path.is_file():
            problems.append(f"{spec_id}: no spec file at {path}")
            continue
        doc = manifests.load_spec(path)
        ops = {(m, p): (op, item) for m, p, op, item in manifests.spec_operations(doc)}
        for label in group:
            found = ops.get((label.method, label.path))
            if found is None:
                problems.append(f"{label.name}: no such operation in the spec")
                continue
            op, item = found
            if op.get("operationId") != label.operation_id:
                problems.append(
                    f"{label.name}: the spec's operationId is {op.get('operationId')!r}"
                )
            problems += [f"{label.name}: {p}" for p in _field_problems(doc, op, item, label)]
    return problems


def _field_problems(
    doc: dict[str, Any], op: dict[str, Any], item: dict[str, Any], label: Label
) -> list[str]:
    """The label's `knobs` are request parameters / JSON body properties of the operation, and its
    `items` path leads to an array in the first 2xx JSON response (`$`: the body is the array)."""
    problems = []
    params = [
        _resolve(doc, p) for p in (item.get("parameters") or []) + (op.get("parameters") or [])
    ]
    located = {(p.get("in"), p.get("name")) for p in params if isinstance(p, dict)}
    body = _json_schema(doc, _resolve(doc, op.get("requestBody")))
    body_props = set(_properties(doc, body)) if body is not None else set()
    for knob in label.knobs:
        where, _, name = knob.partition(":")
        ok = name in body_props if where == "body" else (where, name) in located
        if not ok:
            problems.append(f"knob {knob} is not in the request")
    if label.items is not None:
        node = _json_schema(doc, _first_success(doc, op))
        if label.items != "$":
            for part in label.items.split("."):
                node = _properties(doc, node).get(part) if node is not None else None
        if node is None or not _is_array(doc, node):
            problems.append(f"items {label.items} is not an array in the 2xx response")
    return problems


def _first_success(doc: dict[str, Any], op: dict[str, Any]) -> Any:
    responses = op.get("responses") if isinstance(op.get("responses"), dict) else {}
    for code in sorted(responses, key=str):
        if str(code).startswith("2"):
            return _resolve(doc, responses[code])
    return None


def _json_schema(doc: dict[str, Any], holder: Any) -> Any:
    """The schema of the first JSON media type of a request body or response."""
    content = holder.get("content") if isinstance(holder, dict) else None
    for media, body in (content if isinstance(content, dict) else {}).items():
        if "json" in media and isinstance(body, dict):
            return body.get("schema")
    return None


# ---------------------------------------------------------------------------------------------------------
# Predictions (from a generated client's operations.json) and the score
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prediction:
    paginated: bool
    style: str | None = None  # None: the generator does not say


def prediction_from_operation(op: Mapping[str, Any]) -> Prediction:
    """Read one manifest entry: `paginated` (bool, or a style string / {style}) and an optional style
    under `pagination.style`, `pagination` (a string) or `pagination_style`."""
    raw = op.get("paginated")
    pagination = op.get("pagination")
    style: Any = None
    if isinstance(pagination, Mapping):
        style = pagination.get("style")
    elif isinstance(pagination, str):
        style = pagination
    if style is None:
        style = op.get("pagination_style")
    if isinstance(raw, Mapping):
        style = style if style is not None else raw.get("style")
        paginated = True
    elif isinstance(raw, str):
        style = style if style is not None else raw
        paginated = raw != "none"
    elif raw is None:
        paginated = pagination is not None and style != "none"
    else:
        paginated = bool(raw)
    if style == "none" or not paginated:
        style = None
    return Prediction(paginated, None if style is None else str(style))


def predictions_from_manifest(spec_id: str, manifest: Mapping[str, Any]) -> dict[Key, Prediction]:
    return {
        (spec_id, str(op["method"]).upper(), str(op["path"])): prediction_from_operation(op)
        for op in manifest.get("operations", [])
    }


@dataclass
class Score:
    labelled: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    missing: int = 0  # labelled operations absent from the manifest (counted as not paginated)
    styled: int = 0  # true positives whose prediction names a style
    style_strict: int = 0
    style_lenient: int = 0
    errors: list[tuple[str, Label, Prediction | None]] = field(default_factory=list)
    style_pairs: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def style_accuracy(self) -> float | None:
        return self.style_strict / self.styled if self.styled else None

    @property
    def style_accuracy_lenient(self) -> float | None:
        return self.style_lenient / self.styled if self.styled else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "labelled": self.labelled,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "missing": self.missing,
            "precision": self.precision,
            "recall": self.recall,
            "styled": self.styled,
            "style_accuracy": self.style_accuracy,
            "style_accuracy_lenient": self.style_accuracy_lenient,
        }


def score(
    labels: Iterable[Label],
    predictions: Mapping[Key, Prediction],
    *,
    include_ambiguous: bool = True,
) -> Score:
    """Precision/recall of `paginated` and style agreement of the true positives.

    A labelled operation missing from `predictions` counts as predicted unpaginated (and in `missing`).
    Style is scored only where the prediction names one; strict = the labelled style, lenient = it or
    one of the label's `also` styles."""
    s = Score()
    for label in labels:
        if label.ambiguous and not include_ambiguous:
            continue
        s.labelled += 1
        pred = predictions.get(label.key)
        if pred is None:
            s.missing += 1
        said = pred is not None and pred.paginated
        if label.paginated and said:
            s.tp += 1
            assert pred is not None
            if pred.style is not None:
                s.styled += 1
                s.style_pairs[(label.style, pred.style)] += 1
                if pred.style == label.style:
                    s.style_strict += 1
                if pred.style == label.style or pred.style in label.also:
                    s.style_lenient += 1
                else:
                    s.errors.append(("style", label, pred))
        elif label.paginated:
            s.fn += 1
            s.errors.append(("missed" if pred is not None else "absent", label, pred))
        elif said:
            s.fp += 1
            s.errors.append(("false-positive", label, pred))
        else:
            s.tn += 1
    return s


def score_by_spec(
    labels: Iterable[Label],
    predictions: Mapping[Key, Prediction],
    *,
    include_ambiguous: bool = True,
) -> dict[str, Score]:
    groups: dict[str, list[Label]] = collections.defaultdict(list)
    for label in labels:
        groups[label.spec].append(label)
    return {
        spec: score(group, predictions, include_ambiguous=include_ambiguous)
        for spec, group in groups.items()
    }


# ---------------------------------------------------------------------------------------------------------
# Shares on whole specs (GitHub, Stripe, Twilio)
# ---------------------------------------------------------------------------------------------------------
def _resolve(doc: dict[str, Any], node: Any, depth: int = 0) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 30:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        cur: Any = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            cur = cur.get(part) if isinstance(cur, dict) else None
        node, depth = cur, depth + 1
    return node


def _is_array(doc: dict[str, Any], schema: Any) -> bool:
    schema = _resolve(doc, schema)
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "array" or (
        isinstance(schema.get("type"), list) and "array" in schema["type"]
    ):
        return True
    return any(_is_array(doc, s) for s in schema.get("allOf") or [])


def _properties(doc: dict[str, Any], schema: Any, depth: int = 0) -> dict[str, Any]:
    schema = _resolve(doc, schema)
    if not isinstance(schema, dict) or depth > 10:
        return {}
    out: dict[str, Any] = {}
    for sub in schema.get("allOf") or []:
        out.update(_properties(doc, sub, depth + 1))
    props = schema.get("properties")
    out.update(props if isinstance(props, dict) else {})
    return out


LIST_ENVELOPE_MAX_PROPERTIES = (
    6  # {object, data, has_more, next_page, total_count, url}: Stripe's search
)


def is_list_shaped(doc: dict[str, Any], op: dict[str, Any]) -> bool:
    """The first 2xx JSON response is an array, or a small envelope: an object of at most
    LIST_ENVELOPE_MAX_PROPERTIES top-level properties, one of them an array (larger objects with an
    array inside are single resources: a repository with its `topics`)."""
    responses = op.get("responses") if isinstance(op.get("responses"), dict) else {}
    for code in sorted(responses, key=str):
        if not str(code).startswith("2"):
            continue
        response = _resolve(doc, responses[code])
        content = response.get("content") if isinstance(response, dict) else None
        for media, body in (content if isinstance(content, dict) else {}).items():
            if "json" not in media or not isinstance(body, dict):
                continue
            schema = body.get("schema")
            if _is_array(doc, schema):
                return True
            props = _properties(doc, schema)
            return len(props) <= LIST_ENVELOPE_MAX_PROPERTIES and any(
                _is_array(doc, p) for p in props.values()
            )
        return False
    return False


def takes_parameter(
    doc: dict[str, Any], op: dict[str, Any], item: dict[str, Any], name: str
) -> bool:
    params = [
        _resolve(doc, p) for p in (item.get("parameters") or []) + (op.get("parameters") or [])
    ]
    return any(isinstance(p, dict) and p.get("name") == name for p in params)


def spec_shares(
    spec_id: str, doc: dict[str, Any], predictions: Mapping[Key, Prediction], knob: str
) -> dict[str, Any]:
    with_knob = marked_knob = list_ops = marked_list = 0
    for method, path, op, item in manifests.spec_operations(doc):
        pred = predictions.get((spec_id, method, path))
        marked = pred is not None and pred.paginated
        if takes_parameter(doc, op, item, knob):
            with_knob += 1
            marked_knob += marked
        if method == "GET" and is_list_shaped(doc, op):
            list_ops += 1
            marked_list += marked
    return {
        "spec": spec_id,
        "knob": knob,
        "with_knob": with_knob,
        "marked_with_knob": marked_knob,
        "list_shaped": list_ops,
        "marked_list_shaped": marked_list,
    }


# ---------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------
def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f} %"


def _row(name: str, s: Score) -> list[str]:
    styled = f"{pct(s.style_accuracy)} / {pct(s.style_accuracy_lenient)} of {s.styled}"
    return [
        name,
        str(s.labelled),
        str(s.tp + s.fn),
        str(s.tp),
        str(s.fp),
        str(s.fn),
        pct(s.precision),
        pct(s.recall),
        styled if s.styled else "—",
    ]


HEADER = [
    "spec",
    "labelled",
    "paginated",
    "TP",
    "FP",
    "FN",
    "precision",
    "recall",
    "style (strict / lenient)",
]


def markdown_report(
    overall: Score,
    unambiguous: Score,
    by_spec: dict[str, Score],
    shares: list[dict[str, Any]],
    failed: dict[str, str],
    clientgen: Path,
) -> str:
    lines = [
        "# Pagination detection against the hand-labelled operations",
        "",
        (
            f"Generator: `{clientgen}`. Labels: `tests/fixtures/pagination_labels.yaml` "
            f"({overall.labelled} operations, {len(by_spec)} specs; rules in `pagination_labels.md`)."
        ),
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
        "| " + " | ".join(_row("**all**", overall)) + " |",
        "| " + " | ".join(_row("**all, without ambiguous**", unambiguous)) + " |",
    ]
    for spec in sorted(by_spec):
        lines.append("| " + " | ".join(_row(spec, by_spec[spec])) + " |")
    lines += [
        "",
        "Style accuracy counts only the true positives whose manifest entry names a style.",
        "",
        (
            "| spec | operations taking the paging parameter | marked paginated "
            "| list-shaped operations | marked paginated |"
        ),
        "|---|---|---|---|---|",
    ]
    for sh in shares:
        lines.append(
            f"| {sh['spec']} | {sh['with_knob']} (`{sh['knob']}`) | {sh['marked_with_knob']} | "
            f"{sh['list_shaped']} | {sh['marked_list_shaped']} |"
        )
    lines += [
        "",
        (
            "List-shaped: a GET whose first 2xx JSON response is an array, or an object of at most "
            f"{LIST_ENVELOPE_MAX_PROPERTIES} properties one of which is an array."
        ),
    ]
    if failed:
        lines += ["", "Not generated:", ""]
        lines += [f"- {spec}: {error}" for spec, error in sorted(failed.items())]
    return "\n".join(lines) + "\n"


def print_errors(s: Score, limit: int) -> None:
    kinds = collections.Counter(kind for kind, _, _ in s.errors)
    if not kinds:
        return
    print("\nwrong calls: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    for kind, label, pred in s.errors[:limit]:
        said = "absent" if pred is None else f"paginated={pred.paginated} style={pred.style}"
        print(f"  {kind:15} {label.name}  label={label.style}  manifest: {said}")
    if len(s.errors) > limit:
        print(f"  … {len(s.errors) - limit} more (--errors N)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--clientgen", type=Path, default=manifests.default_clientgen())
    ap.add_argument("--ids", help="comma-separated subset of the labelled spec ids")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per spec")
    ap.add_argument("--markdown", type=Path, help="write the report as markdown to this file")
    ap.add_argument("--json", type=Path, help="write every figure as JSON to this file")
    ap.add_argument("--keep", type=Path, help="generate into this folder and keep the packages")
    ap.add_argument("--errors", type=int, default=40, help="wrong calls to list (default 40)")
    args = ap.parse_args(argv)

    labels = load_labels(args.labels)
    spec_ids = list(dict.fromkeys(label.spec for label in labels))
    if args.ids:
        wanted = [s.strip() for s in args.ids.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in spec_ids]
        if unknown:
            ap.error(f"not labelled: {', '.join(unknown)}")
        spec_ids = wanted
        labels = [label for label in labels if label.spec in wanted]
    share_ids = [(s, k) for s, k in SHARES if s in spec_ids]

    def progress(g: manifests.Generated) -> None:
        status = "ok" if g.ok else f"FAILED {g.error}"
        print(f"  generated {g.spec_id} in {g.seconds:.1f}s: {status}", file=sys.stderr)

    runs = manifests.generate_many(
        spec_ids,
        args.clientgen,
        jobs=args.jobs,
        timeout=args.timeout,
        keep=args.keep,
        progress=progress,
    )
    predictions: dict[Key, Prediction] = {}
    failed: dict[str, str] = {}
    for spec_id, run in runs.items():
        if run.ok and run.manifest is not None:
            predictions.update(predictions_from_manifest(spec_id, run.manifest))
        else:
            failed[spec_id] = run.error

    overall = score(labels, predictions)
    unambiguous = score(labels, predictions, include_ambiguous=False)
    by_spec = score_by_spec(labels, predictions)
    shares = [
        spec_shares(s, manifests.load_spec(manifests.resolve_spec(s)), predictions, knob)
        for s, knob in share_ids
        if s not in failed
    ]

    print(f"\ngenerator: {args.clientgen}")
    print(
        f"labels: {overall.labelled} operations in {len(by_spec)} specs "
        f"({overall.tp + overall.fn} paginated, {unambiguous.labelled} unambiguous)\n"
    )
    widths = [max(len(h), 34 if i == 0 else 9) for i, h in enumerate(HEADER)]
    rows = [_row("ALL", overall), _row("ALL without ambiguous", unambiguous)]
    rows += [_row(spec, by_spec[spec]) for spec in sorted(by_spec)]
    print("  ".join(h.ljust(w) for h, w in zip(HEADER, widths)))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    if overall.style_pairs:
        print("\nstyle (label → manifest) on true positives:")
        for (want, got), n in overall.style_pairs.most_common():
            print(f"  {want:20} → {got:20} {n}")
    print_errors(overall, args.errors)
    print("\nshare of operations marked paginated (whole spec):")
    for sh in shares:
        print(
            f"  {sh['spec']}: {sh['marked_with_knob']} of {sh['with_knob']} operations taking "
            f"`{sh['knob']}`; {sh['marked_list_shaped']} of {sh['list_shaped']} list-shaped operations"
        )
    for spec_id, error in failed.items():
        print(f"NOT GENERATED {spec_id}: {error}")

    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(
            markdown_report(overall, unambiguous, by_spec, shares, failed, args.clientgen),
            encoding="utf-8",
        )
        print(f"\nwrote {args.markdown}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "clientgen": str(args.clientgen),
            "overall": overall.as_dict(),
            "unambiguous": unambiguous.as_dict(),
            "by_spec": {s: sc.as_dict() for s, sc in sorted(by_spec.items())},
            "shares": shares,
            "failed": failed,
            "seconds": {s: r.seconds for s, r in runs.items()},
        }
        args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
