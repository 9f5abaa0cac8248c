"""The review's money section on a real `pulumi preview --json` (the engine's JSON, the emulator's
token count): a deployment scaling from max 2 to max 8 H100s and a fine-tuning job added. The
arithmetic itself is hand-checked at the unit tier (tests/unit/test_review_costs.py); here is
what only the engine's output shows: the inputs and outputs reach the summary in the shapes the
engine writes them, and the threshold fails the CI step.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.engine.conftest import ResourcesStack, set_resources
from tests.support.content import LLAMA

ROWS = [{"messages": [{"role": "user", "content": f"question {i}"}, {"role": "assistant", "content": "an answer"}]}
        for i in range(40)]


def stack_spec(max_replicas: int, with_job: bool) -> dict[str, dict[str, Any]]:
    spec: dict[str, dict[str, Any]] = {
        "chat": {"type": "Deployment", "inputs": {"base_model": LLAMA, "deployment_id": "chat", "accelerator_type": "NVIDIA_H100_80GB",
                                                  "accelerator_count": 1, "min_replica_count": 0, "max_replica_count": max_replicas}},
        "train": {"type": "Dataset", "inputs": {"rows": ROWS, "format": "CHAT"}},
    }
    if with_job:
        spec["tune"] = {"type": "SupervisedFineTuningJob", "inputs": {"dataset": "${train.name}", "base_model": LLAMA, "epochs": 3}}
    return spec


def test_a_real_preview_is_priced_and_the_increase_threshold_fails_the_check(
    resources_stack: ResourcesStack, tmp_path: Path
) -> None:
    stack = resources_stack(stack_spec(2, with_job=False))
    stack.up()
    tokens = int(stack.outputs()["train"]["estimated_token_count"])  # counted by the service (emulator: bytes / 4)
    set_resources(stack, stack_spec(8, with_job=True))
    preview = stack.cli("preview", "--json", "--show-sames")
    source = tmp_path / "preview.json"
    source.write_text(preview.stdout)
    summary = tmp_path / "summary.md"
    done = subprocess.run([sys.executable, "-m", "pulumi_fireworks.review", str(source), "-o", str(summary),
                           "--max-monthly-increase", "30000"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "rises by $35,040.00 ($11,680.00 → $46,720.00), above --max-monthly-increase $30,000.00" in done.stderr
    text = summary.read_text()
    assert "list prices as of 2026-10-07" in text and "Blocked by review rules" in text
    training = f"{tokens:,} tokens x 3 epochs = {tokens * 3:,} at $0.50/1M (8B, ≤ 16B)"
    assert training in text, text
    assert json.loads(preview.stdout)["changeSummary"] == {"create": 1, "same": 2, "update": 1}
