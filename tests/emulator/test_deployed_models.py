"""Deployed models (LoRA loads, ``client.lora``): conformance, the load flow, the rules."""

from __future__ import annotations

from typing import Any

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks.types.shared import DeployedModel
from hypothesis import given
from hypothesis import strategies as st

from pulumi_fireworks.emulator.rules.deployed_models import new_deployed_model_id
from pulumi_fireworks.emulator.testing import RunningEmulator
from pulumi_fireworks.emulator.validation import check_id

from .helpers import LLAMA, NON_SERVERLESS_BASE, api_error, lora_spec, raw, ready_lora
from .strict import assert_sdk_parses

DEPLOYMENTS = "accounts/my-account/deployments"


@pytest.fixture
def multi_lora(sdk: Fireworks) -> str:
    sdk.deployments.create(base_model=LLAMA, deployment_id="multi", enable_addons=True)
    return f"{DEPLOYMENTS}/multi"


def short(name: Any) -> str:
    return str(name).rsplit("/", 1)[1]


def test_every_lora_method_through_the_sdk(sdk: Fireworks, multi_lora: str) -> None:
    model = ready_lora(sdk, "my-adapter")
    lora = sdk.lora.with_raw_response
    loaded = assert_sdk_parses(DeployedModel, raw(lora.load, model=model, deployment=multi_lora, display_name="A"))
    assert loaded.state == "DEPLOYING" and loaded.default is True and loaded.model == model
    assert (loaded.name or "").startswith("accounts/my-account/deployedModels/my-adapter-")
    dm_id = short(loaded.name)

    got = assert_sdk_parses(DeployedModel, raw(lora.get, dm_id))
    assert got.state == "DEPLOYED" and got.status and got.status.code == "OK"

    updated = assert_sdk_parses(DeployedModel, raw(lora.update, dm_id, display_name="B", description="d", public=True))
    assert (updated.display_name, updated.public, updated.state) == ("B", True, "UPDATING")
    assert sdk.lora.get(dm_id).state == "DEPLOYED"

    listed = raw(lora.list)
    assert [i["name"] for i in listed["deployedModels"]] == [loaded.name]
    for item in listed["deployedModels"]:
        assert_sdk_parses(DeployedModel, item)

    assert raw(lora.unload, dm_id) == {}
    with pytest.raises(fireworks.NotFoundError):
        sdk.lora.get(dm_id)


def test_unload_goes_through_undeploying(sdk: Fireworks, emulator: RunningEmulator, multi_lora: str) -> None:
    emulator.admin.add_lifecycle_rule(collection="deployedModels", states=["UNDEPLOYING"], timing={"reads": 1})
    loaded = sdk.lora.load(model=ready_lora(sdk, "a"), deployment=multi_lora)
    sdk.lora.unload(short(loaded.name))
    assert sdk.lora.get(short(loaded.name)).state == "UNDEPLOYING"
    with pytest.raises(fireworks.NotFoundError):
        sdk.lora.get(short(loaded.name))


def test_deployment_with_a_lora_is_in_use(sdk: Fireworks, multi_lora: str) -> None:
    loaded = sdk.lora.load(model=ready_lora(sdk, "a"), deployment=multi_lora)
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.deployments.delete("multi")
    status, code, message = api_error(exc)
    assert (status, code) == (400, 9) and (loaded.name or "") in message
    sdk.lora.unload(short(loaded.name))
    sdk.deployments.delete("multi")  # the unload is due: no GET needed in between


@pytest.mark.parametrize("base", [LLAMA, NON_SERVERLESS_BASE], ids=["serverless base", "no serverless base"])
def test_a_load_without_a_deployment_is_refused(sdk: Fireworks, base: str) -> None:
    # SDK 1.2.30: "LoRA models require a dedicated deployment"; the docs: "Serverless
    # deployment is not supported for LoRA models" -- whatever the base model supports.
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.lora.load(model=ready_lora(sdk, "a", base=base))
    status, code, message = api_error(exc)
    assert (status, code) == (400, 3) and "'deployment'" in message
    assert sdk.lora.list().deployed_models in (None, [])  # nothing was loaded


