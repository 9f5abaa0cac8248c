"""What every resource class does in its constructor, in one place.

A resource module's class only names its spec; this builds the property bag the
dynamic provider sees and the options every Fireworks resource needs.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

import pulumi

from ._engine import NAME_KEY
from ._spec import ResourceSpec


def resource_props(spec: ResourceSpec, resource_name: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs as given, every other input and output declared (so each is an attribute of
    the resource, also after ``.get()``), secret fields wrapped as secrets so they are
    encrypted in state even when the program passed them as plain strings."""
    props: dict[str, Any] = dict(given)
    for field in spec.secret_outputs:
        if props.get(field) is not None:
            props[field] = pulumi.Output.secret(props[field])
    for name in (*spec.inputs_model.model_fields, *spec.output_names):
        props.setdefault(name, None)
    props[NAME_KEY] = resource_name
    return props


def resource_options(spec: ResourceSpec, opts: Optional[pulumi.ResourceOptions]) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=list(spec.secret_outputs))
    )
