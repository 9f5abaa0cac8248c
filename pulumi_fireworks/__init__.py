"""Pulumi resources for the Fireworks AI control plane.

Each resource is a ``pulumi.dynamic.Resource`` with its own type token
(``pulumi-python:dynamic/fireworks:<Type>``), so policy packs can tell them apart.
Configure with ``pulumi config set --secret fireworks:apiKey ...`` (or
``FIREWORKS_API_KEY``); see the README.
"""

from ._errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    FireworksError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResourceFailedError,
    ResourceOperationError,
    WaitTimeoutError,
)
from .deployment import (
    AutoscalingPolicyArgs,
    AutoTuneArgs,
    Deployment,
    DeploymentArgs,
    PlacementArgs,
    ScalingScheduleArgs,
)

__all__ = [
    "Deployment",
    "DeploymentArgs",
    "AutoscalingPolicyArgs",
    "AutoTuneArgs",
    "PlacementArgs",
    "ScalingScheduleArgs",
    "FireworksError",
    "ConfigurationError",
    "APIConnectionError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "RateLimitError",
    "InternalServerError",
    "ResourceOperationError",
    "ResourceFailedError",
    "WaitTimeoutError",
]
