"""The public surface is deliberate: exports, type tokens and the published schema."""

from __future__ import annotations

import pulumi_fireworks
from pulumi_fireworks import _schema
from pulumi_fireworks._engine import registered_specs


def test_exports_are_pinned() -> None:
    # A nested *Args two resources share (a job's WandbConfigArgs) is exported by both modules, once by name.
    assert sorted(set(pulumi_fireworks.__all__)) == sorted(
        [
            "Deployment", "DeploymentArgs", "AutoscalingPolicyArgs", "AutoTuneArgs", "PlacementArgs",
            "ScalingScheduleArgs", "Secret", "SecretArgs", "User", "UserArgs", "ServiceAccount",
            "ServiceAccountArgs", "ApiKey", "ApiKeyArgs", "DeployedModel", "DeployedModelArgs", "Model", "ModelArgs", "PeftDetailsArgs",
            "BaseModelDetailsArgs", "ConversationConfigArgs", "DateArgs", "Dataset", "DatasetArgs",
            "SupervisedFineTuningJob", "SupervisedFineTuningJobArgs", "DpoJob", "DpoJobArgs", "TrainingSettingsArgs",
            "LossConfigArgs", "DpoConfigArgs", "Evaluator", "EvaluatorArgs", "CriterionArgs", "CodeSnippetsArgs",
            "ReinforcementFineTuningJob", "ReinforcementFineTuningJobArgs", "Quota", "QuotaArgs", "InferenceParametersArgs", "WandbConfigArgs", "AwsS3ConfigArgs", "AzureBlobStorageConfigArgs", "FireworksError", "ConfigurationError", "APIConnectionError",
            "APIStatusError", "BadRequestError", "AuthenticationError", "PermissionDeniedError",
            "NotFoundError", "ConflictError", "RateLimitError", "InternalServerError", "ResourceError",
            "ResourceOperationError", "ResourceFailedError", "WaitTimeoutError", "LookupFailedError",
            "get_account", "get_account_output", "get_model", "get_model_output", "list_models",
            "list_models_output", "get_deployment", "get_deployment_output", "get_deployment_shape",
            "get_deployment_shape_output", "get_user", "get_user_output", "get_supervised_fine_tuning_job", "get_supervised_fine_tuning_job_output",
            "get_dpo_job", "get_dpo_job_output", "get_reinforcement_fine_tuning_job",
            "get_reinforcement_fine_tuning_job_output", "GetFineTuningJobResult", "GetAccountResult", "GetModelResult",
            "ListModelsResult", "GetDeploymentResult", "GetDeploymentShapeResult", "GetUserResult",
            "get_quota", "get_quota_output", "list_quotas", "list_quotas_output", "GetQuotaResult", "ListQuotasResult",
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
    "DeployedModel": pulumi_fireworks.DeployedModel,
    "Model": pulumi_fireworks.Model,
    "Dataset": pulumi_fireworks.Dataset,
    "SupervisedFineTuningJob": pulumi_fireworks.SupervisedFineTuningJob,
    "DpoJob": pulumi_fireworks.DpoJob,
    "Evaluator": pulumi_fireworks.Evaluator,
    "ReinforcementFineTuningJob": pulumi_fireworks.ReinforcementFineTuningJob,
    "Quota": pulumi_fireworks.Quota,
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
    } | {f"lookups/{name}.json" for name in LOOKUP_FUNCTIONS}


def test_the_generated_surface_matches_the_declarations() -> None:
    from pulumi_fireworks import _codegen

    assert _codegen.stale_files() == [], "run `python -m pulumi_fireworks._codegen --write`"
    for path, text in _codegen.render_all().items():
        assert text.startswith(_codegen.HEADER) or text.startswith("<!-- Generated"), path


def test_every_args_declares_its_required_inputs() -> None:
    for type_name, spec in registered_specs().items():
        args = getattr(pulumi_fireworks, f"{type_name}Args")
        required = {f for f, info in spec.inputs_model.model_fields.items() if info.is_required()}
        assert args.__required_keys__ == required, type_name


LOOKUP_FUNCTIONS = ["get_account", "get_model", "list_models", "get_deployment", "get_deployment_shape", "get_user",
                    "get_supervised_fine_tuning_job", "get_dpo_job", "get_reinforcement_fine_tuning_job", "get_quota", "list_quotas"]


def test_every_lookup_has_an_output_twin_a_schema_entry_and_documented_arguments() -> None:
    import inspect

    from pulumi_fireworks.lookups.functions import CATALOG

    assert [entry.function.__name__ for entry in CATALOG] == LOOKUP_FUNCTIONS
    for entry in CATALOG:
        plain = inspect.signature(entry.function)
        twin = inspect.signature(getattr(pulumi_fireworks, entry.function.__name__ + "_output"))
        assert list(twin.parameters) == list(plain.parameters) == list(entry.arguments), entry.function.__name__
        assert [p.kind for p in twin.parameters.values()] == [p.kind for p in plain.parameters.values()]
        assert [p.default for p in twin.parameters.values()] == [p.default for p in plain.parameters.values()]
        assert entry.result.model_config.get("frozen") is True
        assert entry.function.__doc__


def test_client_and_emulator_agree_on_grpc_code_numbers() -> None:
    from pulumi_fireworks._wire._enums import STATUS_CODES
    from pulumi_fireworks.emulator.errors import Code

    assert [code.name for code in sorted(Code)] == list(STATUS_CODES)
