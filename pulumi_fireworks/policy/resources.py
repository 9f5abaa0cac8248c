"""Typed access to each Fireworks resource's inputs, by type token.

Why: a rule should read ``deployment.max_replica_count`` as an ``int`` (or know it cannot),
not dig through proxies, floats and sentinels. Each view is built from what a policy receives -
the inputs in a resource validation, the outputs (which repeat the inputs) in a stack
validation - and works the same for the resource classes of this package and for any other
resource registered with the same type token. Fields mirror the API's field names in
snake_case; every field is ``Maybe[...]``: a value, :class:`~.values.Unknown` (skip it), or
``None`` (not set: the API's default applies).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ._view import TYPE_PREFIX
from ._views import *  # noqa: F403  (one generated view per resource, and View)
from ._views import READERS, View
from .values import Maybe

__all__ = [
    "TYPE_PREFIX",
    "DEPLOYMENT",
    "SECRET",
    "USER",
    "SERVICE_ACCOUNT",
    "API_KEY",
    "MODEL",
    "DEPLOYED_MODEL",
    "SUPERVISED_FINE_TUNING_JOB",
    "DPO_JOB",
    "EVALUATOR",
    "REINFORCEMENT_FINE_TUNING_JOB",
    "Placement",
    "AutoscalingPolicy",
    "Deployment",
    "Secret",
    "User",
    "ServiceAccount",
    "ApiKey",
    "Model",
    "DeployedModel",
    "SupervisedFineTuningJob",
    "DpoJob",
    "Evaluator",
    "ReinforcementFineTuningJob",
    "View",
    "view",
    "short_id",
]

DEPLOYMENT = TYPE_PREFIX + "Deployment"
SECRET = TYPE_PREFIX + "Secret"
USER = TYPE_PREFIX + "User"
SERVICE_ACCOUNT = TYPE_PREFIX + "ServiceAccount"
API_KEY = TYPE_PREFIX + "ApiKey"
MODEL = TYPE_PREFIX + "Model"
DEPLOYED_MODEL = TYPE_PREFIX + "DeployedModel"
SUPERVISED_FINE_TUNING_JOB = TYPE_PREFIX + "SupervisedFineTuningJob"
DPO_JOB = TYPE_PREFIX + "DpoJob"
EVALUATOR = TYPE_PREFIX + "Evaluator"
REINFORCEMENT_FINE_TUNING_JOB = TYPE_PREFIX + "ReinforcementFineTuningJob"


def short_id(value: Maybe[str]) -> Maybe[str]:
    """``accounts/a/models/m`` -> ``m``; ids pass through."""
    if isinstance(value, str):
        return value.rstrip("/").rsplit("/", 1)[-1]
    return value


def view(resource_type: str, props: Mapping[str, Any]) -> Optional[View]:
    """The typed view of a Fireworks resource, or ``None`` for any other type."""
    reader = READERS.get(resource_type)
    if reader is None:
        return None
    result: View = reader(props)
    return result
