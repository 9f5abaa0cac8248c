"""The review command's parts, on checked-in preview JSON (fast: no engine).

``data/review_preview.json`` is real ``pulumi preview --json --show-sames`` output (trimmed of
stack traces, timestamps and provider ids) from a stack with a protected replacement, a delete,
updates, a create and an unchanged deployment, plus hand-made steps for types built elsewhere
(Secret, ApiKey), a non-Fireworks resource with ``additionalSecretOutputs``, an unknown value, a
long value and secrets in *plain text* in fields known to be secret. ``data/review_events.jsonl``
is the streamed form of the same preview with a policy pack (debug diagnostics dropped).
Regenerate the golden Markdown with ``PULUMI_FIREWORKS_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pulumi_fireworks.review import GateOptions, field_changes, footprint, gate_failures, parse_preview, render
from pulumi_fireworks.review.footprint import Amount
from pulumi_fireworks.review.markdown import code, escape, redact
from pulumi_fireworks.review.preview import PreviewFormatError
from pulumi_fireworks.review.prices import PriceTable, PriceTableError, parse_price_options, parse_prices
from pulumi_fireworks.review.values import SECRET, UNKNOWN

DATA = Path(__file__).parent / "data"
DOCUMENT = DATA / "review_preview.json"
EVENTS = DATA / "review_events.jsonl"
PLAINTEXT_SECRETS = (
    "hf_PLAINTEXT_value_0001", "fw_PLAINTEXT_apikey_0002", "route-PLAINTEXT-0003", "route-PLAINTEXT-0004",
    "db-PLAINTEXT-pass-0005",
)
PRICES = PriceTable({"NVIDIA_A100_80GB": Decimal("2.90"), "NVIDIA_H100_80GB": Decimal("5.80")}, "a test table")
FW = "pulumi-python:dynamic/fireworks:"


def _golden(name: str, text: str) -> None:
    path = DATA / name
    if os.environ.get("PULUMI_FIREWORKS_UPDATE_GOLDEN") == "1":
        path.write_text(text)
    assert text == path.read_text(), f"{name} differs; PULUMI_FIREWORKS_UPDATE_GOLDEN=1 rewrites it"


def _by_name(preview: Any) -> dict[str, Any]:
    return {r.name: r for r in preview.resources}


# -- parsing ------------------------------------------------------------------------------------


def test_document_and_events_parse_to_the_same_actions() -> None:
    document = parse_preview(DOCUMENT.read_text())
    events = parse_preview(EVENTS.read_text())
    assert document.format == "document" and events.format == "events"
    expected = {"keep": "update", "swap": "replace", "old": "delete", "new": "create", "routed": "update",
                "tiny": "update", "same": "same"}
    assert {n: r.action for n, r in _by_name(events).items()} == expected
    assert {n: r.action for n, r in _by_name(document).items() if n in expected} == expected
    # The stream has every replacement step, in the engine's order; the document only the logical one.
    swap = _by_name(events)["swap"]
    assert swap.ops == ("delete-replaced", "replace", "create-replacement") and swap.delete_before_create is True
    assert _by_name(document)["swap"].delete_before_create is None
    assert _by_name(document)["swap"].protected and _by_name(document)["swap"].replace_reasons == ("base_model",)
    assert document.stack == "dev" and document.project == "rv"


def test_policy_violations_come_only_from_the_event_stream() -> None:
    events = parse_preview(EVENTS.read_text())
    assert sorted((v.level, v.policy, v.urn.rsplit("::", 1)[-1]) for v in events.violations) == [
        ("advisory", "max-replicas", "keep"), ("mandatory", "no-h200", "new"),
    ]
    assert parse_preview(DOCUMENT.read_text()).violations == ()


def test_unchanged_resources_missing_from_a_document_are_counted() -> None:
    doc = json.loads(DOCUMENT.read_text())
    doc["steps"] = [s for s in doc["steps"] if s["op"] != "same" or s["urn"].endswith("::rv-dev")]
    preview = parse_preview(json.dumps(doc))
    assert preview.unchanged_missing == 1
    assert not footprint(preview).complete
    assert "**Partial:**" in render(preview)
    assert parse_preview(DOCUMENT.read_text()).unchanged_missing == 0


@pytest.mark.parametrize("text", ["", "not json", '{"hello": 1}', '[1, 2]', '{"sequence": 1}\nnope'])
def test_other_input_is_rejected_with_a_reason(text: str) -> None:
    with pytest.raises(PreviewFormatError):
        parse_preview(text)


# -- field changes ---------------------------------------------------------------------------------


def _step(op: str, name: str, old: dict[str, Any] | None, new: dict[str, Any] | None, type_: str = FW + "Deployment",
          **extra: Any) -> dict[str, Any]:
    urn = f"urn:pulumi:prod::infra::{type_}::{name}"
    step: dict[str, Any] = {"op": op, "urn": urn, "detailedDiff": None, **extra}
    for key, inputs in (("oldState", old), ("newState", new)):
        if inputs is not None:
            step[key] = {"urn": urn, "type": type_, "id": name if key == "oldState" else "",
                         "inputs": {"__provider": "[secret]", "__name": name, **inputs}}
    return step


def _doc(*steps: dict[str, Any], same: int = 1) -> str:
    root = {"op": "same", "urn": "urn:pulumi:prod::infra::pulumi:pulumi:Stack::infra-prod"}
    summary: dict[str, int] = {"same": same}
    for s in steps:
        summary[s["op"]] = summary.get(s["op"], 0) + 1
    return json.dumps({"steps": [root, *steps], "changeSummary": summary})


def test_field_changes_flatten_objects_ignore_hidden_keys_and_number_spelling() -> None:
    old = {"base_model": "m", "max_replica_count": 2, "autoscaling_policy": {"scale_up_window": "30s"}, "annotations": {"a.b": "x"}}
    new = {"base_model": "m2", "max_replica_count": 2.0, "autoscaling_policy": {"scale_up_window": "60s", "scale_to_zero_window": "600s"},
           "annotations": {}, "display_name": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}
    preview = parse_preview(_doc(_step("replace", "d", old, new, replaceReasons=["base_model"])))
    [change] = preview.resources
    found = {(c.path, c.kind, c.forces_replacement) for c in field_changes(change)}
    assert found == {
        ("base_model", "changed", True),
        ("autoscaling_policy.scale_up_window", "changed", False),
        ("autoscaling_policy.scale_to_zero_window", "added", False),
        ('annotations["a.b"]', "removed", False),
        ("annotations", "added", False),
        ("display_name", "added", False),
    }
    assert {c.path: c.new for c in field_changes(change)}["display_name"] is UNKNOWN


def test_a_refreshing_preview_plans_from_the_refreshed_state() -> None:
    """`preview --refresh` (the drift check) adds a refresh step per resource: the action and
    the old side are the planned step's, so the drift shows as the fields the next up sets back."""
    program = {"base_model": "m", "display_name": "chat"}
    drifted = {"base_model": "m", "display_name": "renamed elsewhere"}
    preview = parse_preview(_doc(_step("refresh", "d", program, drifted), _step("update", "d", drifted, program),
                                 _step("refresh", "e", program, program), _step("same", "e", program, program)))
    actions = {c.name: c.action for c in preview.resources}
    assert actions == {"d": "update", "e": "same"}
    [change] = preview.changes
    assert [(c.path, c.old, c.new) for c in field_changes(change)] == [("display_name", "renamed elsewhere", "chat")]


