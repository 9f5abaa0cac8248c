"""DeploymentShape and DeploymentShapeVersion (read-only for us):
``accounts/{account_id}/deploymentShapes/{shape_id}`` and ``.../versions/{version_id}``.

Fields follow ``fireworks.types.DeploymentShape`` / ``DeploymentShapeVersion`` (SDK
1.2.30) plus ``disableSpeculativeDecoding`` from the newer OpenAPI document. A deployment
that names a shape gets its accelerator type/count and precision from the shape, and the
server rewrites ``deploymentShape`` to the version name.
"""

from __future__ import annotations

from typing import Optional

from pydantic import ConfigDict

from ._base import WireModel, newer_spec, output_only

PRESET_TYPES: tuple[str, ...] = (
    "PRESET_TYPE_UNSPECIFIED",
    "MINIMAL",
    "FAST",
    "THROUGHPUT",
    "FULL_PRECISION",
    "AGENTIC_CODING",
    "CHAT",
    "SUMMARIZATION",
)


class DeploymentShape(WireModel):
    # ``model_type`` starts with pydantic's reserved ``model_`` prefix.
    model_config = ConfigDict(protected_namespaces=())

    name: Optional[str] = output_only()
    create_time: Optional[str] = output_only()
    update_time: Optional[str] = output_only()

    display_name: Optional[str] = None
    description: Optional[str] = None
    base_model: Optional[str] = None
    model_type: Optional[str] = None
    parameter_count: Optional[str] = None  # int64 -> JSON string
    accelerator_count: Optional[int] = None
    accelerator_type: Optional[str] = None
    precision: Optional[str] = None
    disable_deployment_size_validation: Optional[bool] = None
    enable_addons: Optional[bool] = None
    draft_model: Optional[str] = None
    draft_token_count: Optional[int] = None
    ngram_speculation_length: Optional[int] = None
    enable_session_affinity: Optional[bool] = None
    num_lora_device_cached: Optional[int] = None
    max_context_length: Optional[int] = None
    preset_type: Optional[str] = None
    disable_speculative_decoding: Optional[bool] = newer_spec()


class DeploymentShapeVersion(WireModel):
    name: Optional[str] = output_only()
    create_time: Optional[str] = output_only()

    snapshot: Optional[DeploymentShape] = None
    validated: Optional[bool] = None
    latest_validated: Optional[bool] = None
    public: Optional[bool] = None


class MatchDeployment(WireModel):
    """The deployment part of a ``deploymentShapeVersions:match`` request."""

    base_model: Optional[str] = None
    enable_addons: Optional[bool] = None


class MatchCreateDeploymentRequest(WireModel):
    parent: Optional[str] = None
    deployment: Optional[MatchDeployment] = None


class MatchDeploymentShapeVersionsRequest(WireModel):
    """Body of ``POST /v1/accounts/{a}/deploymentShapeVersions:match``."""

    create_deployment_request: Optional[MatchCreateDeploymentRequest] = None
