"""Render a :class:`~.preview.Preview` as Markdown for a pull-request comment.

Why these choices:

* Most dangerous first: blocked rules, errors, policy violations, the GPU bill, then the
  resources grouped as replace, delete, update, create. Within a group, by type and name, so
  the same preview always renders the same text (the engine's step order varies between runs).
* Every value the program or the API controls is shown as inline code (or a fenced block), so
  no name, value or message can inject Markdown, HTML, links or mentions into the comment.
* Long values are shortened in the tables and shown whole in a folded block below them.
* Secrets are masked where they are read (:mod:`.values`); as a last guard, any plain-text
  value of a secret field found in the JSON is redacted from the finished text as well.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, Optional

from ..cost import dollars
from .changes import ABSENT, FieldChange, field_changes, replacement_reason_values
from .costs import Bound, CostReport, DeploymentCost
from .footprint import DEPLOYMENT_TYPE, ZERO, Amount, DeploymentGpus, Footprint, FootprintRow, footprint
from .gates import GateFailure
from .preview import Diagnostic, Preview, ResourceChange
from .prices import PriceTable
from .quotas import Headroom
from .values import UNKNOWN_SENTINEL, Marker, display, plaintext_in

MAX_CELL = 60
"""Longest value shown whole in a table cell; longer ones are folded."""

ACTION_ORDER = ("replace", "delete", "update", "create", "import", "read")
ACTION_SIGN = {"create": "+", "update": "~", "replace": "+-", "delete": "-", "import": "=", "read": ">"}
SUMMARY_ORDER = ("create", "update", "replace", "delete", "import", "read", "same")


MAX_LENGTH = 60_000
"""Default size limit: GitHub refuses comments over 65,536 characters."""


def render(
    preview: Preview,
    prices: Optional[PriceTable] = None,
    failures: Sequence[GateFailure] = (),
    title: Optional[str] = None,
    max_length: int = MAX_LENGTH,
    costs: Optional[CostReport] = None,
    headroom: Sequence[Headroom] = (),
) -> str:
    """The whole comment. ``prices`` adds dollars per hour; ``failures`` lists broken CI rules;
    ``costs`` adds the monthly and training costs, ``headroom`` the account's quotas.

    Past ``max_length`` characters the per-resource details are cut (the most dangerous
    changes, which come first, are kept) and the comment says how many were left out.
    """
    lines: list[str] = []
    lines += _header(preview, title)
    lines += _failures(failures)
    lines += _diagnostics(preview.diagnostics)
    lines += _violations(preview)
    if costs is not None:
        lines += _costs(costs)
        lines += _headroom(headroom)
    # With the monthly cost (which counts the region premium), the footprint counts GPUs only.
    lines += _footprint(footprint(preview), prices if costs is None else None, max_length // 4)
    lines += _changes(preview, max_length - _length(lines))
    text = "\n".join(lines).rstrip("\n") + "\n"
    return redact(text, secret_plaintexts(preview))


def _length(lines: Sequence[str]) -> int:
    return sum(len(line) + 1 for line in lines)


# -- header ----------------------------------------------------------------------------


def _header(preview: Preview, title: Optional[str]) -> list[str]:
    if title:
        heading = f"## {escape(title)}"
    elif preview.stack:
        heading = f"## Pulumi preview of {code(preview.project)} / {code(preview.stack)}"
    else:
        heading = "## Pulumi preview"
    counts = dict(preview.change_summary) or _counts(preview)
    parts = [f"{counts[op]} to {op}" for op in SUMMARY_ORDER if op != "same" and counts.get(op)]
    parts += [f"{n} {escape(op)}" for op, n in sorted(counts.items()) if op not in SUMMARY_ORDER and n]
    summary = " · ".join(parts) or "no changes"
    same = counts.get("same", 0)
    unchanged = f" · {same} unchanged" if same else ""
    return [heading, "", f"**{summary}**{unchanged}", ""]


def _counts(preview: Preview) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in preview.resources:
        counts[change.action] = counts.get(change.action, 0) + 1
    return counts


def _failures(failures: Sequence[GateFailure]) -> list[str]:
    if not failures:
        return []
    lines = ["> [!CAUTION]", "> **Blocked by review rules:**"]
    lines += [f"> - {code(f.label)} {escape(f.reason)}" for f in failures]
    return lines + [""]


# -- diagnostics and policies -----------------------------------------------------------


GENERIC_FAILURE = "error: preview failed"
"""The engine's closing line when a preview fails; the callout says it already."""