def test_secret_fields_are_masked_and_not_compared() -> None:
    old = {"base_model": "m", "direct_route_api_keys": ["plain-old-key-1"]}
    new = {"base_model": "m", "direct_route_api_keys": ["plain-new-key-2"], "display_name": "x"}
    [change] = parse_preview(_doc(_step("update", "d", old, new))).resources
    changes = {c.path: c for c in field_changes(change)}
    assert changes["direct_route_api_keys"].kind == "secret"
    assert changes["direct_route_api_keys"].old is SECRET and changes["direct_route_api_keys"].new is SECRET
    text = render(parse_preview(_doc(_step("update", "d", old, new))))
    assert "plain-old-key-1" not in text and "plain-new-key-2" not in text
    assert "not compared" in text


# -- secrets, end to end ---------------------------------------------------------------------------


@pytest.mark.parametrize("source", [DOCUMENT, EVENTS])
def test_no_secret_value_reaches_the_markdown(source: Path) -> None:
    raw = source.read_text()
    text = render(parse_preview(raw), PRICES)
    for secret in PLAINTEXT_SECRETS:
        assert secret not in text
    assert "__provider" not in text and "__name" not in text
    if source is DOCUMENT:
        assert all(secret in raw for secret in PLAINTEXT_SECRETS)  # the sample really holds them
        assert "`value` | *[secret]*" in text and "`password` | *[secret]*" in text


