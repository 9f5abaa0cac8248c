"""How a lookup's ``_output`` twin waits for its inputs.

Pulumi's rule for output-form invokes, followed here: the call is made once every input
is known *and* every resource the inputs come from exists (its id is known). During a
preview, an input taken from a resource that this update will create may be known (an
input echoed back, or an id the provider derives) although the object is not there yet;
looking it up would fail, so the result is unknown instead, and ``up`` looks it up after
the resource is created. Secret inputs make the result secret, and the result carries the
inputs' resource dependencies, so a resource fed by it waits for them.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, TypeVar

import pulumi

R = TypeVar("R")


def lifted(function: Callable[..., R], **inputs: pulumi.Input[Any]) -> pulumi.Output[R]:
    """``function(**inputs)`` as an Output, called off the event loop (in a worker thread,
    which gets a copy of the program's context, so Pulumi's config is visible there)."""
    values = pulumi.Output.all(**inputs) if inputs else pulumi.Output.from_input({})
    exist: pulumi.Output[bool] = pulumi.Output.from_input(_dependencies_exist(values))

    def run(args: list[Any]) -> pulumi.Input[R]:
        dependencies_exist, given = args
        if not dependencies_exist:
            return _unknown()
        return asyncio.to_thread(functools.partial(function, **given))

    return pulumi.Output.all(exist, values).apply(run)


async def _dependencies_exist(values: pulumi.Output[Any]) -> bool:
    """Whether every custom resource behind ``values`` has an id (as ``invoke_output`` checks)."""
    for resource in await values.resources():
        # A DependencyResource is a CustomResource without an id: nothing to wait for.
        if isinstance(resource, pulumi.CustomResource) and "id" in resource.__dict__:
            if not await resource.id.is_known():
                return False
    return True


def _unknown() -> pulumi.Output[Any]:
    async def nothing() -> None:
        return None

    async def unknown() -> bool:
        return False

    return pulumi.Output(set(), nothing(), unknown())
