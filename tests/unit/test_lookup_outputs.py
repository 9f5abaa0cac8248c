"""The ``_output`` twins under Pulumi's mocks: unknown (and no API call) while an input is
unknown or comes from a resource yet to be created during preview; a call otherwise, in
preview as in up; secrets and failures carried through."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Iterator, Optional

import httpx
import pulumi
import pulumi.runtime
import pulumi.runtime.settings
import pytest

import pulumi_fireworks as fireworks
from pulumi_fireworks._config import Settings
from pulumi_fireworks._http import Client, RetryPolicy
from pulumi_fireworks.lookups import _session

from tests.support.content import LLAMA as MODEL


class Thing(pulumi.CustomResource):
    """A resource of the mocks: ``label`` is an input, ``computed`` a server-side output."""

    label: pulumi.Output[str]
    computed: pulumi.Output[str]

    def __init__(self, name: str, label: pulumi.Input[str]) -> None:
        super().__init__("test:index:Thing", name, {"label": label, "computed": None})


class Mocks(pulumi.runtime.Mocks):
    """Resources that exist already (``existing-*``) have an id in preview; others are
    being created: no id and no computed outputs until up."""

    def __init__(self, preview: bool) -> None:
        self.preview = preview

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Optional[str], dict[str, Any]]:
        if self.preview and not args.name.startswith("existing"):
            return None, dict(args.inputs)
        return f"{args.name}-id", {**args.inputs, "computed": MODEL}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], Optional[list[tuple[str, str]]]]:
        raise AssertionError("lookups are not provider invokes")


class FakeAPI:
    """Answers model Gets (404 for ``.../nope``) and records the paths asked for."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        name = request.url.path.removeprefix("/v1/")
        if name.endswith("/nope"):
            return httpx.Response(404, json={"code": 5, "message": f"model {name} not found"})
        return httpx.Response(200, json={"name": name, "contextLength": 131072, "supportsLora": True})


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> FakeAPI:
    fake = FakeAPI()
    client = Client(
        Settings(api_key="fw-unit-key", base_url="http://127.0.0.1:1", account_id="acct"),
        transport=httpx.MockTransport(fake),
        retry=RetryPolicy(max_retries=0),
    )
    monkeypatch.setattr(_session, "client", lambda: client)
    return fake


@pytest.fixture
def mocked() -> Iterator[Callable[[bool], None]]:
    def use(preview: bool) -> None:
        pulumi.runtime.set_mocks(Mocks(preview), preview=preview)

    yield use
    pulumi.runtime.settings.reset_options()


def run(body: Callable[[], Awaitable[None]]) -> None:
    """Run ``body`` as a Pulumi program under the mocks and wait for it."""
    pulumi.runtime.test(lambda: body())()


async def state(output: pulumi.Output[Any]) -> tuple[bool, bool, Any]:
    """(known, secret, value) of an Output."""
    return await output.is_known(), await output.is_secret(), await output.future()


def test_preview_with_an_unknown_input_is_unknown_and_calls_nothing(api: FakeAPI, mocked: Callable[[bool], None]) -> None:
    mocked(True)

    async def body() -> None:
        fresh = Thing("fresh", label=MODEL)
        known, _, value = await state(fireworks.get_model_output(fresh.computed))
        assert (known, value) == (False, None)
        deployment = await state(fireworks.get_deployment_shape_output(base_model=fresh.computed, accelerator_type="X"))
        assert deployment[0] is False

    run(body)
    assert api.paths == []


def test_preview_with_an_input_of_a_resource_being_created_is_unknown(api: FakeAPI, mocked: Callable[[bool], None]) -> None:
    # ``label`` is known at preview (an input), but the resource does not exist yet.
    mocked(True)

    async def body() -> None:
        fresh = Thing("fresh", label=MODEL)
        assert await fresh.label.is_known()
        assert (await state(fireworks.get_model_output(fresh.label)))[0] is False

    run(body)
    assert api.paths == []


def test_preview_looks_up_known_inputs_and_inputs_of_existing_resources(api: FakeAPI, mocked: Callable[[bool], None]) -> None:
    mocked(True)

    async def body() -> None:
        existing = Thing("existing", label=MODEL)
        known, secret, result = await state(fireworks.get_model_output(existing.label))
        assert (known, secret) == (True, False)
        assert isinstance(result, fireworks.GetModelResult) and result.context_length == 131072
        assert await fireworks.get_model_output(MODEL).supports_lora.future() is True
        # The result depends on the resource its input came from.
        assert existing in await fireworks.get_model_output(existing.label).resources()

    run(body)
    assert api.paths == [f"/v1/{MODEL}"] * 3


def test_up_looks_up_inputs_of_resources_once_they_exist(api: FakeAPI, mocked: Callable[[bool], None]) -> None:
    mocked(False)

    async def body() -> None:
        fresh = Thing("fresh", label="ignored")
        known, _, result = await state(fireworks.get_model_output(fresh.computed))
        assert known and result.name == MODEL

    run(body)
    assert api.paths == [f"/v1/{MODEL}"]


def test_a_secret_input_makes_a_secret_result(api: FakeAPI, mocked: Callable[[bool], None]) -> None:
    mocked(True)

    async def body() -> None:
        known, secret, result = await state(fireworks.get_model_output(pulumi.Output.secret(MODEL)))
        assert (known, secret, result.name) == (True, True, MODEL)

    run(body)


def test_a_failed_lookup_faults_its_output_with_the_one_line_error(api: FakeAPI, mocked: Callable[[bool], None]) -> None:
    mocked(True)

    async def body() -> None:
        with pytest.raises(fireworks.LookupFailedError) as failure:
            await fireworks.get_model_output("accounts/fireworks/models/nope").future()
        assert str(failure.value) == "fireworks: model 'accounts/fireworks/models/nope' not found (get_model)"
        assert failure.value.not_found

    with pytest.raises(fireworks.LookupFailedError):
        run(body)  # the faulted output is also reported at the end of the program, as Pulumi does


def test_every_twin_waits_for_its_inputs(api: FakeAPI, mocked: Callable[[bool], None]) -> None:
    mocked(True)

    async def body() -> None:
        unknown = Thing("fresh", label="x").computed
        twins = [
            fireworks.get_model_output(unknown),
            fireworks.get_deployment_output(unknown),
            fireworks.get_user_output(unknown),
            fireworks.get_deployment_shape_output(base_model=MODEL, accelerator_type=unknown),
            fireworks.list_models_output(filter=unknown),
        ]
        for twin in twins:
            assert (await state(twin))[0] is False

    run(body)
    assert api.paths == []
