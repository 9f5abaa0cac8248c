"""Users and service accounts: conformance, ids, roles, delete."""

from __future__ import annotations

from typing import Any

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks.types import User

from pulumi_fireworks.emulator.testing import RunningEmulator

from .helpers import api_error, raw
from .strict import assert_sdk_parses


def test_every_user_method_through_the_sdk(sdk: Fireworks, api: httpx.Client) -> None:
    u = sdk.users.with_raw_response
    created = assert_sdk_parses(User, raw(u.create, role="user", email="jane.doe@acme.com", display_name="Jane"))
    assert created.name == "accounts/my-account/users/jane-doe" and created.state == "CREATING"
    assert not created.service_account  # false is omitted (proto3)

    got = assert_sdk_parses(User, raw(u.get, "jane-doe"))
    assert got.state == "READY" and got.email == "jane.doe@acme.com"

    updated = assert_sdk_parses(User, raw(u.update, "jane-doe", role="admin", display_name="Jane D."))
    assert (updated.role, updated.display_name, updated.email, updated.state) == (
        "admin", "Jane D.", "jane.doe@acme.com", "UPDATING")

    listed = raw(u.list)
    assert [i["name"] for i in listed["users"]] == [created.name]
    for item in listed["users"]:
        assert_sdk_parses(User, item)

    # Delete is not in the SDK; firectl's `delete user` implies DELETE .../users/{id}.
    assert api.delete("/v1/accounts/my-account/users/jane-doe").json() == {}
    with pytest.raises(fireworks.NotFoundError):
        sdk.users.get("jane-doe")


def test_service_account(sdk: Fireworks) -> None:
    sa = sdk.users.create(role="inference-user", service_account=True, user_id="ci-bot")
    assert sa.name == "accounts/my-account/users/ci-bot" and sa.service_account is True
    assert sa.email == "ci-bot@my-account.sa.fireworks.ai"
    assert sdk.users.update("ci-bot", role="contributor").email == sa.email


def test_custom_role_needs_a_permission_preset(api: httpx.Client) -> None:
    body = {"role": "custom", "permissionPreset": "read-only", "email": "c@acme.com"}
    response = api.post("/v1/accounts/my-account/users", params={"userId": "custom"}, json=body)
    assert response.status_code == 200 and response.json()["permissionPreset"] == "read-only"


def test_derived_ids_do_not_collide(sdk: Fireworks) -> None:
    first = sdk.users.create(role="user", email="alex@one.com")
    second = sdk.users.create(role="user", email="alex@two.com")
    assert (first.name, second.name) == ("accounts/my-account/users/alex", "accounts/my-account/users/alex-2")


def test_same_email_twice_is_409(sdk: Fireworks) -> None:
    sdk.users.create(role="user", email="sam@acme.com")
    with pytest.raises(fireworks.ConflictError) as exc:
        sdk.users.create(role="user", email="sam@acme.com", user_id="other-sam")
    assert api_error(exc)[1] == 6


def test_list_pages_through_the_sdk_pager(sdk: Fireworks) -> None:
    for i in range(4):
        sdk.users.create(role="user", email=f"u{i}@acme.com")
    assert [u.name for u in sdk.users.list(page_size=3)] == [f"accounts/my-account/users/u{i}" for i in range(4)]


def test_delete_goes_through_deleting(sdk: Fireworks, emulator: RunningEmulator, api: httpx.Client) -> None:
    emulator.admin.add_lifecycle_rule(collection="users", states=["DELETING"], timing={"reads": 1})
    sdk.users.create(role="user", email="gone@acme.com")
    api.delete("/v1/accounts/my-account/users/gone")
    assert sdk.users.get("gone").state == "DELETING"
    with pytest.raises(fireworks.NotFoundError):
        sdk.users.get("gone")


BAD_CREATES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("no role", {}, {"email": "a@acme.com"}, "'role'"),
    ("unknown role", {}, {"role": "owner", "email": "a@acme.com"}, "'role'"),
    ("custom without preset", {}, {"role": "custom", "email": "a@acme.com"}, "'permission_preset'"),
    ("preset without custom", {}, {"role": "user", "permissionPreset": "x", "email": "a@acme.com"},
     "'permission_preset'"),
    ("human without email", {"userId": "h"}, {"role": "user"}, "'email'"),
    ("bad email", {}, {"role": "user", "email": "not-an-email"}, "'email'"),
    ("service account without id", {}, {"role": "user", "serviceAccount": True}, "'user_id'"),
    ("service account with email", {"userId": "sa"}, {"role": "user", "serviceAccount": True, "email": "x@y.com"},
     "'email'"),
    ("bad user id", {"userId": "Bad_Id"}, {"role": "user", "email": "a@acme.com"}, "'user_id'"),
    ("long display name", {}, {"role": "user", "email": "a@acme.com", "displayName": "n" * 64}, "'display_name'"),
]


@pytest.mark.parametrize("query,body,needle", [r[1:] for r in BAD_CREATES], ids=[r[0] for r in BAD_CREATES])
def test_bad_create(api: httpx.Client, query: dict[str, Any], body: dict[str, Any], needle: str) -> None:
    response = api.post("/v1/accounts/my-account/users", params=query, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 3 and needle in response.json()["message"]


@pytest.mark.parametrize(
    "body,needle",
    [
        ({"displayName": "no role"}, "'role'"),
        ({"role": "user", "serviceAccount": True}, "'service_account'"),
        ({"role": "user", "email": "new@acme.com"}, "'email'"),
    ],
    ids=["role required", "service account fixed", "email fixed"],
)
def test_bad_update(api: httpx.Client, sdk: Fireworks, body: dict[str, Any], needle: str) -> None:
    sdk.users.create(role="user", email="fixed@acme.com")
    response = api.patch("/v1/accounts/my-account/users/fixed", json=body)
    assert response.status_code == 400 and needle in response.json()["message"]


@pytest.mark.parametrize(
    "email,expected",
    [("Jane.Doe+x@acme.com", "jane-doe-x"), ("42@acme.com", "user-42"), ("__@acme.com", "user"),
     ("a" * 80 + "@acme.com", "a" * 63)],
)
def test_ids_derived_from_emails_are_valid(email: str, expected: str) -> None:
    from pulumi_fireworks.emulator.rules.users import user_id_from_email
    from pulumi_fireworks.emulator.validation import check_id

    assert user_id_from_email(email) == expected
    check_id("user_id", expected)
