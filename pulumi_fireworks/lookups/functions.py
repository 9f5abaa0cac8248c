"""The lookup functions: ``get_x(...)`` returns a result now, ``get_x_output(...)`` an Output.

Both run during ``pulumi preview`` as well as ``up`` (a lookup only reads), with the
client's retry rules; both raise :class:`~.._errors.LookupFailedError` naming what was
looked up. The ``_output`` twins take Inputs, as Pulumi's generated providers do, so a
lookup can depend on a resource: while any input is unknown, or comes from a resource
this update has yet to create, the result is unknown and no call is made (see
:mod:`._outputs`); secret inputs give secret results.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Optional

import pulumi
from pydantic import BaseModel

from .._errors import NotFoundError
from . import _names, _shapes
from ._outputs import lifted as _lifted
from ._session import lookup
from .results import (
    GetAccountResult,
    GetDeploymentResult,
    GetDeploymentShapeResult,
    GetFineTuningJobResult,
    GetModelResult,
    GetQuotaResult,
    GetUserResult,
    ListModelsResult,
    ListQuotasResult,
)

__all__ = [
    "get_account",
    "get_account_output",
    "get_model",
    "get_model_output",
    "list_models",
    "list_models_output",
    "get_deployment",
    "get_deployment_output",
    "get_deployment_shape",
    "get_deployment_shape_output",
    "get_user",
    "get_user_output",
    "get_supervised_fine_tuning_job",
    "get_supervised_fine_tuning_job_output",
    "get_dpo_job",
    "get_dpo_job_output",
    "get_reinforcement_fine_tuning_job",
    "get_reinforcement_fine_tuning_job_output",
    "get_quota",
    "get_quota_output",
    "list_quotas",
    "list_quotas_output",
]

# -- account --------------------------------------------------------------------------------


def get_account() -> GetAccountResult:
    """The account the API key works in: ``fireworks:accountId`` (or
    ``FIREWORKS_ACCOUNT_ID``) when set, else the one account the key sees."""
    with lookup("get_account", "account", "the configured account") as call:
        call.target = f"accounts/{call.client.account_id}"
        return GetAccountResult.from_wire(call.client.request("GET", f"/v1/{call.target}"))


def get_account_output() -> pulumi.Output[GetAccountResult]:
    """:func:`get_account` as an Output."""
    return _lifted(get_account)


# -- models ---------------------------------------------------------------------------------


def get_model(name: str) -> GetModelResult:
    """A model by resource name (``accounts/fireworks/models/llama-v3p1-8b-instruct`` for a
    public base model) or by id in your account: its context length, whether it supports
    LoRA or serverless, its kind and base model details, ..."""
    with lookup("get_model", "model", name) as call:
        call.target = _names.resource_name(name, "models", "model", lambda: call.client.account_id)
        return GetModelResult.from_wire(call.client.request("GET", f"/v1/{call.target}"))


def get_model_output(name: pulumi.Input[str]) -> pulumi.Output[GetModelResult]:
    """:func:`get_model` taking an Input; unknown while ``name`` is."""
    return _lifted(get_model, name=name)


def list_models(filter: Optional[str] = None, account_id: Optional[str] = None) -> ListModelsResult:
    """Every model of an account (default: yours; ``"fireworks"`` for the public base
    models) that passes ``filter``, an AIP-160 expression over the model's fields, e.g.
    ``'supports_lora=true AND kind="HF_BASE_MODEL"'``. All pages are read."""
    with lookup("list_models", "model list", account_id or "your account") as call:
        account = _names.account_id(account_id) if account_id is not None else call.client.account_id
        call.target = f"accounts/{account}"
        items = call.client.paginate(f"/v1/accounts/{account}/models", "models", {"filter": filter or None})
        return ListModelsResult(
            account_id=account, filter=filter or None, models=tuple(GetModelResult.from_wire(m) for m in items)
        )


def list_models_output(
    filter: pulumi.Input[Optional[str]] = None, account_id: pulumi.Input[Optional[str]] = None
) -> pulumi.Output[ListModelsResult]:
    """:func:`list_models` taking Inputs; unknown while either is."""
    return _lifted(list_models, filter=filter, account_id=account_id)


# -- deployments ----------------------------------------------------------------------------


def get_deployment(id: str) -> GetDeploymentResult:
    """A deployment by id in your account (``chat-3f9a1c``) or by resource name
    (``accounts/<account>/deployments/<id>``), e.g. one another stack manages. A
    soft-deleted deployment is found too, with ``state`` ``DELETED``."""
    with lookup("get_deployment", "deployment", id) as call:
        call.target = _names.resource_name(id, "deployments", "deployment", lambda: call.client.account_id)
        return GetDeploymentResult.from_wire(call.client.request("GET", f"/v1/{call.target}"))


def get_deployment_output(id: pulumi.Input[str]) -> pulumi.Output[GetDeploymentResult]:
    """:func:`get_deployment` taking an Input; unknown while ``id`` is."""
    return _lifted(get_deployment, id=id)


def get_deployment_shape(
    *,
    base_model: str,
    accelerator_type: Optional[str] = None,
    preset_type: Optional[str] = None,
    enable_addons: bool = False,
) -> GetDeploymentShapeResult:
    """The latest validated deployment shape version for ``base_model`` on
    ``accelerator_type`` (any when None), as the API's ``deploymentShapeVersions:match``
    answers it for your account. ``preset_type`` (``FAST``, ``THROUGHPUT``, ``MINIMAL``,
    ...) picks among several shapes; ``enable_addons`` asks for shapes that can serve LoRA
    adapters. Pass the result's ``name`` as a Deployment's ``deployment_shape``.

    No match, or more than one, is an error listing what there is."""
    with lookup("get_deployment_shape", "deployment shape", base_model) as call:
        model = call.target = _names.resource_name(base_model, "models", "model", lambda: call.client.account_id)
        account = call.client.account_id
        body = call.client.request(
            "POST",
            f"/v1/accounts/{account}/deploymentShapeVersions:match",
            json={
                "createDeploymentRequest": {
                    "parent": f"accounts/{account}",
                    "deployment": {"baseModel": model, **({"enableAddons": True} if enable_addons else {})},
                }
            },
        )
        versions = [GetDeploymentShapeResult.from_wire(v) for v in body.get("deploymentShapeVersions") or []]
        if not versions:  # a model with no shape at all may be a misspelt one: say which
            try:
                call.client.request("GET", f"/v1/{model}")
            except NotFoundError as exc:
                raise call.not_found(f"fireworks: model {model!r} not found ({call.function})") from exc
        return _shapes.choose(versions, base_model=model, accelerator_type=accelerator_type, preset_type=preset_type)


def get_deployment_shape_output(
    *,
    base_model: pulumi.Input[str],
    accelerator_type: pulumi.Input[Optional[str]] = None,
    preset_type: pulumi.Input[Optional[str]] = None,
    enable_addons: pulumi.Input[bool] = False,
) -> pulumi.Output[GetDeploymentShapeResult]:
    """:func:`get_deployment_shape` taking Inputs; unknown while any is."""
    return _lifted(
        get_deployment_shape,
        base_model=base_model,
        accelerator_type=accelerator_type,
        preset_type=preset_type,
        enable_addons=enable_addons,
    )


# -- users ----------------------------------------------------------------------------------


def get_user(id: str) -> GetUserResult:
    """A user or service account by id in your account (``jane``) or by resource name."""
    with lookup("get_user", "user", id) as call:
        call.target = _names.resource_name(id, "users", "user", lambda: call.client.account_id)
        return GetUserResult.from_wire(call.client.request("GET", f"/v1/{call.target}"))


def get_user_output(id: pulumi.Input[str]) -> pulumi.Output[GetUserResult]:
    """:func:`get_user` taking an Input; unknown while ``id`` is."""
    return _lifted(get_user, id=id)


def get_supervised_fine_tuning_job(id: str) -> GetFineTuningJobResult:
    """A supervised fine-tuning job by id in your account or by resource name: its state and
    the model it trains (``trained_model``)."""
    return _job("get_supervised_fine_tuning_job", "supervisedFineTuningJobs", "supervised fine-tuning job", id)


def get_supervised_fine_tuning_job_output(id: pulumi.Input[str]) -> pulumi.Output[GetFineTuningJobResult]:
    """:func:`get_supervised_fine_tuning_job` taking an Input; unknown while ``id`` is."""
    return _lifted(get_supervised_fine_tuning_job, id=id)


def get_dpo_job(id: str) -> GetFineTuningJobResult:
    """A DPO fine-tuning job by id in your account or by resource name."""
    return _job("get_dpo_job", "dpoJobs", "DPO job", id)


def get_dpo_job_output(id: pulumi.Input[str]) -> pulumi.Output[GetFineTuningJobResult]:
    """:func:`get_dpo_job` taking an Input; unknown while ``id`` is."""
    return _lifted(get_dpo_job, id=id)


def get_reinforcement_fine_tuning_job(id: str) -> GetFineTuningJobResult:
    """A reinforcement fine-tuning job by id in your account or by resource name."""
    return _job("get_reinforcement_fine_tuning_job", "reinforcementFineTuningJobs", "reinforcement fine-tuning job", id)


def get_reinforcement_fine_tuning_job_output(id: pulumi.Input[str]) -> pulumi.Output[GetFineTuningJobResult]:
    """:func:`get_reinforcement_fine_tuning_job` taking an Input; unknown while ``id`` is."""
    return _lifted(get_reinforcement_fine_tuning_job, id=id)


def _job(function: str, collection: str, noun: str, id: str) -> GetFineTuningJobResult:
    with lookup(function, noun, id) as call:
        call.target = _names.resource_name(id, collection, noun, lambda: call.client.account_id)
        return GetFineTuningJobResult.from_wire(call.client.request("GET", f"/v1/{call.target}"))


# -- quotas ----------------------------------------------------------------------------------


def get_quota(id: str) -> GetQuotaResult:
    """A quota of your account by id (``monthly-spend-usd``) or resource name: its value,
    ceiling and usage, e.g. to size a deployment by the GPUs still free."""
    with lookup("get_quota", "quota", id) as call:
        call.target = _names.resource_name(id, "quotas", "quota", lambda: call.client.account_id)
        return GetQuotaResult.from_wire(call.client.request("GET", f"/v1/{call.target}"))


def get_quota_output(id: pulumi.Input[str]) -> pulumi.Output[GetQuotaResult]:
    """:func:`get_quota` taking an Input; unknown while ``id`` is."""
    return _lifted(get_quota, id=id)


def list_quotas() -> ListQuotasResult:
    """Every quota of your account with its usage (all pages). Export
    ``[q.model_dump() for q in list_quotas().quotas]`` to give the review summary a snapshot."""
    with lookup("list_quotas", "quota list", "your account") as call:
        account = call.client.account_id
        call.target = f"accounts/{account}"
        items = call.client.paginate(f"/v1/accounts/{account}/quotas", "quotas", {})
        return ListQuotasResult(account_id=account, quotas=tuple(GetQuotaResult.from_wire(q) for q in items))


def list_quotas_output() -> pulumi.Output[ListQuotasResult]:
    """:func:`list_quotas` as an Output."""
    return _lifted(list_quotas)


# -- the catalogue ----------------------------------------------------------------------------


class Lookup(NamedTuple):
    """One lookup as the published schema describes it."""

    function: Callable[..., Any]
    result: type[BaseModel]
    arguments: dict[str, str]
    """Argument name -> what it is."""


CATALOG: tuple[Lookup, ...] = (
    Lookup(get_account, GetAccountResult, {}),
    Lookup(get_model, GetModelResult, {
        "name": "accounts/<account>/models/<id>, or the id of a model in your account",
    }),
    Lookup(list_models, ListModelsResult, {
        "filter": "AIP-160 filter over the model's fields, e.g. supports_lora=true",
        "account_id": "whose models (default: the configured account; 'fireworks' for public base models)",
    }),
    Lookup(get_deployment, GetDeploymentResult, {
        "id": "accounts/<account>/deployments/<id>, or the id of a deployment in your account",
    }),
    Lookup(get_deployment_shape, GetDeploymentShapeResult, {
        "base_model": "the model to deploy (adapters resolve to their base model)",
        "accelerator_type": "e.g. NVIDIA_H100_80GB; any when unset",
        "preset_type": "MINIMAL, FAST, THROUGHPUT, ...; any when unset",
        "enable_addons": "only shapes that can serve LoRA adapters",
    }),
    Lookup(get_user, GetUserResult, {
        "id": "accounts/<account>/users/<id>, or the id of a user in your account",
    }),
    Lookup(get_supervised_fine_tuning_job, GetFineTuningJobResult, {
        "id": "accounts/<account>/supervisedFineTuningJobs/<id>, or the id of a job in your account",
    }),
    Lookup(get_dpo_job, GetFineTuningJobResult, {
        "id": "accounts/<account>/dpoJobs/<id>, or the id of a job in your account",
    }),
    Lookup(get_reinforcement_fine_tuning_job, GetFineTuningJobResult, {
        "id": "accounts/<account>/reinforcementFineTuningJobs/<id>, or the id of a job in your account",
    }),
    Lookup(get_quota, GetQuotaResult, {
        "id": "accounts/<account>/quotas/<id>, or the id of a quota of your account (monthly-spend-usd, ...)",
    }),
    Lookup(list_quotas, ListQuotasResult, {}),
)
"""Every lookup, for ``schema/lookups/`` (:mod:`pulumi_fireworks._schema`)."""
