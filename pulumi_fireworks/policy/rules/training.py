"""Fine-tuning stays inside what the team agreed to pay for: which base models may be trained,
how many epochs a job may run (each epoch is a pass over the dataset, billed), and how many
rollouts an RFT job may sample at once (each one is inference on GPUs, billed)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Optional

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from .._rule import ResourceContext, resource_policy
from ..resources import (
    DPO_JOB,
    REINFORCEMENT_FINE_TUNING_JOB,
    SUPERVISED_FINE_TUNING_JOB,
    DpoJob,
    ReinforcementFineTuningJob,
    SupervisedFineTuningJob,
    TrainingSettings,
)
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
        Setting("maxConcurrentRollouts", {
            "type": "integer", "minimum": 1,
            "description": "Most rollouts an RFT job may sample at once (max_concurrent_rollouts); it must then be "
                           "set. Unset: no cap."}),
    ),
)


@dataclass(frozen=True)
class Training:
    """What the rule reads of either job type: its base model and its epochs."""

    base_model: Maybe[str]
    epochs: Maybe[int]
    rollouts: Maybe[int] = None
    rl: bool = False
    """An RFT job (rollouts apply)."""


def _read(resource_type: str, props: Mapping[str, Any]) -> Optional[Training]:
    if resource_type == SUPERVISED_FINE_TUNING_JOB:
        job = SupervisedFineTuningJob.read(props)
        return Training(job.base_model, job.epochs)
    if resource_type == DPO_JOB:
        return _settings(DpoJob.read(props).training_config)
    if resource_type == REINFORCEMENT_FINE_TUNING_JOB:
        rft = ReinforcementFineTuningJob.read(props)
        settings = _settings(rft.training_config)
        return Training(settings.base_model, settings.epochs, rft.max_concurrent_rollouts, rl=True)
    return None


def _settings(config: Any) -> Training:
    if isinstance(config, TrainingSettings):
        return Training(config.base_model, config.epochs)
    return Training(None, None)  # not set, or not known until apply


def check_training(job: Training, context: ResourceContext) -> Iterator[str]:
    allowed = context.config.strings("allowedTrainingBaseModels") or ()
    if allowed and isinstance(job.base_model, str) and not any(fnmatch.fnmatchcase(job.base_model, p) for p in allowed):
        yield (f"job {context.name!r} fine-tunes {job.base_model}, which is not in allowedTrainingBaseModels "
               f"({', '.join(allowed)}); train one of those, or extend the list.")
    limit = context.config.integer("maxEpochs")
    if limit is not None and isinstance(job.epochs, int) and job.epochs > limit:
        yield f"job {context.name!r} runs {job.epochs} epochs, more than maxEpochs ({limit}); lower epochs or raise the limit."
    cap = context.config.integer("maxConcurrentRollouts")
    if job.rl and cap is not None:
        if job.rollouts is None:
            yield (f"job {context.name!r} sets no max_concurrent_rollouts, and maxConcurrentRollouts ({cap}) caps it; "
                   f"set max_concurrent_rollouts to at most {cap}.")
        elif isinstance(job.rollouts, int) and job.rollouts > cap:
            yield (f"job {context.name!r} samples {job.rollouts} rollouts at once, more than maxConcurrentRollouts "
                   f"({cap}); lower max_concurrent_rollouts or raise the limit.")


def training_limits() -> ResourceValidationPolicy:
    return resource_policy(
        name=TRAINING_LIMITS,
        description="Fine-tuning jobs train allowed base models, for at most maxEpochs epochs; RFT jobs sample at "
                    "most maxConcurrentRollouts rollouts at once.",
        remediation_steps="Choose an allowed base model, at most maxEpochs epochs and at most maxConcurrentRollouts "
                          "concurrent rollouts, or change the pack's settings.",
        severity=Severity.MEDIUM,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_SETTINGS,
        resource_types=[SUPERVISED_FINE_TUNING_JOB, DPO_JOB, REINFORCEMENT_FINE_TUNING_JOB],
        read=_read,
        check=check_training,
    )
