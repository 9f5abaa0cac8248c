"""The pessimistic answers, one switch at a time: each test shows the default answer and
the one the switch gives (the value the ``pessimistic`` profile sets), through the
official SDK where it has the call. Then one LoRA lifecycle under the whole profile.

Where the sources for each answer come from: ``pulumi_fireworks.emulator.config``.
"""

from __future__ import annotations

from typing import Any

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks.types import APIKey, Deployment, Model, User
from fireworks.types.shared import DeployedModel

from pulumi_fireworks.emulator.testing import RunningEmulator

from .helpers import ADAPTER_FILES, LLAMA, api_error, lora_spec, put_file, raw, ready_lora, upload_model_files
from .strict import assert_sdk_parses
from tests.support.content import QWEN

ACCOUNT = "accounts/my-account"
ROWS = b'{"messages": [{"role": "user", "content": "hi"}]}\n'


def client_for(emulator: RunningEmulator, key: str) -> Fireworks:
    return Fireworks(api_key=key, account_id=emulator.account_id, base_url=emulator.url, max_retries=0)


# -- uploadLandingChecks -------------------------------------------------------------------------------


def test_validate_upload_answers_still_landing_n_times_then_validates(
    sdk: Fireworks, emulator: RunningEmulator
) -> None:
    ready_lora(sdk, "at-once")  # default: validated on the first call
    assert sdk.models.get("at-once").state == "READY"

    emulator.admin.set_behaviour(upload_landing_checks=3)
    sdk.models.create(model_id="slow", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "slow", ADAPTER_FILES)
    for _ in range(3):
        with pytest.raises(fireworks.BadRequestError) as exc:
            sdk.models.validate_upload("slow")
        status, code, message = api_error(exc)
        assert (status, code) == (400, 9) and "still landing" in message
        assert "adapter_config.json" in message and "adapter_model.safetensors" in message
        assert sdk.models.get("slow").state == "UPLOADING"
    assert sdk.models.validate_upload("slow").warnings is None
    assert sdk.models.get("slow").state == "READY"


