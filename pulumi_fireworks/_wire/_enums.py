"""Enum values the API documents, in the SDK's order.

Used to validate what we send (plan-time checks) and what the emulator accepts.
Values marked "newer spec" come from newer OpenAPI documents than SDK 1.2.30; the
real service accepts them, so rejecting them would make us stricter than the API.
"""

from __future__ import annotations

import typing
from typing import Literal

AcceleratorType = Literal[
    "NVIDIA_A100_80GB",
    "NVIDIA_H100_80GB",
    "AMD_MI300X_192GB",
    "NVIDIA_A10G_24GB",
    "NVIDIA_A100_40GB",
    "NVIDIA_L4_24GB",
    "NVIDIA_H200_141GB",
    "NVIDIA_B200_180GB",
    "AMD_MI325X_256GB",
    "AMD_MI350X_288GB",
    # newer spec
    "NVIDIA_B300_288GB",
    "NVIDIA_GB200",
    "NVIDIA_GB300",
]
ACCELERATOR_TYPES: tuple[str, ...] = typing.get_args(AcceleratorType)

Precision = Literal[
    "FP16",
    "FP8",
    "FP8_MM",
    "FP8_AR",
    "FP8_MM_KV_ATTN",
    "FP8_KV",
    "FP8_MM_V2",
    "FP8_V2",
    "FP8_MM_KV_ATTN_V2",
    "NF4",
    "FP4",
    "BF16",
    "FP4_BLOCKSCALED_MM",
    "FP4_MX_MOE",
]
PRECISIONS: tuple[str, ...] = typing.get_args(Precision)

Region = Literal[
    "US_IOWA_1",
    "US_VIRGINIA_1",
    "US_VIRGINIA_2",
    "US_ILLINOIS_1",
    "AP_TOKYO_1",
    "EU_LONDON_1",
    "US_ARIZONA_1",
    "US_TEXAS_1",
    "US_ILLINOIS_2",
    "EU_FRANKFURT_1",
    "US_TEXAS_2",
    "EU_PARIS_1",
    "EU_HELSINKI_1",
    "US_NEVADA_1",
    "EU_ICELAND_1",
    "EU_ICELAND_2",
    "US_WASHINGTON_1",
    "US_WASHINGTON_2",
    "EU_ICELAND_DEV_1",
    "US_WASHINGTON_3",
    "US_ARIZONA_2",
    "AP_TOKYO_2",
    "US_CALIFORNIA_1",
    "US_MISSOURI_1",
    "US_UTAH_1",
    "US_TEXAS_3",
    "US_ARIZONA_3",
    "US_GEORGIA_1",
    "US_GEORGIA_2",
    "US_WASHINGTON_4",
    "US_GEORGIA_3",
    "NA_BRITISHCOLUMBIA_1",
    "US_GEORGIA_4",
    "EU_ICELAND_3",
    "US_OHIO_1",
    "US_NEWYORK_1",
    # newer spec
    "EU_NETHERLANDS_1",
    "US_WASHINGTON_5",
    "US_MINNESOTA_1",
    "US_CALIFORNIA_2",
    "NA_BRITISHCOLUMBIA_2",
    "NA_BRITISHCOLUMBIA_3",
    "AP_MALAYSIA_1",
    "AP_MALAYSIA_2",
    "US_OREGON_1",
    "AP_NEWSOUTHWALES_1",
    "AP_TAIWAN_1",
    "US_OHIO_2",
]
REGIONS: tuple[str, ...] = typing.get_args(Region)

MultiRegion = Literal["GLOBAL", "US", "EUROPE", "APAC"]
MULTI_REGIONS: tuple[str, ...] = typing.get_args(MultiRegion)

DirectRouteType = Literal["INTERNET", "GCP_PRIVATE_SERVICE_CONNECT", "AWS_PRIVATELINK"]
DIRECT_ROUTE_TYPES: tuple[str, ...] = typing.get_args(DirectRouteType)

HOT_LOAD_BUCKET_TYPES: tuple[str, ...] = ("MINIO", "S3", "NEBIUS", "FW_HOSTED")

# newer spec
HOT_LOAD_TRANSITION_TYPES: tuple[str, ...] = ("ASYNC", "SYNC")

#: ``autoscalingPolicy.loadTargets`` keys the autoscaling guide documents.
LOAD_TARGET_KEYS: tuple[str, ...] = (
    "default",
    "tokens_generated_per_second",
    "requests_per_second",
    "concurrent_requests",
)

DEPLOYMENT_STATES: tuple[str, ...] = (
    "STATE_UNSPECIFIED",
    "CREATING",
    "READY",
    "DELETING",
    "FAILED",
    "UPDATING",
    "DELETED",
)

STATUS_CODES: tuple[str, ...] = (
    # google.rpc.Code names in numeric order: STATUS_CODES[n] is the name of code n, as
    # error bodies carry the number and resource ``status`` fields carry the name.
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
)
