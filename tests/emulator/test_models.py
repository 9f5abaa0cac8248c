"""Models: SDK conformance, the upload flow, signed URLs, validation rules, prepare."""

from __future__ import annotations

import json
from typing import Any

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks.types import Model, ModelGetUploadEndpointResponse, ModelValidateUploadResponse

from pulumi_fireworks.emulator.testing import RunningEmulator

from .helpers import (
    ADAPTER_FILES,
    LLAMA,
    BASE_MODEL_FILES,
    api_error,
    lora_spec,
    put_file,
    raw,
    ready_lora,
    upload_model_files,
)
from .strict import assert_sdk_parses

BASE_SPEC = {"kind": "HF_BASE_MODEL", "base_model_details": {"checkpoint_format": "HUGGINGFACE", "world_size": 1}}


# -- conformance ----------------------------------------------------------------------------------


def test_every_model_method_through_the_sdk(sdk: Fireworks) -> None:
    m = sdk.models.with_raw_response
    created = assert_sdk_parses(Model, raw(m.create, model_id="my-base", model={**BASE_SPEC, "display_name": "Mine"}))
    assert created.state == "UPLOADING" and created.kind == "HF_BASE_MODEL"
    assert created.name == "accounts/my-account/models/my-base"

    endpoint = assert_sdk_parses(
        ModelGetUploadEndpointResponse,
        raw(m.get_upload_endpoint, "my-base", filename_to_size={n: str(len(b)) for n, b in BASE_MODEL_FILES.items()}),
    )
    assert set(endpoint.filename_to_signed_urls or {}) == set(BASE_MODEL_FILES)
    for name, data in BASE_MODEL_FILES.items():
        assert put_file((endpoint.filename_to_signed_urls or {})[name], data).status_code == 200

    validated = assert_sdk_parses(ModelValidateUploadResponse, raw(m.validate_upload, "my-base"))
    assert not validated.warnings
    got = assert_sdk_parses(Model, raw(m.get, "my-base"))
    assert got.state == "READY" and got.supported_precisions == ["FP16"]

    assert raw(m.prepare, "my-base", precision="FP8") == {}
    assert sorted(assert_sdk_parses(Model, raw(m.get, "my-base")).supported_precisions or []) == ["FP16", "FP8"]

    updated = assert_sdk_parses(Model, raw(m.update, "my-base", display_name="Renamed", description="d"))
    assert updated.display_name == "Renamed" and updated.kind == "HF_BASE_MODEL"

    listed = raw(m.list)
    assert [item["name"] for item in listed["models"]] == ["accounts/my-account/models/my-base"]
    for item in listed["models"]:
        assert_sdk_parses(Model, item)

    assert raw(m.delete, "my-base") == {}
    with pytest.raises(fireworks.NotFoundError):
        sdk.models.get("my-base")


def test_public_models_are_readable_and_listed(sdk: Fireworks) -> None:
    public = list(sdk.models.list(account_id="fireworks", page_size=3))
    assert len(public) > 3 and all(m.state == "READY" for m in public)
    assert sdk.models.get("llama-v3p1-8b-instruct", account_id="fireworks").kind == "HF_BASE_MODEL"
    with pytest.raises(fireworks.PermissionDeniedError):
        sdk.models.create(account_id="fireworks", model_id="nope", model=lora_spec())  # type: ignore[arg-type]


def test_list_pages_through_the_sdk_pager(sdk: Fireworks, emulator: RunningEmulator) -> None:
    for i in range(5):
        sdk.models.create(model_id=f"m{i}", model=lora_spec())  # type: ignore[arg-type]
    emulator.admin.clear_requests()
    first = sdk.models.list(page_size=2)
    assert len(first.models) == 2 and first.has_next_page()
    names = [m.name for m in sdk.models.list(page_size=2)]
    assert names == [f"accounts/my-account/models/m{i}" for i in range(5)]
    pages = [r for r in emulator.admin.requests() if r["path"].endswith("/models") and r["method"] == "GET"]
    assert len(pages) == 1 + 3  # the first page above, then three pages for the iteration


def test_create_existing_id_is_409(sdk: Fireworks) -> None:
    sdk.models.create(model_id="dup", model=lora_spec())  # type: ignore[arg-type]
    with pytest.raises(fireworks.ConflictError) as exc:
        sdk.models.create(model_id="dup", model=lora_spec())  # type: ignore[arg-type]
    assert api_error(exc)[:2] == (409, 6)


