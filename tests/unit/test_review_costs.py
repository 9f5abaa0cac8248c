"""The review summary prices a change per month and its training once: hand-checked numbers.

The preview: deployment `chat` (1 x NVIDIA_H100_80GB per replica, min 0) scales from max 2 to
max 8 replicas; fine-tuning job `support-sft` is created (3 epochs over `support-train`, whose
2,000,000 tokens the service has counted, on an 8B base model). By hand, at the list price of
$8.00 per H100-hour and 730 hours a month:

* at max replicas: 2 x $8.00 x 730 = $11,680.00 -> 8 x $8.00 x 730 = $46,720.00, +$35,040.00;
* at min replicas: 0 GPUs, $0.00 both sides (scale to zero);
* training: 2,000,000 x 3 = 6,000,000 tokens x $0.50 per 1M (<= 16B) = $3.00;
* with 100 busy hours a month: 0 x 730 + (8 - 0) x 100 x $8.00 = $6,400.00 (before: 2 x 100 x $8 = $1,600.00).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from pulumi_fireworks.cost import list_prices, parameters_billions, parse_usage
from pulumi_fireworks.cost.prices import PriceBookError
from pulumi_fireworks.review import cli, parse_preview, render
from pulumi_fireworks.review.costs import cost_report
from pulumi_fireworks.review.footprint import Amount, footprint
from pulumi_fireworks.review.quotas import QuotaFigure, headroom, load_quotas, parse_gpu_quotas, parse_quotas
from pulumi_fireworks.review.gates import GateOptions, cost_failures
from tests.support.content import LLAMA

DATA = Path(__file__).parent / "data"
FW = "pulumi-python:dynamic/fireworks:"
CHAT = {"base_model": LLAMA, "accelerator_type": "NVIDIA_H100_80GB", "accelerator_count": 1, "min_replica_count": 0}
DATASET = "accounts/acme/datasets/support-train"


def step(op: str, type_name: str, name: str, old: Any, new: Any, outputs: Any = None) -> dict[str, Any]:
    urn = f"urn:pulumi:prod::infra::{FW}{type_name}::{name}"
    out: dict[str, Any] = {"op": op, "urn": urn}
    for key, inputs in (("oldState", old), ("newState", new)):
        if inputs is not None:
            out[key] = {"urn": urn, "type": FW + type_name, "id": name, "inputs": inputs, "outputs": outputs or {}}
    return out


def preview_json() -> str:
    dataset = {"rows": "[...]", "format": "CHAT", "example_count": 4000}
    steps = [
        {"op": "same", "urn": "urn:pulumi:prod::infra::pulumi:pulumi:Stack::infra-prod"},
        step("update", "Deployment", "chat", {**CHAT, "max_replica_count": 2}, {**CHAT, "max_replica_count": 8}),
        step("same", "Dataset", "support-train", dataset, dataset, {"name": DATASET, "estimated_token_count": "2000000"}),
        step("create", "SupervisedFineTuningJob", "support-sft", None, {"dataset": DATASET, "base_model": LLAMA, "epochs": 3}),
    ]
    return json.dumps({"steps": steps, "changeSummary": {"same": 2, "update": 1, "create": 1}})


class Run(NamedTuple):
    returncode: int
    stderr: str


def review(tmp_path: Path, *args: str) -> tuple[Run, str]:
    """``python -m pulumi_fireworks.review`` on :func:`preview_json`, in process (``cli.main``)."""
    source = tmp_path / "preview.json"
    source.write_text(preview_json())
    out = tmp_path / "summary.md"
    out.unlink(missing_ok=True)
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        code = cli.main([str(source), "-o", str(out), *args])
    return Run(code, errors.getvalue()), out.read_text() if out.exists() else ""


def golden(name: str, text: str) -> None:
    path = DATA / name
    if os.environ.get("PULUMI_FIREWORKS_UPDATE_GOLDEN") == "1":
        path.write_text(text)
    assert text == path.read_text(), f"{name} differs; PULUMI_FIREWORKS_UPDATE_GOLDEN=1 rewrites it"


def test_the_hand_checked_figures() -> None:
    preview = parse_preview(preview_json())
    fp = footprint(preview)
    report = cost_report(preview, fp, list_prices(), parse_usage({"busy_hours_per_month": 100}))
    assert [t.value for t in report.total("before", "max")[:1]] == [Decimal("11680.00")]
    assert report.total("after", "max")[0].value == Decimal("46720.00")
    assert report.total("after", "min")[0].value == 0
    assert report.total("before", "expected")[0].value == Decimal("1600.00")
    assert report.total("after", "expected")[0].value == Decimal("6400.00")
    [(label, action, training)] = report.training
    assert (label, action, training.usd) == ("fireworks:SupervisedFineTuningJob::support-sft", "create", Decimal("3.00"))
    assert training.basis == "2,000,000 tokens x 3 epochs = 6,000,000 at $0.50/1M (8B, ≤ 16B)"


def test_the_summary_shows_month_and_training_costs_with_the_price_date(tmp_path: Path) -> None:
    done, markdown = review(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "$11,680.00 → $46,720.00 (+$35,040.00)" in markdown and "**$3.00**" in markdown
    assert "list prices as of 2026-10-07" in markdown
    golden("review_costs.md", markdown)


def test_a_monthly_increase_above_the_threshold_fails_the_check_and_says_which(tmp_path: Path) -> None:
    done, markdown = review(tmp_path, "--max-monthly-increase", "30000")
    assert done.returncode == 1
    expected = "monthly cost at max rises by $35,040.00 ($11,680.00 → $46,720.00), above --max-monthly-increase $30,000.00"
    assert expected in done.stderr and "Blocked by review rules" in markdown
    assert f"> - `stack` {expected}" in markdown  # the PR comment's callout names the threshold too
    assert review(tmp_path, "--max-monthly-increase", "35040")[0].returncode == 0  # exactly at the threshold
    assert "above --max-monthly-total $40,000.00" in review(tmp_path, "--max-monthly-total", "40000")[0].stderr
    assert "rises 300.0 %" in review(tmp_path, "--max-monthly-increase-percent", "250")[0].stderr


def test_overrides_and_usage_change_the_figures_and_say_so(tmp_path: Path) -> None:
    contract = tmp_path / "contract.json"
    contract.write_text(json.dumps({"source": "our contract", "usd_per_gpu_hour": {"NVIDIA_H100_80GB": 5}}))
    usage = tmp_path / "usage.json"
    usage.write_text(json.dumps({"deployments": {"chat": {"busy_hours_per_month": 730}}}))
    done, markdown = review(tmp_path, "--prices", str(contract), "--usage", str(usage))
    assert done.returncode == 0
    assert "list prices as of 2026-10-07, with overrides from our contract" in markdown
    assert "$7,300.00 → $29,200.00 (+$21,900.00)" in markdown  # 2 and 8 GPUs x $5 x 730
    assert "$/month at expected" in markdown


def test_quota_headroom_from_a_snapshot_and_the_gate(tmp_path: Path) -> None:
    """The account's H100 quota is 8 and it uses 3 now. The state records no replica_count for
    `chat`, so it is taken to run its floor, 0: the rest of the account uses 3 - 0 = 3, and after
    the change `chat` may hold 8, so 8 - 3 - 8 = -3 are left. The spend limit of $50,000.00 less
    the stack's $46,720.00 a month at max leaves $3,280.00."""
    snapshot = tmp_path / "quotas.json"
    snapshot.write_text(json.dumps({"quotas": [
        {"name": "accounts/acme/quotas/nvidia-h100-80gb", "value": "8", "maxValue": "16", "usage": 3},
        {"name": "accounts/acme/quotas/monthly-spend-usd", "value": "50000", "maxValue": "50000", "usage": 0},
    ]}))
    done, markdown = review(tmp_path, "--quotas", str(snapshot), "--fail-on-quota")
    assert done.returncode == 1
    assert ("would pass its NVIDIA_H100_80GB quota of 8 GPUs: the rest of the account uses 3, and this stack "
            "would hold 8 at max replicas (-3 left) (--fail-on-quota)") in done.stderr
    assert "| `NVIDIA_H100_80GB` | 8 | 3 | ≥0 → 8 | **-3** ⚠ |" in markdown
    assert "| monthly spend limit (whole account) | $50,000.00 | not known | $11,680.00 → $46,720.00 (+$35,040.00) | **$3,280.00** |" in markdown
    assert review(tmp_path, "--quotas", str(snapshot), "--gpu-quota", "NVIDIA_H100_80GB=16", "--fail-on-quota")[0].returncode == 0
    assert "passes its monthly" not in review(tmp_path, "--quotas", str(snapshot), "--max-monthly-total", "1")[0].stderr
    over = review(tmp_path, "--quotas", str(snapshot), "--fail-on-quota", "--gpu-quota", "NVIDIA_H100_80GB=16",
                  "--price", "NVIDIA_H100_80GB=10")[0]
    assert "would pass its monthly spend limit of $50,000.00: this stack alone would cost $58,400.00 a month at max" in over.stderr


