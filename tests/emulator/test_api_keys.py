"""API keys: conformance, keys that really authenticate, the key shown once, bad requests."""

from __future__ import annotations

import json
from typing import Any

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks.types import APIKey

from pulumi_fireworks.emulator.testing import RunningEmulator

from .helpers import api_error, raw
from .strict import assert_sdk_parses


@pytest.fixture
def bot(sdk: Fireworks) -> str:
    sdk.users.create(role="user", service_account=True, user_id="bot")
    return "bot"


def client_for(emulator: RunningEmulator, key: str) -> Fireworks:
    return Fireworks(api_key=key, account_id=emulator.account_id, base_url=emulator.url, max_retries=0)


def test_every_api_key_method_through_the_sdk(sdk: Fireworks, bot: str, emulator: RunningEmulator) -> None:
    k = sdk.api_keys.with_raw_response
    created_body = raw(k.create, bot, api_key={"display_name": "ci", "expire_time": "2099-01-01T00:00:00Z"})
    created = assert_sdk_parses(APIKey, created_body)
    assert created.key and created.key.startswith("fw_") and created.key_id
    assert created.prefix == created.key[:8] and created.secure is True
    assert created.email == "bot@my-account.sa.fireworks.ai" and created.display_name == "ci"
    assert created.expire_time and created.expire_time.year == 2099

    listed = raw(k.list, bot)
    assert [i["keyId"] for i in listed["apiKeys"]] == [created.key_id]
    for item in listed["apiKeys"]:
        assert "key" not in item
        assert_sdk_parses(APIKey, item)

    assert raw(k.delete, bot, key_id=created.key_id) == {}
    assert sdk.api_keys.list(bot).api_keys == []


def test_created_key_authenticates_until_deleted(sdk: Fireworks, bot: str, emulator: RunningEmulator) -> None:
    created = sdk.api_keys.create(bot, api_key={})
    assert created.display_name == "default"
    with client_for(emulator, created.key or "") as other:
        assert other.deployments.list().deployments == []  # same account
        sdk.api_keys.delete(bot, key_id=created.key_id or "")
        with pytest.raises(fireworks.AuthenticationError):
            other.deployments.list()


def test_deleting_the_user_revokes_its_keys(sdk: Fireworks, bot: str, emulator: RunningEmulator,
                                            api: httpx.Client) -> None:
    created = sdk.api_keys.create(bot, api_key={"display_name": "x"})
    api.delete(f"/v1/accounts/my-account/users/{bot}")
    with client_for(emulator, created.key or "") as other, pytest.raises(fireworks.AuthenticationError):
        other.models.list()


def test_key_appears_only_in_the_create_response(sdk: Fireworks, bot: str, emulator: RunningEmulator,
                                                 api: httpx.Client) -> None:
    created = sdk.api_keys.create(bot, api_key={"display_name": "once"})
    key = created.key or ""
    key_id = created.key_id or ""
    texts = [
        api.get(f"/v1/accounts/my-account/users/{bot}/apiKeys").text,
        json.dumps(emulator.admin.requests()),
        json.dumps(emulator.admin.get_resource(f"accounts/my-account/users/{bot}/apiKeys/{key_id}", record=True)),
        json.dumps(emulator.admin.keys()),
    ]
    for text in texts:
        assert key not in text


def test_keys_of_a_missing_user_are_404(sdk: Fireworks) -> None:
    with pytest.raises(fireworks.NotFoundError):
        sdk.api_keys.create("nobody", api_key={})
    with pytest.raises(fireworks.NotFoundError):
        sdk.api_keys.list("nobody")


def test_delete_unknown_key_is_404(sdk: Fireworks, bot: str) -> None:
    with pytest.raises(fireworks.NotFoundError) as exc:
        sdk.api_keys.delete(bot, key_id="no-such-key")
    assert api_error(exc)[1] == 5


BAD_CREATES: list[tuple[str, dict[str, Any], str]] = [
    ("no wrapper", {"displayName": "x"}, "'api_key'"),
    ("expired", {"apiKey": {"expireTime": "2000-01-01T00:00:00Z"}}, "'api_key.expire_time'"),
    ("not a timestamp", {"apiKey": {"expireTime": "tomorrow"}}, "'api_key.expire_time'"),
    ("no time zone", {"apiKey": {"expireTime": "2099-01-01T00:00:00"}}, "'api_key.expire_time'"),
    ("long display name", {"apiKey": {"displayName": "k" * 64}}, "'api_key.display_name'"),
]


@pytest.mark.parametrize("body,needle", [r[1:] for r in BAD_CREATES], ids=[r[0] for r in BAD_CREATES])
def test_bad_create(api: httpx.Client, bot: str, body: dict[str, Any], needle: str) -> None:
    response = api.post(f"/v1/accounts/my-account/users/{bot}/apiKeys", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 3 and needle in response.json()["message"]


def test_delete_without_key_id_is_400(api: httpx.Client, bot: str) -> None:
    response = api.post(f"/v1/accounts/my-account/users/{bot}/apiKeys:delete", json={})
    assert response.status_code == 400 and "'key_id'" in response.json()["message"]
