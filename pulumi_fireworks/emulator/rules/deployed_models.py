"""DeployedModel (LoRA load) rules: what may be loaded where, ids, updates.

Loading needs (SDK ``fireworks/resources/lora.py``, ``load``; https://docs.fireworks.ai/fine-tuning/deploying-loras):

* ``model``: a READY LoRA addon (``HF_PEFT_ADDON``/``HF_TEFT_ADDON``);
* ``deployment`` (required): a deployment whose ``base_model`` is the addon's
  ``peft_details.base_model`` and that accepts addons -- ``enable_addons`` (multi-LoRA),
  or a hot-reload deployment together with ``replaceMergedAddon=true``. There is no
  serverless LoRA: SDK 1.2.30 says "LoRA models require a dedicated deployment" and the
  current docs "Fine-tuned LoRA models ... can only be deployed to on-demand (dedicated)
  deployments. Serverless deployment is not supported for LoRA models", so a load
  without ``deployment`` is a 400 INVALID_ARGUMENT naming it;
* ``serverless`` omitted or false (the SDK: "not applicable when deploying a LoRA").
"""

from __future__ import annotations

import secrets
import string

from ..._wire.deployed_model import DeployedModel
from ..._wire.deployment import Deployment
from ..._wire.model import Model
from ..errors import ApiError, Code, failed_precondition, invalid_field
from .common import check_display_fields, parse_child_name
from .models import is_addon

#: Per-account LoRA quota (docs: 100 LoRAs per account).
MAX_DEPLOYED_MODELS_PER_ACCOUNT = 100

#: Deployment states a LoRA can be loaded onto.
LOADABLE_DEPLOYMENT_STATES = frozenset({"READY", "UPDATING"})

#: Fields a PATCH may change; ``model``/``deployment``/``serverless`` are fixed at load time.
UPDATABLE_FIELDS = ("display_name", "description", "default", "public")

_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits


def new_deployed_model_id(model_id: str, suffix_len: int = 8) -> str:
    """``<model-id>-<random>``, cut so the whole id stays within 63 characters."""
    suffix = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(suffix_len))
    stem = model_id[: 63 - suffix_len - 1].rstrip("-")
    return f"{stem}-{suffix}"


def check_load_request(body: DeployedModel, account: str) -> tuple[str, str]:
    """Syntax of a load body; returns (model name, deployment name)."""
    parse_child_name("model", body.model, "models")
    if body.serverless:
        raise invalid_field("serverless", "must be omitted or false when loading a LoRA addon")
    if not body.deployment:
        raise invalid_field(
            "deployment",
            "is required: LoRA models require a dedicated deployment (serverless deployment is not supported "
            "for LoRA models); create one with enable_addons=true and name it here",
        )
    deployment_account, _ = parse_child_name("deployment", body.deployment, "deployments")
    if deployment_account != account:
        raise invalid_field("deployment", f"{body.deployment} does not belong to account {account}")
    check_display_fields("", body.display_name, body.description)
    return body.model or "", body.deployment


def check_model_loadable(model: Model) -> str:
    """The addon itself: a READY LoRA; returns its base model name."""
    if not is_addon(model.kind):
        raise invalid_field("model", f"{model.name} is not a LoRA addon (kind {model.kind}); only addons can be loaded")
    if model.state != "READY":
        raise failed_precondition(
            f"model {model.name} is in state {model.state}; upload and validate it (state READY) before loading it"
        )
    base = model.peft_details.base_model if model.peft_details else None
    if not base:
        raise failed_precondition(f"model {model.name} has no peft_details.base_model")
    return base


def check_deployment_accepts(
    deployment: Deployment, addon_base_model: str, *, replace_merged_addon: bool
) -> None:
    if deployment.state not in LOADABLE_DEPLOYMENT_STATES:
        raise failed_precondition(
            f"deployment {deployment.name} is in state {deployment.state}; addons can only be loaded onto a READY deployment"
        )
    if deployment.base_model != addon_base_model:
        raise invalid_field(
            "model",
            f"the addon's base model is {addon_base_model} but deployment {deployment.name} serves {deployment.base_model}",
        )
    hot_reload = bool(deployment.enable_hot_reload_latest_addon or deployment.enable_hot_load)
    if hot_reload:
        if not replace_merged_addon and not deployment.enable_addons:
            raise invalid_field(
                "replace_merged_addon", f"must be true to load onto hot-reload deployment {deployment.name}"
            )
        return
    if not deployment.enable_addons:
        raise failed_precondition(
            f"deployment {deployment.name} does not accept addons; create it with enable_addons=true (multi-LoRA)"
        )


def check_not_loaded_twice(existing_names: list[str], model: str, deployment: str) -> None:
    if existing_names:
        raise ApiError(Code.ALREADY_EXISTS, f"model {model} is already loaded on {deployment} as {existing_names[0]}")


def check_quota(live_count: int) -> None:
    if live_count >= MAX_DEPLOYED_MODELS_PER_ACCOUNT:
        raise ApiError(
            Code.RESOURCE_EXHAUSTED,
            f"quota exceeded: at most {MAX_DEPLOYED_MODELS_PER_ACCOUNT} LoRA addons may be loaded per account",
        )


def check_update(current: DeployedModel, merged: DeployedModel) -> None:
    """A PATCH (``model``/``deployment``/``serverless`` are the core's ``immutable_fields``)."""
    if current.state == "UNDEPLOYING":
        raise failed_precondition(f"deployed model {current.name} is being unloaded")
    check_display_fields("", merged.display_name, merged.description)