def test_a_secret_copied_into_a_plain_field_is_redacted_too() -> None:
    step = _step("create", "leaky", None, {"secret_id": "s", "key_name": "K", "value": "sk-live-0123456789"}, type_=FW + "Secret")
    copy = _step("create", "copy", None, {"base_model": "m", "display_name": "sk-live-0123456789"})
    text = render(parse_preview(_doc(step, copy)))
    assert "sk-live-0123456789" not in text
    assert redact("a|b sk-1234 \\|", ["sk-1234"]) == "a|b [secret] \\|"


# -- GPU footprint ---------------------------------------------------------------------------------


def test_gpu_totals_for_a_hand_computed_case() -> None:
    a100, h100 = "NVIDIA_A100_80GB", "NVIDIA_H100_80GB"
    steps = [
        # a: 2 A100 per replica, replicas 1..3 -> 2..4
        _step("update", "a", {"accelerator_type": a100, "accelerator_count": 2, "min_replica_count": 1, "max_replica_count": 3},
              {"accelerator_type": a100, "accelerator_count": 2, "min_replica_count": 2, "max_replica_count": 4}),
        # b: new, 8 H100 per replica, replicas 0..2
        _step("create", "b", None, {"accelerator_type": h100, "accelerator_count": 8, "max_replica_count": 2}),
        # c: deleted, 4 H100 per replica, replicas 1..1
        _step("delete", "c", {"accelerator_type": h100, "accelerator_count": 4, "min_replica_count": 1, "max_replica_count": 1}, None),
        # d: unchanged, 1 A100, max defaults to max(min, 1) = 1
        _step("same", "d", {"accelerator_type": a100, "accelerator_count": 1}, {"accelerator_type": a100, "accelerator_count": 1}),
        # e: replaced from 2 H100 x 1..1 to a shape (accelerator unknown to the preview), 2 per replica x 0..3
        _step("replace", "e", {"accelerator_type": h100, "accelerator_count": 2, "min_replica_count": 1},
              {"deployment_shape": "accounts/fireworks/deploymentShapes/big", "accelerator_count": 2, "max_replica_count": 3},
              replaceReasons=["deployment_shape"]),
        # f: no accelerator_count (the server picks it): at least one GPU per replica, 2..2
        _step("same", "f", {"accelerator_type": a100, "min_replica_count": 2}, {"accelerator_type": a100, "min_replica_count": 2}),
    ]
    fp = footprint(parse_preview(_doc(*steps, same=3)))
    rows = {r.accelerator: r for r in fp.rows}
    assert list(rows) == [a100, h100, "via shape big"]
    d = Decimal
    # A100 before: a 2x1=2, 2x3=6; d 0, 1; f >=2, >=2.   after: a 2x2=4, 2x4=8; d 0, 1; f >=2, >=2.
    assert rows[a100].before_min == Amount(d(4), exact=False) and rows[a100].before_max == Amount(d(9), exact=False)
    assert rows[a100].after_min == Amount(d(6), exact=False) and rows[a100].after_max == Amount(d(11), exact=False)
    # H100 before: c 4, 4; e 2x1=2, 2x1=2.   after: b 0, 8x2=16.
    assert (rows[h100].before_min, rows[h100].before_max) == (Amount(d(6)), Amount(d(6)))
    assert (rows[h100].after_min, rows[h100].after_max) == (Amount(d(0)), Amount(d(16)))
    shape = rows["via shape big"]
    assert (shape.before_min, shape.before_max, shape.after_min, shape.after_max) == (Amount(d(0)),) * 3 + (Amount(d(6)),)
    total = fp.total
    assert (total.before_min, total.after_max) == (Amount(d(10), False), Amount(d(33), False))
    # Dollars: H100 at max after = 16 x 5.80 = 92.80; the shape row has no price.
    assert rows[h100].cost(PRICES, "after", "max") == Amount(d("92.80"))
    assert rows[h100].cost(PRICES, "before", "min") == Amount(d("34.80"))
    assert shape.cost(PRICES, "after", "max") is None
    assert fp.total_cost(PRICES, "after", "max") == (Amount(d("124.70"), False), False)  # 11x2.90 + 16x5.80, + unpriced
    text = render(parse_preview(_doc(*steps, same=3)), PRICES)
    assert "| `NVIDIA_H100_80GB` | 6 → 0 (-6) | 6 → 16 (+10) | $34.80 → $0.00 (-$34.80) | $34.80 → $92.80 (+$58.00) |" in text
    assert "| `via shape big` | 0 | 0 → 6 (+6) | $0.00 | $0.00 → no price |" not in text  # a row without a price says so whole
    assert "| `via shape big` | 0 | 0 → 6 (+6) | $0.00 | no price |" in text


