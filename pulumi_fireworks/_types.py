"""Reusable input field types for the inputs models: ids, resource names, durations.

Each carries the rule and the message a user sees when the rule is broken.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Annotated, Any, Optional

from pydantic import AfterValidator, BeforeValidator, Field

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


_DEPLOYMENT_NAME = re.compile(r"^accounts/[a-z0-9][a-z0-9-]*/deployments/[a-z0-9][a-z0-9-]*$")


def _deployment_name(value: str) -> str:
    if not _DEPLOYMENT_NAME.match(value):
        raise ValueError(
            f"{value!r} is not a deployment resource name; write e.g. 'accounts/my-account/deployments/chat' "
            "(a Deployment's `name` output)"
        )
    return value


def _named(collection: str, example: str) -> AfterValidator:
    """A resource name of ``collection`` (``accounts/<a>/datasets/<id>``)."""
    pattern = re.compile(rf"^accounts/[a-z0-9][a-z0-9-]*/{collection}/[A-Za-z0-9][A-Za-z0-9._-]*$")
    noun = collection[:-1]
    article = "an" if noun[0] in "aeiou" else "a"

    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {article} {noun} resource name; write e.g. {example!r}")
        return value

    return AfterValidator(check)


ResourceId = Annotated[str, AfterValidator(_resource_id)]
DatasetName = Annotated[str, _named("datasets", "accounts/my-account/datasets/support-chats")]
SecretName = Annotated[str, _named("secrets", "accounts/my-account/secrets/aws-credentials")]
EvaluatorName = Annotated[str, _named("evaluators", "accounts/my-account/evaluators/exact-match")]
DeploymentName = Annotated[str, AfterValidator(_deployment_name)]
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


_SECRET_ID = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$")
_ENV_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _secret_id(value: str) -> str:
    # Undocumented charset (not in the SDK nor the docs): clients use both `my-key` and `MY_KEY`.
    if not _SECRET_ID.match(value):
        raise ValueError(
            f"{value!r} is not a valid secret id: use 1-63 letters, digits, '-' and '_', "
            "starting with a letter and ending with a letter or digit"
        )
    return value


def _env_var(value: str) -> str:
    if not _ENV_VAR.match(value):
        raise ValueError(
            f"{value!r} is not an environment variable name: use letters, digits and '_', "
            "not starting with a digit (e.g. HF_TOKEN)"
        )
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def _timestamp(value: str) -> str:
    return parse_timestamp(value).isoformat().replace("+00:00", "Z")


def parse_timestamp(value: str) -> datetime:
    """An RFC 3339 timestamp with a time zone, as a UTC datetime."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not an RFC 3339 timestamp such as 2030-01-31T00:00:00Z") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone; write e.g. 2030-01-31T00:00:00Z")
    return parsed.astimezone(timezone.utc)


SecretId = Annotated[str, AfterValidator(_secret_id)]
EnvVarName = Annotated[str, AfterValidator(_env_var)]
Email = Annotated[str, AfterValidator(_email)]
Timestamp = Annotated[str, AfterValidator(_timestamp)]
"""An RFC 3339 instant; kept in UTC as ``2030-01-31T00:00:00Z``."""
DisplayName = Annotated[str, Field(max_length=63)]


def _whole_number(value: object) -> object:
    # Pulumi sends every number as a float (2 arrives as 2.0); those pass. Booleans and
    # strings are refused rather than coerced: `True` is not 1 and "5" is not 5.
    if isinstance(value, (bool, str)):
        raise ValueError(f"must be a whole number, not {type(value).__name__} {value!r}")
    return value


def _number(value: object) -> object:
    if isinstance(value, (bool, str)):
        raise ValueError(f"must be a number, not {type(value).__name__} {value!r}")
    return value


def _boolean(value: object) -> object:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {type(value).__name__} {value!r}")
    return value


Int = Annotated[int, BeforeValidator(_whole_number)]
"""A whole number input: 2 and 2.0 pass; True, "2" and 2.5 do not."""
Number = Annotated[float, BeforeValidator(_number)]
Bool = Annotated[bool, BeforeValidator(_boolean)]
"""A boolean input: only True and False ("yes", 1 and "true" are refused)."""

AdoptExisting = Optional[Bool]
"""The ``adopt_existing`` input of every resource whose id the program may choose. Dynamic
providers cannot ``pulumi import`` (pulumi#16175); this is the way in."""


def adopt_field() -> Any:
    """The declaration of ``adopt_existing`` (each inputs model gets its own)."""
    from ._fields import field

    return field(
        "Take over an existing object with this id instead of failing (one made outside this stack, or by "
        "an interrupted run): it is then updated to match and deleted with the stack",
        provider_only=True,
    )
