"""Fine-tuning stays inside what the team agreed to pay for: which base models may be trained,
and how many epochs a job may run (each epoch is a pass over the dataset, billed)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Optional

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from .._rule import ResourceContext, resource_policy
from ..resources import DPO_JOB, SUPERVISED_FINE_TUNING_JOB, DpoJob, SupervisedFineTuningJob, TrainingSettings
from ..settings import Setting, Settings
from ..values import Maybe

TRAINING_LIMITS = "fireworks-training-limits"

_SETTINGS = Settings(
    TRAINING_LIMITS,
    (
        Setting("allowedTrainingBaseModels", {
            "type": "array", "items": {"type": "string"}, "default": [],
            "description": "Base models jobs may fine-tune (fnmatch patterns on the model name, e.g. "
                           "'accounts/fireworks/models/llama-*'); empty allows any."}),
        Setting("maxEpochs", {
            "type": "integer", "minimum": 1, "default": 3,
            "description": "Most epochs one job may run (unset epochs mean the API's default, 1)."}),
    ),
)


@dataclass(frozen=True)
class Training:
    """What the rule reads of either job type: its base model and its epochs."""

    base_model: Maybe[str]
    epochs: Maybe[int]


def _read(resource_type: str, props: Mapping[str, Any]) -> Optional[Training]:
    if resource_type == SUPERVISED_FINE_TUNING_JOB:
        job = SupervisedFineTuningJob.read(props)
        return Training(job.base_model, job.epochs)
    if resource_type == DPO_JOB:
        config = DpoJob.read(props).training_config
        if isinstance(config, TrainingSettings):
            return Training(config.base_model, config.epochs)
        return Training(None, None)  # not set, or not known until apply
    return None


def check_training(job: Training, context: ResourceContext) -> Iterator[str]:
    allowed = context.config.strings("allowedTrainingBaseModels") or ()
    if allowed and isinstance(job.base_model, str) and not any(fnmatch.fnmatchcase(job.base_model, p) for p in allowed):
        yield (f"job {context.name!r} fine-tunes {job.base_model}, which is not in allowedTrainingBaseModels "
               f"({', '.join(allowed)}); train one of those, or extend the list.")
    limit = context.config.integer("maxEpochs")
    if limit is not None and isinstance(job.epochs, int) and job.epochs > limit:
        yield f"job {context.name!r} runs {job.epochs} epochs, more than maxEpochs ({limit}); lower epochs or raise the limit."


def training_limits() -> ResourceValidationPolicy:
    return resource_policy(
        name=TRAINING_LIMITS,
        description="Fine-tuning jobs train allowed base models, for at most maxEpochs epochs.",
        remediation_steps="Choose an allowed base model and at most maxEpochs epochs, or change the pack's settings.",
        severity=Severity.MEDIUM,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_SETTINGS,
        resource_types=[SUPERVISED_FINE_TUNING_JOB, DPO_JOB],
        read=_read,
        check=check_training,
    )