def test_no_deployments_no_footprint_section() -> None:
    text = render(parse_preview(_doc(_step("create", "n", None, {"text": "x"}, type_="pulumi-python:dynamic/notes:Note"))))
    assert "GPU footprint" not in text and "`notes:Note::n`" in text


# -- prices ------------------------------------------------------------------------------------------


def test_price_tables_and_options() -> None:
    table = parse_prices({"source": "contract 2025", "usd_per_gpu_hour": {"NVIDIA_H100_80GB": 5.8}})
    assert table.price("NVIDIA_H100_80GB") == Decimal("5.8") and table.price("X") is None
    merged = table.with_prices(parse_price_options(["NVIDIA_H100_80GB=4.5", "NVIDIA_A100_80GB = 2"]))
    assert merged.price("NVIDIA_H100_80GB") == Decimal("4.5") and merged.price("NVIDIA_A100_80GB") == Decimal("2")
    for bad in ({"usd_per_gpu_hour": {"X": -1}}, {"usd_per_gpu_hour": {"X": True}}, {"prices": {}}, {"usd_per_gpu_hour": {}, "x": 1}):
        with pytest.raises(PriceTableError):
            parse_prices(bad)
    with pytest.raises(PriceTableError):
        parse_price_options(["NVIDIA_H100_80GB"])


# -- CI rules ----------------------------------------------------------------------------------------


