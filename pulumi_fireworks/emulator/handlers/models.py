"""Models: ``accounts/{account}/models/{model}``.

Sources: https://docs.fireworks.ai/api-reference/create-model, SDK ``fireworks/resources/models.py``.

The public base models are seeded under ``accounts/fireworks`` (every key may read
them); an account's own models are created, uploaded, validated and prepared here.
Rules are in :mod:`..rules.models` and :mod:`..rules.uploads`.

* Create: ``{modelId, model, cluster?}`` -> the model in ``UPLOADING`` (existing id:
  409). ``kind`` defaults to ``HF_PEFT_ADDON`` (the API's documented default) and is
  stored resolved; ``baseModelDetails`` iff ``HF_BASE_MODEL``, ``peftDetails`` iff
  ``HF_PEFT_ADDON``/``HF_TEFT_ADDON`` (``r`` in 4..64, ``targetModules`` required, the
  ``baseModel`` must exist -- 404 otherwise, like the deployments handler -- and be a
  base model).
* ``POST :getUploadEndpoint {filenameToSize}`` registers the files and answers signed
  URLs served by the emulator (:mod:`..uploads`); calling it again keeps files already
  uploaded with the same name and size (a resumed upload). Nothing documents that for
  models (for datasets the SDK says the call overwrites the registered set), so the
  ``resignForgetsUploads`` behaviour forgets them, as datasets do.
  ``enableResumableUpload`` is accepted; the URLs are the same single-PUT URLs.
* ``GET :validateUpload`` checks the uploaded set (:func:`..rules.uploads.check_model_files`:
  missing files and, for addons, unexpected files are 400s naming the file), answers
  ``{"warnings": [...]}`` and starts the ``UPLOADING -> READY`` transition (an emulated
  failure leaves the model ``UPLOADING`` with an error ``status``). Base models then
  support their ``defaultPrecision`` (or FP16). Under the ``uploadLandingChecks``
  behaviour the first calls after a PUT answer FAILED_PRECONDITION "files are still
  landing" first, as the docs say the real one does (:func:`..uploads.still_landing`).
* ``POST :prepare {precision}`` -> ``{}``; the precision joins ``supportedPrecisions``
  when the transition settles. The docs' ``PREPARING`` state is not in the API's enum,
  so the model stays ``READY`` meanwhile; lifecycle rules can target it as state
  ``PREPARING``. Preparing an addon or a model that is not READY is FAILED_PRECONDITION.
* ``kind``, ``baseModelDetails``, ``peftDetails``, ``teftDetails`` are immutable (the
  provider replaces the model instead); other fields follow the core's PATCH semantics.
  The 0.19.20 protos also mark ``conversationConfig`` IMMUTABLE: the
  ``protoImmutableFields`` behaviour refuses changing it too.
* Delete of a model that is loaded (``deployedModels``) or deployed (``deployments``
  with it as ``baseModel``) is FAILED_PRECONDITION (undocumented; ``ignoreChecks`` skips).
* Get (not List) fills ``deployedModelRefs``.
* ``:getDownloadEndpoint`` is 501 UNIMPLEMENTED (the emulator keeps digests, not weights).
"""

from __future__ import annotations

from typing import Any, Optional

from ..._wire.model import (
    CreateModelRequest,
    GetUploadEndpointRequest,
    GetUploadEndpointResponse,
    Model,
    PrepareModelRequest,
    ValidateModelUploadResponse,
)
from .. import uploads
from ..errors import ApiError, Code, failed_precondition, invalid_field
from ..lifecycle import Settlement, Transition
from ..resource import Collection, parse_input, request_body
from ..routing import Request, Route
from ..rules import models as rules
from ..rules.common import parse_child_name
from ..rules.uploads import check_model_files, parse_filename_to_size
from ..store import Record
from ._refs import load_settled, require_visible

TRANSITIONS = {
    t.state: t
    for t in (
        Transition("UPLOADING", "READY", failed="UPLOADING"),
        Transition("PREPARING", "READY", failed="READY"),
    )
}