def _diagnostics(diagnostics: Sequence[Diagnostic]) -> list[str]:
    lines: list[str] = []
    if any(d.severity == "error" for d in diagnostics):
        lines += ["> [!CAUTION]", "> **The preview failed**: `pulumi up` would not run as it stands (see below).", ""]
    diagnostics = [d for d in diagnostics if d.message.strip() != GENERIC_FAILURE]
    if not diagnostics:
        return lines
    lines += ["### Errors and warnings", ""]
    for d in sorted(diagnostics, key=lambda d: (d.severity != "error", d.urn or "", d.message)):
        where = f" on {code(_urn_label(d.urn))}" if d.urn else ""
        lines += [f"**{escape(d.severity)}**{where}:", "", *fenced(d.message.strip()), ""]
    return lines


def _violations(preview: Preview) -> list[str]:
    if not preview.violations:
        return []
    lines = ["### Policy violations", "", "| Level | Policy | Resource | Message |", "|---|---|---|---|"]
    order = {"mandatory": 0, "remediate": 1, "advisory": 2}
    for v in sorted(preview.violations, key=lambda v: (order.get(v.level, 3), v.pack, v.policy, v.urn)):
        level = f"**{escape(v.level)}**" if v.level == "mandatory" else escape(v.level)
        policy = code(f"{v.pack}/{v.policy}" + (f"@{v.pack_version}" if v.pack_version else ""))
        message = " — ".join(line.strip() for line in v.message.strip().splitlines() if line.strip())
        lines.append(f"| {level} | {policy} | {code(_urn_label(v.urn))} | {code(_fold(message, 200))} |")
    return lines + [""]


def _urn_label(urn: Optional[str]) -> str:
    if not urn:
        return ""
    parts = urn.split("::", 3)
    if len(parts) != 4:
        return urn
    type_ = parts[2].rsplit("$", 1)[-1].removeprefix("pulumi-python:dynamic/")
    return f"{type_}::{parts[3]}"


# -- monthly cost ------------------------------------------------------------------------------


def _costs(report: CostReport) -> list[str]:
    if not report.deployments and not report.training:
        return []
    bounds: list[Bound] = ["min", "max", "expected"] if report.has_expected else ["min", "max"]
    lines = ["### Monthly cost", ""]
    if report.deployments:
        lines += ["| Deployment | Accelerator | " + " | ".join(f"$/month at {b}" for b in bounds) + " |",
                  "|---|---|" + "--:|" * len(bounds)]
        changed = sorted((d for d in report.deployments if d.before != d.after), key=_danger)
        for d in changed:
            lines.append(f"| {code(d.name)} | {code(d.accelerator)} | " + " | ".join(_month_cell(d, b) for b in bounds) + " |")
        same = [d for d in report.deployments if d.before == d.after]
        if same:
            label = f"*{len(same)} unchanged deployment{'' if len(same) == 1 else 's'}*"
            lines.append(f"| {label} | | " + " | ".join(_unchanged_cell(same, b) for b in bounds) + " |")
        totals = []
        for b in bounds:
            (before, ok_b), (after, ok_a) = report.total("before", b), report.total("after", b)
            cell = _change_cell(before, after, _dollars)
            totals.append(f"**{cell}**" + ("" if ok_b and ok_a else " + unpriced"))
        lines += ["| **Total** | | " + " | ".join(totals) + " |", ""]
    notes = [f"Prices: {escape(report.book.describe())}. A month is 730 hours; *min*: `min_replica_count` all month "
             "(scaled to zero costs nothing); *max*: `max_replica_count` all month, the most autoscaling can reach"
             + ("; *expected*: the floor all month and the rest of the peak for the usage file's busy hours "
                "(all month for a deployment it gives none)" if report.has_expected else "")
             + f". A deployment held to one region (`placement.region`) pays the region premium, "
               f"x{report.book.region_premium.normalize():f}."]
    unpriced = sorted({d.name for d in report.deployments for side in (d.before, d.after) if side and None in side.values()})
    if unpriced:
        notes.append("*Not priced* (no price for the accelerator, or a shape the preview does not resolve): "
                     + ", ".join(code(n) for n in unpriced) + ". Give `--price TYPE=USD` or set `accelerator_type`.")
    for note in notes:
        lines += [note, ""]
    if report.training:
        lines += ["**Training (one-off)**", "", "| Job | Because | Cost | How |", "|---|---|--:|---|"]
        for label, action, cost in report.training:
            usd = f"**{_dollars(Amount(cost.usd))}**" if cost.usd is not None else "not priced"
            lines.append(f"| {code(label)} | {escape(action)} | {usd} | {escape(cost.basis)} |")
        lines.append("")
    return lines


