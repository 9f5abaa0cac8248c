"""Bad requests, table-driven: HTTP status, gRPC ``code``, and a message naming the field."""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

import httpx
import pytest

from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.support.content import LLAMA, QWEN

DEPLOYMENTS = "/v1/accounts/my-account/deployments"
EXISTING = DEPLOYMENTS + "/existing"


class Row(NamedTuple):
    id: str
    method: str
    path: str
    body: Any
    status: int
    code: int
    names: str  # substring the message must contain (the field)
    query: Optional[dict[str, str]] = None


def dep(**fields: Any) -> dict[str, Any]:
    return {"baseModel": LLAMA, **fields}


ROWS = [
    Row("bad accelerator type", "POST", DEPLOYMENTS, dep(acceleratorType="NVIDIA_T4"), 400, 3, "accelerator_type"),
    Row("bad precision", "POST", DEPLOYMENTS, dep(precision="FP64"), 400, 3, "precision"),
    Row("bad region", "POST", DEPLOYMENTS, dep(placement={"region": "MOON_1"}), 400, 3, "placement.region"),
    Row("bad multi-region", "POST", DEPLOYMENTS, dep(placement={"multiRegion": "MARS"}), 400, 3,
        "placement.multi_region"),
    Row("bad direct route type", "POST", DEPLOYMENTS, dep(directRouteType="CARRIER_PIGEON"), 400, 3,
        "direct_route_type"),
    Row("negative min replicas", "POST", DEPLOYMENTS, dep(minReplicaCount=-1), 400, 3, "min_replica_count"),
    Row("negative max replicas", "POST", DEPLOYMENTS, dep(maxReplicaCount=-2), 400, 3, "max_replica_count"),
    Row("min above max", "POST", DEPLOYMENTS, dep(minReplicaCount=3, maxReplicaCount=2), 400, 3,
        "min_replica_count"),
    Row("display name of 64 chars", "POST", DEPLOYMENTS, dep(displayName="x" * 64), 400, 3, "display_name"),
    Row("scale-up window above 1h", "POST", DEPLOYMENTS, dep(autoscalingPolicy={"scaleUpWindow": "3601s"}), 400, 3,
        "autoscaling_policy.scale_up_window"),
    Row("scale-down window not proto3 JSON", "POST", DEPLOYMENTS, dep(autoscalingPolicy={"scaleDownWindow": "10m"}),
        400, 3, "autoscaling_policy.scale_down_window"),
    Row("scale-to-zero window below 5m", "POST", DEPLOYMENTS,
        dep(autoscalingPolicy={"scaleToZeroWindow": "299s"}), 400, 3, "autoscaling_policy.scale_to_zero_window"),
    Row("load target out of range", "POST", DEPLOYMENTS,
        dep(autoscalingPolicy={"loadTargets": {"default": 1.5}}), 400, 3, "autoscaling_policy.load_targets.default"),
    Row("draft model and ngram together", "POST", DEPLOYMENTS,
        dep(draftModel="accounts/fireworks/models/llama-v3p2-1b-instruct", ngramSpeculationLength=3), 400, 3,
        "ngram_speculation_length"),
    Row("two placements", "POST", DEPLOYMENTS, dep(placement={"region": "US_IOWA_1", "multiRegion": "US"}), 400, 3,
        "placement"),
    Row("accelerator type with a shape", "POST", DEPLOYMENTS,
        dep(acceleratorType="NVIDIA_H100_80GB",
            deploymentShape="accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct-fast"), 400, 3,
        "accelerator_type"),
    Row("id starting with a digit", "POST", DEPLOYMENTS, dep(), 400, 3, "deployment_id", {"deploymentId": "1abc"}),
    Row("id ending with a dash", "POST", DEPLOYMENTS, dep(), 400, 3, "deployment_id", {"deploymentId": "abc-"}),
    Row("id of 64 chars", "POST", DEPLOYMENTS, dep(), 400, 3, "deployment_id", {"deploymentId": "a" * 64}),
    Row("id with upper case", "POST", DEPLOYMENTS, dep(), 400, 3, "deployment_id", {"deploymentId": "MyDep"}),
    Row("base model missing", "POST", DEPLOYMENTS, {"displayName": "x"}, 400, 3, "base_model"),
    Row("base model not a model name", "POST", DEPLOYMENTS, {"baseModel": "llama"}, 400, 3, "base_model"),
    Row("base model does not exist", "POST", DEPLOYMENTS, {"baseModel": "accounts/fireworks/models/nope"}, 404, 5,
        "base_model"),
    Row("base model of another account", "POST", DEPLOYMENTS, {"baseModel": "accounts/other/models/private"}, 404,
        5, "base_model"),
    Row("wrong type", "POST", DEPLOYMENTS, dep(minReplicaCount="many"), 400, 3, "min_replica_count"),
    Row("shape that does not exist", "POST", DEPLOYMENTS,
        dep(deploymentShape="accounts/fireworks/deploymentShapes/nope"), 404, 5, "deployment_shape"),
    Row("shape of another model", "POST", DEPLOYMENTS,
        dep(deploymentShape="accounts/fireworks/deploymentShapes/qwen3-0p6b-minimal"), 400, 3, "deployment_shape"),
    Row("shape without a validated version", "POST", DEPLOYMENTS,
        {"baseModel": "accounts/fireworks/models/gpt-oss-120b",
         "deploymentShape": "accounts/fireworks/deploymentShapes/gpt-oss-120b-throughput"}, 400, 3,
        "deployment_shape"),
    Row("malformed JSON", "POST", DEPLOYMENTS, b"{not json", 400, 3, "JSON"),
    Row("bad boolean flag", "POST", DEPLOYMENTS, dep(), 400, 3, "validateOnly", {"validateOnly": "maybe"}),
    Row("unknown update mask path", "PATCH", EXISTING, {"displayName": "x"}, 400, 3, "bogus_field",
        {"updateMask": "display_name,bogus_field"}),
    Row("changing an immutable field", "PATCH", EXISTING,
        {"baseModel": QWEN}, 400, 3, "base_model"),
    Row("bad value in update", "PATCH", EXISTING, {"maxReplicaCount": -1}, 400, 3, "max_replica_count",
        {"updateMask": "max_replica_count"}),
    Row("negative scale", "PATCH", EXISTING + ":scale", {"replicaCount": -1}, 400, 3, "replica_count"),
    Row("scale above max", "PATCH", EXISTING + ":scale", {"replicaCount": 9}, 400, 3, "replica_count"),
    Row("undelete of a live deployment", "POST", EXISTING + ":undelete", {}, 400, 9, "not deleted"),
    Row("negative page size", "GET", DEPLOYMENTS, None, 400, 3, "page_size", {"pageSize": "-1"}),
    Row("filter on unknown field", "GET", DEPLOYMENTS, None, 400, 3, "filter", {"filter": 'colour="red"'}),
    Row("filter with OR", "GET", DEPLOYMENTS, None, 400, 3, "filter", {"filter": 'state="READY" OR state="FAILED"'}),
    Row("order by unknown field", "GET", DEPLOYMENTS, None, 400, 3, "order_by", {"orderBy": "colour desc"}),
    Row("garbage page token", "GET", DEPLOYMENTS, None, 400, 3, "page_token", {"pageToken": "garbage"}),
    Row("read mask with unknown field", "GET", EXISTING, None, 400, 3, "read_mask", {"readMask": "name,colour"}),
    Row("write to the public account", "POST", "/v1/accounts/fireworks/deployments", dep(), 403, 7,
        "accounts/fireworks"),
    Row("unknown custom method", "POST", EXISTING + ":explode", {}, 404, 5, "Not Found"),
    Row("wrong method on a known path", "PUT", EXISTING, {}, 405, 12, "Method Not Allowed"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_request(api: httpx.Client, emulator: RunningEmulator, row: Row) -> None:
    api.post(DEPLOYMENTS, params={"deploymentId": "existing"}, json=dep(maxReplicaCount=2)).raise_for_status()
    content = row.body if isinstance(row.body, bytes) else None
    response = api.request(row.method, row.path, params=row.query, content=content,
                           json=None if content is not None or row.body is None else row.body)
    assert response.status_code == row.status, response.text
    body = response.json()
    assert body["code"] == row.code
    assert row.names in body["message"], body["message"]
    assert body["details"] == []


def test_enough_rows() -> None:
    assert len(ROWS) >= 15
