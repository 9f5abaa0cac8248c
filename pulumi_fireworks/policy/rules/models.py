"""Models stay private unless allow-listed: a public model (or LoRA load) is readable by anyone."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Optional, Union

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from .._rule import ResourceContext, resource_policy
from ..resources import DEPLOYED_MODEL, MODEL, DeployedModel, Model, short_id
from ..settings import Setting, Settings

NO_PUBLIC_MODELS = "fireworks-no-public-models"

_SETTINGS = Settings(
    NO_PUBLIC_MODELS,
    (
        Setting("allowedPublicModels", {
            "type": "array", "items": {"type": "string"}, "default": [],
            "description": "Model ids or names that may be public (fnmatch patterns, e.g. 'demo-*')."}),
    ),
)

Subject = Union[Model, DeployedModel]


@dataclass(frozen=True)
class Publishable:
    """A resource with a ``public`` flag (one type for the rule, so its check stays generic)."""

    subject: Subject


def _read(resource_type: str, props: Mapping[str, Any]) -> Optional[Publishable]:
    if resource_type == MODEL:
        return Publishable(Model.read(props))
    if resource_type == DEPLOYED_MODEL:
        return Publishable(DeployedModel.read(props))
    return None


def _allowed(names: list[str], patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in patterns)


def check_public(item: Publishable, context: ResourceContext) -> Iterator[str]:
    subject = item.subject
    if subject.public is not True:
        return
    patterns = context.config.strings("allowedPublicModels") or ()
    if isinstance(subject, Model):
        ident = subject.model_id
        names = [n for n in (ident, subject.name) if isinstance(n, str)]
        what = f"model {context.name!r}"
    else:
        ident = subject.model
        names = [n for n in (ident, short_id(ident)) if isinstance(n, str)]
        what = f"LoRA load {context.name!r}" + (f" of {ident}" if isinstance(ident, str) else "")
    if patterns and not isinstance(ident, str):
        return  # the allow-list cannot be checked against a name not known yet
    if _allowed(names, patterns):
        return
    yield f"{what} is public; set public=False, or add it to allowedPublicModels if it is meant to be public."


def no_public_models() -> ResourceValidationPolicy:
    return resource_policy(
        name=NO_PUBLIC_MODELS,
        description="Models and LoRA loads are not public unless allow-listed.",
        remediation_steps="Set public=False on the Model / DeployedModel, or allow-list it in allowedPublicModels.",
        severity=Severity.HIGH,
        enforcement_level=EnforcementLevel.MANDATORY,
        settings=_SETTINGS,
        resource_types=[MODEL, DEPLOYED_MODEL],
        read=_read,
        check=check_public,
    )
