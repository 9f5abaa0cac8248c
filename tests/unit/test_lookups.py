"""The plain lookups against the emulator (served in-process): results, configuration,
errors, retries, and requests checked against the official SDK."""

from __future__ import annotations

import json
from typing import Any, Callable

import httpx
import pytest
from fireworks import Fireworks
from pydantic import ValidationError

import pulumi_fireworks as fireworks
from pulumi_fireworks._config import Settings
from pulumi_fireworks._errors import NotFoundError
from pulumi_fireworks._http import Client
from pulumi_fireworks.emulator.testing import RunningEmulator
from pulumi_fireworks.lookups import _session
from tests.support.content import LLAMA

FAST = "accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct-fast/versions/v2"
MINIMAL = "accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct-minimal/versions/v2"


@pytest.fixture
def emulator(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> RunningEmulator:
    """The reset emulator, which the environment points lookups at (no stack config)."""
    for key, value in emulator.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    return emulator


def api(emulator: RunningEmulator) -> httpx.Client:
    return emulator.client(base_url=f"{emulator.url}/v1/accounts/{emulator.account_id}")


def make_objects(emulator: RunningEmulator) -> None:
    """A deployment ``chat`` (with a direct-route key) and a service account ``ci``."""
    with api(emulator) as http:
        http.post("/deployments", params={"deploymentId": "chat"}, json={
            "baseModel": LLAMA, "deploymentShape": FAST.split("/versions/")[0], "minReplicaCount": 0,
            "maxReplicaCount": 2, "autoscalingPolicy": {"scaleToZeroWindow": "600s"},
            "directRouteType": "INTERNET", "directRouteApiKeys": ["route-secret-1"], "annotations": {"team": "ml"},
        }).raise_for_status()
        http.post("/users", params={"userId": "ci"}, json={"role": "inference-user", "serviceAccount": True}).raise_for_status()


def every_lookup() -> dict[str, Any]:
    return {
        "account": fireworks.get_account(),
        "model": fireworks.get_model(LLAMA),
        "models": fireworks.list_models(account_id="fireworks", filter="supports_lora=true"),
        "deployment": fireworks.get_deployment("chat"),
        "shape": fireworks.get_deployment_shape(base_model=LLAMA, accelerator_type="NVIDIA_H100_80GB"),
        "user": fireworks.get_user("ci"),
    }


def test_every_lookup_returns_its_typed_result(emulator: RunningEmulator) -> None:
    make_objects(emulator)
    found = every_lookup()
    account = found["account"]
    assert (account.account_id, account.state, account.suspend_state) == (emulator.account_id, "READY", "UNSUSPENDED")
    model = found["model"]
    assert (model.name, model.model_id, model.account_id) == (LLAMA, "llama-v3p1-8b-instruct", "fireworks")
    assert (model.context_length, model.supports_lora, model.supports_serverless, model.kind) == (131072, True, True, "HF_BASE_MODEL")
    assert model.base_model_details is not None and model.base_model_details.parameter_count == 8030261248
    assert model.supported_precisions == ("FP16", "FP8") and model.peft_details is None
    assert len(found["models"].models) == 11 and found["models"].account_id == "fireworks"
    deployment = found["deployment"]
    assert deployment.name == f"accounts/{emulator.account_id}/deployments/chat"
    assert (deployment.deployment_id, deployment.base_model, deployment.deployment_shape) == ("chat", LLAMA, FAST)
    assert deployment.inference_model == f"{LLAMA}#{deployment.name}"
    assert (deployment.min_replica_count, deployment.max_replica_count, deployment.accelerator_type) == (0, 2, "NVIDIA_H100_80GB")
    assert deployment.autoscaling_policy is not None and deployment.autoscaling_policy.scale_to_zero_window == "600s"
    assert deployment.annotations == {"team": "ml"}
    shape = found["shape"]
    assert (shape.name, shape.shape_id, shape.version_id, shape.preset_type) == (FAST, "llama-v3p1-8b-instruct-fast", "v2", "FAST")
    assert (shape.validated, shape.latest_validated, shape.base_model, shape.accelerator_count) == (True, True, LLAMA, 1)
    user = found["user"]
    assert (user.user_id, user.role, user.service_account) == ("ci", "inference-user", True)
    assert user.email == f"ci@{emulator.account_id}.sa.fireworks.ai"


def test_results_are_frozen(emulator: RunningEmulator) -> None:
    model = fireworks.get_model(LLAMA)
    with pytest.raises(ValidationError):
        model.context_length = 1  # type: ignore[misc]
    assert model.model_dump()["context_length"] == 131072


def test_results_read_the_same_when_the_server_spells_out_zero_values(emulator: RunningEmulator) -> None:
    make_objects(emulator)
    omitted = {name: result.model_dump() for name, result in every_lookup().items()}
    emulator.admin.set_behaviour(emit_zero_values=True)
    spelled_out = {name: result.model_dump() for name, result in every_lookup().items()}
    assert spelled_out == omitted
    assert omitted["deployment"]["enable_addons"] is False and omitted["deployment"]["draft_model"] is None
    assert omitted["account"]["account_type"] is None  # ACCOUNT_TYPE_UNSPECIFIED


def test_a_deployment_result_never_carries_its_direct_route_keys(emulator: RunningEmulator) -> None:
    make_objects(emulator)
    dumped = json.dumps(fireworks.get_deployment("chat").model_dump())
    assert "route-secret-1" not in dumped and "direct_route_api_keys" not in dumped


def test_ids_and_full_names_find_the_same_objects(emulator: RunningEmulator) -> None:
    make_objects(emulator)
    account = f"accounts/{emulator.account_id}"
    assert fireworks.get_deployment("chat") == fireworks.get_deployment(f"{account}/deployments/chat")
    assert fireworks.get_user("ci") == fireworks.get_user(f"{account}/users/ci")
    assert fireworks.list_models(account_id=account).models == ()


def test_the_account_is_discovered_when_not_configured(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIREWORKS_ACCOUNT_ID")
    emulator.admin.clear_requests()
    assert fireworks.get_account().account_id == emulator.account_id
    assert fireworks.get_account().account_id == emulator.account_id
    paths = [r["path"] for r in emulator.admin.requests()]
    assert paths.count("/v1/accounts") == 1  # discovered once per configuration


def test_stack_config_wins_over_the_environment(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    # The program's config reaches it as PULUMI_CONFIG; the environment holds a wrong key.
    monkeypatch.setenv("FIREWORKS_API_KEY", "fw-wrong-key")
    monkeypatch.setenv("FIREWORKS_BASE_URL", "https://unused.example.com")
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({
        "fireworks:apiKey": emulator.api_key, "fireworks:baseUrl": emulator.url,
        "fireworks:accountId": emulator.account_id,
    }))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(["fireworks:apiKey"]))
    assert fireworks.get_account().account_id == emulator.account_id


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fireworks.get_model("accounts/fireworks/models/nope"),
         "fireworks: model 'accounts/fireworks/models/nope' not found (get_model)"),
        (lambda: fireworks.get_model("nope"), "fireworks: model 'accounts/{account}/models/nope' not found (get_model)"),
        (lambda: fireworks.get_deployment("gone"), "fireworks: deployment 'accounts/{account}/deployments/gone' not found (get_deployment)"),
        (lambda: fireworks.get_user("nobody"), "fireworks: user 'accounts/{account}/users/nobody' not found (get_user)"),
        (lambda: fireworks.get_deployment_shape(base_model="accounts/fireworks/models/nope"),
         "fireworks: model 'accounts/fireworks/models/nope' not found (get_deployment_shape)"),
    ],
)
def test_a_missing_object_is_one_line_naming_it_and_the_lookup(
    emulator: RunningEmulator, call: Callable[[], Any], message: str
) -> None:
    with pytest.raises(fireworks.LookupFailedError) as failure:
        call()
    assert str(failure.value) == message.format(account=emulator.account_id)
    assert failure.value.not_found and isinstance(failure.value.__cause__, NotFoundError)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fireworks.get_model("llama/v3"), "fireworks: get_model: 'llama/v3' is not a model name"),
        (lambda: fireworks.get_deployment("accounts/a/models/m"), "fireworks: get_deployment: 'accounts/a/models/m' is not a deployment name"),
        (lambda: fireworks.get_user("ci?x=1"), "fireworks: get_user: 'ci?x=1' is not a user name"),
        (lambda: fireworks.get_user(""), "fireworks: get_user: expected a user name or id, got ''"),
        (lambda: fireworks.list_models(account_id="a/b"), "fireworks: list_models: 'a/b' is not an account id"),
    ],
)
def test_a_malformed_name_is_refused_before_any_call(emulator: RunningEmulator, call: Callable[[], Any], message: str) -> None:
    emulator.admin.clear_requests()
    with pytest.raises(fireworks.LookupFailedError) as failure:
        call()
    assert str(failure.value).startswith(message) and not failure.value.not_found
    assert emulator.admin.requests() == []