def test_gates() -> None:
    preview = parse_preview(DOCUMENT.read_text())
    assert gate_failures(preview, GateOptions()) == []
    assert [f.label for f in gate_failures(preview, GateOptions(fail_on_delete=True))] == ["fireworks:Deployment::old"]
    # swap is protected with Pulumi's `protect` in the sample.
    assert [f.label for f in gate_failures(preview, GateOptions(fail_on_replace_protected=True))] == ["fireworks:Deployment::swap"]
    unprotected = parse_preview(DOCUMENT.read_text().replace('"protect": true', '"protect": false'))
    assert gate_failures(unprotected, GateOptions(fail_on_replace_protected=True)) == []
    by_pattern = GateOptions(fail_on_replace_protected=True, protect_patterns=("fireworks:Deployment::sw*",))
    assert [f.label for f in gate_failures(unprotected, by_pattern)] == ["fireworks:Deployment::swap"]
    assert [f.label for f in gate_failures(unprotected, GateOptions(fail_on_replace=True))] == ["fireworks:Deployment::swap"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pulumi_fireworks.review", *args], capture_output=True, text=True, timeout=60)


def test_cli_exit_codes(tmp_path: Path) -> None:
    ok = _cli(str(DOCUMENT))
    assert ok.returncode == 0 and ok.stdout.startswith("## Pulumi preview of `rv` / `dev`")
    blocked = _cli(str(DOCUMENT), "--fail-on-delete", "-o", str(tmp_path / "out.md"))
    assert blocked.returncode == 1 and blocked.stdout == ""
    assert "Blocked by review rules" in (tmp_path / "out.md").read_text()
    assert "fireworks:Deployment::old would be deleted" in blocked.stderr
    (tmp_path / "bad.json").write_text("{}")
    assert _cli(str(tmp_path / "bad.json")).returncode == 2
    assert _cli(str(tmp_path / "missing.json")).returncode == 2
    (tmp_path / "prices.json").write_text('{"usd_per_gpu_hour": {"NVIDIA_H100_80GB": "lots"}}')
    bad_prices = _cli(str(DOCUMENT), "--prices", str(tmp_path / "prices.json"))
    assert bad_prices.returncode == 2 and "not a number" in bad_prices.stderr
    assert _cli(str(DOCUMENT), "--no-such-option").returncode == 2


# -- rendering ------------------------------------------------------------------------------------------


def test_markdown_cannot_be_injected() -> None:
    assert code("a|b") == "`a\\|b`"
    assert code("x `y` z") == "``x `y` z``"
    assert code("`edge") == "`` `edge ``"
    assert escape("**bold** <img src=x> @team [link](u)") == "\\*\\*bold\\*\\* &lt;img src=x&gt; &#64;team \\[link\\](u)"
    name = "evil|name`<b>"
    text = render(parse_preview(_doc(_step("create", name, None, {"base_model": "m", "display_name": "x | y"}))))
    assert "``fireworks:Deployment::evil\\|name`<b>``" in text
    assert "`x \\| y`" in text


@pytest.mark.parametrize("source, golden", [(DOCUMENT, "review_preview.md"), (EVENTS, "review_events.md")])
def test_rendering_matches_golden(source: Path, golden: str) -> None:
    _golden(golden, render(parse_preview(source.read_text()), PRICES))


def test_a_huge_preview_is_cut_to_fit_a_comment() -> None:
    steps = [_step("create", f"d{i:03d}", None, {"base_model": "m", "description": "x" * 50}) for i in range(300)]
    steps.append(_step("delete", "gone", {"base_model": "m"}, None))
    preview = parse_preview(_doc(*steps))
    text = render(preview, max_length=5_000)
    assert len(text) <= 5_000
    assert "`fireworks:Deployment::gone`" in text  # deletes come first and are kept
    assert "more changes not shown here" in text and "create" in text.rsplit("more changes", 1)[1]
    assert "not shown here" not in render(preview, max_length=10**7)


def test_replacement_order_from_the_event_stream() -> None:
    urn = f"urn:pulumi:prod::infra::{FW}Deployment::chat"
    old = {"type": FW + "Deployment", "urn": urn, "id": "chat-1", "inputs": {"base_model": "a", "__autonamed": True}}
    new = {"type": FW + "Deployment", "urn": urn, "id": "", "inputs": {"base_model": "b", "__autonamed": True}}
    events = [
        {"sequence": i, "resourcePreEvent": {"metadata": {"op": op, "urn": urn, "type": FW + "Deployment", "old": old, "new": new,
                                                          "keys": ["base_model"]}}}
        for i, op in enumerate(["create-replacement", "replace", "delete-replaced"])
    ]
    events.append({"sequence": 9, "summaryEvent": {"resourceChanges": {"replace": 1}}})
    preview = parse_preview("\n".join(json.dumps(e) for e in events))
    [change] = preview.resources
    assert change.action == "replace" and change.delete_before_create is False
    text = render(preview)
    assert "the replacement is created before the old one is deleted (both hold GPUs meanwhile)" in text
    assert "__autonamed" not in text


def test_a_preview_that_failed_before_planning_anything_does_not_say_nothing_changes() -> None:
    doc = json.loads(_doc())
    doc["diagnostics"] = [{"urn": "urn:pulumi:prod::infra::" + FW + "Secret::bad", "severity": "error",
                           "message": "Secret.key_name: '1X' is not an environment variable name"}]
    text = render(parse_preview(json.dumps(doc)))
    assert "No resource changes could be planned: the preview failed first" in text
    assert "No resource changes." not in text
    assert "No resource changes." in render(parse_preview(_doc()))


def test_a_secret_is_changed_or_left_out_as_the_providers_detailed_diff_says() -> None:
    old = {"value": "[secret]", "key_name": "A"}
    new = {"value": "[secret]", "key_name": "B"}
    step = _step("update", "s", old, new, type_=FW + "Secret")
    [change] = parse_preview(_doc(step)).resources
    assert {f.path: f.kind for f in field_changes(change)} == {"key_name": "changed", "value": "secret"}  # not said
    step["detailedDiff"] = {"key_name": {"kind": "UPDATE"}}
    [change] = parse_preview(_doc(step)).resources
    assert {f.path: f.kind for f in field_changes(change)} == {"key_name": "changed"}
    step["detailedDiff"] = {"key_name": {"kind": "UPDATE"}, "value": {"kind": "UPDATE"}}
    [change] = parse_preview(_doc(step)).resources
    assert {f.path: f.kind for f in field_changes(change)} == {"key_name": "changed", "value": "changed"}


def test_a_job_replacement_says_it_retrains_and_over_how_much_data() -> None:
    data = "accounts/acme/datasets/support"
    job = {"dataset": data, "base_model": "m", "epochs": 2}
    preview = parse_preview(_doc(
        _step("same", "support", {"name": data, "example_count": 1200}, {"name": data, "example_count": 1200}, FW + "Dataset"),
        _step("replace", "sft", {**job, "epochs": 1}, job, FW + "SupervisedFineTuningJob", replaceReasons=["epochs"]),
        _step("create", "dpo", None, {"dataset": UNKNOWN_TEXT, "training_config": {"base_model": "m"}}, FW + "DpoJob"),
    ))
    text = render(preview)
    assert "**retrains**: a new fine-tuning job runs 2 epochs over `accounts/acme/datasets/support` " \
           "(1,200 examples × 2 = 2,400 example-epochs), billed as a new run" in text
    assert "**trains**: a new fine-tuning job runs 1 epoch over a dataset made in this update" in text


def test_a_new_evaluator_says_it_rebuilds_and_the_job_scored_by_it_retrains() -> None:
    data, old, new = "accounts/acme/datasets/prompts", "accounts/acme/evaluators/reward-1", "accounts/acme/evaluators/reward-2"
    job = {"dataset": data, "training_config": {"base_model": "m"}}
    preview = parse_preview(_doc(
        _step("replace", "reward", {"content_digest": "sha256:1"}, {"content_digest": "sha256:2"}, FW + "Evaluator",
              replaceReasons=["content_digest"]),
        _step("replace", "rft", {**job, "evaluator": old}, {**job, "evaluator": new}, FW + "ReinforcementFineTuningJob",
              replaceReasons=["evaluator"]),
    ))
    text = render(preview)
    assert "**rebuilds**: a new evaluator is built from the changed code" in text
    assert "**retrains** because its evaluator (the reward code) is new: a new fine-tuning job runs 1 epoch over " \
           "`accounts/acme/datasets/prompts`" in text


UNKNOWN_TEXT = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