def _danger(d: DeploymentCost) -> tuple[int, Decimal, str]:
    """Most dangerous first: the largest rise at max, then what has no price, then falls."""
    before, after = d.pair("max")
    if before is None or after is None:
        return 1, Decimal(0), d.name
    rise = after.value - before.value
    return (0 if rise > 0 else 2), -rise, d.name


def _unchanged_cell(deployments: Sequence[DeploymentCost], bound: Bound) -> str:
    figures = [d.after.get(bound) for d in deployments if d.after is not None]
    total = sum((f for f in figures if f is not None), ZERO)
    return _dollars(total) + (" + unpriced" if None in figures else "")


def _month_cell(d: DeploymentCost, bound: Bound) -> str:
    before, after = d.pair(bound)
    if before is None or after is None:
        return "no price"
    if d.before is None:
        return f"— → {_dollars(after)}"
    if d.after is None:
        return f"{_dollars(before)} → —"
    return _change_cell(before, after, _dollars)


def _headroom(rows: Sequence[Headroom]) -> list[str]:
    if not rows:
        return []
    lines = ["### Quota headroom", "", "| Quota | Limit | Rest of the account | This stack: now → after | Left after |",
             "|---|--:|--:|--:|--:|"]
    for row in rows:
        show = _dollars if row.unit == "USD" else _gpus
        others = show(Amount(row.others)) if row.others is not None else "not known"
        # A lower bound of the stack's GPUs after (count not set) leaves at most this much.
        left = ("" if row.after.exact else "≤") + show(Amount(row.left))
        mark = " ⚠" if row.left < 0 else ""
        what = code(row.what) if row.unit == "GPUs" else escape(row.what)
        lines.append(f"| {what} | {show(Amount(row.limit))} | {others} | "
                     f"{_change_cell(row.now, row.after, show)} | **{left}**{mark} |")
    lines += ["", "GPUs: *rest of the account* is the quota's usage less what this stack runs now (the `replica_count` "
              "its state recorded, else `min_replica_count`); *after* is this stack at max replicas. The spend limit "
              "covers the whole account, whose other spending a quota snapshot does not tell: *left* is the limit "
              "less this stack's monthly cost.", ""]
    return lines


# -- GPU footprint ----------------------------------------------------------------------------


def _footprint(fp: Footprint, prices: Optional[PriceTable], budget: int) -> list[str]:
    if not fp.rows:
        return []
    priced = prices is not None and bool(prices.usd_per_gpu_hour)
    head = "| Accelerator | GPUs at min replicas | GPUs at max replicas |"
    rule = "|---|--:|--:|"
    if priced:
        head += " $/hour at min | $/hour at max |"
        rule += "--:|--:|"
    lines = ["### GPU footprint", "", head, rule]
    rows = [(row, False) for row in fp.rows] + [(fp.total, True)]
    for row, is_total in rows:
        name = "**Total**" if is_total else code(row.accelerator)
        cells = [_change_cell(row.before_min, row.after_min, _gpus), _change_cell(row.before_max, row.after_max, _gpus)]
        if priced and prices is not None:
            for bound in ("min", "max"):
                cells.append(_cost_cell(fp, row, prices, bound, is_total))
        if is_total:
            cells = [f"**{c}**" for c in cells]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines += _footprint_notes(fp, prices, priced)
    lines += _per_deployment(fp, budget)
    return lines


def _cost_cell(fp: Footprint, row: FootprintRow, prices: PriceTable, bound: Literal["min", "max"], is_total: bool) -> str:
    if is_total:
        before, before_ok = fp.total_cost(prices, "before", bound)
        after, after_ok = fp.total_cost(prices, "after", bound)
        cell = _change_cell(before, after, _dollars)
        return cell if before_ok and after_ok else f"{cell} + unpriced GPUs"
    before_cost = row.cost(prices, "before", bound)
    after_cost = row.cost(prices, "after", bound)
    if before_cost is None or after_cost is None:
        return "no price"
    return _change_cell(before_cost, after_cost, _dollars)