def test_the_stacks_running_replicas_are_not_counted_twice() -> None:
    """The state recorded `chat` running 2 replicas: 2 of the account's 3 H100s in use are this
    stack's, so the rest of the account uses 1, and 8 - 1 - 8 = -1 are left."""
    doc = json.loads(preview_json())
    doc["steps"][1]["oldState"]["outputs"] = {"replica_count": 2}
    preview = parse_preview(json.dumps(doc))
    fp = footprint(preview)
    quotas = parse_quotas([{"quota_id": "nvidia-h100-80gb", "name": "accounts/acme/quotas/nvidia-h100-80gb",
                            "value": 8, "max_value": 16, "usage": 3.0}], "exported list_quotas()")
    [row] = headroom(preview, fp, cost_report(preview, fp, list_prices(), parse_usage({})), quotas, {}, "max")
    assert (row.others, row.now, row.after.value, row.left) == (Decimal(1), Amount(Decimal(2)), Decimal(8), Decimal(-1))


def test_quota_snapshots_are_read_in_each_form_and_refused_naming_the_quota(tmp_path: Path) -> None:
    rest = {"quotas": [{"name": "accounts/acme/quotas/nvidia-h100-80gb", "value": "8", "maxValue": "16", "usage": 3.5}]}
    exported = [{"quota_id": "nvidia-h100-80gb", "name": "accounts/acme/quotas/nvidia-h100-80gb", "value": 8,
                 "max_value": 16, "usage": 3.5}]  # `pulumi stack output quotas --json` of list_quotas() results
    for doc in (rest, exported, {"quotas": exported}):
        assert parse_quotas(doc, "snapshot")["nvidia-h100-80gb"] == QuotaFigure("nvidia-h100-80gb", Decimal(8), Decimal("3.5"))
    with pytest.raises(PriceBookError, match=r"snapshot: nvidia-h100-80gb.value: 'eight' is not a number \(write a number\)"):
        parse_quotas([{**exported[0], "value": "eight"}], "snapshot")
    with pytest.raises(PriceBookError, match="--gpu-quota NVIDIA_H100_80GB: must be a number of GPUs"):
        parse_gpu_quotas(["NVIDIA_H100_80GB=-1"])
    path = tmp_path / "quotas.json"
    path.write_text(json.dumps(exported))
    assert load_quotas(path)["nvidia-h100-80gb"].value == 8


