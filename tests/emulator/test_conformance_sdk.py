"""Conformance: every in-scope method of the official SDK (fireworks-ai 1.2.30) works
against the emulator, and every response validates strictly against the SDK's types."""

from __future__ import annotations

from typing import Any, Callable

import fireworks
import pytest
from fireworks import Fireworks
from fireworks.types import (
    Account,
    Deployment,
    DeploymentShape,
    DeploymentShapeVersion,
    DeploymentShapeVersionMatchResponse,
    Model,
)

from pulumi_fireworks.emulator.testing import RunningEmulator

from .strict import assert_sdk_parses
from tests.support.content import LLAMA

SHAPE = "llama-v3p1-8b-instruct-fast"


def raw(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call an SDK ``with_raw_response`` method; return the raw JSON body."""
    response = call(*args, **kwargs)
    response.parse()  # the SDK's own (lenient) parse must not fail either
    return response.http_response.json()


def test_deployment_methods(sdk: Fireworks) -> None:
    d = sdk.deployments.with_raw_response
    body = raw(d.create, base_model=LLAMA, deployment_id="dep-a", display_name="A", min_replica_count=1,
               max_replica_count=2, autoscaling_policy={"scale_down_window": "120s"}, validate_only=False)
    created = assert_sdk_parses(Deployment, body)
    assert created.state == "CREATING" and created.name == "accounts/my-account/deployments/dep-a"

    got = assert_sdk_parses(Deployment, raw(d.get, "dep-a"))
    assert got.state == "READY" and got.replica_count == 1

    updated = assert_sdk_parses(Deployment, raw(d.update, "dep-a", base_model=LLAMA, display_name="B",
                                                min_replica_count=0, max_replica_count=3))
    assert updated.display_name == "B" and updated.state == "UPDATING"

    assert raw(d.scale, "dep-a", replica_count=2) == {}
    assert sdk.deployments.get("dep-a").desired_replica_count == 2

    listed = sdk.deployments.with_raw_response.list(page_size=10).http_response.json()
    for item in listed["deployments"]:
        assert_sdk_parses(Deployment, item)

    assert raw(d.delete, "dep-a") == {}
    deleted = assert_sdk_parses(Deployment, raw(d.get, "dep-a"))
    assert deleted.state == "DELETED" and deleted.delete_time and deleted.purge_time

    undeleted = assert_sdk_parses(Deployment, raw(d.undelete, "dep-a", body={}))
    assert undeleted.state == "CREATING" and undeleted.delete_time is None


def test_validate_only_create_stores_nothing(sdk: Fireworks) -> None:
    would_be = sdk.deployments.create(base_model=LLAMA, deployment_id="dry", validate_only=True)
    assert would_be.name == "accounts/my-account/deployments/dry"
    with pytest.raises(fireworks.NotFoundError):
        sdk.deployments.get("dry")


def test_shapes_and_versions(sdk: Fireworks) -> None:
    shapes = sdk.deployment_shapes.with_raw_response
    body = raw(shapes.list, account_id="fireworks")
    assert body["deploymentShapes"]
    for item in body["deploymentShapes"]:
        assert_sdk_parses(DeploymentShape, item)
    shape = assert_sdk_parses(DeploymentShape, raw(shapes.get, SHAPE, account_id="fireworks"))
    assert shape.base_model == LLAMA

    versions = sdk.deployment_shape_versions.with_raw_response
    listed = raw(versions.list, SHAPE, account_id="fireworks")
    for item in listed["deploymentShapeVersions"]:
        assert_sdk_parses(DeploymentShapeVersion, item)
    version = assert_sdk_parses(
        DeploymentShapeVersion, raw(versions.get, "v2", account_id="fireworks", deployment_shape_id=SHAPE)
    )
    assert version.latest_validated and version.snapshot and version.snapshot.base_model == LLAMA

    matched = assert_sdk_parses(
        DeploymentShapeVersionMatchResponse,
        raw(versions.match, create_deployment_request={"parent": "accounts/my-account",
                                                       "deployment": {"base_model": LLAMA}}),
    )
    assert matched.deployment_shape_versions
    assert {v.name.rsplit("/versions/", 1)[0].rsplit("/", 1)[1] for v in matched.deployment_shape_versions} == {
        "llama-v3p1-8b-instruct-fast", "llama-v3p1-8b-instruct-minimal"}


def test_shapes_filtered_by_target_model(sdk: Fireworks) -> None:
    shapes = sdk.deployment_shapes.list(account_id="fireworks", extra_query={"targetModel": LLAMA})
    assert {s.base_model for s in shapes} == {LLAMA}


def test_accounts(sdk: Fireworks, emulator: RunningEmulator) -> None:
    listed = raw(sdk.accounts.with_raw_response.list)
    assert [a["name"] for a in listed["accounts"]] == ["accounts/my-account"]
    for item in listed["accounts"]:
        assert_sdk_parses(Account, item)
    account = assert_sdk_parses(Account, raw(sdk.accounts.with_raw_response.get))
    assert account.name == f"accounts/{emulator.account_id}" and account.state == "READY"


@pytest.mark.parametrize("model_id", [
    "deepseek-v3p1", "llama-v3p1-8b-instruct", "llama-v3p2-3b-instruct", "llama-v3p3-70b-instruct", "gpt-oss-120b",
    "qwen3-235b-a22b", "qwen3-0p6b", "qwen2p5-vl-32b-instruct", "kimi-k2-instruct-0905", "mixtral-8x7b",
])
def test_public_models_get(sdk: Fireworks, model_id: str) -> None:
    model = assert_sdk_parses(Model, raw(sdk.models.with_raw_response.get, model_id, account_id="fireworks"))
    assert model.kind == "HF_BASE_MODEL" and model.state == "READY" and model.public
    assert model.base_model_details and model.base_model_details.parameter_count


def test_public_models_list_pages(sdk: Fireworks) -> None:
    first = raw(sdk.models.with_raw_response.list, account_id="fireworks", page_size=3)
    assert len(first["models"]) == 3 and first["nextPageToken"]
    for item in first["models"]:
        assert_sdk_parses(Model, item)
    names = [m.name for m in sdk.models.list(account_id="fireworks", page_size=3)]  # the pager follows tokens
    assert len(names) == len(set(names)) >= 10 and names == sorted(names)  # default order: name


def test_deployment_pager_walks_several_pages(sdk: Fireworks) -> None:
    for i in range(7):
        sdk.deployments.create(base_model=LLAMA, deployment_id=f"page-{i}")
    page = sdk.deployments.list(page_size=3)
    assert len(page.deployments) == 3 and page.has_next_page()
    assert [d.name.rsplit("/", 1)[1] for d in page] == [f"page-{i}" for i in range(7)]  # auto-paging
    pages = list(sdk.deployments.list(page_size=3).iter_pages())
    assert [len(p.deployments) for p in pages] == [3, 3, 1]


@pytest.mark.parametrize(
    ("exc", "call"),
    [
        (fireworks.NotFoundError, lambda c: c.deployments.get("missing")),
        (fireworks.BadRequestError, lambda c: c.deployments.create(base_model=LLAMA, min_replica_count=-1)),
        (fireworks.PermissionDeniedError, lambda c: c.deployments.list(account_id="someone-else")),
    ],
)
def test_errors_raise_sdk_exceptions(sdk: Fireworks, exc: type[Exception], call: Callable[[Fireworks], Any]) -> None:
    with pytest.raises(exc) as info:
        call(sdk)
    assert info.value.body["code"] in (3, 5, 7)  # type: ignore[attr-defined]


def test_conflict_raises_conflict_error(sdk: Fireworks) -> None:
    sdk.deployments.create(base_model=LLAMA, deployment_id="twice")
    with pytest.raises(fireworks.ConflictError) as info:
        sdk.deployments.create(base_model=LLAMA, deployment_id="twice")
    assert info.value.body == {"code": 6, "message": "resource already exists: accounts/my-account/deployments/twice",
                               "details": []}


def test_bad_key_raises_authentication_error(emulator: RunningEmulator) -> None:
    client = Fireworks(api_key="wrong", account_id=emulator.account_id, base_url=emulator.url, max_retries=0)
    with pytest.raises(fireworks.AuthenticationError):
        client.deployments.list()


def test_rate_limit_fault_raises_rate_limit_error(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="GET", path="/v1/accounts/*/deployments", times=1,
                             action={"type": "error", "status": 429, "retryAfter": 0})
    with pytest.raises(fireworks.RateLimitError) as info:
        sdk.deployments.list()
    assert info.value.response.headers["retry-after"] == "0"
    assert info.value.body["code"] == 8  # type: ignore[index]


def test_internal_fault_raises_internal_server_error(sdk: Fireworks, emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="GET", path="/v1/accounts/*/deployments/*", times=1,
                             action={"type": "error", "status": 500})
    with pytest.raises(fireworks.InternalServerError):
        sdk.deployments.get("anything")


def test_sdk_retries_through_a_transient_fault(emulator: RunningEmulator) -> None:
    emulator.admin.add_fault(method="GET", path="/v1/accounts/*/deployments", times=1,
                             action={"type": "error", "status": 503, "retryAfter": 0})
    client = Fireworks(api_key=emulator.api_key, account_id=emulator.account_id, base_url=emulator.url,
                       max_retries=2)
    assert list(client.deployments.list()) == []
    assert [r["status"] for r in emulator.admin.requests()] == [503, 200]
