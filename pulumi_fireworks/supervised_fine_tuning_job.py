"""``fireworks:SupervisedFineTuningJob`` — supervised fine-tuning of a LoRA adapter on a dataset.

API object: ``accounts/{account}/supervisedFineTuningJobs/{id}``
(https://docs.fireworks.ai/api-reference/create-supervised-fine-tuning-job; SDK
``fireworks/resources/supervised_fine_tuning_jobs.py``). The training settings are the
job's own fields; what every job does (immutable, waits, the trained model kept on
delete) is in ``_training.py``.
"""

from __future__ import annotations

from typing import Optional

from ._fields import field
from ._training import (
    EvaluationInputs,
    TrainingJobEngine,
    TrainingSettingsInputs,
    TunerInputs,
    job_spec,
    setting,
)
from ._types import AdoptExisting, Bool, Int, ResourceId, adopt_field
from ._wire.training_job import SupervisedFineTuningJob as SupervisedFineTuningJobWire


class SupervisedFineTuningJobInputs(TrainingSettingsInputs, EvaluationInputs, TunerInputs):
    """Validation and canonical form of SupervisedFineTuningJob inputs; the published input schema."""

    early_stop: Optional[Bool] = setting("Stop when the evaluation loss stops improving")
    is_turbo: Optional[Bool] = setting()
    nodes: Optional[Int] = setting(ge=1)
    mtp_enabled: Optional[Bool] = setting()
    mtp_num_draft_tokens: Optional[Int] = setting(ge=1)
    mtp_freeze_base_model: Optional[Bool] = setting()
    supervised_fine_tuning_job_id: Optional[ResourceId] = field(
        "Id of the job; derived from the resource name and the inputs when unset"
    )
    adopt_existing: AdoptExisting = adopt_field()

    def cross_field_errors(self) -> list[tuple[str, str]]:
        errors = self.settings_errors("") + self.evaluation_errors() + self.job_errors()
        if self.adopt_existing and self.supervised_fine_tuning_job_id is None:
            errors.append(("adopt_existing", "needs supervised_fine_tuning_job_id: the id of the job to take over"))
        return errors


class SupervisedFineTuningJobEngine(TrainingJobEngine):
    spec = job_spec(
        type_name="SupervisedFineTuningJob",
        collection="supervisedFineTuningJobs",
        inputs_model=SupervisedFineTuningJobInputs,
        wire_model=SupervisedFineTuningJobWire,
        id_field="supervised_fine_tuning_job_id",
        id_param="supervisedFineTuningJobId",
        summary=(
            "Supervised fine-tuning of a LoRA adapter on a dataset. Any input change trains a new job; the trained "
            "model (``trained_model``) can be loaded in the same ``up``: pass the job as a DeployedModel's ``model``."
        ),
        example=(
            'base = "accounts/fireworks/models/llama-v3p1-8b-instruct"\n'
            'data = fireworks.Dataset("support-chats", source="./data/support.jsonl", format="CHAT")\n'
            'tune = fireworks.SupervisedFineTuningJob("support", dataset=data, base_model=base, epochs=2)\n'
            'dep = fireworks.Deployment("multi-lora", base_model=base, enable_addons=True)\n'
            'load = fireworks.DeployedModel("support", model=tune, deployment=dep)'
        ),
    )


SPEC = SupervisedFineTuningJobEngine.spec