def test_bad_price_and_usage_files_are_refused_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"usd_per_gpu_hour": {"NVIDIA_H100_80GB": -1}}))
    done, _ = review(tmp_path, "--prices", str(bad))
    assert done.returncode == 2 and "NVIDIA_H100_80GB" in done.stderr
    bad.write_text(json.dumps({"deployments": {"chat": {"busy_hours": 5}}}))
    done, _ = review(tmp_path, "--usage", str(bad))
    assert done.returncode == 2 and "deployments.chat has unknown keys ['busy_hours']" in done.stderr
    with pytest.raises(PriceBookError):
        parse_usage({"busy_hours_per_month": "lots"})


@pytest.mark.parametrize("model, billions", [("llama-v3p1-8b-instruct", "8"), ("qwen3-0p6b", "0.6"),
                                             ("mixtral-8x7b-instruct", "56"), ("llama-v3p1-405b-instruct", "405"),
                                             ("deepseek-v3", None)])
def test_model_sizes_are_read_from_their_ids(model: str, billions: str | None) -> None:
    found = parameters_billions(f"accounts/fireworks/models/{model}")
    assert (found.normalize() if found is not None else None) == (Decimal(billions).normalize() if billions else None)


def test_a_deployment_held_to_one_region_pays_the_region_premium() -> None:
    doc = json.loads(preview_json())
    for state in (doc["steps"][1]["oldState"], doc["steps"][1]["newState"]):
        state["inputs"]["placement"] = {"region": "US_IOWA_1"}
    preview = parse_preview(json.dumps(doc))
    report = cost_report(preview, footprint(preview), list_prices(), parse_usage({}))
    assert report.total("after", "max")[0].value == Decimal("70080.00")  # 8 x $8.00 x 1.5 x 730


