"""The review command on real ``pulumi preview --json`` output, through the engine and the emulator.

One stack is brought up, then changed so that the next preview has a create (a deployment and a
note), an in-place update, a replacement (new base model, explicit id), a delete, an unchanged
deployment and a rotated secret. Both forms of ``pulumi preview --json`` are rendered and compared
with checked-in golden Markdown:

* the streamed events (``PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true``), with a policy pack that
  reports one advisory and one mandatory violation (so that preview fails, as it should);
* the document form with ``--show-sames``, without policies.

Golden stability: every deployment has an explicit ``deployment_id`` and the non-Fireworks
resource (``Note``) has ids derived from its name, so nothing random reaches the Markdown; the
summary sorts resources itself. Regenerate with ``PULUMI_FIREWORKS_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.engine import EngineEnv, EngineStack, write_python_policy_pack, write_python_project
from tests.support.content import LLAMA, QWEN


HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SHAPE = "accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct-fast"
ROUTE_KEYS = ("route-key-v1-abcdef123456", "route-key-v2-abcdef654321")
PRICES = ["--price", "NVIDIA_A100_80GB=2.90", "--price", "NVIDIA_H100_80GB=5.80", "--price", "NVIDIA_H200_141GB=6.99"]

BEFORE = {
    "keep": {"base_model": LLAMA, "deployment_id": "keep", "display_name": "v1", "accelerator_type": "NVIDIA_A100_80GB",
             "accelerator_count": 1, "min_replica_count": 1, "max_replica_count": 2},
    "swap": {"base_model": LLAMA, "deployment_id": "swap", "accelerator_type": "NVIDIA_H100_80GB", "accelerator_count": 2,
             "max_replica_count": 1},
    "old": {"base_model": LLAMA, "deployment_id": "old", "accelerator_type": "NVIDIA_H100_80GB", "accelerator_count": 1,
            "min_replica_count": 1, "max_replica_count": 1},
    "routed": {"base_model": LLAMA, "deployment_id": "routed", "direct_route_type": "INTERNET",
               "direct_route_api_keys": "<from secret config>"},
    "shaped": {"base_model": LLAMA, "deployment_id": "shaped", "deployment_shape": SHAPE, "accelerator_count": 1,
               "min_replica_count": 1, "max_replica_count": 1},
}
AFTER = {
    "keep": {**BEFORE["keep"], "display_name": "v2", "max_replica_count": 4, "autoscaling_policy": {"scale_to_zero_window": "10m"}},
    "swap": {**BEFORE["swap"], "base_model": QWEN},
    "routed": {**BEFORE["routed"], "display_name": "routed v2"},
    "shaped": BEFORE["shaped"],
    "new": {"base_model": QWEN, "deployment_id": "new", "accelerator_type": "NVIDIA_H200_141GB", "accelerator_count": 1,
            "max_replica_count": 2, "display_name": {"note": "release"}},
}

POLICY_PACK = """
    from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

    FIREWORKS_DEPLOYMENT = "pulumi-python:dynamic/fireworks:Deployment"


    def replica_cap(args, report_violation):
        if args.resource_type == FIREWORKS_DEPLOYMENT and (args.props.get("max_replica_count") or 0) > 2:
            report_violation("at most 2 replicas without a budget review")


    def no_h200(args, report_violation):
        if args.resource_type == FIREWORKS_DEPLOYMENT and args.props.get("accelerator_type") == "NVIDIA_H200_141GB":
            report_violation("H200 deployments need approval")


    PolicyPack(
        name="gpu-budget",
        enforcement_level=EnforcementLevel.ADVISORY,
        policies=[
            ResourceValidationPolicy(name="replica-cap", description="Cap replicas.", validate=replica_cap),
            ResourceValidationPolicy(
                name="no-h200", description="No H200 without approval.", validate=no_h200,
                enforcement_level=EnforcementLevel.MANDATORY,
            ),
        ],
    )
