"""The public surface is deliberate: exports, type tokens and the published schema."""

from __future__ import annotations

import pulumi_fireworks
from pulumi_fireworks import _schema
from pulumi_fireworks._engine import _SPECS


def test_exports_are_pinned() -> None:
    assert sorted(pulumi_fireworks.__all__) == sorted(
        [
            "Deployment", "DeploymentArgs", "AutoscalingPolicyArgs", "AutoTuneArgs", "PlacementArgs",
            "ScalingScheduleArgs", "FireworksError", "ConfigurationError", "APIConnectionError",
            "APIStatusError", "BadRequestError", "AuthenticationError", "PermissionDeniedError",
            "NotFoundError", "ConflictError", "RateLimitError", "InternalServerError",
            "ResourceOperationError", "ResourceFailedError", "WaitTimeoutError",
        ]
    )
    for name in pulumi_fireworks.__all__:
        assert hasattr(pulumi_fireworks, name)


def test_each_resource_has_its_own_type_token() -> None:
    assert pulumi_fireworks.Deployment._resource_type_name == "dynamic/fireworks:Deployment"  # type: ignore[attr-defined]


def test_typed_args_cover_every_input() -> None:
    from pulumi_fireworks.deployment import DeploymentArgs, DeploymentInputs

    assert set(DeploymentArgs.__annotations__) == set(DeploymentInputs.model_fields)


def test_checked_in_schema_matches_the_code() -> None:
    assert _schema.stale_files() == [], "run `python -m pulumi_fireworks._schema --write`"
    assert set(_schema.render_all()) == {"deployment.json"} | {
        f"{_schema._file_stem(name)}.json" for name in _SPECS
    }


def test_client_and_emulator_agree_on_grpc_code_numbers() -> None:
    from pulumi_fireworks._wire._enums import STATUS_CODES
    from pulumi_fireworks.emulator.errors import Code

    assert [code.name for code in sorted(Code)] == list(STATUS_CODES)
