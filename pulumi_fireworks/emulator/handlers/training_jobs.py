"""Fine-tuning jobs: ``accounts/{account}/supervisedFineTuningJobs/{id}``, ``.../dpoJobs/{id}``
and ``.../reinforcementFineTuningJobs/{id}``.

Sources: SDK 1.2.30 ``fireworks/resources/supervised_fine_tuning_jobs.py``, ``dpo_jobs.py``,
``reinforcement_fine_tuning_jobs.py`` and their types; docs "additional SFT job settings",
"Epochs", "monitor training". Rules are in :mod:`..rules.training_jobs`.

One base class, :class:`TrainingJobs`, serves every job type; a type is a short subclass
naming its wire model, collection, id parameter and where its training settings live
(``settings_key``: a supervised job has them at the top level, DPO and RFT jobs under
``trainingConfig``), plus :meth:`TrainingJobs.check_specific` for its own fields.

* Create: ``POST ...?supervisedFineTuningJobId=<id>`` / ``?dpoJobId=<id>`` /
  ``?reinforcementFineTuningJobId=<id>`` (absent: a random
  id). ``dataset`` (required) and ``evaluation_dataset`` must be READY datasets of the
  caller's account (missing: 404 naming the field; not READY: FAILED_PRECONDITION);
  exactly one of ``base_model`` (a visible READY base model; missing: 404) and
  ``warm_start_from`` (a READY ``HF_PEFT_ADDON`` of the caller's account);
  ``output_model`` is a model *id* (a name with ``/`` is a 400), defaulting to the job id,
  and may name neither an existing model nor the output of another job that has not
  failed, been cancelled or expired (FAILED_PRECONDITION); numeric bounds, ``region``,
  ``loss_config.method``, examples × epochs <= 3,000,000, W&B and storage credentials as
  in the rules module. Errors name snake_case paths (``training_config.base_model`` for
  a DPO or RFT job). The answer is the job in ``JOB_STATE_PENDING``, with ``outputModel``,
  ``createdBy`` (the e-mail of the key's user, else the account's) and, for types that
  report them, ``estimatedCost`` (see :func:`..rules.training_jobs.estimated_cost`).
* An RFT job also names its ``evaluator`` (required; one of the caller's account: 400;
  missing: 404 naming the field, as a missing dataset; not ``ACTIVE``: FAILED_PRECONDITION
  saying its state) and has the bounds of :func:`..rules.training_jobs.check_rft`
  (``chunk_size``, the concurrency counts, ``node_count``, ``inference_parameters``,
  ``loss_config.method``). SDK 1.2.30's RFT job has no ``rendererHuggingFaceRepoId`` or
  ``useReservation`` (SFT and DPO jobs do): sent anyway they are unknown fields, dropped
  as grpc-gateway drops them -- neither kept nor answered.
* Lifecycle: ``PENDING -> VALIDATING -> RUNNING -> COMPLETED``, one transition per stage
  (this collection's table): when a stage settles, :meth:`TrainingJobs.on_settled` starts
  the next, so the lifecycle policy of each stage is chosen by that stage's state. A rule
  ``states=["JOB_STATE_PENDING"], outcome="STUCK"`` holds a job queued; ``states=
  ["JOB_STATE_RUNNING"], outcome="FAILED", message=...`` fails it while training
  (``JOB_STATE_FAILED``, ``status {code, message}``). Under the default ``instant`` timing
  each read moves a job at most one stage (it completes on the third read after its
  create); ``{"reads": N}`` and ``{"seconds": S}`` apply to each stage, counted from the
  read that started it. Running: ``jobProgress {percent: 50, epoch: 1}``. Completed:
  ``jobProgress {percent: 100, epoch: <epochs>}``, ``completedTime``, and the LoRA model
  ``accounts/<a>/models/<outputModel>`` (``HF_PEFT_ADDON``, READY, ``peftDetails`` with
  the base model -- the job's, or the warm-start model's -- rank ``lora_rank`` or 8,
  ``fineTuningJob`` naming the job); if that model appeared meanwhile, or the warm-start
  model went, the job fails instead. The model is an ordinary model from then on. A
  completed RFT job also reports ``acceleratorSeconds`` (``{"NVIDIA_H100_80GB": "<3600 ×
  nodes × epochs>"}``), ``outputMetrics`` and ``outputStats`` (small JSON strings, see
  :func:`..rules.training_jobs.rft_outputs`); a cancelled one the accelerator seconds of
  the progress it made (SDK: "Updated when job completes or is cancelled").
* ``POST :cancel {}`` -> ``{}``: ``JOB_STATE_CANCELLING``, settling to
  ``JOB_STATE_CANCELLED``; a job that has ended is FAILED_PRECONDITION; cancelling a job
  that is already cancelling changes nothing. ``POST :resume {}`` -> the job: from FAILED
  or PAUSED back to PENDING and through the stages again; any other state is
  FAILED_PRECONDITION ("Cancelled jobs cannot be resumed", docs). SDK 1.2.30 has
  ``resume`` for both job types (``dpo_jobs.resume`` too), so both serve it.
* No PATCH: a job is immutable (the SDK has no update call).
* Admin (:mod:`..admin`): ``POST /emulator/v1/<job name>:finish`` completes a job under
  way at once (writing its model), ``:fail {"message"}`` fails it; see :meth:`TrainingJobs.steer`.

Choices where the sources are silent:

* Delete of a job that has not ended (PENDING, VALIDATING, RUNNING, CANCELLING, PAUSED,
  ...) is FAILED_PRECONDITION "cancel it first" -- the strict answer; a client that
  cancels first (the provider does) is right under either answer. An ended job is
  removed at once (404 afterwards); the model it trained stays.
* An evaluator that a job which has not ended names cannot be deleted (see
  :mod:`.evaluators`); the job does not re-check its evaluator after the create.
* ``wandbConfig.apiKey`` is write-only: the emulator does not keep it at all (it never
  calls W&B) and no response carries it. Whether the real service echoes it is not
  documented; a client must treat it as write-only either way. Nothing here logs bodies.
* Under the ``jobOutputModelFullName`` behaviour ``outputModel`` is answered as the full
  name ``accounts/<a>/models/<id>`` (the SDK documents the id; a gateway may well answer
  the name). Requests still take the id.
* Datasets and models a job uses stay deletable (nothing documents them being in use).
* A create without an id gets the emulator's usual random id (the service is said to pick
  a UUID; clients must take the id from the answer's ``name`` either way).
* DPO and RFT jobs answer no ``updateTime``: SDK 1.2.30's ``DpoJob`` and
  ``ReinforcementFineTuningJob`` (and the docs' get-dpo-job schema) have none (the shared
  wire model gives every type one; it stays in the stored document). ``jobProgress`` and
  ``estimatedCost`` are reported by the types whose wire model has them (both by the
  supervised job, ``jobProgress`` by the RFT job, neither by the DPO job, as in the SDK).
* The loss method is checked against the enum only (``GRPO`` for a DPO job is not refused).
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Optional

from pydantic.alias_generators import to_snake

from ..._wire.dataset import Dataset
from ..._wire.evaluator import Evaluator
from ..._wire.model import Model
from ..._wire.training_job import (
    DpoJob,
    LossConfig,
    ReinforcementFineTuningJob,
    SupervisedFineTuningJob,
    TrainingSettings,
    WandbConfig,
)
from ..backend import Backend
from ..errors import not_found
from ..lifecycle import Settlement, Transition
from ..resource import Collection, random_id
from ..routing import Request, Route
from ..rules import evaluators as evaluator_rules
from ..rules import training_jobs as rules
from ..store import Record, split_name
from ._refs import caller_email, load_settled, require_visible

OK_STATUS = {"code": "OK", "message": ""}

TRANSITIONS = {
    **{s: Transition(s, t, failed=rules.FAILED) for s, t in zip(rules.STAGES, rules.STAGES[1:])},
    rules.CANCELLING: Transition(rules.CANCELLING, rules.CANCELLED, failed=rules.FAILED),
}

#: Where a job's storage configs name their credentials secret: (snake field, wire path).
STORAGE_SECRETS = (
    ("aws_s3_config.credentials_secret", ("awsS3Config", "credentialsSecret")),
    ("azure_blob_storage_config.credentials_secret", ("azureBlobStorageConfig", "credentialsSecret")),
)


class TrainingJobs(Collection):
    """What every fine-tuning job type shares; see the module docstring."""

    methods = frozenset({"create", "get", "list", "delete"})
    default_order_by = "name"  # SDK: "If not specified, the default order is by "name""
    transitions = TRANSITIONS
    create_state = rules.PENDING
    #: Wire key of the training settings; None: the job's own top level.
    settings_key: ClassVar[Optional[str]] = None
    #: Whether ``:resume`` is served.
    resumable: ClassVar[bool] = True
    #: Wire fields that name datasets (the first is required).
    dataset_fields: ClassVar[tuple[str, ...]] = ("dataset",)
    #: Fields of the wire model this type never answers (kept in the stored document).
    unanswered: ClassVar[frozenset[str]] = frozenset()

    # -- the settings sub-document ----------------------------------------------------------

    @property
    def prefix(self) -> str:
        """Snake_case path of the settings in error messages (``""``, ``"training_config."``)."""
        return f"{to_snake(self.settings_key)}." if self.settings_key else ""

    def settings_doc(self, doc: dict[str, Any], *, create: bool = False) -> dict[str, Any]:
        """The training settings of a job document, in place (``create``: added when absent;
        otherwise an absent sub-document reads as a detached ``{}``)."""
        if self.settings_key is None:
            return doc
        settings = doc.get(self.settings_key)
        if not isinstance(settings, dict):
            settings = {}
            if create:
                doc[self.settings_key] = settings
        return settings

    @property
    def reports_progress(self) -> bool:
        """Whether this type has ``jobProgress`` (the DPO type has not)."""
        return "job_progress" in self.model.model_fields

    @property
    def reports_cost(self) -> bool:
        """Whether this type has ``estimatedCost`` (only the supervised type has)."""
        return "estimated_cost" in self.model.model_fields

    def custom_routes(self) -> list[Route]:
        item = self.collection_path() + "/{id}"
        routes = [Route("POST", item + ":cancel", self.cancel)]
        if self.resumable:
            routes.append(Route("POST", item + ":resume", self.resume))
        return routes

    # -- create --------------------------------------------------------------------------

    def create_input(self, req: Request) -> tuple[Optional[str], dict[str, Any]]:
        rid, body = super().create_input(req)
        rid = rid or random_id()
        req.params["id"] = rid  # the checks need it: the default output model is the job id
        return rid, body

    def validate(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        account, p = req.params["account"], self.prefix
        settings = TrainingSettings.model_validate(self.settings_doc(doc))
        secrets = {field: _get(doc, path) for field, path in STORAGE_SECRETS}
        rules.check_common(doc.get("displayName"), WandbConfig.model_validate(doc.get("wandbConfig") or {}),
                           account, secrets)
        rules.check_settings(settings, p)
        self.check_specific(req, doc)
        datasets = [self._dataset(req, to_snake(wire), doc.get(wire), required=i == 0)
                    for i, wire in enumerate(self.dataset_fields)]
        self._check_model_source(req, settings)
        output_id = settings.output_model or req.params["id"]
        model_name = f"accounts/{account}/models/{output_id}"
        rules.check_output_model_free(f"{p}output_model", model_name,
                                      exists=load_settled(req, model_name) is not None,
                                      claimed_by=self._claimant(req, account, output_id))
        main = datasets[0]
        assert main is not None
        rules.check_example_epochs(f"{p}epochs", rules.example_count(main), settings.epochs)
        for field, name in secrets.items():
            if name:
                require_visible(req, name, field, "secret")

    def check_specific(self, req: Request, doc: dict[str, Any]) -> None:
        """Checks of the fields only this job type has (no look-ups of the shared ones)."""

    def _dataset(self, req: Request, field: str, name: Any, *, required: bool) -> Optional[Dataset]:
        if not name and not required:
            return None
        rules.check_own(field, name if isinstance(name, str) else "", "datasets", req.params["account"])
        dataset = Dataset.model_validate(require_visible(req, name, field, "dataset").doc)
        rules.check_dataset_ready(field, dataset)
        return dataset

    def _check_model_source(self, req: Request, settings: TrainingSettings) -> None:
        p = self.prefix
        if settings.base_model:
            field = f"{p}base_model"
            rules.check_base_model(field, Model.model_validate(require_visible(req, settings.base_model, field,
                                                                               "model").doc))
            return
        field = f"{p}warm_start_from"
        assert settings.warm_start_from
        rules.check_own(field, settings.warm_start_from, "models", req.params["account"])
        lora = require_visible(req, settings.warm_start_from, field, "model")
        rules.check_warm_start(field, Model.model_validate(lora.doc))

    def _claimant(self, req: Request, account: str, output_id: str) -> Optional[str]:
        """A job (of any type) that has not failed and writes model ``output_id``."""
        for jobs in req.backend.collections:
            if not isinstance(jobs, TrainingJobs):
                continue
            for stored in req.backend.store.list(f"accounts/{account}", jobs.collection):
                record = jobs.load(req, stored.name, read=False)
                if record is None or record.doc.get("state") in rules.NO_MODEL_STATES:
                    continue
                if jobs.settings_doc(record.doc).get("outputModel") == output_id:
                    return record.name
        return None

    def normalize(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        settings = self.settings_doc(doc, create=True)
        if not settings.get("outputModel"):
            settings["outputModel"] = req.params["id"]
        wandb = doc.get("wandbConfig")
        if isinstance(wandb, dict):
            wandb.pop("apiKey", None)  # write-only, and kept nowhere: see the module docstring
        if self.reports_cost:
            dataset = load_settled(req, doc["dataset"])
            examples = rules.example_count(Dataset.model_validate(dataset.doc)) if dataset else None
            base_name = self._base_of(req, settings)
            base = load_settled(req, base_name) if base_name else None
            details = (base.doc.get("baseModelDetails") or {}) if base else {}
            params = details.get("parameterCount")
            doc["estimatedCost"] = rules.estimated_cost(
                examples, settings.get("epochs"), int(params) if isinstance(params, str) and params.isdigit() else None)
        email = caller_email(req)
        if email:
            doc["createdBy"] = email

    # -- the stages ------------------------------------------------------------------------

    def on_settled(self, req: Request, record: Record, settlement: Settlement) -> None:
        record.doc["updateTime"] = self.now(req)
        if settlement.failed or settlement.to_state is None:
            return
        if settlement.to_state == rules.RUNNING and self.reports_progress:
            record.doc["jobProgress"] = {"percent": 50, "epoch": 1}
        if settlement.to_state == rules.COMPLETED:
            self.complete(req, record)
        elif settlement.to_state in self.transitions:
            self.start(req, record, settlement.to_state)  # the next stage, under its own policy

    def _base_of(self, req: Request, settings: dict[str, Any]) -> Optional[str]:
        """The base model a job trains on: its own, or its warm-start model's (None if that is gone)."""
        if settings.get("baseModel"):
            return str(settings["baseModel"])
        lora = load_settled(req, str(settings.get("warmStartFrom") or ""))
        if lora is None:
            return None
        base = (lora.doc.get("peftDetails") or {}).get("baseModel")
        return str(base) if base else None

    def complete(self, req: Request, record: Record) -> None:
        """Training finished: write the output model and complete the job (or fail it when
        the model cannot be written)."""
        doc = record.doc
        settings = self.settings_doc(doc)
        model_name = f"accounts/{record.account}/models/{settings.get('outputModel') or record.id}"
        base_name = self._base_of(req, settings)
        if base_name is None:
            self.fail(req, record, f"the warm_start_from model {settings.get('warmStartFrom')} no longer exists",
                      code="FAILED_PRECONDITION")
            return
        if load_settled(req, model_name) is not None:
            self.fail(req, record, f"cannot write the output model: {model_name} already exists",
                      code="ALREADY_EXISTS")
            return
        now = self.now(req)
        peft: dict[str, Any] = {
            "baseModel": base_name,
            "r": settings.get("loraRank") or rules.DEFAULT_LORA_RANK,
            "targetModules": list(rules.TARGET_MODULES),
        }
        base = load_settled(req, base_name)
        model_type = ((base.doc.get("baseModelDetails") or {}) if base else {}).get("modelType")
        if model_type:
            peft["baseModelType"] = model_type
        model = Model(kind="HF_PEFT_ADDON", display_name=doc.get("displayName")).to_wire()
        model.update(name=model_name, createTime=now, updateTime=now, state="READY", status=dict(OK_STATUS),
                     peftDetails=peft, fineTuningJob=record.name)
        req.backend.store.insert(Record(model_name, model))
        doc.update(state=rules.COMPLETED, status=dict(OK_STATUS), completedTime=now, updateTime=now)
        if self.reports_progress:
            doc["jobProgress"] = {"percent": 100, "epoch": settings.get("epochs") or rules.DEFAULT_EPOCHS}

    def fail(self, req: Request, record: Record, message: str, *, code: str = "INTERNAL") -> None:
        record.doc.update(state=rules.FAILED, status={"code": code, "message": message}, updateTime=self.now(req))

    # -- reads -------------------------------------------------------------------------------

    def render(self, req: Request, record: Record, *, single: bool) -> dict[str, Any]:
        doc = copy.deepcopy(record.doc)
        wandb = doc.get("wandbConfig")
        if isinstance(wandb, dict):
            wandb.pop("apiKey", None)  # also when an out-of-band edit put one there
        if req.backend.behaviour.job_output_model_full_name:
            settings = self.settings_doc(doc)
            output = settings.get("outputModel")
            if output and "/" not in output:
                settings["outputModel"] = f"accounts/{record.account}/models/{output}"
        return doc

    def finish(self, req: Request, doc: dict[str, Any]) -> dict[str, Any]:
        out = super().finish(req, doc)
        return {k: v for k, v in out.items() if k not in self.unanswered}

    # -- custom methods and delete -----------------------------------------------------------

    def cancel(self, req: Request) -> Any:
        self.authorize(req, write=True)
        req.json_object()  # the SDK sends {}
        with req.backend.store.transaction():
            record = self.require(req, read=False)
            state = record.doc.get("state")
            rules.check_cancel(self.noun, record.name, state)
            if state != rules.CANCELLING:
                record.doc["updateTime"] = self.now(req)
                self.start(req, record, rules.CANCELLING)
                self.save(req, record)
        return {}

    def resume(self, req: Request) -> Any:
        self.authorize(req, write=True)
        req.json_object()
        with req.backend.store.transaction():
            record = self.require(req, read=False)
            rules.check_resume(self.noun, record.name, record.doc.get("state"))
            record.doc.update(status=dict(OK_STATUS), updateTime=self.now(req))
            self.start(req, record, rules.PENDING)
            self.save(req, record)
        return self.respond(req, record)

    def before_delete(self, req: Request, record: Record) -> None:
        rules.check_delete(self.noun, record.name, record.doc.get("state"))

    # -- admin steering ----------------------------------------------------------------------

    def steer(self, backend: Backend, name: str, *, fail: Optional[str] = None) -> dict[str, Any]:
        """Finish job ``name`` now (``fail`` None: COMPLETED, its model written) or fail it
        with the message ``fail``; for the admin API. Returns the stored document."""
        account, _, _, job_id = split_name(name)
        req = Request(backend, "POST", f"/v1/{name}", {"account": account, "id": job_id}, {})
        with backend.store.transaction():
            record = self.load(req, name, read=False)
            if record is None:
                raise not_found(name, self.noun)
            rules.check_steerable(self.noun, name, record.doc.get("state"))
            backend.lifecycle.cancel(record)
            if fail is None:
                self.complete(req, record)
            else:
                self.fail(req, record, fail)
            self.save(req, record)
        return record.doc


