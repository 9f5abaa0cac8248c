"""The Pulumi program of the policy-pack engine tests (copied into each project dir).

Resources come from the JSON config value ``resources``: a list of
``{"type": "Deployment" | "ApiKey" | ..., "name": ..., "inputs": {...}, "protect": bool}``.
An input written ``"${other.attr}"`` is the output ``attr`` of the resource named ``other``
(unknown at preview until ``other`` exists), and ``"${secret:text}"`` is a Pulumi secret.
"""

import json
from typing import Any

import pulumi

import pulumi_fireworks as fireworks

created: dict[str, Any] = {}


def resolve(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        ref = value[2:-1]
        if ref.startswith("secret:"):
            return pulumi.Output.secret(ref[len("secret:"):])
        name, attr = ref.split(".", 1)
        return getattr(created[name], attr)
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v) for v in value]
    return value


for spec in json.loads(pulumi.Config().require("resources")):
    opts = pulumi.ResourceOptions(protect=bool(spec.get("protect", False)))
    inputs = resolve(spec.get("inputs", {}))
    created[spec["name"]] = getattr(fireworks, spec["type"])(spec["name"], opts=opts, **inputs)
