"""Turn a rule's check function into a ``pulumi_policy`` policy.

Why: every rule repeats the same plumbing - match the type token, read the typed view, resolve
the config with its defaults, find the stack name, report each message - and pulumi_policy's own
handling of unknown values (one generic warning, rule skipped) is not what we want. Rules here
are plain functions from a view and a context to messages, easy to test without an engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Optional, TypeVar, cast

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceRemediation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .resources import View, view
from .settings import Config, Settings
from .stacks import stack_of

V = TypeVar("V")


@dataclass(frozen=True)
class ResourceContext:
    """What a resource rule knows besides the resource's inputs."""

    urn: str
    name: str
    stack: str
    protect: bool
    config: Config


@dataclass(frozen=True)
class StackResource:
    """One Fireworks resource of the stack, as a stack rule sees it."""

    urn: str
    name: str
    resource_type: str
    view: View
    protect: bool
    property_dependencies: Mapping[str, tuple[str, ...]]
    """Per input, the URNs of the resources its value comes from (known even when the value
    itself is unknown at preview)."""


@dataclass(frozen=True)
class StackContext:
    stack: str
    config: Config


ResourceCheck = Callable[[V, ResourceContext], Iterable[str]]
Remediation = Callable[[ResourceValidationArgs, ResourceContext], Optional[Mapping[str, Any]]]
Violation = tuple[str, Optional[str]]
"""A stack rule's finding: the message and the URN of the resource it is about (or None)."""
StackCheck = Callable[[list[StackResource], StackContext], Iterable[Violation]]


def resource_context(args: ResourceValidationArgs, settings: Settings) -> ResourceContext:
    return ResourceContext(
        urn=args.urn,
        name=args.name,
        stack=stack_of(args.urn),
        protect=bool(args.opts.protect) if args.opts is not None else False,
        config=settings.resolve(args.get_config()),
    )


def resource_policy(
    *,
    name: str,
    description: str,
    remediation_steps: str,
    severity: Severity,
    enforcement_level: EnforcementLevel,
    settings: Settings,
    resource_types: Iterable[str],
    read: Callable[[str, Mapping[str, Any]], Optional[V]],
    check: ResourceCheck[V],
    remediate: Optional[Remediation] = None,
) -> ResourceValidationPolicy:
    """A resource validation policy (and remediation) over the given type tokens."""
    types = frozenset(resource_types)

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in types:
            return
        subject = read(args.resource_type, args.props)
        if subject is None:
            return
        for message in check(subject, resource_context(args, settings)):
            report_violation(message, None)

    def remediate_hook(args: ResourceValidationArgs) -> Optional[Mapping[str, Any]]:
        if remediate is None or args.resource_type not in types:
            return None
        return remediate(args, resource_context(args, settings))

    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        # pulumi_policy types a remediation as returning an awaitable, but it also takes the
        # plain mapping (Remediate: `elif result is not None: new_props = result`).
        remediate=cast(ResourceRemediation, remediate_hook) if remediate is not None else None,
        enforcement_level=enforcement_level,
        config_schema=settings.schema(),
        severity=severity,
        remediation_steps=remediation_steps,
        tags=["fireworks"],
    )


def stack_resources(resources: Iterable[PolicyResource]) -> list[StackResource]:
    """The Fireworks resources among ``resources``, with their views and dependencies."""
    result: list[StackResource] = []
    for resource in resources:
        typed = view(resource.resource_type, resource.props)
        if typed is None:
            continue
        deps = {
            key: tuple(dep.urn for dep in deps)
            for key, deps in (resource.property_dependencies or {}).items()
        }
        result.append(
            StackResource(
                urn=resource.urn,
                name=resource.name,
                resource_type=resource.resource_type,
                view=typed,
                protect=bool(resource.opts.protect) if resource.opts is not None else False,
                property_dependencies=deps,
            )
        )
    return result


def stack_policy(
    *,
    name: str,
    description: str,
    remediation_steps: str,
    severity: Severity,
    enforcement_level: EnforcementLevel,
    settings: Settings,
    check: StackCheck,
) -> StackValidationPolicy:
    """A stack validation policy over the stack's Fireworks resources."""

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        all_resources = list(args.resources)
        if not all_resources:
            return
        context = StackContext(stack=stack_of(all_resources[0].urn), config=settings.resolve(args.get_config()))
        for message, urn in check(stack_resources(all_resources), context):
            report_violation(message, urn)

    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=enforcement_level,
        config_schema=settings.schema(),
        severity=severity,
        remediation_steps=remediation_steps,
        tags=["fireworks"],
    )
