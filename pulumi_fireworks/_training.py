"""What every fine-tuning job shares: its settings, its credentials, and its behaviour.

A job (``supervisedFineTuningJobs``, ``dpoJobs``; SDK ``fireworks/resources/*_jobs.py``)
is unlike the other objects in four ways, each decided here once:

* **Immutable.** There is no update call: every input replaces the job, and a new job
  gets a new derived id, so an interrupted or half-failed ``up`` finds the job it started
  instead of paying for a second one. A job under our id that failed, was cancelled or
  expired is purged and started again (what the build SDK's ``sync()`` did).
* **Long.** Training takes minutes to hours and queueing for capacity has no published
  bound (docs, "monitor training"), so the wait is chosen by ``wait_until`` (created,
  running or completed) and bounded by a ``wait_timeout`` of hours. A wait that runs out
  neither cancels nor forgets the job: the create fails saying so, the job keeps
  training, and the next ``up`` finds it under the same id and waits again.
* **Its product outlives it.** On completion the service writes a LoRA model
  (``output_model``, default the job id). Deleting the job keeps that model (it cost
  money, and Fireworks keeps it) unless ``delete_output_model`` asks otherwise; a job
  still running is cancelled before it is deleted.
* **Credentials in the body.** ``wandb_config.api_key`` travels in plain text: the whole
  W&B config is write-only and secret.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Mapping, Optional

from pulumi.dynamic import UpdateResult
from pydantic import Field

from ._engine import ResourceEngine
from ._errors import BadRequestError, NotFoundError, ResourceOperationError, WaitTimeoutError
from ._fields import SERVER_DECIDES, field
from ._http import Client
from ._inputs import InputsModel, is_unknown
from ._reporting import warn
from ._spec import Props, ResourceSpec
from ._types import (
    Bool,
    DatasetName,
    DisplayName,
    Duration,
    Int,
    ModelName,
    Number,
    ResourceId,
    SecretName,
    at_least,
)
from ._wait import poll
from ._wire._base import WireModel
from ._wire._enums import Region
from ._wire.training_job import LossMethod

RUNNING = "JOB_STATE_RUNNING"
COMPLETED = "JOB_STATE_COMPLETED"
EARLY_STOPPED = "JOB_STATE_EARLY_STOPPED"
FINISHED = frozenset({COMPLETED, EARLY_STOPPED})
"""A job that finished with its model written (early stopping ends training on purpose)."""
FAILED = frozenset({"JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"})
"""Ended without a model; a job found so is replaced."""
TERMINAL = FINISHED | FAILED
GONE = frozenset({"JOB_STATE_DELETING", "JOB_STATE_DELETING_CLEANING_UP", "JOB_STATE_DELETED"})
STARTED = frozenset({RUNNING, "JOB_STATE_WRITING_RESULTS"}) | FINISHED

WaitUntil = Literal["created", "running", "completed"]
READY_WHEN: dict[str, frozenset[str]] = {"created": frozenset(), "running": STARTED, "completed": FINISHED}
"""States that end a create's wait, by ``wait_until`` (``created``: no wait at all)."""

DEFAULT_WAIT_TIMEOUT = 12 * 3600.0
"""Small runs take minutes and large ones hours (docs, "monitor training"); twelve hours
covers a day's queue and run, and is a deadline a stuck CI job still meets."""

CANCEL_WAIT = 1800.0
"""How long a delete waits for a cancelled job to stop before deleting it."""

LORA_RANKS = (1, 2, 4, 8, 16, 32, 64)
"""Docs ("additional SFT job settings"): "LoRA rank must be a power of 2 up to 64"."""

MAX_EXAMPLE_EPOCHS = 3_000_000
"""Docs ("Epochs"): "we set a max value of 3 million dataset examples × epochs"."""


def setting(description: str = "", **facts_and_constraints: Any) -> Any:
    """An input of a job: the API cannot change it (every change trains a new job), and
    left unset the service chooses (its defaults depend on the model)."""
    return field(description, replaces=True, unset=SERVER_DECIDES, **facts_and_constraints)