def _footprint_notes(fp: Footprint, prices: Optional[PriceTable], priced: bool) -> list[str]:
    notes = [
        "GPUs = replicas × `accelerator_count`. *min*: held at `min_replica_count`, paid around the clock; "
        "*max*: the most autoscaling can reach at `max_replica_count`."
    ]
    every = (*fp.deployments_before, *fp.deployments_after)
    if any(not r.before_min.exact or not r.before_max.exact or not r.after_min.exact or not r.after_max.exact for r in fp.rows):
        notes.append(
            "≥: a lower bound, where `accelerator_count` is not set (the server picks it; at least one GPU "
            "per replica) or a count is known only after `up`."
        )
    if any(d.accelerator.startswith("via shape") for d in every):
        notes.append("*via shape*: the deployment shape chooses the accelerator; the preview does not resolve shapes.")
    if not fp.complete:
        notes.append(
            "**Partial:** this preview JSON lists only changed resources, so unchanged deployments are not counted. "
            "Run `pulumi preview --json --show-sames` for whole-stack totals."
        )
    if priced and prices is not None:
        source = f" from {escape(prices.source)}" if prices.source else ""
        notes.append(f"Dollars per hour use on-demand prices per GPU-hour{source}.")
        if any(fp.total_cost(prices, side, bound)[1] is False for side in ("before", "after") for bound in ("min", "max")):
            notes.append("*+ unpriced GPUs*: the total covers only the accelerators the price table names.")
    lines: list[str] = []
    for note in notes:
        lines += [note, ""]
    return lines


def _per_deployment(fp: Footprint, budget: int) -> list[str]:
    """The deployments whose GPUs change, one row each (folded: the table above is the summary)."""
    before = {d.name: d for d in fp.deployments_before}
    after = {d.name: d for d in fp.deployments_after}
    names = [n for n in sorted(set(before) | set(after)) if before.get(n) != after.get(n)]
    if not names:
        return []
    lines = [
        "<details><summary>Deployments whose GPUs change</summary>",
        "",
        "| Deployment | Accelerator | Per replica | Replicas (min–max) | GPUs at min | GPUs at max |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for shown, name in enumerate(names):
        b, a = before.get(name), after.get(name)
        row = "| " + " | ".join(
            [
                code(name),
                _pair(b, a, lambda d: code(d.accelerator)),
                _pair(b, a, lambda d: str(d.per_replica) if d.per_replica is not None else "?"),
                _pair(b, a, _replica_range),
                _pair(b, a, lambda d: _gpus(d.gpus("min"))),
                _pair(b, a, lambda d: _gpus(d.gpus("max"))),
            ]
        ) + " |"
        if _length(lines) + len(row) > budget:
            lines += ["", f"*{len(names) - shown} more not shown (comment size limit).*"]
            break
        lines.append(row)
    return lines + ["", "</details>", ""]


def _replica_range(d: DeploymentGpus) -> str:
    low = "?" if d.min_replicas is None else str(d.min_replicas)
    high = "?" if d.max_replicas is None else str(d.max_replicas)
    return f"{low}–{high}"


def _pair(before: Optional[DeploymentGpus], after: Optional[DeploymentGpus], show: Any) -> str:
    b = show(before) if before else "—"
    a = show(after) if after else "—"
    return b if b == a else f"{b} → {a}"


def _gpus(amount: Amount) -> str:
    value = amount.value
    text = str(int(value)) if value == value.to_integral_value() else str(value.normalize())
    return text if amount.exact else f"≥{text}"


def _dollars(amount: Amount) -> str:
    return dollars(amount.value) if amount.exact else f"≥{dollars(amount.value)}"


def _change_cell(before: Amount, after: Amount, show: Any) -> str:
    if before == after:
        return str(show(before))
    cell = f"{show(before)} → {show(after)}"
    if before.exact and after.exact:
        delta = after.value - before.value
        sign = "+" if delta > 0 else "-"
        cell += f" ({sign}{show(Amount(abs(delta)))})"
    return cell


# -- changes --------------------------------------------------------------------------------------


def _changes(preview: Preview, budget: int) -> list[str]:
    changes = preview.changes
    if not changes and preview.failed:
        # Not "nothing would change": the engine stopped before planning the rest.
        return ["No resource changes could be planned: the preview failed first (errors above).", ""]
    if not changes:
        return ["No resource changes.", ""]
    rank = {action: i for i, action in enumerate(ACTION_ORDER)}
    ordered = sorted(changes, key=lambda c: (rank.get(c.action, len(rank)), c.type_label, c.name, c.urn))
    lines = ["### Changes", ""]
    reserve = 300  # room for the note on what was left out
    examples = _dataset_sizes(preview)
    for shown, change in enumerate(ordered):
        entry = _resource(change, examples)
        if _length(lines) + _length(entry) > budget - reserve:
            left = ordered[shown:]
            lines += [
                f"*{len(left)} more changes not shown here: the comment would pass GitHub's size limit. "
                f"They are {_action_counts(left)}; `pulumi preview` shows them all.*",
                "",
            ]
            break
        lines += entry
    return lines


def _action_counts(changes: Sequence[ResourceChange]) -> str:
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.action] = counts.get(change.action, 0) + 1
    return ", ".join(f"{n} {escape(action)}" for action, n in sorted(counts.items()))


