"""Secrets: conformance, the write-only value, ids, bad requests."""

from __future__ import annotations

import json
from typing import Any

import fireworks
import httpx
import pytest
from fireworks import Fireworks
from fireworks.types import Secret

from pulumi_fireworks.emulator.testing import RunningEmulator

from .helpers import api_error, raw
from .strict import assert_sdk_parses

VALUE = "s3cr3t-Value-0123456789"
NEW_VALUE = "an0ther-Value-9876543210"


def test_every_secret_method_through_the_sdk(sdk: Fireworks) -> None:
    s = sdk.secrets.with_raw_response
    created = raw(s.create, name="wolfram-key", key_name="WOLFRAM_ALPHA_API_KEY", value=VALUE)
    assert created == {"name": "accounts/my-account/secrets/wolfram-key", "keyName": "WOLFRAM_ALPHA_API_KEY"}
    assert_sdk_parses(Secret, created)

    assert raw(s.get, "wolfram-key") == created
    updated = raw(s.update, "wolfram-key", key_name="WOLFRAM_KEY", value=NEW_VALUE)
    assert updated == {**created, "keyName": "WOLFRAM_KEY"}
    assert raw(s.update, "wolfram-key", key_name="WOLFRAM_KEY")["keyName"] == "WOLFRAM_KEY"  # value kept

    listed = raw(s.list)
    assert listed["secrets"] == [updated]
    for item in listed["secrets"]:
        assert_sdk_parses(Secret, item)

    assert raw(s.delete, "wolfram-key") == {}
    with pytest.raises(fireworks.NotFoundError) as exc:
        sdk.secrets.get("wolfram-key")
    assert api_error(exc)[:2] == (404, 5)


def test_value_never_comes_back_or_gets_logged(sdk: Fireworks, emulator: RunningEmulator, api: httpx.Client) -> None:
    bodies = [
        api.post("/v1/accounts/my-account/secrets", json={"name": "k", "keyName": "K", "value": VALUE}).text,
        api.get("/v1/accounts/my-account/secrets/k").text,
        api.get("/v1/accounts/my-account/secrets").text,
        api.patch("/v1/accounts/my-account/secrets/k", json={"keyName": "K", "value": NEW_VALUE}).text,
        api.get("/v1/accounts/my-account/secrets/k", params={"readMask": "value"}).text,
        # errors do not echo it either
        api.post("/v1/accounts/my-account/secrets", json={"name": "k", "keyName": "K", "value": VALUE}).text,
        api.post("/v1/accounts/my-account/secrets", json={"name": "bad id!", "keyName": "K", "value": VALUE}).text,
        api.patch("/v1/accounts/my-account/secrets/k", json={"keyName": "1BAD", "value": VALUE}).text,
    ]
    log = json.dumps(emulator.admin.requests())
    record = json.dumps(emulator.admin.get_resource("accounts/my-account/secrets/k", record=True))
    for text in [*bodies, log, record]:
        assert VALUE not in text and NEW_VALUE not in text
    assert all(sdk.secrets.get("k").value is None for _ in range(1))


def test_name_may_be_the_full_resource_name_and_ids_allow_env_style(sdk: Fireworks) -> None:
    full = sdk.secrets.create(name="accounts/my-account/secrets/full-name", key_name="A", value="v")
    assert full.name == "accounts/my-account/secrets/full-name"
    upper = sdk.secrets.create(name="MY_SECRET", key_name="MY_SECRET", value="v")
    assert upper.name == "accounts/my-account/secrets/MY_SECRET"
    assert sdk.secrets.get("MY_SECRET").key_name == "MY_SECRET"


def test_list_pages_through_the_sdk_pager(sdk: Fireworks) -> None:
    for i in range(5):
        sdk.secrets.create(name=f"s{i}", key_name=f"S{i}", value="v")
    first = sdk.secrets.list(page_size=2)
    assert len(first.secrets) == 2 and first.has_next_page()
    assert [s.name for s in sdk.secrets.list(page_size=2)] == [f"accounts/my-account/secrets/s{i}" for i in range(5)]


def test_create_existing_id_is_409(sdk: Fireworks) -> None:
    sdk.secrets.create(name="dup", key_name="DUP", value="v")
    with pytest.raises(fireworks.ConflictError):
        sdk.secrets.create(name="accounts/my-account/secrets/dup", key_name="DUP", value="v")


BAD_CREATES: list[tuple[str, dict[str, Any], str]] = [
    ("no name", {"keyName": "K", "value": "v"}, "'name'"),
    ("bad id charset", {"name": "my secret", "keyName": "K"}, "'name'"),
    ("id starts with a digit", {"name": "1secret", "keyName": "K"}, "'name'"),
    ("id too long", {"name": "s" * 64, "keyName": "K"}, "'name'"),
    ("foreign account", {"name": "accounts/other/secrets/x", "keyName": "K"}, "'name'"),
    ("wrong collection", {"name": "accounts/my-account/models/x", "keyName": "K"}, "'name'"),
    ("no key name", {"name": "x", "value": "v"}, "'key_name'"),
    ("key name not an env var", {"name": "x", "keyName": "MY-KEY"}, "'key_name'"),
    ("value not a string", {"name": "x", "keyName": "K", "value": 42}, "'value'"),
    ("value too large", {"name": "x", "keyName": "K", "value": "v" * (64 * 1024 + 1)}, "'value'"),
]


@pytest.mark.parametrize("body,needle", [r[1:] for r in BAD_CREATES], ids=[r[0] for r in BAD_CREATES])
def test_bad_create(api: httpx.Client, body: dict[str, Any], needle: str) -> None:
    response = api.post("/v1/accounts/my-account/secrets", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 3 and needle in response.json()["message"]


def test_update_requires_key_name(api: httpx.Client, sdk: Fireworks) -> None:
    sdk.secrets.create(name="x", key_name="X", value="v")
    response = api.patch("/v1/accounts/my-account/secrets/x", json={"value": "w"})
    assert response.status_code == 400 and "'key_name'" in response.json()["message"]
    response = api.patch("/v1/accounts/my-account/secrets/missing", json={"keyName": "X"})
    assert response.status_code == 404
