"""Read-only lookups: facts a program needs but does not own.

::

    import pulumi_fireworks as fireworks

    account = fireworks.get_account()
    llama = fireworks.get_model("accounts/fireworks/models/llama-v3p1-8b-instruct")
    shape = fireworks.get_deployment_shape(base_model=llama.name, accelerator_type="NVIDIA_H100_80GB")
    fireworks.Deployment("chat", base_model=llama.name, deployment_shape=shape.name)

Each ``get_x`` has a ``get_x_output`` twin that takes Inputs and returns an Output (see
:mod:`.functions`); results are frozen, typed objects (:mod:`.results`). Lookups use the
resources' configuration (stack config ``fireworks:*``, then ``FIREWORKS_*``), run during
preview too, and fail with :class:`~pulumi_fireworks.LookupFailedError`.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from pydantic import BaseModel

from .functions import *  # noqa: F403
from .functions import __all__ as _functions
from .functions import (
    get_account,
    get_deployment,
    get_deployment_shape,
    get_model,
    get_user,
    list_models,
)
from .results import *  # noqa: F403
from .results import __all__ as _results
from .results import (
    GetAccountResult,
    GetDeploymentResult,
    GetDeploymentShapeResult,
    GetModelResult,
    GetUserResult,
    ListModelsResult,
)

__all__ = [*_functions, *_results]


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
)
"""Every lookup, for ``schema/lookups/`` (:mod:`pulumi_fireworks._schema`)."""
