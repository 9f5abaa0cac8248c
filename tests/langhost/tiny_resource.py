"""A minimal dynamic resource for engine tests.

It lives in an importable module (``tests.langhost.tiny_resource``; the engine env puts the repo on
``PYTHONPATH``) because the provider is pickled with dill *by reference* when its class is
importable: the ``pulumi-python`` provider process then imports this module to unpickle it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ResourceProvider, UpdateResult

TINY_TYPE = "pulumi-python:dynamic/tiny:Tiny"


def _outs(value: str) -> dict[str, Any]:
    return {"value": value, "length": len(value)}


class TinyProvider(ResourceProvider):
    """Stores ``value`` and derives ``length``; changing ``value`` is an in-place update."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(id_=f"tiny-{uuid.uuid4().hex[:12]}", outs=_outs(props["value"]))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = olds.get("value") != news.get("value")
        return DiffResult(changes=changed, replaces=[], stables=[], delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=_outs(news["value"]))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class Tiny(pulumi.dynamic.Resource, module="tiny", name="Tiny"):
    """``Tiny(name, value)``: outputs ``value`` and ``length``."""

    value: pulumi.Output[str]
    length: pulumi.Output[int]

    def __init__(
        self, name: str, value: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TinyProvider(), name, {"value": value, "length": None}, opts)
