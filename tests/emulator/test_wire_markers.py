"""The ``newer_spec`` markers of the wire models are exactly the fields the official SDK
(``fireworks-ai==1.2.30``) does not know: the emulator's ``dropNewerFields`` behaviour
drops what they mark, so they must neither miss a field nor mark one the SDK has."""

from __future__ import annotations

from typing import Any

import fireworks
import pytest
from fireworks.types.shared import DeployedModel, ReinforcementLearningLossConfig, TrainingConfig, WandbConfig

from pulumi_fireworks._wire import (
    api_key,
    dataset,
    deployed_model,
    deployment,
    deployment_shape,
    evaluator,
    model,
    training_job,
    user,
)
from pulumi_fireworks._wire._base import newer_spec_fields

MARKED: list[tuple[Any, Any, tuple[str, ...]]] = [
    (model.Model, fireworks.types.Model, ()),
    (model.BaseModelDetails, fireworks.types.BaseModelDetails, ()),
    (model.PeftDetails, fireworks.types.PeftDetails, ()),
    (dataset.Dataset, fireworks.types.Dataset, ("encryptionState",)),  # read by fireworks/lib/dataset_upload.py
    (dataset.Transformed, fireworks.types.Transformed, ()),
    (deployment.Deployment, fireworks.types.Deployment, ()),
    (deployment.AutoscalingPolicy, fireworks.types.AutoscalingPolicy, ()),
    (deployment.ReplicaStats, fireworks.types.deployment.ReplicaStats, ()),
    (deployment.Placement, fireworks.types.Placement, ()),
    (deployment_shape.DeploymentShape, fireworks.types.DeploymentShape, ()),
    (user.User, fireworks.types.User, ()),
    (api_key.ApiKey, fireworks.types.APIKey, ()),
    (deployed_model.DeployedModel, DeployedModel, ()),
    (training_job.SupervisedFineTuningJob, fireworks.types.SupervisedFineTuningJob, ()),
    # The shared wire model gives a DPO job an updateTime that SDK 1.2.30 (and the docs) lack;
    # the emulator never answers it (handlers/training_jobs.py, DpoJobs.unanswered).
    (training_job.DpoJob, fireworks.types.DpoJob, ("updateTime",)),
    # Likewise the RFT job (handlers/training_jobs.py, ReinforcementFineTuningJobs.unanswered).
    (training_job.ReinforcementFineTuningJob, fireworks.types.ReinforcementFineTuningJob, ("updateTime",)),
    (training_job.InferenceParameters, fireworks.types.reinforcement_fine_tuning_job.InferenceParameters, ()),
    (evaluator.Evaluator, fireworks.types.EvaluatorGetResponse, ()),
    (evaluator.Criterion, fireworks.types.evaluator_get_response.Criterion, ()),
    (evaluator.CodeSnippets, fireworks.types.evaluator_get_response.CriterionCodeSnippets, ()),
    (evaluator.EvaluatorSource, fireworks.types.EvaluatorSource, ()),
    (training_job.TrainingConfig, TrainingConfig, ()),
    (training_job.WandbConfig, WandbConfig, ()),
    (training_job.LossConfig, ReinforcementLearningLossConfig, ()),
    (training_job.JobProgress, fireworks.types.supervised_fine_tuning_job.JobProgress, ()),
    (training_job.EstimatedCost, fireworks.types.supervised_fine_tuning_job.EstimatedCost, ()),
]


@pytest.mark.parametrize("wire,sdk_type,known_to_the_sdk_elsewhere", MARKED, ids=[w.__name__ for w, _, _ in MARKED])
def test_newer_spec_markers_are_exactly_the_fields_sdk_1_2_30_lacks(
    wire: Any, sdk_type: Any, known_to_the_sdk_elsewhere: tuple[str, ...]
) -> None:
    ours = {info.alias or name for name, info in wire.model_fields.items()}
    sdks = {info.alias or name for name, info in sdk_type.model_fields.items()}
    assert newer_spec_fields(wire) == ours - sdks - set(known_to_the_sdk_elsewhere)


def test_create_request_markers() -> None:
    assert newer_spec_fields(dataset.CreateDatasetRequest) == {"filter"}  # not a DatasetCreateParams key
