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
from pulumi_fireworks._ratelimit import RateLimiter

Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """A clock that only moves when someone sleeps; records the sleeps."""

    def __init__(self, sleeps: list[float] | None = None) -> None:
        self.now = 1000.0
        self.sleeps = sleeps if sleeps is not None else []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(
    handler: Handler, sleeps: list[float], *, time: FakeTime | None = None, limiter: RateLimiter | None = None
) -> Client:
    """A client on fake time with its own limiter (never the process-wide one: tests must not
    leave a 429 pause behind for each other)."""
    time = time or FakeTime(sleeps)
    return Client(
        Settings(api_key="k-123", base_url="http://127.0.0.1:1", account_id="acct"),
        transport=httpx.MockTransport(handler),
        sleep=time.sleep,
        retry=RetryPolicy(max_retries=3, initial_delay=0.5, max_delay=4.0, max_throttled_retries=3),
        limiter=limiter or RateLimiter(1000.0, clock=time.clock),
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


def test_a_429_slows_every_client_sharing_the_limiter() -> None:
    time = FakeTime()
    limiter = RateLimiter(8.0, burst=1, clock=time.clock)
    throttled, _ = scripted(error(429, 8, "quota", **{"Retry-After": "2"}), httpx.Response(200, json={}))
    other, other_seen = scripted(*[httpx.Response(200, json={})] * 3)
    first = make_client(throttled, [], time=time, limiter=limiter)
    second = make_client(other, [], time=time, limiter=limiter)

    first.request("GET", "/v1/a")  # refused once, waited its 2 s, then answered
    assert time.sleeps[0] == 2.0
    assert 4.0 <= limiter.rate() < 5.0  # everyone's rate was halved (and recovers slowly)

    del time.sleeps[:]
    for path in ("/v1/b", "/v1/c", "/v1/d"):  # a client that never saw a 429 is paced at 4-5/s
        second.request("GET", path)
    assert len(other_seen) == 3 and 3 / 5.0 <= sum(time.sleeps) <= 3 / 4.0


def test_a_long_retry_after_holds_every_client() -> None:
    time = FakeTime()
    limiter = RateLimiter(8.0, clock=time.clock)
    throttled, _ = scripted(error(429, 8, "quota", **{"Retry-After": "60"}), httpx.Response(200, json={}))
    other, other_seen = scripted(httpx.Response(200, json={}))
    first = make_client(throttled, [], time=time, limiter=limiter)
    second = make_client(other, [], time=time, limiter=limiter)
    limiter.reserve()
    first._http.request("GET", "/v1/a")  # the refusal as a concurrent request would see it ...
    limiter.throttled(60.0)  # ... reported to the shared limiter
    second.request("GET", "/v1/b")  # held, though this client never saw the 429
    assert time.sleeps == [pytest.approx(60.0)] and len(other_seen) == 1


def test_429s_have_their_own_retry_budget() -> None:
    handler, seen = scripted(*[error(429, 8, "quota")] * 3, httpx.Response(200, json={"ok": True}))
    client = Client(
        Settings(api_key="k", base_url="http://127.0.0.1:1", account_id="a"),
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0, max_throttled_retries=3),
        sleep=(time := FakeTime()).sleep,
        limiter=RateLimiter(100.0, clock=time.clock),
    )
    assert client.request("GET", "/v1/x") == {"ok": True}
    assert len(seen) == 4
    assert all(0 < pause <= 2.0 for pause in time.sleeps)  # backoff pauses when no Retry-After