def test_kind_defaults_to_peft_addon(api: httpx.Client) -> None:
    body = {"modelId": "implicit", "model": {"peftDetails": {"baseModel": LLAMA, "r": 16, "targetModules": ["q_proj"]}}}
    response = api.post("/v1/accounts/my-account/models", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "HF_PEFT_ADDON"
    assert response.json()["peftDetails"]["baseModelType"] == "llama"


# -- bad requests ------------------------------------------------------------------------------------

PEFT = {"baseModel": LLAMA, "r": 8, "targetModules": ["q_proj"]}
BASE_DETAILS = {"checkpointFormat": "HUGGINGFACE"}

BAD_CREATES: list[tuple[str, dict[str, Any], int, int, str]] = [
    ("no model id", {"model": {"kind": "HF_PEFT_ADDON", "peftDetails": PEFT}}, 400, 3, "'model_id'"),
    ("bad model id", {"modelId": "Bad_Id", "model": {"peftDetails": PEFT}}, 400, 3, "'model_id'"),
    ("default kind needs peft", {"modelId": "a", "model": {}}, 400, 3, "'model.peft_details'"),
    ("unknown kind", {"modelId": "a", "model": {"kind": "GIANT"}}, 400, 3, "'model.kind'"),
    ("base without details", {"modelId": "a", "model": {"kind": "HF_BASE_MODEL"}}, 400, 3,
     "'model.base_model_details'"),
    ("addon with base details", {"modelId": "a", "model": {"peftDetails": PEFT, "baseModelDetails": BASE_DETAILS}},
     400, 3, "'model.base_model_details'"),
    ("base with peft", {"modelId": "a", "model": {"kind": "HF_BASE_MODEL", "baseModelDetails": BASE_DETAILS,
                                                  "peftDetails": PEFT}}, 400, 3, "'model.peft_details'"),
    ("rank too small", {"modelId": "a", "model": {"peftDetails": {**PEFT, "r": 2}}}, 400, 3,
     "'model.peft_details.r'"),
    ("rank too large", {"modelId": "a", "model": {"peftDetails": {**PEFT, "r": 128}}}, 400, 3,
     "'model.peft_details.r'"),
    ("rank not a number", {"modelId": "a", "model": {"peftDetails": {**PEFT, "r": "eight"}}}, 400, 3,
     "'model.peft_details.r'"),
    ("no target modules", {"modelId": "a", "model": {"peftDetails": {**PEFT, "targetModules": []}}}, 400, 3,
     "'model.peft_details.target_modules'"),
    ("no base model", {"modelId": "a", "model": {"peftDetails": {"r": 8, "targetModules": ["q_proj"]}}}, 400, 3,
     "'model.peft_details.base_model'"),
    ("malformed base model", {"modelId": "a", "model": {"peftDetails": {**PEFT, "baseModel": "llama"}}}, 400, 3,
     "'model.peft_details.base_model'"),
    ("missing base model", {"modelId": "a", "model": {"peftDetails": {
        **PEFT, "baseModel": "accounts/fireworks/models/no-such"}}}, 404, 5, "model.peft_details.base_model"),
    ("teft without details", {"modelId": "a", "model": {"kind": "HF_TEFT_ADDON", "peftDetails": PEFT}}, 400, 3,
     "'model.teft_details'"),
    ("long display name", {"modelId": "a", "model": {"peftDetails": PEFT, "displayName": "x" * 64}}, 400, 3,
     "'model.display_name'"),
    ("draft without count", {"modelId": "a", "model": {"peftDetails": PEFT, "defaultDraftModel": LLAMA}}, 400, 3,
     "'model.default_draft_token_count'"),
    ("bad checkpoint format", {"modelId": "a", "model": {"kind": "HF_BASE_MODEL", "baseModelDetails": {
        "checkpointFormat": "ONNX"}}}, 400, 3, "'model.base_model_details.checkpoint_format'"),
    ("parameter count not int64", {"modelId": "a", "model": {"kind": "HF_BASE_MODEL", "baseModelDetails": {
        "parameterCount": "7B"}}}, 400, 3, "'model.base_model_details.parameter_count'"),
    ("foreign cluster", {"modelId": "a", "cluster": "accounts/other/clusters/c", "model": {"peftDetails": PEFT}},
     400, 3, "'cluster'"),
]


@pytest.mark.parametrize("body,status,code,needle", [row[1:] for row in BAD_CREATES],
                         ids=[row[0] for row in BAD_CREATES])
def test_bad_create(api: httpx.Client, body: dict[str, Any], status: int, code: int, needle: str) -> None:
    response = api.post("/v1/accounts/my-account/models", json=body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert needle in response.json()["message"]


def test_addon_of_an_addon_is_rejected(api: httpx.Client, sdk: Fireworks) -> None:
    sdk.models.create(model_id="first", model=lora_spec())  # type: ignore[arg-type]
    body = {"modelId": "second", "model": {"peftDetails": {**PEFT, "baseModel": "accounts/my-account/models/first"}}}
    response = api.post("/v1/accounts/my-account/models", json=body)
    assert response.status_code == 400 and "'model.peft_details.base_model'" in response.json()["message"]


def test_kind_and_details_are_immutable(api: httpx.Client, sdk: Fireworks) -> None:
    sdk.models.create(model_id="lora", model=lora_spec())  # type: ignore[arg-type]
    response = api.patch("/v1/accounts/my-account/models/lora", json={"peftDetails": {**PEFT, "r": 16}})
    assert response.status_code == 400 and "'peft_details'" in response.json()["message"]
    # A PATCH without them keeps them.
    response = api.patch("/v1/accounts/my-account/models/lora", json={"displayName": "x"})
    assert response.status_code == 200 and response.json()["peftDetails"]["r"] == 8


# -- the upload flow --------------------------------------------------------------------------------


def test_lora_upload_flow(sdk: Fireworks) -> None:
    sdk.models.create(model_id="adapter", model=lora_spec())  # type: ignore[arg-type]
    assert sdk.models.get("adapter").state == "UPLOADING"
    upload_model_files(sdk, "adapter", ADAPTER_FILES)
    assert sdk.models.get("adapter").state == "UPLOADING"  # files alone do not make it READY
    assert sdk.models.validate_upload("adapter").warnings is None
    model = sdk.models.get("adapter")
    assert model.state == "READY" and model.status and model.status.code == "OK"
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.prepare("adapter", precision="FP8")
    assert api_error(exc)[1] == 9  # FAILED_PRECONDITION: addons are not prepared


def test_validate_reports_missing_and_unexpected_files(sdk: Fireworks) -> None:
    sdk.models.create(model_id="adapter", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "adapter", {"adapter_config.json": ADAPTER_FILES["adapter_config.json"]})
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.validate_upload("adapter")
    assert api_error(exc)[:2] == (400, 3) and "adapter_model" in api_error(exc)[2]

    upload_model_files(sdk, "adapter", {**ADAPTER_FILES, "README.md": b"hello"})
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.validate_upload("adapter")
    assert "unexpected file README.md" in api_error(exc)[2]
    assert sdk.models.get("adapter").state == "UPLOADING"


def test_an_adapter_may_bring_fireworks_json_for_chat(sdk: Fireworks) -> None:
    chat = b'{"conversation_config": {"style": "jinja", "args": {"template": "{{ messages }}"}}}'
    sdk.models.create(model_id="chatty", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "chatty", {**ADAPTER_FILES, "fireworks.json": chat})
    sdk.models.validate_upload("chatty")
    assert sdk.models.get("chatty").state == "READY"

    sdk.models.create(model_id="styleless", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "styleless", {**ADAPTER_FILES, "fireworks.json": b'{"conversation_config": {}}'})
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.validate_upload("styleless")
    assert "fireworks.json" in api_error(exc)[2] and "style" in api_error(exc)[2]


def test_validate_checks_adapter_rank_and_base_files(sdk: Fireworks) -> None:
    sdk.models.create(model_id="adapter", model=lora_spec(r=16))  # type: ignore[arg-type]
    upload_model_files(sdk, "adapter", ADAPTER_FILES)  # adapter_config.json says r=8
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.validate_upload("adapter")
    assert "r=8" in api_error(exc)[2]

    sdk.models.create(model_id="base", model=BASE_SPEC)  # type: ignore[arg-type]
    upload_model_files(sdk, "base", {k: v for k, v in BASE_MODEL_FILES.items() if k != "tokenizer.json"})
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.validate_upload("base")
    assert "tokenizer" in api_error(exc)[2]
    # configOnly skips the tokenizer checks.
    sdk.models.validate_upload("base", config_only=True)
    assert sdk.models.get("base").state == "READY"


def test_quantized_config_is_rejected_and_missing_chat_template_warns(sdk: Fireworks) -> None:
    sdk.models.create(model_id="quant", model=BASE_SPEC)  # type: ignore[arg-type]
    upload_model_files(sdk, "quant", {**BASE_MODEL_FILES, "config.json": b'{"quantization_config": {}}'})
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.validate_upload("quant")
    assert "quantization_config" in api_error(exc)[2]

    sdk.models.create(model_id="plain", model=BASE_SPEC)  # type: ignore[arg-type]
    upload_model_files(sdk, "plain", {**BASE_MODEL_FILES, "tokenizer_config.json": b"{}"})
    assert sdk.models.validate_upload("plain").warnings == [
        "tokenizer_config.json has no chat_template; set conversation_config to enable chat"
    ]


def test_validate_before_any_upload_is_failed_precondition(sdk: Fireworks) -> None:
    sdk.models.create(model_id="empty", model=lora_spec())  # type: ignore[arg-type]
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.validate_upload("empty")
    assert api_error(exc)[1] == 9


def test_registered_but_not_uploaded_file_is_named(sdk: Fireworks) -> None:
    sdk.models.create(model_id="partial", model=lora_spec())  # type: ignore[arg-type]
    urls = sdk.models.get_upload_endpoint(
        "partial", filename_to_size={n: str(len(b)) for n, b in ADAPTER_FILES.items()}
    ).filename_to_signed_urls or {}
    assert put_file(urls["adapter_config.json"], ADAPTER_FILES["adapter_config.json"]).status_code == 200
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.validate_upload("partial")
    assert "adapter_model.safetensors" in api_error(exc)[2]


def test_resumed_upload_keeps_files_with_the_same_size(sdk: Fireworks) -> None:
    sdk.models.create(model_id="resume", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "resume", {"adapter_config.json": ADAPTER_FILES["adapter_config.json"]})
    urls = sdk.models.get_upload_endpoint(
        "resume", filename_to_size={n: str(len(b)) for n, b in ADAPTER_FILES.items()}
    ).filename_to_signed_urls or {}
    data = ADAPTER_FILES["adapter_model.safetensors"]
    assert put_file(urls["adapter_model.safetensors"], data).status_code == 200
    sdk.models.validate_upload("resume")
    assert sdk.models.get("resume").state == "READY"


# -- signed URLs ------------------------------------------------------------------------------------


@pytest.fixture
def signed(sdk: Fireworks) -> dict[str, str]:
    sdk.models.create(model_id="signed", model=lora_spec())  # type: ignore[arg-type]
    response = sdk.models.get_upload_endpoint(
        "signed", filename_to_size={n: str(len(b)) for n, b in ADAPTER_FILES.items()}
    )
    return response.filename_to_signed_urls or {}


def test_signed_url_needs_no_api_key_and_is_served_by_the_emulator(
    signed: dict[str, str], emulator: RunningEmulator
) -> None:
    url = signed["adapter_config.json"]
    assert url.startswith(emulator.url + "/emulator/uploads/")
    assert put_file(url, ADAPTER_FILES["adapter_config.json"]).status_code == 200
    assert not [r for r in emulator.admin.requests() if "/emulator/uploads/" in r["path"]]


@pytest.mark.parametrize(
    "case,status,code",
    [
        ("wrong content type", 403, "SignatureDoesNotMatch"),
        ("no length range", 403, "SignatureDoesNotMatch"),
        ("length range of another size", 403, "SignatureDoesNotMatch"),
        ("too many bytes", 400, "EntityTooLarge"),
        ("too few bytes", 400, "EntityTooSmall"),
        ("tampered token", 403, "SignatureDoesNotMatch"),
        ("not a PUT", 405, "MethodNotAllowed"),
    ],
)
def test_signed_url_refusals(signed: dict[str, str], case: str, status: int, code: str) -> None:
    url, data = signed["adapter_model.safetensors"], ADAPTER_FILES["adapter_model.safetensors"]
    n = len(data)
    if case == "wrong content type":
        response = put_file(url, data, headers={"Content-Type": "text/plain", "X-Goog-Content-Length-Range": f"{n},{n}"})
    elif case == "no length range":
        response = put_file(url, data, headers={"Content-Type": "application/octet-stream"})
    elif case == "length range of another size":
        response = put_file(url, data, declared=n + 1)
    elif case == "too many bytes":
        response = put_file(url, data + b"x", declared=n)
    elif case == "too few bytes":
        response = put_file(url, data[:-1], declared=n)
    elif case == "tampered token":
        prefix, mac = url.rsplit(".", 1)
        response = put_file(f"{prefix}.{mac[:-2]}{'B' if mac[-2] == 'A' else 'A'}{mac[-1]}", data)
    else:
        response = httpx.post(url, content=data, headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == status, response.text
    assert f"<Code>{code}</Code>" in response.text


def test_fault_rules_reach_upload_puts_by_resource_and_file(
    signed: dict[str, str], emulator: RunningEmulator
) -> None:
    emulator.admin.add_fault(method="PUT", path="/emulator/uploads/accounts/*/models/signed/adapter_model.safetensors",
                             times=1, action={"type": "error", "status": 503, "retryAfter": 2})
    config, weights = ADAPTER_FILES["adapter_config.json"], ADAPTER_FILES["adapter_model.safetensors"]
    assert put_file(signed["adapter_config.json"], config).status_code == 200  # another file: untouched
    failed = put_file(signed["adapter_model.safetensors"], weights)
    assert failed.status_code == 503 and "<Code>ServiceUnavailable</Code>" in failed.text
    assert failed.headers["retry-after"] == "2"
    assert put_file(signed["adapter_model.safetensors"], weights).status_code == 200  # times=1: gone
    # Committed, then failed: the file is stored although the client saw an error.
    emulator.admin.add_fault(method="PUT", path="/emulator/uploads/*/adapter_config.json", times=1,
                             action={"type": "commit_then_error", "status": 500})
    assert put_file(signed["adapter_config.json"], config).status_code == 500
    record = emulator.admin.get_resource("accounts/my-account/models/signed", record=True)
    assert set(record["meta"]["upload"]["files"]) == {"adapter_config.json", "adapter_model.safetensors"}
    emulator.admin.add_fault(method="PUT", path="/emulator/uploads/*", times=1, action={"type": "drop"})
    with pytest.raises(httpx.TransportError):
        put_file(signed["adapter_config.json"], config)


def test_signed_url_expires_after_an_hour(signed: dict[str, str], emulator: RunningEmulator) -> None:
    emulator.admin.advance_clock(3601)
    response = put_file(signed["adapter_config.json"], ADAPTER_FILES["adapter_config.json"])
    assert response.status_code == 400 and "<Code>ExpiredToken</Code>" in response.text


def test_signed_url_dies_with_a_new_registration_and_after_validation(sdk: Fireworks, signed: dict[str, str]) -> None:
    sdk.models.get_upload_endpoint("signed", filename_to_size={n: str(len(b)) for n, b in ADAPTER_FILES.items()})
    assert put_file(signed["adapter_config.json"], ADAPTER_FILES["adapter_config.json"]).status_code == 403
    upload_model_files(sdk, "signed", ADAPTER_FILES)
    sdk.models.validate_upload("signed")
    # Once validated, the model takes no more files: old URLs and new registrations are refused.
    assert put_file(signed["adapter_config.json"], ADAPTER_FILES["adapter_config.json"]).status_code == 403
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.get_upload_endpoint("signed", filename_to_size={"adapter_config.json": "10"})
    assert api_error(exc)[1] == 9


BAD_UPLOAD_ENDPOINTS = [
    ("no files", {}, "'filename_to_size'"),
    ("negative size", {"filenameToSize": {"config.json": "-1"}}, "filename_to_size['config.json']"),
    ("size not a number", {"filenameToSize": {"config.json": "big"}}, "filename_to_size['config.json']"),
    ("escaping path", {"filenameToSize": {"../x": "1"}}, "filename_to_size['../x']"),
    ("absolute path", {"filenameToSize": {"/etc/passwd": "1"}}, "filename_to_size['/etc/passwd']"),
]


@pytest.mark.parametrize("body,needle", [r[1:] for r in BAD_UPLOAD_ENDPOINTS], ids=[r[0] for r in BAD_UPLOAD_ENDPOINTS])
def test_bad_upload_endpoint_requests(api: httpx.Client, sdk: Fireworks, body: dict[str, Any], needle: str) -> None:
    sdk.models.create(model_id="up", model=lora_spec())  # type: ignore[arg-type]
    response = api.post("/v1/accounts/my-account/models/up:getUploadEndpoint", json=body)
    assert response.status_code == 400 and response.json()["code"] == 3
    assert needle in response.json()["message"]


# -- lifecycle, prepare, delete -------------------------------------------------------------------------


def test_validation_follows_the_lifecycle_policy(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.add_lifecycle_rule(collection="models", states=["UPLOADING"], timing={"reads": 2})
    sdk.models.create(model_id="slow", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "slow", ADAPTER_FILES)
    sdk.models.validate_upload("slow")
    assert [sdk.models.get("slow").state for _ in range(3)] == ["UPLOADING", "UPLOADING", "READY"]


def test_failed_validation_leaves_the_model_uploading_with_a_status(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.add_lifecycle_rule(collection="models", states=["UPLOADING"], outcome="FAILED",
                                      message="LoRA validation failed", status_code="INVALID_ARGUMENT")
    sdk.models.create(model_id="bad", model=lora_spec())  # type: ignore[arg-type]
    upload_model_files(sdk, "bad", ADAPTER_FILES)
    sdk.models.validate_upload("bad")
    model = sdk.models.get("bad")
    assert model.state == "UPLOADING" and model.status is not None
    assert (model.status.code, model.status.message) == ("INVALID_ARGUMENT", "LoRA validation failed")


def test_prepare_adds_the_precision_after_the_transition(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.add_lifecycle_rule(collection="models", states=["PREPARING"], timing={"reads": 2})
    sdk.models.create(model_id="base", model=BASE_SPEC)  # type: ignore[arg-type]
    upload_model_files(sdk, "base", BASE_MODEL_FILES)
    sdk.models.validate_upload("base")
    assert sdk.models.prepare("base", precision="FP8") is not None
    during = sdk.models.get("base")
    assert during.state == "READY" and during.supported_precisions == ["FP16"]
    with pytest.raises(fireworks.BadRequestError):
        sdk.models.prepare("base", precision="FP4")  # one preparation at a time
    assert sdk.models.get("base").supported_precisions == ["FP16"]  # second read: still preparing
    after = sdk.models.get("base")
    assert after.state == "READY" and after.supported_precisions == ["FP16", "FP8"]


@pytest.mark.parametrize("precision,code", [(None, 3), ("PRECISION_UNSPECIFIED", 3), ("FP5", 3)])
def test_bad_prepare(api: httpx.Client, sdk: Fireworks, precision: Any, code: int) -> None:
    sdk.models.create(model_id="base", model=BASE_SPEC)  # type: ignore[arg-type]
    upload_model_files(sdk, "base", BASE_MODEL_FILES)
    sdk.models.validate_upload("base")
    body = {} if precision is None else {"precision": precision}
    response = api.post("/v1/accounts/my-account/models/base:prepare", json=body)
    assert response.status_code == 400 and response.json()["code"] == code
    assert "'precision'" in response.json()["message"]


def test_prepare_before_ready_is_failed_precondition(sdk: Fireworks) -> None:
    sdk.models.create(model_id="base", model=BASE_SPEC)  # type: ignore[arg-type]
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.prepare("base", precision="FP8")
    assert api_error(exc)[1] == 9 and "UPLOADING" in api_error(exc)[2]


def test_deployed_model_refs_and_delete_in_use(sdk: Fireworks) -> None:
    name = ready_lora(sdk, "served")
    sdk.deployments.create(base_model=LLAMA, deployment_id="multi", enable_addons=True)
    loaded = sdk.lora.load(model=name, deployment="accounts/my-account/deployments/multi")
    refs = sdk.models.get("served").deployed_model_refs or []
    assert [(r.name, r.deployment, r.default, r.state) for r in refs] == [
        (loaded.name, "accounts/my-account/deployments/multi", True, "DEPLOYED")
    ]
    assert all(m.deployed_model_refs is None for m in sdk.models.list())  # Get only
    with pytest.raises(fireworks.BadRequestError) as exc:
        sdk.models.delete("served")
    assert api_error(exc)[1] == 9 and (loaded.name or "") in api_error(exc)[2]
    sdk.lora.unload((loaded.name or "").rsplit("/", 1)[1])
    sdk.models.delete("served")


def test_download_endpoint_is_unimplemented(api: httpx.Client) -> None:
    response = api.get("/v1/accounts/fireworks/models/qwen3-0p6b:getDownloadEndpoint")
    assert response.status_code == 501 and response.json()["code"] == 12


def test_stored_upload_state_is_small(sdk: Fireworks, emulator: RunningEmulator) -> None:
    sdk.models.create(model_id="small", model=BASE_SPEC)  # type: ignore[arg-type]
    upload_model_files(sdk, "small", BASE_MODEL_FILES)
    record = emulator.admin.get_resource("accounts/my-account/models/small", record=True)
    files = record["meta"]["upload"]["files"]
    assert files["model.safetensors"].keys() == {"size", "sha256"}  # weights: digest only
    assert json.loads(files["config.json"]["text"])["model_type"] == "llama"  # small JSON: kept
