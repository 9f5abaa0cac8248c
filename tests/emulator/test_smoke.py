"""The emulator serves, authenticates and answers in the API's formats."""

from __future__ import annotations

import httpx

from pulumi_fireworks.emulator.testing import RunningEmulator


def test_unknown_route_is_404_in_api_error_format(emulator: RunningEmulator) -> None:
    response = httpx.get(emulator.url + "/v1/no/such/route")
    assert response.status_code == 404
    assert response.json() == {"code": 5, "message": "Not Found", "details": []}


def test_missing_key_is_401(emulator: RunningEmulator) -> None:
    response = httpx.get(emulator.url + f"/v1/accounts/{emulator.account_id}/deployments")
    assert response.status_code == 401
    assert response.json()["code"] == 16


def test_x_api_key_header_is_accepted(emulator: RunningEmulator) -> None:
    response = httpx.get(
        emulator.url + f"/v1/accounts/{emulator.account_id}/deployments", headers={"X-Api-Key": emulator.api_key}
    )
    assert response.status_code == 200
    assert response.json()["deployments"] == []
