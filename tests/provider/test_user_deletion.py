"""Users may have no REST delete: a destroy never reports success while the user still
exists, unless the program chose deletion_policy='abandon'; a service account's keys are
revoked either way, and the message names what is left and how to remove it."""

from __future__ import annotations

from typing import Callable

import httpx
import pytest

from pulumi_fireworks import ResourceError
from pulumi_fireworks.emulator.testing import RunningEmulator
from tests.provider.conftest import Driver

USER_PATH = r"^/v1/accounts/[^/]+/users/[^/]+$"


def user_exists(emulator: RunningEmulator, user_id: str) -> bool:
    path = f"{emulator.url}/v1/accounts/{emulator.account_id}/users/{user_id}"
    return httpx.get(path, headers={"Authorization": f"Bearer {emulator.api_key}"}).status_code == 200


def authenticates(emulator: RunningEmulator, key: str) -> bool:
    return httpx.get(f"{emulator.url}/v1/accounts", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def no_delete_route(emulator: RunningEmulator, status: int) -> None:
    """A gateway without the route: DELETE answers ``status`` and deletes nothing."""
    emulator.admin.add_fault(method="DELETE", path_regex=USER_PATH, action={"type": "error", "status": status, "message": "Not Found"})


@pytest.mark.parametrize("status", [404, 405, 501])
def test_a_service_account_the_api_cannot_delete_fails_the_destroy_after_its_keys_are_revoked(
    status: int, emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    robot = driver("ServiceAccount", "ci")
    user_id, state = robot.create({"role": "inference-user"})
    _, key = driver("ApiKey", "ci-key").create({"user_id": user_id})
    no_delete_route(emulator, status)
    with pytest.raises(ResourceError) as failure:
        robot.delete(user_id, state)
    message = str(failure.value)
    assert f"fireworks:ServiceAccount 'ci'" in message and "still exists" in message
    assert "1 API key was revoked" in message
    assert f"firectl delete user {user_id} --account-id {emulator.account_id}" in message
    assert user_exists(emulator, user_id) and not authenticates(emulator, key["key"])
    # Removed by hand (firectl): the next destroy finds it gone and succeeds.
    emulator.admin.clear_faults()
    emulator.admin.delete_resource(f"accounts/{emulator.account_id}/users/{user_id}")
    robot.delete(user_id, state)


def test_a_person_the_api_cannot_delete_fails_the_destroy_saying_they_can_still_sign_in(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    person = driver("User", "ann")
    user_id, state = person.create({"email": "ann@acme.com", "role": "user"})
    no_delete_route(emulator, 404)
    with pytest.raises(ResourceError, match="can still sign in to the web UI"):
        person.delete(user_id, state)
    assert user_exists(emulator, user_id)


def test_deletion_policy_abandon_leaves_the_user_and_succeeds_after_revoking_its_keys(
    emulator: RunningEmulator, driver: Callable[..., Driver], capfd: pytest.CaptureFixture[str]
) -> None:
    robot = driver("ServiceAccount", "ci")
    user_id, state = robot.create({"role": "inference-user", "deletion_policy": "abandon"})
    _, key = driver("ApiKey", "ci-key").create({"user_id": user_id})
    no_delete_route(emulator, 405)
    robot.delete(user_id, state)
    assert user_exists(emulator, user_id) and not authenticates(emulator, key["key"])
    warning = capfd.readouterr().err
    assert "warning: fireworks:ServiceAccount 'ci'" in warning and "deletion_policy='abandon'" in warning


def test_a_user_the_api_deletes_is_simply_deleted(emulator: RunningEmulator, driver: Callable[..., Driver]) -> None:
    robot = driver("ServiceAccount", "ci")
    user_id, state = robot.create({"role": "inference-user"})
    robot.delete(user_id, state)
    assert not user_exists(emulator, user_id)


def test_a_secret_deleted_elsewhere_is_deleted_when_the_api_answers_500_for_it(
    emulator: RunningEmulator, driver: Callable[..., Driver]
) -> None:
    # The real service was seen answering 500 for a missing secret; one client treats a
    # DELETE's 500 as "not found" too. The list decides.
    d = driver("Secret")
    id_, state = d.create({"key_name": "TOKEN", "value": "v"})
    emulator.admin.delete_resource(f"accounts/{emulator.account_id}/secrets/{id_}")
    emulator.admin.add_fault(method="DELETE", path_regex=r"^/v1/accounts/[^/]+/secrets/[^/]+$",
                             action={"type": "error", "status": 500})
    d.delete(id_, state)