def _resource(change: ResourceChange, examples: Mapping[str, int]) -> list[str]:
    sign = ACTION_SIGN.get(change.action, "*")
    lines = [f"#### `{sign}` {escape(change.action)} {code(change.label)}", ""]
    facts = []
    if change.id and change.action != "create":
        facts.append(f"id {code(change.id)}")
    if change.protected:
        facts.append("**protected**")
    fields = field_changes(change)
    if change.action == "replace":
        facts.append(_replacement_reason(change, fields))
        serving = change.type == DEPLOYMENT_TYPE
        if change.delete_before_create is True:
            facts.append("the old one is **deleted before** its replacement is created" + (" (nothing serves in between)" if serving else ""))
        elif change.delete_before_create is False:
            facts.append("the replacement is created before the old one is deleted" + (" (both hold GPUs meanwhile)" if serving else ""))
    training = _training(change, examples)
    if training:
        facts.append(training)
    if facts:
        lines += [" · ".join(facts), ""]
    lines += _field_table(change, fields)
    return lines


TRAINING_TYPES = frozenset({"SupervisedFineTuningJob", "DpoJob", "ReinforcementFineTuningJob"})
"""Jobs whose create or replacement runs (and bills) a new training run."""
EVALUATOR_TYPE = "Evaluator"


def _dataset_sizes(preview: Preview) -> dict[str, int]:
    """Rows of each dataset the preview knows (the provider counts them at check), by name."""
    sizes: dict[str, int] = {}
    for resource in preview.resources:
        state = resource.new or resource.old
        if resource.type_name == "Dataset" and state is not None:
            name, count = state.inputs.get("name"), state.inputs.get("example_count")
            if isinstance(name, str) and isinstance(count, (int, float)) and not isinstance(count, bool):
                sizes[name] = int(count)
    return sizes


def _training(change: ResourceChange, examples: Mapping[str, int]) -> Optional[str]:
    """What a job's create or replacement costs in training: epochs over how many rows
    (and, for an evaluator replaced, that the jobs scored by it train again)."""
    if change.type_name == EVALUATOR_TYPE and change.action == "replace":
        return ("**rebuilds**: a new evaluator is built from the changed code, and every reinforcement fine-tuning "
                "job given this evaluator **retrains** with it")
    if change.type_name not in TRAINING_TYPES or change.action not in ("create", "replace") or change.new is None:
        return None
    inputs = change.new.inputs
    config = inputs.get("training_config")
    settings = config if isinstance(config, Mapping) else inputs
    epochs = settings.get("epochs")
    epochs = int(epochs) if isinstance(epochs, (int, float)) and not isinstance(epochs, bool) else 1  # the API's default
    dataset = inputs.get("dataset")
    rows = examples.get(dataset) if isinstance(dataset, str) else None
    known = isinstance(dataset, str) and dataset != UNKNOWN_SENTINEL  # a dataset made in this update has no name yet
    over = code(str(dataset)) if known else "a dataset made in this update"
    size = f" ({rows:,} examples × {epochs} = {rows * epochs:,} example-epochs)" if rows else ""
    verb = "**retrains**" if change.action == "replace" else "**trains**"
    why = " because its evaluator (the reward code) is new" if "evaluator" in change.replace_reasons else ""
    return (f"{verb}{why}: a new fine-tuning job runs {epochs} epoch{'s' if epochs != 1 else ''} over {over}{size}, "
            "billed as a new run")


