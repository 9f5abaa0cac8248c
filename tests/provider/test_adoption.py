"""Objects whose id the program chooses: an existing one (made elsewhere, or by a run
that was interrupted) is refused with a message naming the resource and the way in,
``adopt_existing=True`` takes it over, and a clash on another unique field (a user's
e-mail) is not blamed on the id."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from pulumi_fireworks import ResourceError
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver
from tests.support.content import LLAMA, adapter, write_files
from tests.support.inventory import server_objects


#: type -> (inputs with an explicit id, an input the adopted object must take on)
EXPLICIT: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "User": ({"email": "ann@acme.com", "role": "user", "user_id": "ann"}, {"role": "contributor"}),
    "ServiceAccount": ({"role": "user", "user_id": "robot"}, {"display_name": "robot"}),
    "Secret": ({"key_name": "TOKEN", "value": "v1", "secret_id": "token"}, {"key_name": "TOKEN_2"}),
}


@pytest.mark.parametrize("kind", sorted(EXPLICIT))
def test_an_existing_object_under_an_explicit_id_is_refused_then_adopted_when_asked(
    kind: str, emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    inputs, wanted = EXPLICIT[kind]
    driver(kind, "elsewhere").create(inputs)  # made outside this stack (or by an interrupted run)
    mine = driver(kind, "mine")
    with pytest.raises(ResourceError) as refused:
        mine.create({**inputs, **wanted})
    message = str(refused.value)
    assert message.startswith(f"fireworks:{kind} 'mine'") and "already exists" in message and "adopt_existing=True" in message
    id_, state = mine.create({**inputs, **wanted, "adopt_existing": True})
    assert id_ in inputs.values()
    assert all(state[k] == v for k, v in wanted.items())
    assert len(server_objects(emulator)) == 1


def test_a_user_whose_email_is_taken_is_not_blamed_on_its_id(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    driver("User", "ann").create({"email": "ann@acme.com", "role": "user"})
    with pytest.raises(ResourceError) as refused:
        driver("User", "ann-again").create({"email": "ann@acme.com", "role": "user", "user_id": "ann-2"})
    message = str(refused.value)
    assert "email must be unique" in message and "The id 'ann-2' is free" in message


def test_an_adopted_model_still_uploading_gets_its_files(
    emulator: RunningEmulator, driver: Callable[..., Driver], tmp_path: Path
) -> None:
    write_files(tmp_path, adapter("support"))
    inputs = {"source": str(tmp_path / "support"), "base_model": LLAMA, "model_id": "support"}
    checked = driver("Model").check(inputs)
    body = {"modelId": "support", "model": {"kind": "HF_PEFT_ADDON", "peftDetails": {
        "baseModel": LLAMA, "r": checked["peft_details"]["r"], "targetModules": checked["peft_details"]["target_modules"]}}}
    import httpx

    httpx.post(f"{emulator.url}/v1/accounts/{emulator.account_id}/models", json=body,
               headers={"Authorization": f"Bearer {emulator.api_key}"}).raise_for_status()  # interrupted before its upload
    id_, state = driver("Model").create({**inputs, "adopt_existing": True})
    assert id_ == "support" and state["state"] == "READY"