def test_a_jobs_own_estimate_wins_and_rft_is_priced_from_gpu_time_only() -> None:
    from pulumi_fireworks.cost import training_cost

    book, usage = list_prices(), parse_usage({})
    sft = {"dataset": DATASET, "base_model": LLAMA, "epochs": 2}
    stated = training_cost("s", "SupervisedFineTuningJob", sft, book, usage, {DATASET: 1_000_000},
                           {"estimated_cost": {"currencyCode": "USD", "units": "4", "nanos": 250_000_000}})
    assert stated.usd == Decimal("4.25") and "estimated_cost" in stated.basis
    dpo = training_cost("d", "DpoJob", {"dataset": DATASET, "training_config": {"base_model": LLAMA}}, book, usage,
                        {DATASET: 1_000_000})
    assert dpo.usd == Decimal("1.00")  # 1M tokens x 1 epoch x $0.50 x 2 (DPO)
    rft = {"dataset": DATASET, "training_config": {"base_model": LLAMA}}
    assert training_cost("r", "ReinforcementFineTuningJob", rft, book, usage, {}).usd is None
    ran = training_cost("r", "ReinforcementFineTuningJob", rft, book, usage, {}, {"accelerator_seconds": {"NVIDIA_H100_80GB": "5400"}})
    assert ran.usd == Decimal("12.00")  # 1.5 H100-hours x $8.00
    unknown = training_cost("s", "SupervisedFineTuningJob", sft, book, usage, {})
    assert unknown.usd is None and "training_tokens" in unknown.basis


def priced_runs(steps: list[dict[str, Any]], usage: dict[str, Any]) -> dict[str, tuple[Decimal | None, str]]:
    preview = parse_preview(json.dumps({"steps": steps}))
    report = cost_report(preview, footprint(preview), list_prices(), parse_usage(usage))
    return {label.rsplit("::", 1)[-1]: (cost.usd, cost.basis) for label, _, cost in report.training}


