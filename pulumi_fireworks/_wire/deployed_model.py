"""DeployedModel (a LoRA load): ``accounts/{account_id}/deployedModels/{deployed_model_id}``.

Fields follow ``fireworks.types.shared.DeployedModel`` (SDK 1.2.30; the SDK calls the
collection ``lora``). The id is server generated; create takes the flat resource body
and the ``replaceMergedAddon`` query parameter.
"""

from __future__ import annotations

from typing import Optional

from ._base import Status, WireModel, output_only

DEPLOYED_MODEL_STATES: tuple[str, ...] = (
    "STATE_UNSPECIFIED",
    "UNDEPLOYING",
    "DEPLOYING",
    "DEPLOYED",
    "UPDATING",
)


class DeployedModel(WireModel):
    # Identity and server view (output only).
    name: Optional[str] = output_only()
    create_time: Optional[str] = output_only()
    update_time: Optional[str] = output_only()
    state: Optional[str] = output_only()
    status: Optional[Status] = output_only()

    # Settable. ``model`` and ``deployment`` only take effect on create.
    model: Optional[str] = None
    deployment: Optional[str] = None
    display_name: Optional[str] = None
    description: Optional[str] = None
    default: Optional[bool] = None
    public: Optional[bool] = None
    serverless: Optional[bool] = None
