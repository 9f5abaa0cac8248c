"""Pulumi resources for the Fireworks AI control plane.

Each resource is a ``pulumi.dynamic.Resource`` with its own type token
(``pulumi-python:dynamic/fireworks:<Type>``), so policy packs can tell them apart.
Read-only lookups (``get_model``, ``get_deployment_shape``, ...) come with each a
``_output`` twin. Configure with ``pulumi config set --secret fireworks:apiKey ...`` (or
``FIREWORKS_API_KEY``); see the README.
"""

from . import _errors
from ._errors import *  # noqa: F403  (the exception tree; see _errors)
from .api_key import ApiKey, ApiKeyArgs
from .deployed_model import DeployedModel, DeployedModelArgs
from .dataset import Dataset, DatasetArgs
from .deployment import (
    AutoscalingPolicyArgs,
    AutoTuneArgs,
    Deployment,
    DeploymentArgs,
    PlacementArgs,
    ScalingScheduleArgs,
)
from . import lookups as _lookups
from .lookups import *  # noqa: F403  (get_x / get_x_output and their result types)
from .model import BaseModelDetailsArgs, ConversationConfigArgs, DateArgs, Model, ModelArgs, PeftDetailsArgs
from .secret import Secret, SecretArgs
from .user import ServiceAccount, ServiceAccountArgs, User, UserArgs

__all__ = [
    "Deployment",
    "DeploymentArgs",
    "AutoscalingPolicyArgs",
    "AutoTuneArgs",
    "PlacementArgs",
    "ScalingScheduleArgs",
    "Secret",
    "SecretArgs",
    "User",
    "UserArgs",
    "ServiceAccount",
    "ServiceAccountArgs",
    "ApiKey",
    "ApiKeyArgs",
    "DeployedModel",
    "DeployedModelArgs",
    "Model",
    "ModelArgs",
    "PeftDetailsArgs",
    "BaseModelDetailsArgs",
    "ConversationConfigArgs",
    "DateArgs",
    "Dataset",
    "DatasetArgs",
]
# `+=` of a module's __all__ (not `*` inside the list) so type checkers see the full list.
__all__ += _errors.__all__
__all__ += _lookups.__all__