def test_a_replacement_that_trains_the_same_is_priced_by_what_the_api_reported_for_the_run_it_replaces() -> None:
    """`same` changes only its learning rate: the API's $4.25 for the old run stands. `more` goes
    from 3 to 4 epochs: priced anew, 2,000,000 x 4 = 8M tokens x $0.50 = $4.00."""
    old = {"dataset": DATASET, "base_model": LLAMA, "epochs": 3, "learning_rate": 0.0001}
    reported = {"estimated_cost": {"currency_code": "USD", "units": "4", "nanos": 250_000_000}}
    dataset = step("same", "Dataset", "support-train", {"name": DATASET}, {"name": DATASET},
                   {"name": DATASET, "estimated_token_count": "2000000"})
    runs = priced_runs([
        dataset,
        step("replace", "SupervisedFineTuningJob", "same", old, {**old, "learning_rate": 0.0002}, reported),
        step("replace", "SupervisedFineTuningJob", "more", old, {**old, "epochs": 4}, reported),
    ], {})
    assert runs["same"] == (Decimal("4.25"), "the API's estimated_cost for the run it replaces (same dataset, base model and epochs)")
    assert runs["more"] == (Decimal("4.00"), "2,000,000 tokens x 4 epochs = 8,000,000 at $0.50/1M (8B, ≤ 16B)")


def test_the_usage_file_names_tokens_and_model_sizes_and_wins_over_the_services_count() -> None:
    """The usage file says `support-train` (by resource name) has 1,000,000 tokens, not the 2,000,000
    the service counted, and that `house-base` has 70B parameters (16-80B: $3.00 per 1M): 1M x 1
    epoch x $3.00 = $3.00. A dataset being replaced has no count yet: its old one is of other data."""
    house = "accounts/acme/models/house-base"
    dataset = step("same", "Dataset", "support-train", {"name": DATASET}, {"name": DATASET},
                   {"name": DATASET, "estimated_token_count": "2000000"})
    other = "accounts/acme/datasets/other"
    replaced = step("replace", "Dataset", "other", {"name": other}, {"name": other}, {"name": other, "estimated_token_count": "9"})
    runs = priced_runs([
        dataset, replaced,
        step("create", "SupervisedFineTuningJob", "house", None, {"dataset": DATASET, "base_model": house}),
        step("create", "SupervisedFineTuningJob", "fresh", None, {"dataset": other, "base_model": LLAMA}),
    ], {"datasets": {"support-train": {"tokens": 1_000_000}}, "models": {"house-base": {"parameters_billions": 70}}})
    assert runs["house"] == (Decimal("3.00"), "1,000,000 tokens x 1 epoch = 1,000,000 at $3.00/1M (70B, ≤ 80B)")
    assert runs["fresh"][0] is None and "`jobs.fresh.training_tokens` or `datasets.<id>.tokens`" in runs["fresh"][1]
    with pytest.raises(PriceBookError, match=r"models.house-base has unknown keys \['billions'\]"):
        parse_usage({"models": {"house-base": {"billions": 70}}})