class WandbConfigInputs(InputsModel):
    enabled: Optional[Bool] = None
    api_key: Optional[str] = Field(default=None, min_length=1, description="The W&B API key (always secret)")
    entity: Optional[str] = None
    project: Optional[str] = None
    run_id: Optional[str] = None

    def cross_field_errors(self) -> list[tuple[str, str]]:
        if self.enabled:
            missing = [f for f in ("api_key", "project") if not getattr(self, f)]
            if missing:
                return [(f"wandb_config.{missing[0]}", "is required when enabled is true")]
        return []


class AwsS3ConfigInputs(InputsModel):
    credentials_secret: Optional[SecretName] = Field(
        default=None, description="A Secret holding the AWS credentials (its `name` output)"
    )
    iam_role_arn: Optional[str] = Field(default=None, pattern=r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$")


class AzureBlobStorageConfigInputs(InputsModel):
    credentials_secret: Optional[SecretName] = None
    managed_identity_client_id: Optional[str] = None
    tenant_id: Optional[str] = None


class TrainingSettingsInputs(InputsModel):
    """The training settings: a supervised job's own fields, a DPO job's ``training_config``."""

    base_model: Optional[ModelName] = setting("The model to fine-tune (set this or warm_start_from)")
    warm_start_from: Optional[ModelName] = setting(
        "A LoRA model to continue training from (set this or base_model): a model name, a Model, or another job",
        peer=("base_model", "peft_details"),
    )
    output_model: Optional[str] = setting(
        "Id of the trained model (or its name, accounts/<account>/models/<id>); default: the job's id. The "
        "full name is the `trained_model` output", min_length=1,
    )
    epochs: Optional[Int] = setting("Passes over the dataset (the API's default is 1)", ge=1)
    learning_rate: Optional[Number] = setting("The API picks one for the model when unset", gt=0, le=1)
    learning_rate_warmup_steps: Optional[Int] = setting(ge=0)
    lora_rank: Optional[Int] = setting("LoRA rank: a power of 2 up to 64 (the API's default is 8)", ge=1, le=64)
    max_context_length: Optional[Int] = setting(ge=1)
    batch_size: Optional[Int] = setting("Tokens packed into one training step", ge=1)
    batch_size_samples: Optional[Int] = setting(ge=1)
    gradient_accumulation_steps: Optional[Int] = setting(ge=1)
    optimizer_weight_decay: Optional[Number] = setting(ge=0)
    jinja_template: Optional[str] = setting()
    region: Optional[Region] = setting()

    def settings_errors(self, where: str) -> list[tuple[str, str]]:
        """Checks of the settings themselves; ``where`` prefixes the field names."""
        errors: list[tuple[str, str]] = []
        chosen = [f for f in ("base_model", "warm_start_from") if getattr(self, f) is not None]
        if len(chosen) != 1:
            which = "both" if chosen else "neither"
            errors.append((f"{where}base_model", f"set exactly one of base_model or warm_start_from ({which} is set)"))
        if self.lora_rank is not None and self.lora_rank not in LORA_RANKS:
            ranks = ", ".join(map(str, LORA_RANKS))
            errors.append((f"{where}lora_rank", f"must be a power of 2 up to 64 ({ranks}), got {self.lora_rank}"))
        if self.output_model is not None and not _output_model_id(self.output_model):
            errors.append((f"{where}output_model", f"{self.output_model!r} is neither a model id nor accounts/<account>/models/<id>"))
        return errors


class JobInputs(InputsModel):
    """What every job has besides its settings."""

    dataset: DatasetName = field("The training data: a dataset name, or the Dataset resource", required=True,
                                 replaces=True, peer=("format",))
    display_name: Optional[DisplayName] = setting()
    wandb_config: Optional[WandbConfigInputs] = setting(
        "Report to Weights & Biases; the API key travels in the create body", write_only=True, secret=True
    )
    aws_s3_config: Optional[AwsS3ConfigInputs] = setting()
    azure_blob_storage_config: Optional[AzureBlobStorageConfigInputs] = setting()
    reservation_target: Optional[str] = setting()
    wait_until: Optional[WaitUntil] = field(
        "What create waits for: created, running or completed (the default, so that what uses the trained model "
        "can in the same `up`)", provider_only=True,
    )
    wait_timeout: Optional[Annotated[Duration, at_least(1)]] = field(
        "How long create waits; default 12h. When it runs out the job keeps training, and the next `up` waits again",
        provider_only=True,
    )
    delete_output_model: Optional[Bool] = field(
        "Delete the trained model with the job (by default it is kept: it outlives the job on Fireworks)",
        provider_only=True,
    )

    def job_errors(self) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        if self.wandb_config is not None:
            errors.extend(self.wandb_config.cross_field_errors())
        return errors


class TunerInputs(JobInputs):
    """What supervised and DPO jobs have and RFT jobs lack (SDK 1.2.30)."""

    renderer_hugging_face_repo_id: Optional[str] = setting()
    use_reservation: Optional[Bool] = setting()


class EvaluationInputs(InputsModel):
    """Held-out data to evaluate on (supervised and RFT jobs)."""

    evaluation_dataset: Optional[DatasetName] = setting("Data to evaluate on: a dataset name, or the Dataset resource",
                                                        peer=("format",))
    eval_auto_carveout: Optional[Bool] = setting("Hold out part of the dataset for evaluation")

    def evaluation_errors(self) -> list[tuple[str, str]]:
        if self.evaluation_dataset is not None and self.eval_auto_carveout:
            return [("eval_auto_carveout", "carves evaluation data out of the dataset; drop it or evaluation_dataset")]
        return []


class DpoConfigInputs(InputsModel):
    beta: Optional[Number] = Field(default=None, gt=0)
    ref_cache_concurrency: Optional[Int] = Field(default=None, ge=1)
    ref_cache_batch_size: Optional[Int] = Field(default=None, ge=1)


class LossConfigInputs(InputsModel):
    """``ReinforcementLearningLossConfig``: the loss of preference and RL jobs."""

    method: Optional[LossMethod] = Field(
        default=None, description="GRPO, DAPO, DPO, ORPO or GSPO_TOKEN; the job type's default when unset"
    )
    kl_beta: Optional[Number] = Field(default=None, ge=0)
    dpo: Optional[DpoConfigInputs] = None


def _output_model_id(value: str) -> Optional[str]:
    """The model id an ``output_model`` input names (an id, or a model's resource name)."""
    parts = value.split("/")
    if len(parts) == 1:
        return value
    if len(parts) == 4 and parts[0] == "accounts" and parts[2] == "models" and parts[3]:
        return parts[3]
    return None


def job_spec(
    *, type_name: str, collection: str, inputs_model: type[InputsModel], wire_model: type[WireModel],
    id_field: str, id_param: str, summary: str, example: str,
) -> ResourceSpec:
    """The spec of a job type: what differs is its names and its inputs; how it waits,
    what it outputs and that it cannot be updated are every job's."""
    return ResourceSpec(
        type_name=type_name,
        collection=collection,
        collection_key=collection,
        inputs_model=inputs_model,
        wire_model=wire_model,
        id_field=id_field,
        id_param=id_param,
        ready_states=FINISHED,
        failed_states=FAILED,
        gone_states=GONE,
        default_wait_timeout=DEFAULT_WAIT_TIMEOUT,
        updatable=False,
        peer_output="trained_model",
        computed_output_names=frozenset({"trained_model"}),
        summary=summary,
        example=example,
        output_docs={"trained_model": "The trained LoRA model, ``accounts/<account>/models/<output_model>``."},
    )


class TrainingJobEngine(ResourceEngine):
    """The behaviour every job type shares (see the module docstring). A job type says
    where its settings live (:meth:`settings`) and declares its spec."""

    settings_field: Optional[str] = None
    """The input holding the training settings (``training_config``); ``None``: the job's
    own inputs (a supervised job)."""

    def settings(self, props: Mapping[str, Any]) -> Mapping[str, Any]:
        """The job's training settings."""
        if self.settings_field is None:
            return props
        config = props.get(self.settings_field)
        return config if isinstance(config, Mapping) else {}

    # -- ids and outputs ------------------------------------------------------------------

    def trained_model(self, props: Mapping[str, Any], account_id: str, job_id: str) -> str:
        output = self.settings(props).get("output_model")
        model_id = _output_model_id(str(output)) if output and not is_unknown(output) else None
        return f"accounts/{account_id}/models/{model_id or job_id}"

    def computed_outputs(self, inputs: Mapping[str, Any], live: Mapping[str, Any]) -> dict[str, Any]:
        name = str(live.get("name") or "")
        parts = name.split("/")
        if len(parts) != 4:
            return {}
        return {"trained_model": self.trained_model(inputs, parts[1], parts[3])}

    def wire_body(self, props: Mapping[str, Any], fields: Any) -> dict[str, Any]:
        # The trained model is sent by id, as SDK 1.2.30 documents outputModel ("The model ID").
        body = super().wire_body(props, fields)
        settings = body.get("trainingConfig", body)
        if isinstance(settings, dict) and settings.get("outputModel"):
            settings["outputModel"] = _output_model_id(str(settings["outputModel"])) or settings["outputModel"]
        return body

    def equivalent(self, field: str, desired: Any, live: Any) -> bool:
        # A server may answer outputModel as the id it was sent or as the model's full
        # name; both name the same model.
        if field.endswith("output_model") and isinstance(desired, str) and isinstance(live, str):
            return _output_model_id(desired) == _output_model_id(live)
        return False

    # -- waiting --------------------------------------------------------------------------

    def ready_states(self, props: Mapping[str, Any]) -> frozenset[str]:
        return READY_WHEN[str(props.get("wait_until") or "completed")]

    def stale(self, live: Mapping[str, Any]) -> bool:
        return super().stale(live) or live.get("state") in FAILED

    def survives(self, failure: ResourceOperationError) -> bool:
        return isinstance(failure, WaitTimeoutError)

    def timeout_advice(self, props: Mapping[str, Any]) -> str:
        return (
            "The job was neither cancelled nor forgotten: it keeps going, and the next `pulumi up` finds it and "
            "waits again (raise wait_timeout to wait longer in one run)."
        )

    def update(self, client: Client, id_: str, olds: Props, news: Props) -> UpdateResult:
        # Only what steers the provider can change in place; a later wait_until waits now.
        result = super().update(client, id_, olds, news)
        outs = result.outs or {}
        ready = self.ready_states(news)
        if ready and outs.get("state") not in ready:
            live = self._wait_ready(client, news, id_, "wait")
            result.outs = self._outputs(news, id_, live, previous=olds)
        return result

    # -- delete ---------------------------------------------------------------------------

    def send_delete(self, client: Client, props: Mapping[str, Any], object_id: str, params: Mapping[str, Any]) -> None:
        path = self.spec.object_path(client.account_id, props, object_id)
        live = self.fetch(client, props, object_id)
        if live is None:
            raise NotFoundError(status=404, code="NOT_FOUND", message=f"{object_id} is gone", method="DELETE", url=path)
        if live.get("state") not in TERMINAL | GONE:
            self._cancel(client, props, object_id, path)
        super().send_delete(client, props, object_id, params)
        self._settle_output_model(client, props, object_id, finished=live.get("state") in FINISHED)

    def _cancel(self, client: Client, props: Mapping[str, Any], object_id: str, path: str) -> None:
        """Stop a job that is still queued or training, and wait until it has stopped."""
        try:
            client.request("POST", f"{path}:cancel", json={})
        except BadRequestError:
            pass  # it ended meanwhile (a terminal job cannot be cancelled); the delete says the rest
        label = self._label(dict(props), client, object_id)
        poll(
            lambda: self.fetch(client, props, object_id),
            lambda obj: obj is None or obj.get("state") in TERMINAL | GONE,
            timeout=CANCEL_WAIT,
            describe=lambda obj: f"{label} was cancelled but still reports {(obj or {}).get('state')} after {CANCEL_WAIT:g}s.",
        )

    def _settle_output_model(self, client: Client, props: Mapping[str, Any], object_id: str, *, finished: bool) -> None:
        """Delete the trained model when asked to; otherwise say that it stays."""
        model = self.trained_model(props, client.account_id, object_id)
        if not props.get("delete_output_model"):
            if finished:
                warn(f"{self.describe(props, client, object_id)} deleted; its trained model {model} is kept "
                     "(set delete_output_model=True to delete it with the job).")
            return
        try:
            client.request("DELETE", f"/v1/{model}")
        except NotFoundError:
            pass  # never written (the job did not finish), or deleted already
