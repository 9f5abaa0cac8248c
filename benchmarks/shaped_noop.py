"""A no-op dynamic resource shaped like a Deployment, for ``parallel_waits.py``.

It declares the Deployment's inputs and outputs (``resource_props``) and its provider
returns outputs like a READY deployment's, but it validates nothing and calls no API. Its
time is the floor for resources of the Deployment's shape: engine, SDK serialisation and
state of that many properties, plus importing ``pulumi_fireworks``. What an instant
Deployment costs above it is the provider's own work (checks, HTTP calls, limiter).

Importable as ``benchmarks.shaped_noop`` (the repo is on the program's ``PYTHONPATH``), so
dill pickles the provider by reference, as it does ours.
"""

from __future__ import annotations

import uuid
from typing import Any, Optional

import pulumi
from pulumi.dynamic import CreateResult, ResourceProvider

from pulumi_fireworks._resource import resource_props
from pulumi_fireworks.deployment import SPEC


class ShapedNoopProvider(ResourceProvider):
    def create(self, props: dict[str, Any]) -> CreateResult:
        object_id = f"{props['__name']}-{uuid.uuid4().hex[:6]}"
        name = f"accounts/bench/deployments/{object_id}"
        outs = {
            **props,
            "deployment_id": object_id,
            "name": name,
            "state": "READY",
            "status": {"code": "OK"},
            "replica_count": 1,
            "desired_replica_count": 1,
            "replica_stats": {"ready_replica_count": 1},
            "region": "US_IOWA_1",
            "create_time": "2026-01-01T00:00:00Z",
            "update_time": "2026-01-01T00:00:00Z",
            "inference_model": f"{props.get('base_model')}#{name}",
        }
        return CreateResult(id_=object_id, outs=outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class ShapedNoop(pulumi.dynamic.Resource, module="bench", name="ShapedNoop"):
    def __init__(self, name: str, opts: Optional[pulumi.ResourceOptions] = None, **inputs: Any) -> None:
        super().__init__(ShapedNoopProvider(), name, resource_props(SPEC, name, inputs), opts)
