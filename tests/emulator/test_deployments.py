"""Deployment semantics: normalisation, updates, soft/hard delete, lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.content import LLAMA

BIG = "accounts/fireworks/models/llama-v3p3-70b-instruct"
DEPLOYMENTS = "/v1/accounts/my-account/deployments"
SHAPES = "accounts/fireworks/deploymentShapes"


def create(api: httpx.Client, dep_id: str, **fields: Any) -> dict[str, Any]:
    query = {"deploymentId": dep_id, **fields.pop("query", {})}
    response = api.post(DEPLOYMENTS, params=query, json={"baseModel": LLAMA, **fields})
    assert response.status_code == 200, response.text
    return dict(response.json())


def get(api: httpx.Client, dep_id: str, **query: str) -> httpx.Response:
    return api.get(f"{DEPLOYMENTS}/{dep_id}", params=query)


# -- normalisation ------------------------------------------------------------------------------


def test_create_fills_server_defaults(api: httpx.Client) -> None:
    d = create(api, "defaults")
    assert d.get("minReplicaCount", 0) == 0 and d["maxReplicaCount"] == 1
    assert d["autoscalingPolicy"] == {"scaleUpWindow": "30s", "scaleDownWindow": "600s",
                                      "scaleToZeroWindow": "3600s", "loadTargets": {"default": 0.8}}
    assert d["placement"] == {"multiRegion": "GLOBAL"} and d["region"] == "US_IOWA_1"
    assert (d["acceleratorType"], d["acceleratorCount"], d["precision"]) == ("NVIDIA_A100_80GB", 1, "FP16")
    assert d["createTime"].endswith("Z") and d["createTime"] == d["updateTime"]
    assert d["state"] == "CREATING" and d.get("replicaCount", 0) == 0 and d["desiredReplicaCount"] == 1


def test_max_replicas_default_follows_min(api: httpx.Client) -> None:
    assert create(api, "min3", minReplicaCount=3)["maxReplicaCount"] == 3
    assert create(api, "zero", minReplicaCount=0, maxReplicaCount=0).get("maxReplicaCount", 0) == 0  # explicit 0 kept (omitted on the wire)


def test_durations_are_rendered_canonically(api: httpx.Client) -> None:
    d = create(api, "durations", autoscalingPolicy={"scaleUpWindow": "1.5s", "scaleDownWindow": "600.000s",
                                                    "scaleToZeroWindow": "300.000000001s"})
    assert d["autoscalingPolicy"]["scaleUpWindow"] == "1.500s"
    assert d["autoscalingPolicy"]["scaleDownWindow"] == "600s"
    assert d["autoscalingPolicy"]["scaleToZeroWindow"] == "300.000000001s"


def test_shape_name_is_rewritten_to_the_latest_validated_version(api: httpx.Client) -> None:
    d = create(api, "shaped", deploymentShape=f"{SHAPES}/llama-v3p1-8b-instruct-minimal")
    assert d["deploymentShape"] == f"{SHAPES}/llama-v3p1-8b-instruct-minimal/versions/v2"  # v3 is not validated
    assert (d["acceleratorType"], d["acceleratorCount"], d["precision"]) == ("NVIDIA_A100_80GB", 1, "FP16")


def test_skip_shape_validation_takes_the_newest_version(api: httpx.Client) -> None:
    d = create(api, "newest", deploymentShape=f"{SHAPES}/llama-v3p1-8b-instruct-minimal",
               query={"skipShapeValidation": "true"})
    assert d["deploymentShape"].endswith("/versions/v3")


def test_a_version_name_stays(api: httpx.Client) -> None:
    version = f"{SHAPES}/llama-v3p1-8b-instruct-fast/versions/v1"
    d = create(api, "pinned", deploymentShape=version)
    assert d["deploymentShape"] == version and d["acceleratorType"] == "NVIDIA_H100_80GB"


def test_default_shape(api: httpx.Client) -> None:
    d = create(api, "default-shape", deploymentShape="default")
    assert d["deploymentShape"].startswith(f"{SHAPES}/llama-v3p1-8b-instruct-")


def test_draft_model_comes_from_the_base_model_unless_disabled(api: httpx.Client) -> None:
    d = create(api, "spec", baseModel=BIG)
    assert d["draftModel"] == "accounts/fireworks/models/llama-v3p2-1b-instruct" and d["draftTokenCount"] == 4
    d = create(api, "nospec", baseModel=BIG, query={"disableSpeculativeDecoding": "true"})
    assert "draftModel" not in d and "draftTokenCount" not in d
    d = create(api, "ngram", baseModel=BIG, ngramSpeculationLength=4)
    assert "draftModel" not in d


def test_output_only_and_unknown_fields_are_ignored(api: httpx.Client) -> None:
    d = create(api, "ignored", state="READY", replicaCount=9, name="accounts/x/deployments/y",
               region="EU_PARIS_1", someFutureField={"a": 1})
    assert d["state"] == "CREATING" and d.get("replicaCount", 0) == 0 and d["region"] == "US_IOWA_1"
    assert d["name"] == "accounts/my-account/deployments/ignored" and "someFutureField" not in d


def test_unspecified_enums_mean_absent(api: httpx.Client) -> None:
    d = create(api, "unspec", acceleratorType="ACCELERATOR_TYPE_UNSPECIFIED", precision="PRECISION_UNSPECIFIED")
    assert d["acceleratorType"] == "NVIDIA_A100_80GB" and d["precision"] == "FP16"


def test_random_id_when_none_given(api: httpx.Client) -> None:
    response = api.post(DEPLOYMENTS, json={"baseModel": LLAMA})
    dep_id = response.json()["name"].rsplit("/", 1)[1]
    assert dep_id[0].isalpha() and len(dep_id) == 8


def test_create_with_an_existing_id_is_409(api: httpx.Client) -> None:
    create(api, "dup")
    response = api.post(DEPLOYMENTS, params={"deploymentId": "dup"}, json={"baseModel": LLAMA})
    assert response.status_code == 409 and response.json()["code"] == 6


# -- updates ------------------------------------------------------------------------------------


def test_update_mask_touches_only_listed_fields(api: httpx.Client) -> None:
    create(api, "masked", displayName="old", description="keep me", maxReplicaCount=3)
    response = api.patch(f"{DEPLOYMENTS}/masked", params={"updateMask": "display_name,max_replica_count"},
                         json={"displayName": "new", "description": "ignored", "maxReplicaCount": 2})
    d = response.json()
    assert d["displayName"] == "new" and d["description"] == "keep me" and d["maxReplicaCount"] == 2


def test_update_mask_path_absent_from_body_clears_the_field(api: httpx.Client) -> None:
    create(api, "clear", description="bye")
    d = api.patch(f"{DEPLOYMENTS}/clear", params={"updateMask": "description"}, json={}).json()
    assert "description" not in d


def test_update_mask_nested_path(api: httpx.Client) -> None:
    create(api, "nested", autoscalingPolicy={"scaleUpWindow": "45s", "scaleDownWindow": "120s"})
    d = api.patch(f"{DEPLOYMENTS}/nested", params={"updateMask": "autoscaling_policy.scale_up_window"},
                  json={"autoscalingPolicy": {"scaleUpWindow": "60.0s", "scaleDownWindow": "900s"}}).json()
    assert d["autoscalingPolicy"]["scaleUpWindow"] == "60s" and d["autoscalingPolicy"]["scaleDownWindow"] == "120s"


def test_update_without_mask_replaces_all_mutable_fields(api: httpx.Client) -> None:
    create(api, "full", displayName="name", description="gone soon", minReplicaCount=1, maxReplicaCount=4,
           autoscalingPolicy={"scaleUpWindow": "45s"})
    d = api.patch(f"{DEPLOYMENTS}/full", json={"baseModel": LLAMA, "displayName": "only this"}).json()
    assert d["displayName"] == "only this" and "description" not in d
    assert "minReplicaCount" not in d and d["maxReplicaCount"] == 1  # zeroed (omitted, proto3), then defaulted again
    assert d["autoscalingPolicy"]["scaleUpWindow"] == "30s"
    assert d["placement"] == {"multiRegion": "GLOBAL"}  # immutable: kept


def test_update_moves_through_updating(api: httpx.Client) -> None:
    create(api, "upd")
    assert get(api, "upd").json()["state"] == "READY"
    d = api.patch(f"{DEPLOYMENTS}/upd", params={"updateMask": "display_name"}, json={"displayName": "x"}).json()
    assert d["state"] == "UPDATING" and d["updateTime"] > d["createTime"]
    assert get(api, "upd").json()["state"] == "READY"


def test_no_op_update_changes_nothing(api: httpx.Client) -> None:
    created = create(api, "noop", displayName="same")
    ready = get(api, "noop").json()
    d = api.patch(f"{DEPLOYMENTS}/noop", params={"updateMask": "display_name"}, json={"displayName": "same"}).json()
    assert d == ready and d["updateTime"] == created["updateTime"]


def test_update_with_the_shape_name_keeps_the_pinned_version(api: httpx.Client) -> None:
    shape = f"{SHAPES}/llama-v3p1-8b-instruct-fast"
    created = create(api, "shape-upd", deploymentShape=shape)
    d = api.patch(f"{DEPLOYMENTS}/shape-upd", params={"updateMask": "deployment_shape"},
                  json={"deploymentShape": created["deploymentShape"]}).json()
    assert d["deploymentShape"] == f"{shape}/versions/v2" and d["acceleratorType"] == "NVIDIA_H100_80GB"


def test_scale(api: httpx.Client) -> None:
    create(api, "scaled", maxReplicaCount=5)
    get(api, "scaled")
    assert api.patch(f"{DEPLOYMENTS}/scaled:scale", json={"replicaCount": 4}).json() == {}
    d = get(api, "scaled").json()
    assert d["desiredReplicaCount"] == 4 and d["replicaCount"] == 4


# -- delete -------------------------------------------------------------------------------------


def test_soft_delete(api: httpx.Client) -> None:
    create(api, "soft")
    assert api.delete(f"{DEPLOYMENTS}/soft").json() == {}
    deleting = get(api, "soft", readMask="state").json()
    assert deleting == {"state": "DELETING"} or deleting == {"state": "DELETED"}
    d = get(api, "soft").json()
    assert d["state"] == "DELETED" and d["deleteTime"] and d["purgeTime"] > d["deleteTime"]
    assert api.get(DEPLOYMENTS).json()["deployments"] == []
    shown = api.get(DEPLOYMENTS, params={"showDeleted": "true"}).json()["deployments"]
    assert [x["name"] for x in shown] == ["accounts/my-account/deployments/soft"]
    blocked = api.post(DEPLOYMENTS, params={"deploymentId": "soft"}, json={"baseModel": LLAMA})
    assert blocked.status_code == 409
    assert api.delete(f"{DEPLOYMENTS}/soft").json() == {}  # deleting again is a no-op


def test_hard_delete(api: httpx.Client) -> None:
    create(api, "hard")
    assert api.delete(f"{DEPLOYMENTS}/hard", params={"hard": "true"}).json() == {}
    assert get(api, "hard").status_code == 404
    create(api, "hard")  # the id is free again


def test_hard_delete_after_soft_delete_frees_the_id(api: httpx.Client) -> None:
    create(api, "twice")
    api.delete(f"{DEPLOYMENTS}/twice")
    assert get(api, "twice").json()["state"] == "DELETED"
    api.delete(f"{DEPLOYMENTS}/twice", params={"hard": "true", "ignoreChecks": "true"})
    assert get(api, "twice").status_code == 404
    create(api, "twice")


def test_undelete(api: httpx.Client) -> None:
    create(api, "back", displayName="kept")
    api.delete(f"{DEPLOYMENTS}/back")
    get(api, "back")
    d = api.post(f"{DEPLOYMENTS}/back:undelete", json={}).json()
    assert d["state"] == "CREATING" and "deleteTime" not in d and d["displayName"] == "kept"
    assert get(api, "back").json()["state"] == "READY"
    assert [x["name"] for x in api.get(DEPLOYMENTS).json()["deployments"]] == ["accounts/my-account/deployments/back"]


def test_patch_of_a_deleted_deployment_is_failed_precondition(api: httpx.Client) -> None:
    create(api, "gone")
    api.delete(f"{DEPLOYMENTS}/gone")
    get(api, "gone")
    response = api.patch(f"{DEPLOYMENTS}/gone", params={"updateMask": "display_name"}, json={"displayName": "x"})
    assert response.status_code == 400 and response.json()["code"] == 9


def test_delete_in_use_needs_ignore_checks(api: httpx.Client, emulator: RunningEmulator) -> None:
    create(api, "busy", enableAddons=True)
    emulator.admin.put_resource("accounts/my-account/deployedModels/lora-1", {
        "model": "accounts/my-account/models/lora", "deployment": "accounts/my-account/deployments/busy",
        "state": "DEPLOYED"})
    refused = api.delete(f"{DEPLOYMENTS}/busy")
    assert refused.status_code == 400 and refused.json()["code"] == 9
    assert "deployedModels/lora-1" in refused.json()["message"]
    assert api.delete(f"{DEPLOYMENTS}/busy", params={"ignoreChecks": "true"}).status_code == 200


def test_missing_deployment_is_404(api: httpx.Client) -> None:
    for response in (get(api, "nope"), api.delete(f"{DEPLOYMENTS}/nope"),
                     api.patch(f"{DEPLOYMENTS}/nope", json={"baseModel": LLAMA})):
        assert response.status_code == 404 and response.json()["code"] == 5


# -- lists --------------------------------------------------------------------------------------


def test_list_filter_and_order(api: httpx.Client, emulator: RunningEmulator) -> None:
    create(api, "a-small")
    create(api, "b-big", baseModel=BIG)
    create(api, "c-small")
    emulator.admin.patch_resource("accounts/my-account/deployments/c-small", {"state": "FAILED"})

    def names(**query: str) -> list[str]:
        response = api.get(DEPLOYMENTS, params=query)
        assert response.status_code == 200, response.text
        return [d["name"].rsplit("/", 1)[1] for d in response.json()["deployments"]]

    assert names() == ["a-small", "b-big", "c-small"]  # default: create_time
    assert names(orderBy="create_time desc") == ["c-small", "b-big", "a-small"]
    assert names(filter=f'base_model="{BIG}"') == ["b-big"]
    assert names(filter='state="READY"') == ["a-small", "b-big"]
    assert names(filter=f'state=READY AND base_model="{LLAMA}"') == ["a-small"]
    assert names(filter='state!="READY"') == ["c-small"]
    assert names(orderBy="accelerator_count desc,name") == ["b-big", "a-small", "c-small"]


def test_page_size_is_coerced_and_tokens_bind_the_query(api: httpx.Client) -> None:
    for i in range(3):
        create(api, f"p{i}")
    body = api.get(DEPLOYMENTS, params={"pageSize": "1000"}).json()
    assert len(body["deployments"]) == 3 and "nextPageToken" not in body and body["totalSize"] == 3
    first = api.get(DEPLOYMENTS, params={"pageSize": "2"}).json()
    token = first["nextPageToken"]
    second = api.get(DEPLOYMENTS, params={"pageSize": "2", "pageToken": token}).json()
    assert [d["name"][-2:] for d in second["deployments"]] == ["p2"]
    mismatch = api.get(DEPLOYMENTS, params={"pageSize": "2", "pageToken": token, "orderBy": "name"})
    assert mismatch.status_code == 400 and "page_token" in mismatch.json()["message"]


def test_read_mask(api: httpx.Client) -> None:
    create(api, "masked-read", displayName="d")
    assert get(api, "masked-read", readMask="display_name,autoscaling_policy.scale_up_window").json() == {
        "displayName": "d", "autoscalingPolicy": {"scaleUpWindow": "30s"}}


@pytest.mark.parametrize("path", ["/v1/accounts/other/deployments", "/v1/accounts/other/deployments/x",
                                  "/v1/accounts/other"])
def test_other_accounts_are_permission_denied(api: httpx.Client, emulator: RunningEmulator, path: str) -> None:
    emulator.admin.add_account("other")
    response = api.get(path)
    assert response.status_code == 403 and response.json()["code"] == 7


def test_responses_omit_zero_values_as_protojson_does(api: httpx.Client) -> None:
    created = api.post(
        DEPLOYMENTS,
        params={"deploymentId": "zeros"},
        json={"baseModel": LLAMA, "minReplicaCount": 0, "enableMtp": False, "displayName": "", "annotations": {}},
    ).json()
    for absent in ("minReplicaCount", "enableMtp", "displayName", "annotations"):
        assert absent not in created
    assert created["autoscalingPolicy"]["loadTargets"] == {"default": 0.8}  # non-zero values stay
