"""Choosing the one deployment shape version a program asked for.

The API's ``deploymentShapeVersions:match`` answers every shape version a deployment of a
base model could use (adapters resolved to their base model, shapes the account may
deploy). A program asks for one: the latest validated version on an accelerator type,
optionally of one preset. Zero or several candidates are errors that say what exists, so
a program never silently gets a shape it did not mean.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from .._errors import LookupFailedError
from .results import GetDeploymentShapeResult

FUNCTION = "get_deployment_shape"


def choose(
    versions: Sequence[GetDeploymentShapeResult],
    *,
    base_model: str,
    accelerator_type: Optional[str],
    preset_type: Optional[str],
) -> GetDeploymentShapeResult:
    """The single latest validated version matching the criteria, else a clear error."""
    validated = [v for v in versions if v.latest_validated]
    on_accelerator = [v for v in validated if accelerator_type is None or v.accelerator_type == accelerator_type]
    chosen = [v for v in on_accelerator if preset_type is None or v.preset_type == preset_type]
    if len(chosen) == 1:
        return chosen[0]
    wanted = _criteria(accelerator_type, preset_type)
    if not chosen:
        message = f"fireworks: no validated deployment shape for base model {base_model!r}{wanted} ({FUNCTION})"
        if on_accelerator:
            message += f"; presets available there: {_listing(v.preset_type for v in on_accelerator)}"
        elif validated:
            message += f"; validated shapes run on: {_listing(v.accelerator_type for v in validated)}"
        raise LookupFailedError(message, not_found=True)
    shapes = ", ".join(f"{v.shape} ({v.accelerator_type or '?'}, {v.preset_type or 'no preset'})" for v in chosen)
    raise LookupFailedError(
        f"fireworks: {len(chosen)} validated deployment shapes fit base model {base_model!r}{wanted} "
        f"({FUNCTION}): {shapes}; narrow it down with accelerator_type= or preset_type=, "
        "or pass one of these shape names to the Deployment directly"
    )


def _criteria(accelerator_type: Optional[str], preset_type: Optional[str]) -> str:
    text = f" on {accelerator_type}" if accelerator_type else ""
    return text + (f" with preset {preset_type}" if preset_type else "")


def _listing(values: Iterable[Optional[str]]) -> str:
    return ", ".join(sorted({v for v in values if v})) or "(none named)"
