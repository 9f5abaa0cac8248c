"""Reusable input field types for the inputs models: ids, resource names, durations.

Each carries the rule and the message a user sees when the rule is broken.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

from . import _durations

_ID = re.compile(r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
_MODEL_NAME = re.compile(r"^accounts/[a-z0-9][a-z0-9-]*/models/[a-zA-Z0-9][a-zA-Z0-9._-]*$")


def _resource_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"{value!r} is not a valid id: use 1-63 characters of a-z, 0-9 and '-', "
            "starting with a letter and not ending with '-'"
        )
    return value


def _model_name(value: str) -> str:
    if not _MODEL_NAME.match(value):
        raise ValueError(
            f"{value!r} is not a model resource name; write e.g. "
            "'accounts/fireworks/models/llama-v3p1-8b-instruct'"
        )
    return value


ResourceId = Annotated[str, AfterValidator(_resource_id)]
ModelName = Annotated[str, AfterValidator(_model_name)]


Duration = Annotated[str, BeforeValidator(_durations.to_wire)]
"""A duration input: accepts ``"10m"``, ``"600s"`` or seconds; kept as ``"600s"``."""


def at_least(seconds: float) -> AfterValidator:
    def check(value: str) -> str:
        if _durations.parse_seconds(value) < Decimal(str(seconds)):
            raise ValueError(f"must be at least {_durations.to_wire(seconds)}, got {value}")
        return value

    return AfterValidator(check)


def at_most(seconds: float) -> AfterValidator:
    def check(value: str) -> str:
        if _durations.parse_seconds(value) > Decimal(str(seconds)):
            raise ValueError(f"must be at most {_durations.to_wire(seconds)}, got {value}")
        return value

    return AfterValidator(check)
