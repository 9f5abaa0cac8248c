"""``fireworks:DpoJob`` — preference tuning (DPO, or ORPO) of a LoRA adapter on a dataset of pairs.

API object: ``accounts/{account}/dpoJobs/{id}`` (SDK ``fireworks/resources/dpo_jobs.py``). The
training settings live under ``training_config`` (SDK ``types/shared/training_config.py``)
and the loss under ``loss_config``; what every job does is in ``_training.py``.
"""

from __future__ import annotations

from typing import Optional

from ._fields import field
from ._training import (
    LossConfigInputs,
    TrainingJobEngine,
    TrainingSettingsInputs,
    TunerInputs,
    job_spec,
    setting,
)
from ._types import AdoptExisting, ResourceId, adopt_field
from ._wire.training_job import DpoJob as DpoJobWire


class DpoJobInputs(TunerInputs):
    """Validation and canonical form of DpoJob inputs; the published input schema."""

    training_config: TrainingSettingsInputs = field(
        "The training settings: base_model or warm_start_from, output_model, epochs, learning_rate, lora_rank, ...",
        required=True, replaces=True,
    )
    loss_config: Optional[LossConfigInputs] = setting("The preference loss; DPO unless method says otherwise")
    dpo_job_id: Optional[ResourceId] = field("Id of the job; derived from the resource name and the inputs when unset")
    adopt_existing: AdoptExisting = adopt_field()

    def cross_field_errors(self) -> list[tuple[str, str]]:
        errors = self.training_config.settings_errors("training_config.") + self.job_errors()
        if self.adopt_existing and self.dpo_job_id is None:
            errors.append(("adopt_existing", "needs dpo_job_id: the id of the job to take over"))
        return errors


class DpoJobEngine(TrainingJobEngine):
    spec = job_spec(
        type_name="DpoJob",
        collection="dpoJobs",
        inputs_model=DpoJobInputs,
        wire_model=DpoJobWire,
        id_field="dpo_job_id",
        id_param="dpoJobId",
        summary=(
            "Preference tuning (DPO, or ORPO) of a LoRA adapter on a dataset of chosen/rejected pairs. Any input "
            "change trains a new job; pass the job as a DeployedModel's ``model`` to load what it trained."
        ),
        example=(
            'pairs = fireworks.Dataset("preferences", source="./data/pairs.jsonl")\n'
            'dpo = fireworks.DpoJob("tone", dataset=pairs, training_config={\n'
            '    "base_model": "accounts/fireworks/models/llama-v3p1-8b-instruct", "epochs": 1})'
        ),
    )

    settings_field = "training_config"


SPEC = DpoJobEngine.spec
