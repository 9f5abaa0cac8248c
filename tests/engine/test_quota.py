"""The account's spend limit as code, through the real engine: examples/quota walked from
up to destroy.

What a Quota does at each call is tested at the provider tier (tests/provider/test_quotas.py,
test_lifecycles.py); here is what only the engine shows: a plan with nothing to do after
up, an in-place update from a config change, a change made elsewhere that refresh records
and the next up repairs, and a destroy that gives the account back its own value. The
example's lookups (get_quota, list_quotas) run in every step.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.engine import EngineEnv

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quota"


def test_spend_limit_set_updated_repaired_and_given_back(
    engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    spend = f"accounts/{emulator.account_id}/quotas/monthly-spend-usd"
    folder = shutil.copytree(EXAMPLE, tmp_path / "example", ignore=shutil.ignore_patterns("__pycache__"))
    stack = engine_env.stack(folder, env_vars=emulator.env())

    up = stack.up()
    assert up.change_summary == {"create": 2}
    assert up.outputs["spend_limit"] == 5000 and up.outputs["spend_limit_before"] == 500
    assert emulator.admin.get_resource(spend)["value"] == "5000"
    assert up.outputs["h100_headroom"] == 8
    snapshot = {q["quota_id"]: q for q in up.outputs["quotas"]}
    assert snapshot["monthly-spend-usd"]["max_value"] == 5000  # the review's --quotas snapshot
    assert stack.preview().change_summary == {"same": 2}

    stack.set_config("budget", "3000")
    update = stack.up()
    assert update.change_summary == {"same": 1, "update": 1}
    assert emulator.admin.get_resource(spend)["value"] == "3000" and update.outputs["spend_limit_before"] == 500

    emulator.admin.patch_resource(spend, {"value": "50"})  # `firectl update quota` by someone else
    assert stack.refresh().change_summary == {"same": 1, "update": 1}
    assert stack.preview().change_summary == {"same": 1, "update": 1}
    assert stack.up().change_summary == {"same": 1, "update": 1}
    assert emulator.admin.get_resource(spend)["value"] == "3000"

    assert stack.destroy().change_summary == {"delete": 2}
    assert emulator.admin.get_resource(spend)["value"] == "500"  # the new account's limit, as found
    assert stack.resources() == []

