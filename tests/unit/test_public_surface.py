"""The public surface is deliberate: exports, type tokens and the published schema."""

from __future__ import annotations

import pulumi_fireworks
from pulumi_fireworks import _schema
from pulumi_fireworks._engine import registered_specs


def test_exports_are_pinned() -> None:
    assert sorted(pulumi_fireworks.__all__) == sorted(
        [
            "Deployment", "DeploymentArgs", "AutoscalingPolicyArgs", "AutoTuneArgs", "PlacementArgs",
            "ScalingScheduleArgs", "Secret", "SecretArgs", "User", "UserArgs", "ServiceAccount",
            "ServiceAccountArgs", "ApiKey", "ApiKeyArgs", "Model", "ModelArgs", "PeftDetailsArgs",
            "BaseModelDetailsArgs", "ConversationConfigArgs", "DateArgs", "Dataset", "DatasetArgs", "FireworksError", "ConfigurationError", "APIConnectionError",
            "APIStatusError", "BadRequestError", "AuthenticationError", "PermissionDeniedError",
            "NotFoundError", "ConflictError", "RateLimitError", "InternalServerError", "ResourceError",
            "ResourceOperationError", "ResourceFailedError", "WaitTimeoutError",
        ]
    )
    for name in pulumi_fireworks.__all__:
        assert hasattr(pulumi_fireworks, name)


RESOURCE_CLASSES = {
    "Deployment": pulumi_fireworks.Deployment,
    "Secret": pulumi_fireworks.Secret,
    "User": pulumi_fireworks.User,
    "ServiceAccount": pulumi_fireworks.ServiceAccount,
    "ApiKey": pulumi_fireworks.ApiKey,
    "Model": pulumi_fireworks.Model,
    "Dataset": pulumi_fireworks.Dataset,
}


def test_each_resource_has_its_own_type_token() -> None:
    assert set(RESOURCE_CLASSES) == set(registered_specs())
    for type_name, cls in RESOURCE_CLASSES.items():
        assert cls._resource_type_name == f"dynamic/fireworks:{type_name}"  # type: ignore[attr-defined]
        assert cls._spec.type_name == type_name


def test_typed_args_cover_every_input() -> None:
    for type_name, cls in RESOURCE_CLASSES.items():
        args = getattr(pulumi_fireworks, f"{type_name}Args")
        keys = args.__required_keys__ | args.__optional_keys__
        assert keys == set(cls._spec.inputs_model.model_fields), type_name


def test_checked_in_schema_matches_the_code() -> None:
    assert _schema.stale_files() == [], "run `python -m pulumi_fireworks._schema --write`"
    assert set(_schema.render_all()) == {
        f"{_schema._file_stem(name)}.json" for name in registered_specs()
    }


def test_client_and_emulator_agree_on_grpc_code_numbers() -> None:
    from pulumi_fireworks._wire._enums import STATUS_CODES
    from pulumi_fireworks.emulator.errors import Code

    assert [code.name for code in sorted(Code)] == list(STATUS_CODES)