class SupervisedFineTuningJobs(TrainingJobs):
    model = SupervisedFineTuningJob
    collection = "supervisedFineTuningJobs"
    noun = "supervised fine-tuning job"
    id_query_param = "supervisedFineTuningJobId"
    dataset_fields = ("dataset", "evaluationDataset")

    def check_specific(self, req: Request, doc: dict[str, Any]) -> None:
        rules.check_at_least("nodes", doc.get("nodes"), 1)
        rules.check_at_least("mtp_num_draft_tokens", doc.get("mtpNumDraftTokens"), 0)


class DpoJobs(TrainingJobs):
    model = DpoJob
    collection = "dpoJobs"
    noun = "DPO job"
    id_query_param = "dpoJobId"
    settings_key = "trainingConfig"
    # The DpoJob of SDK 1.2.30 and of the docs' get-dpo-job schema has no updateTime (the
    # shared wire model has one for both types).
    unanswered = frozenset({"updateTime"})

    def check_specific(self, req: Request, doc: dict[str, Any]) -> None:
        rules.check_loss_config(LossConfig.model_validate(doc["lossConfig"]) if doc.get("lossConfig") else None)


def _get(doc: dict[str, Any], path: tuple[str, ...]) -> Optional[str]:
    value: Any = doc
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else None


