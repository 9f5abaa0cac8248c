"""Test-only stand-ins for Fireworks resources that do not exist in this branch yet.

They register the same type tokens as the real classes will
(``pulumi-python:dynamic/fireworks:<Type>``) and take the same input names, so the policy
pack - which keys on type tokens and input names only - sees them as it will see the real
ones. The provider just echoes its inputs (plus a ``name`` like the API's), nothing is called.
They live in an importable module because the provider is pickled by reference.
"""

from __future__ import annotations

import uuid
from typing import Any, Optional

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

COLLECTIONS = {"Model": "models", "DeployedModel": "deployedModels", "ApiKey": "apiKeys",
               "ServiceAccount": "users", "Secret": "secrets"}
ID_FIELDS = {"Model": "model_id", "Secret": "secret_id", "ServiceAccount": "user_id"}


class EchoProvider(ResourceProvider):
    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def _outs(self, object_id: str, props: dict[str, Any]) -> dict[str, Any]:
        return {**props, "name": f"accounts/test/{COLLECTIONS[self.type_name]}/{object_id}"}

    def create(self, props: dict[str, Any]) -> CreateResult:
        object_id = str(props.get(ID_FIELDS.get(self.type_name, ""), "") or f"x{uuid.uuid4().hex[:8]}")
        return CreateResult(id_=object_id, outs=self._outs(object_id, props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = any(olds.get(k) != v for k, v in news.items() if k != "name")
        return DiffResult(changes=changed, replaces=[], stables=[], delete_before_replace=False)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=self._outs(id_, news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


def _props(inputs: dict[str, Any]) -> dict[str, Any]:
    return {**inputs, "name": None}


class ApiKey(pulumi.dynamic.Resource, module="fireworks", name="ApiKey"):
    def __init__(self, name: str, inputs: dict[str, Any], opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(EchoProvider("ApiKey"), name, _props(inputs), opts)


class ServiceAccount(pulumi.dynamic.Resource, module="fireworks", name="ServiceAccount"):
    def __init__(self, name: str, inputs: dict[str, Any], opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(EchoProvider("ServiceAccount"), name, _props(inputs), opts)


class Model(pulumi.dynamic.Resource, module="fireworks", name="Model"):
    name: pulumi.Output[str]

    def __init__(self, name: str, inputs: dict[str, Any], opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(EchoProvider("Model"), name, _props(inputs), opts)


class DeployedModel(pulumi.dynamic.Resource, module="fireworks", name="DeployedModel"):
    def __init__(self, name: str, inputs: dict[str, Any], opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(EchoProvider("DeployedModel"), name, _props(inputs), opts)


class Secret(pulumi.dynamic.Resource, module="fireworks", name="Secret"):
    """Unlike a careful resource class, this passes ``value`` on as given (plain or secret)."""

    def __init__(self, name: str, inputs: dict[str, Any], opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(EchoProvider("Secret"), name, _props(inputs), opts)