def test_loading_twice_onto_the_same_deployment_is_409(sdk: Fireworks, multi_lora: str) -> None:
    loaded = sdk.lora.load(model=ready_lora(sdk, "a"), deployment=multi_lora)
    assert loaded.deployment == multi_lora and loaded.default is True
    with pytest.raises(fireworks.ConflictError):
        sdk.lora.load(model=loaded.model or "", deployment=multi_lora)  # already loaded there


def test_default_moves_to_the_newest_explicit_default(sdk: Fireworks, multi_lora: str) -> None:
    model = ready_lora(sdk, "a")
    sdk.deployments.create(base_model=LLAMA, deployment_id="second", enable_addons=True)
    first = sdk.lora.load(model=model, deployment=multi_lora)
    second = sdk.lora.load(model=model, deployment=f"{DEPLOYMENTS}/second")
    assert (first.default, second.default) == (True, None)
    sdk.lora.update(short(second.name), default=True)
    assert sdk.lora.get(short(first.name)).default in (None, False)  # proto3: false is omitted
    assert sdk.lora.get(short(second.name)).default is True


def test_hot_reload_deployment_needs_replace_merged_addon(sdk: Fireworks) -> None:
    sdk.deployments.create(base_model=LLAMA, deployment_id="hot", enable_hot_reload_latest_addon=True)
    first, second = ready_lora(sdk, "a"), ready_lora(sdk, "b")
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.lora.load(model=first, deployment=f"{DEPLOYMENTS}/hot")
    assert "'replace_merged_addon'" in api_error(exc)[2]
    one = sdk.lora.load(model=first, deployment=f"{DEPLOYMENTS}/hot", replace_merged_addon=True)
    two = sdk.lora.load(model=second, deployment=f"{DEPLOYMENTS}/hot", replace_merged_addon=True)
    assert [d.name for d in sdk.lora.list()] == [two.name]  # the merged addon was replaced
    assert one.name != two.name


def test_list_pages_through_the_sdk_pager(sdk: Fireworks, multi_lora: str) -> None:
    names = {sdk.lora.load(model=ready_lora(sdk, f"m{i}"), deployment=multi_lora).name for i in range(3)}
    assert {d.name for d in sdk.lora.list(page_size=1)} == names


def test_model_refs_follow_the_load(sdk: Fireworks, multi_lora: str) -> None:
    loaded = sdk.lora.load(model=ready_lora(sdk, "a"), deployment=multi_lora)
    assert [r.name for r in sdk.models.get("a").deployed_model_refs or []] == [loaded.name]


# -- bad loads ---------------------------------------------------------------------------------------


def test_loading_a_lora_still_uploading_is_failed_precondition(sdk: Fireworks, multi_lora: str) -> None:
    model = sdk.models.create(model_id="raw", model=lora_spec())  # type: ignore[arg-type]
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.lora.load(model=model.name or "", deployment=multi_lora)
    status, code, message = api_error(exc)
    assert (status, code) == (400, 9) and "UPLOADING" in message


BAD_LOADS: list[tuple[str, dict[str, Any], dict[str, Any], int, int, str]] = [
    ("no model", {}, {}, 400, 3, "'model'"),
    ("malformed model", {"model": "my-lora"}, {}, 400, 3, "'model'"),
    ("missing model", {"model": "accounts/my-account/models/nope", "deployment": "@multi"}, {}, 404, 5, "model"),
    ("no deployment", {"model": "@lora"}, {}, 400, 3, "'deployment'"),
    ("serverless true", {"model": "@lora", "serverless": True}, {}, 400, 3, "'serverless'"),
    ("base model, not addon", {"model": LLAMA, "deployment": "@multi"}, {}, 400, 3, "'model'"),
    ("malformed deployment", {"model": "@lora", "deployment": "multi"}, {}, 400, 3, "'deployment'"),
    ("foreign deployment", {"model": "@lora", "deployment": "accounts/other/deployments/x"}, {}, 400, 3,
     "'deployment'"),
    ("missing deployment", {"model": "@lora", "deployment": f"{DEPLOYMENTS}/nope"}, {}, 404, 5, "deployment"),
    ("no addons on deployment", {"model": "@lora", "deployment": "@plain"}, {}, 400, 9, "enable_addons"),
    ("base mismatch", {"model": "@lora", "deployment": "@other-base"}, {}, 400, 3, "'model'"),
    ("long display name", {"model": "@lora", "deployment": "@multi", "displayName": "x" * 64}, {}, 400, 3,
     "'display_name'"),
    ("replaceMergedAddon not a bool", {"model": "@lora", "deployment": "@multi"}, {"replaceMergedAddon": "maybe"},
     400, 3, "'replaceMergedAddon'"),
]