def test_a_new_put_or_registration_restarts_the_landing_count(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(upload_landing_checks=2)
    sdk.models.create(model_id="m", model=lora_spec())  # type: ignore[arg-type]
    sizes = {n: str(len(b)) for n, b in ADAPTER_FILES.items()}
    urls = sdk.models.get_upload_endpoint("m", filename_to_size=sizes).filename_to_signed_urls or {}
    assert put_file(urls["adapter_config.json"], ADAPTER_FILES["adapter_config.json"]).status_code == 200
    with pytest.raises(fireworks.BadRequestError):
        sdk.models.validate_upload("m")
    data = ADAPTER_FILES["adapter_model.safetensors"]
    assert put_file(urls["adapter_model.safetensors"], data).status_code == 200  # count starts again
    for _ in range(2):
        with pytest.raises(fireworks.BadRequestError) as exc:
            sdk.models.validate_upload("m")
        assert "still landing" in api_error(exc)[2]
    sdk.models.get_upload_endpoint("m", filename_to_size=sizes)  # resumed: files kept, count starts again
    for _ in range(2):
        with pytest.raises(fireworks.BadRequestError):
            sdk.models.validate_upload("m")
    sdk.models.validate_upload("m")
    assert sdk.models.get("m").state == "READY"


@pytest.mark.parametrize(
    "files,needle",
    [
        ({"adapter_config.json": ADAPTER_FILES["adapter_config.json"]}, "adapter_model"),
        ({**ADAPTER_FILES, "README.md": b"hello"}, "unexpected file README.md"),
    ],
    ids=["missing file", "unexpected file"],
)
def test_file_problems_are_named_only_once_the_files_have_landed(
    sdk: Fireworks, emulator: RunningEmulator, files: dict[str, bytes], needle: str
) -> None:
    emulator.admin.set_behaviour(upload_landing_checks=3)
    sdk.models.create(model_id="bad", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "bad", files)
    answers = []
    for _ in range(4):
        with pytest.raises(fireworks.BadRequestError) as exc:
            sdk.models.validate_upload("bad")
        answers.append(api_error(exc))
    assert [code for _, code, _ in answers] == [9, 9, 9, 3]
    assert needle not in answers[2][2] and needle in answers[3][2]


def test_dataset_validate_upload_answers_still_landing_too(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(upload_landing_checks=1)
    sdk.datasets.create(dataset_id="rows", dataset={"user_uploaded": {}, "example_count": "1"})
    urls = sdk.datasets.get_upload_endpoint("rows", filename_to_size={"a.jsonl": str(len(ROWS))})
    assert put_file((urls.filename_to_signed_urls or {})["a.jsonl"], ROWS).status_code == 200
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.datasets.validate_upload("rows", body={})
    assert api_error(exc)[1] == 9 and "still landing (a.jsonl)" in api_error(exc)[2]
    assert raw(sdk.datasets.with_raw_response.validate_upload, "rows", body={}) == {}
    assert sdk.datasets.get("rows").state == "READY"


# -- userDeleteRoute -----------------------------------------------------------------------------------


@pytest.fixture
def jane_key(sdk: Fireworks) -> str:
    """A user with an API key; returns the key."""
    sdk.users.create(role="user", email="jane@acme.com")
    return sdk.api_keys.create("jane", api_key={"display_name": "k"}).key or ""


@pytest.mark.parametrize(
    "route,status,code",
    [("404", 404, 5), ("405", 405, 12), ("501", 501, 12)],
)
def test_without_the_user_delete_route_nothing_is_deleted(
    emulator: RunningEmulator, sdk: Fireworks, api: httpx.Client, jane_key: str, route: str, status: int, code: int
) -> None:
    emulator.admin.set_behaviour(user_delete_route=route)
    response = api.delete(f"/v1/{ACCOUNT}/users/jane")
    assert response.status_code == status, response.text
    assert response.json() == {"code": code, "message": "Not Found" if status == 404 else "Method Not Allowed",
                               "details": []}
    assert sdk.users.get("jane").state == "READY"
    assert len(sdk.api_keys.list("jane").api_keys or []) == 1
    with client_for(emulator, jane_key) as jane:
        assert [u.name for u in jane.users.list()] == [f"{ACCOUNT}/users/jane"]  # still authenticates


def test_the_user_delete_route_is_served_by_default(sdk: Fireworks, api: httpx.Client, jane_key: str,
                                                     emulator: RunningEmulator) -> None:
    assert api.delete(f"/v1/{ACCOUNT}/users/jane").json() == {}
    with pytest.raises(fireworks.NotFoundError):
        sdk.users.get("jane")
    with client_for(emulator, jane_key) as jane, pytest.raises(fireworks.AuthenticationError):
        jane.users.list()


def test_an_out_of_band_user_delete_takes_its_keys_along(
    emulator: RunningEmulator, sdk: Fireworks, jane_key: str
) -> None:
    emulator.admin.set_behaviour(user_delete_route="404")
    key_id = (sdk.api_keys.list("jane").api_keys or [])[0].key_id
    emulator.admin.delete_resource(f"{ACCOUNT}/users/jane")  # as firectl's `delete user` would
    with pytest.raises(fireworks.NotFoundError):
        sdk.users.get("jane")
    with client_for(emulator, jane_key) as jane, pytest.raises(fireworks.AuthenticationError):
        jane.users.list()
    assert [k["revoked"] for k in emulator.admin.keys() if k["keyId"] == key_id] == [True]
    with pytest.raises(httpx.HTTPStatusError):
        emulator.admin.get_resource(f"{ACCOUNT}/users/jane/apiKeys/{key_id}")
    sdk.users.create(role="user", email="jane@acme.com")  # the id and the e-mail are free again
    assert sdk.api_keys.list("jane").api_keys in (None, [])


# -- dropNewerFields -----------------------------------------------------------------------------------


def test_api_key_annotations_are_dropped(sdk: Fireworks, emulator: RunningEmulator) -> None:
    sdk.users.create(role="user", email="jane@acme.com")
    body = {"display_name": "k", "annotations": {"team": "ml"}}
    assert raw(sdk.api_keys.with_raw_response.create, "jane", api_key=body)["annotations"] == {"team": "ml"}

    emulator.admin.set_behaviour(drop_newer_fields=True)
    created = raw(sdk.api_keys.with_raw_response.create, "jane", api_key=body)
    assert "annotations" not in created and created["displayName"] == "k"
    assert_sdk_parses(APIKey, created)
    assert ["annotations" in k for k in raw(sdk.api_keys.with_raw_response.list, "jane")["apiKeys"]] == [False, False]


def test_a_server_without_permission_presets_has_no_custom_role(api: httpx.Client, emulator: RunningEmulator) -> None:
    body = {"role": "custom", "permissionPreset": "read-only", "email": "c@acme.com"}
    assert api.post(f"/v1/{ACCOUNT}/users", params={"userId": "c"}, json=body).status_code == 200

    emulator.admin.set_behaviour(drop_newer_fields=True)
    for user_id, email in (("d", "d@acme.com"), (None, "e@acme.com")):  # with and without a userId
        params = {"userId": user_id} if user_id else {}
        response = api.post(f"/v1/{ACCOUNT}/users", params=params, json={**body, "email": email})
        assert response.status_code == 400 and response.json()["code"] == 3
        assert "'role'" in response.json()["message"]
    response = api.patch(f"/v1/{ACCOUNT}/users/c", json={"role": "custom", "permissionPreset": "read-only"})
    assert response.status_code == 400 and "'role'" in response.json()["message"]
    got = api.get(f"/v1/{ACCOUNT}/users/c").json()
    assert "permissionPreset" not in got
    assert_sdk_parses(User, got)


def test_newer_deployment_fields_are_dropped_in_and_out(sdk: Fireworks, api: httpx.Client,
                                                         emulator: RunningEmulator) -> None:
    newer = {"annotations": {"team": "ml"}, "maxConcurrencyPerReplica": 8, "preemptible": True}
    body = {"baseModel": LLAMA, **newer}
    created = api.post(f"/v1/{ACCOUNT}/deployments", params={"deploymentId": "kept"}, json=body).json()
    assert {k: created[k] for k in newer} == newer

    emulator.admin.set_behaviour(drop_newer_fields=True)
    assert not set(newer) & set(api.get(f"/v1/{ACCOUNT}/deployments/kept").json())
    created = api.post(f"/v1/{ACCOUNT}/deployments", params={"deploymentId": "dropped"}, json=body).json()
    assert not set(newer) & set(created)
    patched = api.patch(f"/v1/{ACCOUNT}/deployments/dropped", params={"updateMask": "annotations,display_name"},
                        json={"annotations": {"a": "b"}, "displayName": "D"})
    assert patched.status_code == 200 and patched.json()["displayName"] == "D" and "annotations" not in patched.json()
    assert_sdk_parses(Deployment, patched.json())
    emulator.admin.set_behaviour(drop_newer_fields=False)
    assert "annotations" not in api.get(f"/v1/{ACCOUNT}/deployments/dropped").json()  # never stored


def test_newer_dataset_and_model_create_fields_are_dropped(sdk: Fireworks, api: httpx.Client,
                                                            emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(drop_newer_fields=True)
    sdk.datasets.create(dataset_id="src", dataset={"user_uploaded": {}, "example_count": "1", "format": "CHAT"})
    sdk.datasets.upload("src", file=("a.jsonl", ROWS))
    response = api.post(f"/v1/{ACCOUNT}/datasets", json={
        "datasetId": "derived", "dataset": {"exampleCount": "1"}, "sourceDatasetId": "src", "filter": "len > 1"})
    assert response.status_code == 200, response.text
    assert response.json()["transformed"] == {"sourceDatasetId": "src", "originalFormat": "CHAT"}

    spec = {"kind": "HF_BASE_MODEL", "baseModelDetails": {"worldSize": 1, "huggingfaceFiles": ["config.json"]}}
    created = api.post(f"/v1/{ACCOUNT}/models", json={"modelId": "base", "model": spec}).json()
    assert created["baseModelDetails"] == {"worldSize": 1}
    assert_sdk_parses(Model, created)


# -- resignForgetsUploads ------------------------------------------------------------------------------


@pytest.mark.parametrize("forget", [False, True], ids=["default keeps", "switched forgets"])
def test_resigning_a_model_upload(sdk: Fireworks, emulator: RunningEmulator, forget: bool) -> None:
    emulator.admin.set_behaviour(resign_forgets_uploads=forget)
    sdk.models.create(model_id="m", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "m", ADAPTER_FILES)
    sdk.models.get_upload_endpoint("m", filename_to_size={n: str(len(b)) for n, b in ADAPTER_FILES.items()})
    if not forget:
        sdk.models.validate_upload("m")
        assert sdk.models.get("m").state == "READY"
        return
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.validate_upload("m")
    assert api_error(exc)[1] == 3 and "missing file adapter_config.json" in api_error(exc)[2]
    upload_model_files(sdk, "m", ADAPTER_FILES)  # uploading everything again works
    sdk.models.validate_upload("m")
    assert sdk.models.get("m").state == "READY"


# -- ignoreSecretUpdateMask ----------------------------------------------------------------------------


def test_secret_update_mask_honoured_by_default_ignored_when_switched(
    sdk: Fireworks, api: httpx.Client, emulator: RunningEmulator
) -> None:
    sdk.secrets.create(name="tok", key_name="OLD", value="v1")
    path = f"/v1/{ACCOUNT}/secrets/tok"
    digest = emulator.admin.get_resource(f"{ACCOUNT}/secrets/tok", record=True)["meta"]["valueSha256"]

    response = api.patch(path, params={"updateMask": "value"}, json={"keyName": "NEW", "value": "v2"})
    assert response.status_code == 200 and response.json()["keyName"] == "OLD"  # only the masked path
    assert api.patch(path, params={"updateMask": "value"}, json={"value": "v3"}).status_code == 200

    emulator.admin.set_behaviour(ignore_secret_update_mask=True)
    response = api.patch(path, params={"updateMask": "value"}, json={"keyName": "NEW", "value": "v4"})
    assert response.status_code == 200 and response.json()["keyName"] == "NEW"  # the whole body
    response = api.patch(path, params={"updateMask": "value"}, json={"value": "v5"})
    assert response.status_code == 400 and "'key_name'" in response.json()["message"]
    # an absent value still keeps the old one (documented): the mask is not what keeps it
    before = emulator.admin.get_resource(f"{ACCOUNT}/secrets/tok", record=True)["meta"]["valueSha256"]
    assert api.patch(path, params={"updateMask": "key_name"}, json={"keyName": "NEWER"}).status_code == 200
    assert emulator.admin.get_resource(f"{ACCOUNT}/secrets/tok", record=True)["meta"]["valueSha256"] == before
    assert before != digest


# -- protoImmutableFields ------------------------------------------------------------------------------


def test_conversation_config_is_immutable_as_the_protos_say(api: httpx.Client, sdk: Fireworks,
                                                             emulator: RunningEmulator) -> None:
    sdk.models.create(model_id="m", model={**lora_spec(), "conversation_config": {"style": "jinja"}})  # type: ignore[arg-type]
    path = f"/v1/{ACCOUNT}/models/m"
    changed = {"conversationConfig": {"style": "chatml"}}
    response = api.patch(path, params={"updateMask": "conversation_config"}, json=changed)
    assert response.status_code == 200 and response.json()["conversationConfig"] == {"style": "chatml"}

    emulator.admin.set_behaviour(proto_immutable_fields=True)
    for mask in ("conversation_config", None):
        params = {"updateMask": mask} if mask else {}
        response = api.patch(path, params=params, json={**changed, "conversationConfig": {"style": "jinja"}})
        assert response.status_code == 400 and response.json()["code"] == 3
        assert "'conversation_config'" in response.json()["message"]
    # AIP-203: repeating the unchanged value is fine
    response = api.patch(path, params={"updateMask": "conversation_config,display_name"},
                         json={**changed, "displayName": "D"})
    assert response.status_code == 200 and response.json()["displayName"] == "D"


def test_the_autoscaling_policy_stays_mutable(api: httpx.Client, sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(proto_immutable_fields=True)
    sdk.deployments.create(base_model=LLAMA, deployment_id="d")
    response = api.patch(f"/v1/{ACCOUNT}/deployments/d", params={"updateMask": "autoscaling_policy.scale_up_window"},
                         json={"autoscalingPolicy": {"scaleUpWindow": "60s"}})
    assert response.status_code == 200 and response.json()["autoscalingPolicy"]["scaleUpWindow"] == "60s"
    response = api.patch(f"/v1/{ACCOUNT}/deployments/d", params={"updateMask": "base_model"},
                         json={"baseModel": QWEN})
    assert response.status_code == 400 and "'base_model'" in response.json()["message"]


# -- failedLoadsUnspecified ----------------------------------------------------------------------------


@pytest.mark.parametrize("unspecified", [False, True], ids=["default keeps DEPLOYING", "switched"])
def test_a_failed_load(sdk: Fireworks, emulator: RunningEmulator, unspecified: bool) -> None:
    emulator.admin.set_behaviour(failed_loads_unspecified=unspecified)
    emulator.admin.add_lifecycle_rule(collection="deployedModels", states=["DEPLOYING"], outcome="FAILED",
                                      message="LoRA failed to load", status_code="FAILED_PRECONDITION")
    sdk.deployments.create(base_model=LLAMA, deployment_id="multi", enable_addons=True)
    loaded = sdk.lora.load(model=ready_lora(sdk, "a"), deployment=f"{ACCOUNT}/deployments/multi")
    dm_id = str(loaded.name).rsplit("/", 1)[1]
    got = raw(sdk.lora.with_raw_response.get, dm_id)
    assert got["status"] == {"code": "FAILED_PRECONDITION", "message": "LoRA failed to load"}
    if not unspecified:
        assert got["state"] == "DEPLOYING"
        return
    assert "state" not in got  # the zero value: omitted (protojson)
    emulator.admin.set_behaviour(emit_zero_values=True)
    spelled = raw(sdk.lora.with_raw_response.get, dm_id)
    assert spelled["state"] == "STATE_UNSPECIFIED"
    assert_sdk_parses(DeployedModel, spelled)


# -- the whole profile ---------------------------------------------------------------------------------


def test_a_lora_lifecycle_under_the_pessimistic_profile(sdk: Fireworks, api: httpx.Client,
                                                       emulator: RunningEmulator) -> None:
    emulator.admin.set_behaviour(profile="pessimistic")
    sdk.deployments.create(base_model=LLAMA, deployment_id="multi", enable_addons=True,
                           extra_body={"annotations": {"team": "ml"}})  # a field the SDK does not know
    sdk.models.create(model_id="adapter", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "adapter", ADAPTER_FILES)
    polls = 0
    while True:  # as the docs say: poll validateUpload until it returns 200
        polls += 1
        try:
            sdk.models.validate_upload("adapter")
            break
        except fireworks.BadRequestError as exc:
            assert exc.body["code"] == 9 and polls < 10  # type: ignore[index]
    assert polls == 4
    assert_sdk_parses(Model, raw(sdk.models.with_raw_response.get, "adapter"))
    loaded = sdk.lora.load(model=f"{ACCOUNT}/models/adapter", deployment=f"{ACCOUNT}/deployments/multi")
    dm_id = str(loaded.name).rsplit("/", 1)[1]
    assert assert_sdk_parses(DeployedModel, raw(sdk.lora.with_raw_response.get, dm_id)).state == "DEPLOYED"
    deployment_body = raw(sdk.deployments.with_raw_response.get, "multi")
    assert_sdk_parses(Deployment, deployment_body)  # strict: no field SDK 1.2.30 lacks
    sdk.lora.unload(dm_id)
    with pytest.raises(fireworks.InternalServerError):  # the missing-secret answer of the real service
        sdk.secrets.get("nope")
    sdk.users.create(role="user", email="jane@acme.com")
    assert api.delete(f"/v1/{ACCOUNT}/users/jane").status_code == 404
    emulator.admin.delete_resource(f"{ACCOUNT}/users/jane")
    with pytest.raises(fireworks.NotFoundError):
        sdk.users.get("jane")
