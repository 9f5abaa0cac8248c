"""Every example under examples/ runs as a user would run it: up, then a preview with
nothing to change, then destroy, against the emulator."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.engine import EngineEnv

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: Config each example needs (secret values are set as secrets, as its docstring says).
CONFIG: dict[str, dict[str, str]] = {}
SECRET_CONFIG: dict[str, dict[str, str]] = {
    "team-access": {"hfToken": "hf_example_token", "wandbKey": "wandb_example_key"},
}


#: Examples whose own engine test walks them further than up, preview and destroy.
WALKED_ELSEWHERE = {
    "fine-tune-and-serve": "tests/engine/test_fine_tuning.py",
    "reinforcement-fine-tuning": "tests/engine/test_reinforcement_fine_tuning.py",
    "quota": "tests/engine/test_quota.py",
}


def example_dirs() -> list[str]:
    return sorted(p.name for p in EXAMPLES.iterdir() if (p / "Pulumi.yaml").is_file() and p.name not in WALKED_ELSEWHERE)


def test_every_example_is_covered() -> None:
    assert {"quickstart", "team-access", "fine-tuned-assistant", "lora-serving"} <= set(example_dirs())
    assert all((EXAMPLES / name / "Pulumi.yaml").is_file() for name in WALKED_ELSEWHERE)


@pytest.mark.parametrize("example", example_dirs())
def test_example_converges_with_no_diff(
    example: str, engine_env: EngineEnv, emulator: RunningEmulator, tmp_path: Path
) -> None:
    project = shutil.copytree(EXAMPLES / example, tmp_path / example)
    stack = engine_env.stack(
        project,
        env_vars=emulator.env(),
        config=CONFIG.get(example),
        secret_config=SECRET_CONFIG.get(example),
    )
    up = stack.up()
    assert up.change_summary.get("create", 0) >= 2
    assert stack.preview().change_summary == {"same": sum(up.change_summary.values())}
    assert stack.destroy().change_summary == {"delete": sum(up.change_summary.values())}
    assert stack.resources() == []