class Models(Collection):
    model = Model
    collection = "models"
    noun = "model"
    default_order_by = "name"
    public_read = True
    transitions = TRANSITIONS
    immutable_fields = frozenset({"kind", "base_model_details", "peft_details", "teft_details"})
    proto_immutable_fields = frozenset(
        {"kind", "base_model_details", "peft_details", "teft_details", "conversation_config"}
    )
    in_use_by = (("deployedModels", "model"), ("deployments", "baseModel"))

    def custom_routes(self) -> list[Route]:
        item = self.collection_path() + "/{id}"
        return [
            Route("POST", item + ":getUploadEndpoint", self.get_upload_endpoint),
            Route("GET", item + ":validateUpload", self.validate_upload),
            Route("POST", item + ":prepare", self.prepare),
            Route("GET", item + ":getDownloadEndpoint", self.get_download_endpoint),
        ]

    # -- create / update -----------------------------------------------------------------------

    def create_input(self, req: Request) -> tuple[Optional[str], dict[str, Any]]:
        raw = request_body(req, CreateModelRequest)
        parse_input(CreateModelRequest, raw)  # type errors named by their full path (model.peft_details.r)
        model = raw.get("model")
        return raw.get("modelId") or None, dict(model) if isinstance(model, dict) else {}

    def new_id(self, req: Request, doc: dict[str, Any]) -> str:
        raise invalid_field("model_id", "is required")

    def validate(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        prefix = "model." if old is None else ""
        checked = rules.check_model(Model.model_validate(doc), prefix)
        doc["kind"] = checked.kind
        peft = doc.get("peftDetails")
        if peft and (old is None or peft.get("baseModel") != (old.get("peftDetails") or {}).get("baseModel")):
            field = f"{prefix}peft_details.base_model"
            base = require_visible(req, peft["baseModel"], field, "model")
            rules.check_base_model_usable(field, Model.model_validate(base.doc))
            model_type = (base.doc.get("baseModelDetails") or {}).get("modelType")
            if model_type:
                peft["baseModelType"] = model_type
        if old is None:
            cluster = req.json_object().get("cluster")
            if cluster:
                cluster_account, _ = parse_child_name("cluster", cluster, "clusters")
                if cluster_account != req.params["account"]:
                    raise invalid_field("cluster", f"{cluster} does not belong to account {req.params['account']}")

    def normalize(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        if old is not None:
            return
        doc["state"] = "UPLOADING"
        if req.json_object().get("cluster"):
            doc["cluster"] = req.json_object()["cluster"]

    # -- reads -----------------------------------------------------------------------------------

    def render(self, req: Request, record: Record, *, single: bool) -> dict[str, Any]:
        if not single:
            return record.doc
        refs = []
        for found in req.backend.store.find("deployedModels", "model", record.name, account=record.account):
            deployed = load_settled(req, found.name)
            if deployed is None:
                continue
            ref = {k: deployed.doc.get(k) for k in ("name", "deployment", "state", "default", "public")}
            refs.append({k: v for k, v in ref.items() if v is not None})
        return {**record.doc, "deployedModelRefs": refs} if refs else record.doc

    def on_settled(self, req: Request, record: Record, settlement: Settlement) -> None:
        doc, meta = record.doc, record.meta
        if settlement.from_state == "PREPARING":
            precision = meta.pop("preparing", None)
            if precision and not settlement.failed:
                doc["supportedPrecisions"] = sorted({*doc.get("supportedPrecisions", []), precision})
        elif settlement.from_state == "UPLOADING" and not settlement.failed and not rules.is_addon(doc.get("kind")):
            default = (doc.get("baseModelDetails") or {}).get("defaultPrecision")
            if not default or default == "PRECISION_UNSPECIFIED":
                default = "FP16"
            doc.setdefault("supportedPrecisions", [default])

    # -- uploads -----------------------------------------------------------------------------

    def _require_uploading(self, req: Request) -> Record:
        record = self.require(req, read=False)
        rules.check_upload_allowed(Model.model_validate(record.doc))
        if (record.meta.get("pending") or {}).get("state") == "UPLOADING":
            raise failed_precondition(f"model {record.name} is being validated; its files can no longer change")
        return record

    def get_upload_endpoint(self, req: Request) -> Any:
        self.authorize(req, write=True)
        body = GetUploadEndpointRequest.model_validate(parse_input(GetUploadEndpointRequest, req.json_object()))
        sizes = parse_filename_to_size(body.filename_to_size, dataset=False)
        with req.backend.store.transaction():
            record = self._require_uploading(req)
            forget = req.backend.behaviour.resign_forgets_uploads
            generation = uploads.register(record, sizes, keep_matching=not forget)
            self.save(req, record)
        return GetUploadEndpointResponse(filename_to_signed_urls=uploads.signed_urls(req, record, generation)).to_wire()

    def validate_upload(self, req: Request) -> Any:
        self.authorize(req, write=True)
        with req.backend.store.transaction():
            record = self.require(req, read=False)
            pending = (record.meta.get("pending") or {}).get("state")
            if record.doc.get("state") == "READY" or pending == "UPLOADING":
                return {}  # already validated (or validating): nothing to do
            model = Model.model_validate(record.doc)
            rules.check_upload_allowed(model)
            config_only, skip_hf = req.flag("configOnly"), req.flag("skipHfConfigValidation")
            req.flag("trustRemoteCode")  # accepted; nothing to run in the emulator
            landing = uploads.still_landing(record, req.backend.behaviour.upload_landing_checks)
            warnings: list[str] = []
            if landing is None:
                registered, files = uploads.file_set(record)
                warnings = check_model_files(
                    registered,
                    files,
                    addon=rules.is_addon(model.kind),
                    config_only=config_only,
                    skip_hf_config_validation=skip_hf,
                    peft_rank=model.peft_details.r if model.peft_details else None,
                )
                record.doc["updateTime"] = self.now(req)
                self.start(req, record, "UPLOADING")
            self.save(req, record)
        if landing is not None:
            raise landing  # after the commit: the refusal counts
        return ValidateModelUploadResponse(warnings=warnings or None).to_wire()

    def prepare(self, req: Request) -> Any:
        self.authorize(req, write=True)
        body = PrepareModelRequest.model_validate(parse_input(PrepareModelRequest, req.json_object()))
        with req.backend.store.transaction():
            record = self.require(req, read=False)
            precision = rules.check_prepare(Model.model_validate(record.doc), body.precision)
            if (record.meta.get("pending") or {}).get("state") == "PREPARING":
                raise failed_precondition(
                    f"model {record.name} is already being prepared for {record.meta.get('preparing')}"
                )
            if precision in (record.doc.get("supportedPrecisions") or []):
                return {}  # already prepared
            record.meta["preparing"] = precision
            self.start(req, record, "PREPARING")
            record.doc["state"] = "READY"  # PREPARING is not an API state; see the module docstring
            record.doc["updateTime"] = self.now(req)
            self.save(req, record)
        return {}

    def get_download_endpoint(self, req: Request) -> Any:
        self.authorize(req, write=False)
        self.require(req)
        raise ApiError(
            Code.UNIMPLEMENTED,
            "getDownloadEndpoint is not implemented by the emulator (it keeps only digests of uploaded files)",
        )


COLLECTIONS = [Models()]
