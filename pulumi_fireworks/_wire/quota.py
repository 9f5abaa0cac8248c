"""Quota: ``accounts/{account_id}/quotas/{quota_id}``.

Not in SDK 1.2.30. The REST routes (``GET .../quotas``, ``GET .../quotas/{id}``, ``PATCH
.../quotas/{id}``) are in the docs' API reference ("get quota", "update quota", "list
quotas"); the message is ``gateway.Quota`` in the protobufs of ``fireworks-ai`` 0.19.20:
``name`` (IMMUTABLE), ``value`` and ``max_value`` (int64, so JSON strings), ``usage`` (a
double, so a JSON number, output only), ``update_time`` and ``create_time`` (output only).

``value`` is what the service enforces, ``max_value`` the ceiling Fireworks approved
(firectl: the value "must be less than max_value"). ``UpdateQuotaRequest`` carries
``allow_missing``, which the REST route spells ``createIfNotExists``.

Quota ids: ``monthly-spend-usd`` and ``serverless-inference-rpm`` are documented; the GPU
quotas' ids are not (the docs say only "per region, per hardware type"). Where this
package needs the id of an accelerator's account-wide GPU quota it uses
:func:`gpu_quota_id` (``NVIDIA_H100_80GB`` -> ``nvidia-h100-80gb``), the emulator uses the
same spelling, and everything that reads a quota snapshot also takes the numbers per
accelerator type directly, so nothing depends on that guess being right.
"""

from __future__ import annotations

from typing import Optional

from ._base import WireModel, output_only

MONTHLY_SPEND_USD = "monthly-spend-usd"
"""The account's monthly spend limit in dollars: reaching it pauses every API request."""

SERVERLESS_INFERENCE_RPM = "serverless-inference-rpm"


def gpu_quota_id(accelerator_type: str) -> str:
    """The id this package assumes for the account-wide GPU quota of ``accelerator_type``
    (see the module docstring): ``NVIDIA_H100_80GB`` -> ``nvidia-h100-80gb``."""
    return accelerator_type.lower().replace("_", "-")


class Quota(WireModel):
    name: Optional[str] = None  # required in the PATCH body by the proto (quota.name); the path carries it too
    value: Optional[str] = None  # int64 -> JSON string
    max_value: Optional[str] = None  # int64 -> JSON string; the approved ceiling (settable only by Fireworks)
    usage: Optional[float] = output_only()
    update_time: Optional[str] = output_only()
    create_time: Optional[str] = output_only()
