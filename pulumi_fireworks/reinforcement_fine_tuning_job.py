"""``fireworks:ReinforcementFineTuningJob`` — reinforcement fine-tuning of a LoRA adapter, its
rollouts scored by an Evaluator.

API object: ``accounts/{account}/reinforcementFineTuningJobs/{id}`` (SDK
``fireworks/resources/reinforcement_fine_tuning_jobs.py``). The training settings live under
``training_config`` as a DPO job's do; what every job does (immutable, waits, the trained
model kept on delete) is in ``_training.py``. The evaluator is an input like the dataset:
given the Evaluator resource, a new evaluator (changed reward code) trains a new job.
"""

from __future__ import annotations

import json
from typing import Optional

from pydantic import Field, field_validator

from ._fields import field
from ._inputs import InputsModel
from ._training import (
    EvaluationInputs,
    JobInputs,
    LossConfigInputs,
    TrainingJobEngine,
    TrainingSettingsInputs,
    job_spec,
    setting,
)
from ._types import AdoptExisting, EvaluatorName, Int, Number, ResourceId, adopt_field
from ._wire.training_job import (
    RFT_CHUNK_SIZES,
    RFT_EPOCHS,
    RFT_LEARNING_RATES,
    RFT_LORA_RANKS,
    RFT_SAMPLING,
)
from ._wire.training_job import ReinforcementFineTuningJob as ReinforcementFineTuningJobWire

_LOW = {name: low for name, (low, _) in RFT_SAMPLING.items()}
_HIGH = {name: high for name, (_, high) in RFT_SAMPLING.items()}


class InferenceParametersInputs(InputsModel):
    """How rollouts are sampled from the model being trained (ranges: docs, "Parameter Tuning")."""

    max_output_tokens: Optional[Int] = Field(
        default=None, ge=_LOW["max_output_tokens"], le=_HIGH["max_output_tokens"], description="Default 2048"
    )
    temperature: Optional[Number] = Field(
        default=None, ge=_LOW["temperature"], le=_HIGH["temperature"], description="Default 0.7"
    )
    top_p: Optional[Number] = Field(default=None, ge=_LOW["top_p"], le=_HIGH["top_p"], description="Default 1.0")
    top_k: Optional[Int] = Field(
        default=None, ge=_LOW["top_k"], le=_HIGH["top_k"], description="0 disables it; default 40"
    )
    response_candidates_count: Optional[Int] = Field(
        default=None, ge=_LOW["response_candidates_count"], le=_HIGH["response_candidates_count"],
        description="Rollouts per prompt, compared with each other; default 4",
    )
    extra_body: Optional[str] = Field(default=None, description='More request parameters as a JSON object, e.g. \'{"stop": ["\\\\n"]}\'')

    @field_validator("extra_body")
    @classmethod
    def _json_object(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return value
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"must be a JSON object (as a string); {exc}") from None
        if not isinstance(parsed, dict):
            raise ValueError(f"must be a JSON object (as a string), not {type(parsed).__name__}")
        return value


class ReinforcementFineTuningJobInputs(EvaluationInputs, JobInputs):
    """Validation and canonical form of ReinforcementFineTuningJob inputs; the published input schema."""

    evaluator: EvaluatorName = field(
        "The reward: an evaluator name, or the Evaluator resource (a new evaluator trains a new job)",
        required=True, replaces=True, peer=("entry_point",),
    )
    training_config: TrainingSettingsInputs = field(
        "The training settings: base_model or warm_start_from, output_model, epochs, learning_rate, lora_rank, ...",
        required=True, replaces=True,
    )
    loss_config: Optional[LossConfigInputs] = setting("The RL loss: method GRPO (the service's default), DAPO, "
                                                      "GSPO_TOKEN, DPO or ORPO, and kl_beta")
    inference_parameters: Optional[InferenceParametersInputs] = setting("How rollouts are sampled")
    chunk_size: Optional[Int] = setting("Prompts per training chunk", ge=RFT_CHUNK_SIZES[0], le=RFT_CHUNK_SIZES[1])
    max_concurrent_rollouts: Optional[Int] = setting(ge=1)
    max_concurrent_evaluations: Optional[Int] = setting(ge=1)
    max_inference_replica_count: Optional[Int] = setting(ge=1)
    mcp_server: Optional[str] = setting("An MCP server the rollouts may call", min_length=1)
    node_count: Optional[Int] = setting("Training nodes (the API's default is 1)", ge=1)
    reinforcement_fine_tuning_job_id: Optional[ResourceId] = field(
        "Id of the job; derived from the resource name and the inputs when unset"
    )
    adopt_existing: AdoptExisting = adopt_field()

    def cross_field_errors(self) -> list[tuple[str, str]]:
        errors = self.training_config.settings_errors("training_config.") + self.evaluation_errors() + self.job_errors()
        errors += _rft_ranges(self.training_config)
        if self.adopt_existing and self.reinforcement_fine_tuning_job_id is None:
            errors.append(("adopt_existing", "needs reinforcement_fine_tuning_job_id: the id of the job to take over"))
        return errors


def _rft_ranges(settings: TrainingSettingsInputs) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    low_epochs, high_epochs = RFT_EPOCHS
    if settings.epochs is not None and not low_epochs <= settings.epochs <= high_epochs:
        errors.append(("training_config.epochs",
                       f"an RFT job takes {low_epochs} to {high_epochs} epochs, got {settings.epochs}"))
    if settings.lora_rank is not None and settings.lora_rank not in RFT_LORA_RANKS:
        ranks = ", ".join(map(str, RFT_LORA_RANKS))
        errors.append(("training_config.lora_rank", f"an RFT job takes a LoRA rank of {ranks}, got {settings.lora_rank}"))
    low, high = RFT_LEARNING_RATES
    if settings.learning_rate is not None and not low <= settings.learning_rate <= high:
        errors.append(("training_config.learning_rate",
                       f"an RFT job takes a learning rate from {low:g} to {high:g}, got {settings.learning_rate:g}"))
    return errors


class ReinforcementFineTuningJobEngine(TrainingJobEngine):
    spec = job_spec(
        type_name="ReinforcementFineTuningJob",
        collection="reinforcementFineTuningJobs",
        inputs_model=ReinforcementFineTuningJobInputs,
        wire_model=ReinforcementFineTuningJobWire,
        id_field="reinforcement_fine_tuning_job_id",
        id_param="reinforcementFineTuningJobId",
        summary=(
            "Reinforcement fine-tuning of a LoRA adapter: the model's rollouts on the dataset's prompts are scored "
            "by an Evaluator. Any input change, a new evaluator included, trains a new job; pass the job as a "
            "DeployedModel's ``model`` to load what it trained."
        ),
        example=(
            'reward = fireworks.Evaluator("exact-match", source="./reward", entry_point="main.py::evaluate")\n'
            'prompts = fireworks.Dataset("math-prompts", source="./data/prompts.jsonl")\n'
            'rft = fireworks.ReinforcementFineTuningJob("math", dataset=prompts, evaluator=reward, training_config={\n'
            '    "base_model": "accounts/fireworks/models/qwen3-0p6b", "epochs": 2})'
        ),
    )
    settings_field = "training_config"


SPEC = ReinforcementFineTuningJobEngine.spec
