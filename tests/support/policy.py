"""Run policies in-process the way the engine drives a policy pack, without an engine.

Why: unit tests of rules should see exactly what a pack sees under ``pulumi preview``: props
marshalled to a protobuf ``Struct`` (so every number is a float), secrets and unknowns in their
wire form, hidden ``__`` keys stripped for analysis but kept for remediation (the engine's
``SkipInternalKeys``), and pulumi_policy's own servicer (``_PolicyAnalyzerServicer``) doing
deserialisation, proxies, enforcement levels and config. The engine tests check the same rules
through the real engine; this is the fast path for every valid/invalid/unknown case.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, Policy
from pulumi_policy.policy import _PolicyAnalyzerServicer

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How an unknown value travels on the wire (the engine always uses the string sentinel)."""

_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"

_LEVELS = {
    "advisory": proto.ADVISORY,
    "mandatory": proto.MANDATORY,
    "remediate": proto.REMEDIATE,
    "disabled": proto.DISABLED,
}
_LEVEL_NAMES = {v: k for k, v in _LEVELS.items()}


def secret(value: Any) -> dict[str, Any]:
    """A value marked secret, as the engine sends it."""
    return {_SIG: _SECRET_SIG, "value": value}


def is_secret(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get(_SIG) == _SECRET_SIG


def urn(stack: str, type_: str, name: str, project: str = "proj") -> str:
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def _struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(copy.deepcopy(dict(props)))
    return struct


def _visible(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if not k.startswith("__")}


@dataclass(frozen=True)
class Finding:
    policy: str
    message: str
    level: str
    urn: str = ""


@dataclass
class Outcome:
    """One resource step: remediations applied (policy names), final props, then findings."""

    props: dict[str, Any]
    remediated_by: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_applicable: dict[str, str] = field(default_factory=dict)

    def messages(self, policy: Optional[str] = None) -> list[str]:
        return [f.message for f in self.findings if policy is None or f.policy == policy]


@dataclass(frozen=True)
class StackItem:
    """A resource for :meth:`Harness.analyze_stack`."""

    type: str
    name: str
    props: Mapping[str, Any]
    protect: bool = False
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def urn(self, stack: str) -> str:
        return urn(stack, self.type, self.name)


class Harness:
    """A policy pack of ``policies`` served by pulumi_policy's own servicer."""

    def __init__(self, *policies: Policy, config: Optional[Mapping[str, Any]] = None) -> None:
        self.servicer = _PolicyAnalyzerServicer(
            "test-pack", "0.0.1", list(policies), EnforcementLevel.ADVISORY, None
        )
        self.configure(config or {})

    def configure(self, config: Mapping[str, Any]) -> None:
        """Config as in a ``--policy-pack-config`` file: {policy: level | {enforcementLevel, ...}}.

        Like the engine, schema defaults are filled in for every policy first.
        """
        info = self.servicer.GetAnalyzerInfo(None, None)
        request = proto.ConfigureAnalyzerRequest()
        for policy in info.policies:
            given = config.get(policy.name, {})
            if isinstance(given, str):
                given = {"enforcementLevel": given}
            props = {
                k: json_format.MessageToDict(v)
                for k, v in policy.configSchema.properties.items()
            }
            values = {k: spec["default"] for k, spec in props.items() if "default" in spec}
            values.update({k: v for k, v in given.items() if k != "enforcementLevel"})
            level = _LEVELS[given["enforcementLevel"]] if "enforcementLevel" in given else policy.enforcementLevel
            entry = proto.PolicyConfig(enforcementLevel=level)
            entry.properties.update(values)
            request.policyConfig[policy.name].CopyFrom(entry)
        self.servicer.Configure(request, None)

    def _request(self, type_: str, name: str, props: Mapping[str, Any], stack: str, protect: bool) -> Any:
        return proto.AnalyzeRequest(
            type=type_,
            urn=urn(stack, type_, name),
            name=name,
            properties=_struct(props),
            options=proto.AnalyzerResourceOptions(protect=protect),
        )

    def step(
        self, type_: str, props: Mapping[str, Any], *, stack: str = "dev", name: str = "res", protect: bool = False
    ) -> Outcome:
        """Remediate, then analyze the (remediated) inputs: the engine's order for one resource."""
        outcome = Outcome(props=copy.deepcopy(dict(props)))
        response = self.servicer.Remediate(self._request(type_, name, outcome.props, stack, protect), None)
        for remediation in response.remediations:
            if remediation.diagnostic:
                outcome.findings.append(Finding(remediation.policyName, remediation.diagnostic, "advisory"))
                continue
            outcome.props = json_format.MessageToDict(remediation.properties)
            outcome.remediated_by.append(remediation.policyName)
        analysis = self.servicer.Analyze(
            self._request(type_, name, _visible(outcome.props), stack, protect), None
        )
        outcome.findings += [
            Finding(d.policyName, d.message, _LEVEL_NAMES[d.enforcementLevel], d.urn) for d in analysis.diagnostics
        ]
        outcome.not_applicable = {n.policy_name: n.reason for n in analysis.not_applicable}
        return outcome

    def analyze_stack(self, items: Sequence[StackItem], *, stack: str = "dev") -> list[Finding]:
        request = proto.AnalyzeStackRequest()
        for item in items:
            resource = request.resources.add(
                type=item.type,
                urn=item.urn(stack),
                name=item.name,
                properties=_struct(_visible(item.props)),
                options=proto.AnalyzerResourceOptions(protect=item.protect),
            )
            for key, urns in item.property_dependencies.items():
                resource.propertyDependencies[key].urns.extend(urns)
        response = self.servicer.AnalyzeStack(request, None)
        return [
            Finding(d.policyName, d.message, _LEVEL_NAMES[d.enforcementLevel], d.urn) for d in response.diagnostics
        ]
