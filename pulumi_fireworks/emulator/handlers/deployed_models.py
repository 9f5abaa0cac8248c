"""Deployed models (LoRA loads): ``accounts/{account}/deployedModels/{id}``.

Sources: https://docs.fireworks.ai/api-reference/create-deployed-model, SDK ``fireworks/resources/lora.py``.

The SDK calls this collection ``lora`` (``client.lora.load/get/list/update/unload``).
Rules are in :mod:`..rules.deployed_models`; this module wires them to the store.

* Load (create): flat body, ``replaceMergedAddon`` query flag, server-generated id
  ``<model-id>-<random>``; ``DEPLOYING -> DEPLOYED``. ``deployment`` is required in every
  profile: SDK 1.2.30 and the docs agree that LoRA models need a dedicated deployment
  (no serverless LoRA), so a load without it is 400 INVALID_ARGUMENT naming it. The
  first load of a model gets ``default: true``; a load or PATCH with ``default: true``
  takes it from the others.
  Loading onto a hot-reload deployment with ``replaceMergedAddon`` unloads whatever was
  loaded there before.
* Update: ``displayName``, ``description``, ``default``, ``public``
  (``DEPLOYED -> UPDATING -> DEPLOYED``); ``model``/``deployment``/``serverless`` are
  immutable.
* Unload (delete): ``UNDEPLOYING ->`` gone (404).
* A deployment with a deployed model is "in use": the deployments handler declares
  ``in_use_by = (("deployedModels", "deployment"),)`` (the core's generic hook), so its
  delete without ``ignoreChecks`` is a FAILED_PRECONDITION.
* There is no FAILED state: an emulated failure (lifecycle outcome FAILED) leaves the
  deployed model in its previous steady state (or ``DEPLOYING``) with an error
  ``status`` -- what a LoRA that "failed to load" looks like. Under the
  ``failedLoadsUnspecified`` behaviour it reports ``STATE_UNSPECIFIED`` instead (omitted
  on the wire unless zero values are emitted): the old SDK (0.19.20
  ``fireworks/llm/llm.py``) treats a deployed model in that state as failed to deploy,
  so a server plausibly reports failures that way.
"""

from __future__ import annotations

from typing import Any, Optional

from ..._wire.deployed_model import DeployedModel
from ..._wire.deployment import Deployment
from ..._wire.model import Model
from ..lifecycle import GONE, Settlement, Transition
from ..resource import Collection
from ..routing import Request
from ..rules import deployed_models as rules
from ..store import Record, split_name
from ._refs import require_visible

TRANSITIONS = {
    t.state: t
    for t in (
        Transition("DEPLOYING", "DEPLOYED", failed="DEPLOYING"),
        Transition("UPDATING", "DEPLOYED", failed="DEPLOYED"),
        Transition("UNDEPLOYING", GONE, failed="DEPLOYED"),
    )
}


class DeployedModels(Collection):
    model = DeployedModel
    collection = "deployedModels"
    noun = "deployed model"
    default_order_by = "name"
    create_state = "DEPLOYING"
    update_state = "UPDATING"
    delete_state = "UNDEPLOYING"
    steady_states = frozenset({"DEPLOYED"})
    transitions = TRANSITIONS
    immutable_fields = frozenset({"model", "deployment", "serverless"})

    def id_field(self) -> str:
        return "deployed_model_id"

    def new_id(self, req: Request, doc: dict[str, Any]) -> str:
        model_name, _ = rules.check_load_request(DeployedModel.model_validate(doc), req.account)
        return rules.new_deployed_model_id(split_name(model_name)[3])

    def live_for_model(self, req: Request, model_name: str) -> list[dict[str, Any]]:
        """Documents of the deployed models of ``model_name`` in the caller's account."""
        return [r.doc for r in req.backend.store.find(self.collection, "model", model_name, account=req.account)]

    # -- checks ----------------------------------------------------------------------------

    def validate(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        body = DeployedModel.model_validate(doc)
        if old is not None:
            current = DeployedModel.model_validate(old)
            rules.check_update(current, body)
            return
        model_name, deployment_name = rules.check_load_request(body, req.account)
        model = Model.model_validate(require_visible(req, model_name, "model", "model").doc)
        base_model = rules.check_model_loadable(model)
        deployment = Deployment.model_validate(require_visible(req, deployment_name, "deployment", "deployment").doc)
        rules.check_deployment_accepts(deployment, base_model, replace_merged_addon=req.flag("replaceMergedAddon"))
        same_place = [d["name"] for d in self.live_for_model(req, model_name) if d.get("deployment") == deployment_name]
        rules.check_not_loaded_twice(same_place, model_name, deployment_name)
        rules.check_quota(len(req.backend.store.list(f"accounts/{req.account}", self.collection, include_deleted=False)))

    # -- server-side effects ------------------------------------------------------------------

    def on_settled(self, req: Request, record: Record, settlement: Settlement) -> None:
        if settlement.failed and req.backend.behaviour.failed_loads_unspecified:
            record.doc["state"] = "STATE_UNSPECIFIED"

    def normalize(self, req: Request, doc: dict[str, Any], old: Optional[dict[str, Any]]) -> None:
        store = req.backend.store
        if old is None:
            others = self.live_for_model(req, doc["model"])
            if not others:
                doc["default"] = True  # the first deployment of a model is its default target
            if req.flag("replaceMergedAddon") and doc.get("deployment"):
                for record in store.find(self.collection, "deployment", doc["deployment"], account=req.account):
                    if record.doc.get("state") != "UNDEPLOYING":
                        self.start(req, record, self.delete_state, gone=True)
                        store.put(record)
        if doc.get("default") and not (old or {}).get("default"):
            for record in store.find(self.collection, "model", doc["model"], account=req.account):
                if record.name != doc.get("name", (old or {}).get("name")) and record.doc.get("default"):
                    record.doc["default"] = False
                    store.put(record)


COLLECTIONS = [DeployedModels()]