def _replacement_reason(change: ResourceChange, fields: Sequence[FieldChange]) -> str:
    if not change.replace_reasons:
        return "replaced (the preview gives no reason)"
    extra = replacement_reason_values(change, list(fields))
    named = []
    for reason in change.replace_reasons:
        if reason in extra and extra[reason] is not ABSENT:
            named.append(f"{code(reason)} is {code(display(extra[reason]))}")
        else:
            named.append(code(reason))
    return "replaced because of " + ", ".join(named)


def _field_table(change: ResourceChange, fields: Sequence[FieldChange]) -> list[str]:
    visible = [f for f in fields if f.kind != "secret"]
    uncompared = [f.path for f in fields if f.kind == "secret"]
    lines: list[str] = []
    folded: list[tuple[str, str, str]] = []
    if change.action in ("create", "delete", "import", "read"):
        if visible:
            side = "new" if change.action != "delete" else "old"
            lines += ["| Input | Value |", "|---|---|"]
            for f in visible:
                value = getattr(f, side)
                lines.append(f"| {code(f.path)} | {_cell(value, f.path, side, folded)} |")
    elif visible:
        lines += ["| Input | Before | After |", "|---|---|---|"]
        for f in visible:
            mark = " *(replaces)*" if f.forces_replacement else ""
            lines.append(
                f"| {code(f.path)}{mark} | {_cell(f.old, f.path, 'before', folded)} | {_cell(f.new, f.path, 'after', folded)} |"
            )
    if lines:
        lines.append("")
    if uncompared and change.action in ("update", "replace"):
        names = ", ".join(code(p) for p in uncompared)
        if visible:
            lines += [f"Secret inputs, not compared (the preview hides their values): {names}", ""]
        else:
            lines += [f"No visible input changed; the change is in secret inputs (values hidden): {names}", ""]
    elif not visible and change.action == "update":
        lines += ["No input change is visible in the preview JSON; the provider reported one.", ""]
    if folded:
        lines += ["<details><summary>Long values in full</summary>", ""]
        for path, side, text in folded:
            lines += [f"{code(path)} ({side}):", "", *fenced(text), ""]
        lines += ["</details>", ""]
    return lines


def _cell(value: Any, path: str, side: str, folded: list[tuple[str, str, str]]) -> str:
    if value is ABSENT:
        return "*(not set)*"
    if isinstance(value, Marker):
        return f"*{value.value}*"
    text = display(value)
    if len(text) <= MAX_CELL:
        return code(text)
    folded.append((path, side, _pretty(value)))
    return f"{code(_fold(text, MAX_CELL))} *({len(text)} chars, in full below)*"


def _pretty(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(json.loads(display(value)), indent=2, sort_keys=True)
    return display(value)


def _fold(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def deliver(markdown: str, output: Optional[Path], problems: Iterable[str], prefix: str) -> None:
    """The summary to ``output`` (or stdout), and each problem on stderr, prefixed, for CI logs."""
    if output is not None:
        output.write_text(markdown, encoding="utf-8")
    else:
        sys.stdout.write(markdown)
    for problem in problems:
        print(f"{prefix}: {problem}", file=sys.stderr)


# -- Markdown safety ----------------------------------------------------------------------------


def code(text: str) -> str:
    """``text`` as inline code that is safe inside a table cell."""
    text = " ".join(str(text).splitlines()) or " "
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")) else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


def escape(text: str) -> str:
    """Plain text with no Markdown, HTML or mentions left in it."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;")


def fenced(text: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}text", *text.splitlines(), fence]


# -- the last guard against secrets ---------------------------------------------------------------


def secret_plaintexts(preview: Preview) -> set[str]:
    """Plain strings the JSON holds in secret fields (normally none: the engine masks them)."""
    found: set[str] = set()
    for change in preview.resources:
        secrets = change.secret_fields
        for state in (change.old, change.new):
            if state is None:
                continue
            for bag in (state.inputs, state.outputs):
                for key in secrets:
                    found.update(plaintext_in(bag.get(key)))
    return found


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret (also in its escaped spellings) replaced."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) < 4:
            continue
        for spelling in _spellings(secret):
            text = text.replace(spelling, "[secret]")
    return text


def _spellings(secret: str) -> Iterator[str]:
    yield secret
    yield secret.replace("|", "\\|")
    yield json.dumps(secret)[1:-1]
    yield escape(secret)
