"""Reinforcement fine-tuning is scored by reward code the stack declares.

An RFT job trains toward whatever its evaluator rewards. An evaluator declared in the same
stack is reviewed code: its changes show in the preview, and the job retrains with it. One
named from outside (made by hand, or by another team's stack) can change under the job
unseen. The link is found as the LoRA rule finds its own: by the engine's property
dependencies first (the evaluator's name is unknown at preview when it is created in the same
update), then by name. Advisory by default: a team that shares evaluators across stacks
lists them in ``allowedExternalEvaluators``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from .._rule import StackContext, StackResource, Violation, stack_policy
from ..resources import Evaluator, ReinforcementFineTuningJob
from ..settings import Setting, Settings
from ..values import Unknown

RFT_EVALUATOR_IN_STACK = "fireworks-rft-evaluator-in-stack"

_SETTINGS = Settings(
    RFT_EVALUATOR_IN_STACK,
    (
        Setting("allowedExternalEvaluators", {
            "type": "array", "items": {"type": "string"}, "default": [],
            "description": "Evaluators from outside the stack an RFT job may use (fnmatch patterns on the "
                           "evaluator's name, e.g. 'accounts/acme/evaluators/shared-*')."}),
    ),
)


def _declared(resources: list[StackResource], job: StackResource, name: object) -> bool:
    evaluators = {r.urn: r for r in resources if isinstance(r.view, Evaluator)}
    if any(u in evaluators for u in job.property_dependencies.get("evaluator", ())):
        return True
    return any(isinstance(r.view, Evaluator) and r.view.name == name for r in evaluators.values())


def check_rft_evaluators(resources: list[StackResource], context: StackContext) -> Iterator[Violation]:
    allowed = context.config.strings("allowedExternalEvaluators") or ()
    for job in resources:
        if not isinstance(job.view, ReinforcementFineTuningJob):
            continue
        name = job.view.evaluator
        if isinstance(name, Unknown) or _declared(resources, job, name):
            continue
        if isinstance(name, str) and any(fnmatch.fnmatchcase(name, pattern) for pattern in allowed):
            continue
        yield (
            f"RFT job {job.name!r} is scored by {name}, an evaluator this stack does not declare: its reward code "
            f"can change without a review here. Declare the Evaluator in this stack, or list it in "
            f"allowedExternalEvaluators."
        ), job.urn


def rft_evaluator_in_stack() -> StackValidationPolicy:
    return stack_policy(
        name=RFT_EVALUATOR_IN_STACK,
        description="Reinforcement fine-tuning jobs are scored by an Evaluator declared in the same stack.",
        remediation_steps="Declare the Evaluator in this stack (its code then changes by review), or allow the "
                          "external one in allowedExternalEvaluators.",
        severity=Severity.MEDIUM,
        enforcement_level=EnforcementLevel.ADVISORY,
        settings=_SETTINGS,
        check=check_rft_evaluators,
    )
