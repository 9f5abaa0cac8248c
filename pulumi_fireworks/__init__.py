"""Pulumi resources for the Fireworks AI control plane.

Each resource is a ``pulumi.dynamic.Resource`` with its own type token
(``pulumi-python:dynamic/fireworks:<Type>``), so policy packs can tell them apart.
Configure with ``pulumi config set --secret fireworks:apiKey ...`` (or
``FIREWORKS_API_KEY``); see the README.
"""

from . import _errors
from ._errors import *  # noqa: F403  (the exception tree; see _errors)
from .api_key import ApiKey, ApiKeyArgs
from .dataset import Dataset, DatasetArgs
from .deployment import (
    AutoscalingPolicyArgs,
    AutoTuneArgs,
    Deployment,
    DeploymentArgs,
    PlacementArgs,
    ScalingScheduleArgs,
)
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
    "Model",
    "ModelArgs",
    "PeftDetailsArgs",
    "BaseModelDetailsArgs",
    "ConversationConfigArgs",
    "DateArgs",
    "Dataset",
    "DatasetArgs",
    *_errors.__all__,
]