@pytest.mark.parametrize("body,query,status,code,needle", [r[1:] for r in BAD_LOADS], ids=[r[0] for r in BAD_LOADS])
def test_bad_load(api: httpx.Client, sdk: Fireworks, body: dict[str, Any], query: dict[str, Any], status: int,
                  code: int, needle: str) -> None:
    lora = ready_lora(sdk, "lora")
    sdk.deployments.create(base_model=LLAMA, deployment_id="multi", enable_addons=True)
    sdk.deployments.create(base_model=LLAMA, deployment_id="plain")
    sdk.deployments.create(base_model=NON_SERVERLESS_BASE, deployment_id="other-base", enable_addons=True)
    resolved = {k: (lora if v == "@lora" else f"{DEPLOYMENTS}/{v[1:]}" if isinstance(v, str) and v.startswith("@")
                    else v) for k, v in body.items()}
    response = api.post("/v1/accounts/my-account/deployedModels", json=resolved, params=query)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code and needle in response.json()["message"]


def test_loading_onto_a_deployment_still_creating_is_failed_precondition(
    sdk: Fireworks, emulator: RunningEmulator
) -> None:
    emulator.admin.add_lifecycle_rule(collection="deployments", states=["CREATING"], outcome="STUCK")
    sdk.deployments.create(base_model=LLAMA, deployment_id="stuck", enable_addons=True)
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.lora.load(model=ready_lora(sdk, "a"), deployment=f"{DEPLOYMENTS}/stuck")
    assert api_error(exc)[1] == 9 and "CREATING" in api_error(exc)[2]


def test_model_and_deployment_are_immutable(api: httpx.Client, sdk: Fireworks, multi_lora: str) -> None:
    loaded = sdk.lora.load(model=ready_lora(sdk, "a"), deployment=multi_lora)
    url = f"/v1/accounts/my-account/deployedModels/{short(loaded.name)}"
    response = api.patch(url, json={"model": ready_lora(sdk, "b")})
    assert response.status_code == 400 and "'model'" in response.json()["message"]
    response = api.patch(url, json={"model": loaded.model, "displayName": "same model is fine"})
    assert response.status_code == 200 and response.json()["displayName"] == "same model is fine"


def test_failed_load_keeps_deploying_with_an_error_status(
    sdk: Fireworks, emulator: RunningEmulator, multi_lora: str
) -> None:
    emulator.admin.add_lifecycle_rule(collection="deployedModels", states=["DEPLOYING"], outcome="FAILED",
                                      message="LoRA failed to load", status_code="FAILED_PRECONDITION")
    loaded = sdk.lora.load(model=ready_lora(sdk, "a"), deployment=multi_lora)
    got = sdk.lora.get(short(loaded.name))
    assert got.state == "DEPLOYING" and got.status and got.status.code == "FAILED_PRECONDITION"


# -- pure rules ----------------------------------------------------------------------------------------


@given(st.from_regex(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?", fullmatch=True))
def test_generated_ids_are_valid_ids_prefixed_by_the_model_id(model_id: str) -> None:
    generated = new_deployed_model_id(model_id)
    check_id("deployed_model_id", generated)  # raises if invalid
    stem, _, suffix = generated.rpartition("-")
    assert model_id.startswith(stem) and len(suffix) == 8