def test_api_errors_say_what_to_do_and_never_show_the_key(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIREWORKS_API_KEY", "fw-revoked-key-123")
    with pytest.raises(fireworks.LookupFailedError) as failure:
        fireworks.get_model(LLAMA)
    assert str(failure.value) == (
        f"fireworks: get_model('{LLAMA}') failed: 401 UNAUTHENTICATED: invalid API key\n"
        "  To fix: check the API key (`pulumi config set --secret fireworks:apiKey ...` or FIREWORKS_API_KEY)."
    )
    monkeypatch.delenv("FIREWORKS_API_KEY")
    with pytest.raises(fireworks.LookupFailedError) as failure:
        fireworks.get_account()
    assert "No Fireworks API key" in str(failure.value) and str(failure.value).startswith("fireworks: get_account(")


def test_another_accounts_objects_are_refused_with_the_apis_words(emulator: RunningEmulator) -> None:
    with pytest.raises(fireworks.LookupFailedError) as failure:
        fireworks.get_deployment("accounts/other-team/deployments/chat")
    assert "403 PERMISSION_DENIED" in str(failure.value) and not failure.value.not_found
    assert emulator.api_key not in str(failure.value)


def test_lookups_retry_like_every_request(emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="GET", path=f"/v1/{LLAMA}", times=2,
                             action={"type": "error", "status": 503, "retryAfter": 0})
    emulator.admin.clear_requests()
    assert fireworks.get_model(LLAMA).context_length == 131072
    assert [r["status"] for r in emulator.admin.requests()] == [503, 503, 200]


def test_the_shape_lookup_narrows_by_accelerator_and_preset(emulator: RunningEmulator) -> None:
    assert fireworks.get_deployment_shape(base_model=LLAMA, accelerator_type="NVIDIA_A100_80GB").name == MINIMAL
    assert fireworks.get_deployment_shape(base_model=LLAMA, preset_type="FAST").name == FAST
    assert fireworks.get_deployment_shape(base_model=LLAMA, accelerator_type="NVIDIA_H100_80GB", enable_addons=True).name == FAST
    # Only the latest validated version counts: llama-8b-minimal's v3 is newer but not validated.
    assert fireworks.get_deployment_shape(base_model=LLAMA, preset_type="MINIMAL").version_id == "v2"
    with pytest.raises(fireworks.LookupFailedError) as ambiguous:
        fireworks.get_deployment_shape(base_model=LLAMA)
    assert str(ambiguous.value).startswith(f"fireworks: 2 validated deployment shapes fit base model '{LLAMA}' (get_deployment_shape): ")
    assert FAST.split("/versions/")[0] in str(ambiguous.value) and not ambiguous.value.not_found
    with pytest.raises(fireworks.LookupFailedError) as elsewhere:
        fireworks.get_deployment_shape(base_model=LLAMA, accelerator_type="NVIDIA_B200_180GB")
    assert str(elsewhere.value) == (
        f"fireworks: no validated deployment shape for base model '{LLAMA}' on NVIDIA_B200_180GB "
        "(get_deployment_shape); validated shapes run on: NVIDIA_A100_80GB, NVIDIA_H100_80GB"
    )
    with pytest.raises(fireworks.LookupFailedError) as unvalidated:
        fireworks.get_deployment_shape(base_model="accounts/fireworks/models/gpt-oss-120b")
    assert unvalidated.value.not_found
    assert str(unvalidated.value) == (
        "fireworks: no validated deployment shape for base model 'accounts/fireworks/models/gpt-oss-120b' "
        "(get_deployment_shape)"
    )


def test_the_shape_for_an_adapter_is_its_base_models(emulator: RunningEmulator) -> None:
    with api(emulator) as http:
        http.post("/models", json={"modelId": "my-lora", "model": {
            "kind": "HF_PEFT_ADDON", "peftDetails": {"baseModel": LLAMA, "r": 8, "targetModules": ["q_proj"]},
        }}).raise_for_status()
    shape = fireworks.get_deployment_shape(base_model="my-lora", accelerator_type="NVIDIA_H100_80GB")
    assert shape.name == FAST
    lora = fireworks.get_model("my-lora")
    assert lora.peft_details is not None and (lora.peft_details.base_model, lora.peft_details.r) == (LLAMA, 8)


def test_list_models_filters_and_orders_by_name(emulator: RunningEmulator) -> None:
    found = fireworks.list_models(account_id="fireworks", filter='kind="HF_BASE_MODEL" AND context_length>131072')
    assert found.names == ("accounts/fireworks/models/deepseek-v3p1", "accounts/fireworks/models/kimi-k2-instruct-0905")
    assert found.filter == 'kind="HF_BASE_MODEL" AND context_length>131072'
    with pytest.raises(fireworks.LookupFailedError) as failure:
        fireworks.list_models(account_id="fireworks", filter="no_such_field=1")
    assert "400 INVALID_ARGUMENT" in str(failure.value) and "no_such_field" in str(failure.value)


# -- the requests, checked against the official SDK -----------------------------------------------


class Capture:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"name": "accounts/acct/models/m", "deploymentShapeVersions": []})

    def seen(self, index: int = -1) -> tuple[str, str, dict[str, str], Any]:
        request = self.requests[index]
        body = json.loads(request.content) if request.content else None
        return request.method, request.url.path, dict(request.url.params), body