def test_the_cost_table_puts_the_largest_rise_first_and_folds_unchanged_deployments() -> None:
    """At list prices x 730 h: `up` H200 max 1 -> 2 rises $5,840.00 -> $11,680.00; `shaped` (new,
    via a shape) has no price; `down` H100 max 3 -> 1 falls $17,520.00 -> $5,840.00; `a` (1 H100
    always on: $5,840.00 at min and max) and `b` (A100 0-1: $0.00 and $2,117.00) do not change:
    one row, $5,840.00 at min and $7,957.00 at max."""
    def dep(accelerator: str, low: int, high: int) -> dict[str, Any]:
        return {"accelerator_type": accelerator, "accelerator_count": 1, "min_replica_count": low, "max_replica_count": high}

    steps = [
        step("same", "Deployment", "a", dep("NVIDIA_H100_80GB", 1, 1), dep("NVIDIA_H100_80GB", 1, 1)),
        step("same", "Deployment", "b", dep("NVIDIA_A100_80GB", 0, 1), dep("NVIDIA_A100_80GB", 0, 1)),
        step("update", "Deployment", "down", dep("NVIDIA_H100_80GB", 0, 3), dep("NVIDIA_H100_80GB", 0, 1)),
        step("create", "Deployment", "shaped", None, {"deployment_shape": "accounts/fireworks/deploymentShapes/fast"}),
        step("update", "Deployment", "up", dep("NVIDIA_H200_141GB", 0, 1), dep("NVIDIA_H200_141GB", 0, 2)),
    ]
    preview = parse_preview(json.dumps({"steps": steps}))
    text = render(preview, costs=cost_report(preview, footprint(preview), list_prices(), parse_usage({})))
    table = text[text.index("### Monthly cost"):text.index("| **Total**")]
    rows = [line.split(" | ")[0].removeprefix("| ") for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows == ["Deployment", "`up`", "`shaped`", "`down`", "*2 unchanged deployments*"]
    assert "| `up` | `NVIDIA_H200_141GB` | $0.00 | $5,840.00 → $11,680.00 (+$5,840.00) |" in table
    assert "| *2 unchanged deployments* | | $5,840.00 | $7,957.00 |" in table
    assert "$/hour" not in text  # the monthly figures price the GPUs; the footprint only counts them


def test_a_rise_counts_only_deployments_priced_on_each_side_and_names_the_rest() -> None:
    """`chat` rises $35,040.00 at max (above). `gpu` gets its accelerator type named: it had no price
    before, so its $23,360.00 after (4 x $8.00 x 730) is no rise of $23,360.00: it is left out and named."""
    doc = json.loads(preview_json())
    unnamed = {"accelerator_count": 1, "min_replica_count": 0, "max_replica_count": 4}
    doc["steps"].append(step("update", "Deployment", "gpu", unnamed, {**unnamed, "accelerator_type": "NVIDIA_H100_80GB"}))
    preview = parse_preview(json.dumps(doc))
    report = cost_report(preview, footprint(preview), list_prices(), parse_usage({}))
    assert report.rise("max") == (Decimal("35040.00"), ("gpu",))
    [failure] = cost_failures(report, GateOptions(max_monthly_increase=Decimal(30000)), [])
    assert str(failure) == ("stack monthly cost at max rises by $35,040.00 ($11,680.00 → $70,080.00; not counting what has "
                            "no price: gpu), above --max-monthly-increase $30,000.00")


def test_the_region_premium_is_said_and_can_be_changed(tmp_path: Path) -> None:
    doc = json.loads(preview_json())
    for state in (doc["steps"][1]["oldState"], doc["steps"][1]["newState"]):
        state["inputs"]["placement"] = {"region": "US_IOWA_1"}
    source = tmp_path / "preview.json"
    source.write_text(json.dumps(doc))
    listed = cli.main([str(source), "-o", str(tmp_path / "listed.md")])
    assert listed == 0 and "pays the region premium, x1.5." in (tmp_path / "listed.md").read_text()
    assert cli.main([str(source), "-o", str(tmp_path / "own.md"), "--region-premium", "1"]) == 0
    own = (tmp_path / "own.md").read_text()  # 2 -> 8 H100s x $8.00 x 1 x 730
    assert "$11,680.00 → $46,720.00 (+$35,040.00)" in own and "with overrides from --region-premium" in own
    assert cli.main([str(source), "--region-premium", "lots"]) == 2


def test_a_deployment_without_busy_hours_is_expected_busy_all_month() -> None:
    """The usage file gives `chat` 100 busy hours (after: 8 x 100 x $8.00 = $6,400.00) and says
    nothing of `batch` (1 H100, 0-1): busy all month, 1 x 730 x $8.00 = $5,840.00, its max."""
    doc = json.loads(preview_json())
    batch = {**CHAT, "max_replica_count": 1}
    doc["steps"].append(step("same", "Deployment", "batch", batch, batch))
    preview = parse_preview(json.dumps(doc))
    report = cost_report(preview, footprint(preview), list_prices(), parse_usage({"deployments": {"chat": {"busy_hours_per_month": 100}}}))
    assert report.total("after", "expected") == (Amount(Decimal("12240.00")), True)