"""


def _stack(engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path) -> tuple[EngineStack, Path]:
    project = write_python_project(tmp_path / "project", "review-demo", "")
    (project / "__main__.py").write_text((HERE / "review_program.py").read_text())
    stack = engine_env.stack(project, env_vars=emulator.env())
    return stack, project


def _configure(stack: EngineStack, deployments: dict, notes: dict, route_key: str) -> None:
    stack.set_config("deployments", json.dumps(deployments))
    stack.set_config("notes", json.dumps(notes))
    stack.set_config("route_key", route_key, secret=True)


def _preview_json(stack: EngineStack, project: Path, emulator: RunningEmulator, *flags: str, stream: bool) -> tuple[str, int]:
    extra = dict(emulator.env())
    if stream:
        extra["PULUMI_ENABLE_STREAMING_JSON_PREVIEW"] = "true"
    result = stack.engine_env.run_cli(["preview", "--json", "--stack", stack.name, *flags], cwd=project, extra_env=extra, check=False)
    return result.stdout, result.returncode


def _review(preview_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulumi_fireworks.review", str(preview_file), *args],
        capture_output=True, text=True, timeout=120,
    )


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PULUMI_FIREWORKS_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{name} differs from the golden file; PULUMI_FIREWORKS_UPDATE_GOLDEN=1 rewrites it"


def test_review_of_real_previews_matches_golden_and_never_shows_secrets(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    stack, project = _stack(engine_env, emulator, tmp_path)
    _configure(stack, BEFORE, {"intro": "hello"}, ROUTE_KEYS[0])
    assert stack.up().change_summary == {"create": 7}
    _configure(stack, AFTER, {"intro": "hello again", "release": "v2 is out"}, ROUTE_KEYS[1])
    pack = write_python_policy_pack(tmp_path / "pack", POLICY_PACK)

    # The streamed form, with policies: the mandatory violation fails the preview.
    events, rc = _preview_json(stack, project, emulator, "--policy-pack", str(pack), stream=True)
    assert rc != 0
    assert '"policyEvent"' in events
    (tmp_path / "events.json").write_text(events)
    review = _review(tmp_path / "events.json", *PRICES)
    assert review.returncode == 0, review.stderr
    _check_golden("review_events.md", review.stdout)

    # The document form, every unchanged resource included.
    document, rc = _preview_json(stack, project, emulator, "--show-sames", stream=False)
    assert rc == 0
    doc = json.loads(document)
    # The provider names the changed top-level fields, not their old and new values: the
    # summary computes those itself.
    updated = [s for s in doc["steps"] if s["op"] == "update" and "dynamic/fireworks:" in s["urn"]]
    assert updated and all(set(s["detailedDiff"]) <= set(s["newState"]["inputs"]) | {"state"} for s in updated)
    (tmp_path / "preview.json").write_text(document)
    summary = _review(tmp_path / "preview.json", *PRICES)
    assert summary.returncode == 0, summary.stderr
    _check_golden("review_document.md", summary.stdout)

    for text in (review.stdout, summary.stdout):
        # Secrets: the rotated route key (old and new value) never appears; the field is named.
        for key in ROUTE_KEYS:
            assert key not in text
        assert "`direct_route_api_keys`" in text
        assert "__provider" not in text and "__name" not in text
        # Hand-computed GPU footprint (before: keep 1x1..2, swap 2x0..1, old 1x1..1, routed ?x0..1,
        # shaped 1x1..1; after: keep 1x1..4, swap 2x0..1, new 1x0..2, routed, shaped unchanged).
        assert "| `NVIDIA_A100_80GB` | 1 | 2 → 4 (+2) |" in text
        assert "| `NVIDIA_H100_80GB` | 1 → 0 (-1) | 3 → 2 (-1) |" in text
        assert "| `NVIDIA_H200_141GB` | 0 | 0 → 2 (+2) |" in text
        assert "| `unspecified (server default)` | 0 | ≥1 |" in text
        assert f"| `via shape {SHAPE.rsplit('/', 1)[-1]}` | 1 | 1 |" in text
        # Priced per month (x 730 h) at the --price figures: keep 2 -> 4 A100 x $2.90 = $4,234.00 ->
        # $8,468.00; new 2 H200 x $6.99 = $10,205.40; at max in total (keep, old 1 H100 x $5.80, swap
        # 2 H100) $16,936.00 -> (keep, new, swap) $27,141.40.
        assert "| `keep` | `NVIDIA_A100_80GB` | $2,117.00 | $4,234.00 → $8,468.00 (+$4,234.00) |" in text
        assert "| `new` | `NVIDIA_H200_141GB` | — → $0.00 | — → $10,205.40 |" in text
        assert "**$16,936.00 → $27,141.40 (+$10,205.40)** + unpriced |" in text
        assert "| **Total** | **3 → 2 (-1)** | **≥7 → ≥10** |" in text
        # The replacement names its reason; the in-place update shows the canonical duration.
        assert "replaced because of `base_model`" in text
        assert "| `autoscaling_policy.scale_to_zero_window` | *(not set)* | `600s` |" in text
    # Only the event stream says the old deployment goes before its replacement (explicit id).
    assert "the old one is **deleted before** its replacement is created (nothing serves in between)" in review.stdout
    assert "| **mandatory** | `gpu-budget/no-h200@" in review.stdout

    # CI rules on the same real JSON.
    assert _review(tmp_path / "preview.json", "--fail-on-delete").returncode == 1
    assert _review(tmp_path / "preview.json", "--fail-on-replace-protected").returncode == 0
    blocked = _review(tmp_path / "preview.json", "--fail-on-replace-protected", "--protect", "fireworks:Deployment::swap")
    assert blocked.returncode == 1
    assert "Blocked by review rules" in blocked.stdout and "fireworks:Deployment::swap" in blocked.stderr

    _configure(stack, {}, {}, ROUTE_KEYS[1])