def test_requests_match_the_official_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    ours, theirs = Capture(), Capture()
    client = Client(Settings(api_key="k", base_url="http://127.0.0.1:1", account_id="acct"),
                    transport=httpx.MockTransport(ours))
    monkeypatch.setattr(_session, "client", lambda: client)
    sdk = Fireworks(api_key="k", account_id="acct", base_url="http://127.0.0.1:1", max_retries=0,
                    http_client=httpx.Client(transport=httpx.MockTransport(theirs)))
    pairs: list[tuple[Callable[[], Any], Callable[[], Any]]] = [
        (lambda: fireworks.get_account(), lambda: sdk.accounts.get()),
        (lambda: fireworks.get_model(LLAMA), lambda: sdk.models.get("llama-v3p1-8b-instruct", account_id="fireworks")),
        (lambda: fireworks.get_deployment("chat"), lambda: sdk.deployments.get("chat")),
        (lambda: fireworks.get_user("ci"), lambda: sdk.users.get("ci")),
        (lambda: fireworks.get_deployment_shape(base_model=LLAMA, enable_addons=True),
         lambda: sdk.deployment_shape_versions.match_for_model(LLAMA, enable_addons=True)),
    ]
    for lookup, reference in pairs:
        first = len(ours.requests)
        try:
            lookup()
        except fireworks.LookupFailedError:
            pass  # the canned answer fits no lookup's purpose: the requests are what is compared
        reference()
        assert ours.seen(first) == theirs.seen()
    fireworks.list_models(account_id="fireworks", filter="public=true")
    list(sdk.models.list(account_id="fireworks", filter="public=true"))
    method, path, query, _ = ours.seen()
    assert (method, path, query["filter"]) == theirs.seen()[:2] + (theirs.seen()[2]["filter"],)
