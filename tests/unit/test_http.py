"""The HTTP client's retry and error rules, through httpx's MockTransport."""

from __future__ import annotations

from typing import Callable

import httpx
import pytest

from pulumi_fireworks._config import Settings
from pulumi_fireworks._errors import (
    APIConnectionError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from pulumi_fireworks._http import Client, RetryPolicy

Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, sleeps: list[float]) -> Client:
    return Client(
        Settings(api_key="k-123", base_url="http://127.0.0.1:1", account_id="acct"),
        transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
        retry=RetryPolicy(max_retries=3, initial_delay=0.5, max_delay=4.0),
    )


def scripted(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler, seen


def error(status: int, code: int, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message, "details": []}, headers=headers)


def test_get_retries_5xx_and_honours_retry_after() -> None:
    handler, seen = scripted(error(503, 14, "busy", **{"Retry-After": "7"}), httpx.Response(200, json={"ok": True}))
    sleeps: list[float] = []
    assert make_client(handler, sleeps).request("GET", "/v1/x") == {"ok": True}
    assert len(seen) == 2
    assert sleeps == [7.0]


def test_backoff_grows_without_retry_after() -> None:
    handler, seen = scripted(error(500, 13, "a"), error(502, 14, "b"), error(504, 4, "c"), httpx.Response(200, json={}))
    sleeps: list[float] = []
    make_client(handler, sleeps).request("GET", "/v1/x")
    assert len(seen) == 4
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0 and 1.0 <= sleeps[2] <= 2.0


def test_gives_up_after_max_retries_with_the_api_message() -> None:
    handler, seen = scripted(*[error(503, 14, "overloaded")] * 4)
    with pytest.raises(InternalServerError) as info:
        make_client(handler, []).request("GET", "/v1/x")
    assert len(seen) == 4
    assert info.value.code == "UNAVAILABLE" and info.value.message == "overloaded"
    assert "overloaded" in str(info.value)


def test_create_is_not_retried_after_a_5xx() -> None:
    handler, seen = scripted(error(500, 13, "boom"))
    with pytest.raises(InternalServerError):
        make_client(handler, []).request("POST", "/v1/x", json={}, idempotent=False)
    assert len(seen) == 1


def test_create_is_not_retried_after_429_but_the_error_carries_retry_after() -> None:
    # A proxy may answer 429 after passing the create on: the engine checks what exists
    # before trying again, and then waits as long as the server asked.
    handler, seen = scripted(error(429, 8, "slow down", **{"retry-after-ms": "1500"}))
    sleeps: list[float] = []
    client = make_client(handler, sleeps)
    with pytest.raises(RateLimitError) as info:
        client.request("POST", "/v1/x", json={}, idempotent=False)
    assert len(seen) == 1 and info.value.retry_after == 1.5
    client.backoff(0, info.value)
    assert sleeps == [1.5]


def test_create_is_retried_when_the_connection_was_never_made() -> None:
    handler, seen = scripted(httpx.ConnectError("refused"), httpx.Response(200, json={}))
    make_client(handler, []).request("POST", "/v1/x", json={}, idempotent=False)
    assert len(seen) == 2


def test_create_is_not_retried_when_the_response_was_lost() -> None:
    handler, seen = scripted(httpx.ReadTimeout("lost"))
    with pytest.raises(APIConnectionError):
        make_client(handler, []).request("POST", "/v1/x", json={}, idempotent=False)
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("response", "exc", "code"),
    [
        (error(400, 3, "displayName too long"), BadRequestError, "INVALID_ARGUMENT"),
        (error(404, 5, "not found"), NotFoundError, "NOT_FOUND"),
        (httpx.Response(429, json={"error": {"code": 8, "message": "quota"}}), RateLimitError, "RESOURCE_EXHAUSTED"),
    ],
)
def test_errors_carry_the_api_code_and_message(response: httpx.Response, exc: type, code: str) -> None:
    client = make_client(scripted(*[response] * 4)[0], [])
    with pytest.raises(exc) as info:
        client.request("GET", "/v1/x")
    assert info.value.code == code
    assert info.value.message in str(info.value)


def test_requests_carry_the_key_and_encode_query_values() -> None:
    handler, seen = scripted(httpx.Response(200, json={}))
    make_client(handler, []).request("GET", "/v1/x", params={"hard": True, "skip": None, "mask": ["a", "b"]})
    request = seen[0]
    assert request.headers["Authorization"] == "Bearer k-123"
    assert dict(request.url.params) == {"hard": "true", "mask": "a,b"}


def test_account_id_is_discovered_from_the_key_when_not_configured() -> None:
    handler, seen = scripted(httpx.Response(200, json={"accounts": [{"name": "accounts/acme"}]}))
    client = Client(Settings(api_key="k", base_url="http://127.0.0.1:1"), transport=httpx.MockTransport(handler))
    assert client.account_id == "acme"
    assert client.account_id == "acme"
    assert len(seen) == 1 and seen[0].url.params["pageSize"] == "2"