class ReinforcementFineTuningJobs(TrainingJobs):
    model = ReinforcementFineTuningJob
    collection = "reinforcementFineTuningJobs"
    noun = "reinforcement fine-tuning job"
    id_query_param = "reinforcementFineTuningJobId"
    settings_key = "trainingConfig"
    dataset_fields = ("dataset", "evaluationDataset")
    # SDK 1.2.30's ReinforcementFineTuningJob has no updateTime (the shared wire model has one).
    unanswered = frozenset({"updateTime"})

    def check_specific(self, req: Request, doc: dict[str, Any]) -> None:
        job = ReinforcementFineTuningJob.model_validate(doc)
        rules.check_rft(job, req.params["account"])
        assert job.evaluator
        evaluator = require_visible(req, job.evaluator, "evaluator", "evaluator")
        evaluator_rules.check_usable("evaluator", Evaluator.model_validate(evaluator.doc))

    def complete(self, req: Request, record: Record) -> None:
        super().complete(req, record)
        doc = record.doc
        if doc.get("state") != rules.COMPLETED:
            return
        settings = self.settings_doc(doc)
        dataset = load_settled(req, str(doc.get("dataset")))
        examples = rules.example_count(Dataset.model_validate(dataset.doc)) if dataset else None
        candidates = (doc.get("inferenceParameters") or {}).get("responseCandidatesCount")
        doc["acceleratorSeconds"] = rules.accelerator_seconds(doc.get("nodeCount"), settings.get("epochs"))
        doc.update(rules.rft_outputs(examples, settings.get("epochs"), candidates))

    def on_settled(self, req: Request, record: Record, settlement: Settlement) -> None:
        super().on_settled(req, record, settlement)
        doc = record.doc
        if settlement.to_state == rules.CANCELLED and not settlement.failed:
            percent = int((doc.get("jobProgress") or {}).get("percent") or 0)
            used = rules.accelerator_seconds(doc.get("nodeCount"), self.settings_doc(doc).get("epochs"), percent)
            if used:
                doc["acceleratorSeconds"] = used


COLLECTIONS: list[TrainingJobs] = [SupervisedFineTuningJobs(), DpoJobs(), ReinforcementFineTuningJobs()]
