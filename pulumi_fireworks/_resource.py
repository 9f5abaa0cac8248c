"""What every resource class does in its constructor, in one place.

A resource module's class only names its spec; this builds the property bag the
dynamic provider sees and the options every Fireworks resource needs.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping, Optional, TypeVar

import pulumi
import pulumi.dynamic

from ._engine import NAME_KEY, PEERS_KEY, URN_KEY, FireworksProvider
from ._fields import facts_of
from ._spec import ResourceSpec

TYPE_PREFIX = "pulumi-python:dynamic/fireworks:"

_R = TypeVar("_R", bound="FireworksResource")


def type_token(spec: ResourceSpec) -> str:
    """The type token ``pulumi.dynamic`` gives a ``module="fireworks"`` resource class."""
    return TYPE_PREFIX + spec.type_name


def resource_props(
    spec: ResourceSpec,
    resource_name: str,
    given: Mapping[str, Any],
    opts: Optional[pulumi.ResourceOptions] = None,
) -> dict[str, Any]:
    """Inputs as given, every other input and output declared (so each is an attribute of
    the resource, also after ``.get()``), secret fields wrapped as secrets so they are
    encrypted in state even when the program passed them as plain strings, and the
    hidden name and URN the provider derives ids and messages from."""
    props: dict[str, Any] = dict(given)
    for field in spec.secret_outputs:
        if props.get(field) is not None:
            props[field] = pulumi.Output.secret(props[field])
    for name in (*spec.inputs_model.model_fields, *spec.computed_inputs, *spec.output_names):
        props.setdefault(name, None)
    props[NAME_KEY] = resource_name
    parent = opts.parent if opts is not None else None
    props[URN_KEY] = pulumi.create_urn(resource_name, type_token(spec), parent=parent)
    return props


def with_peers(spec: ResourceSpec, given: dict[str, Any]) -> dict[str, Any]:
    """Inputs declared ``peer`` (``_fields``) may be given the other resource itself: it
    becomes its ``name``, and what its program declares (the facts the field names) goes
    into the hidden :data:`~._engine.PEERS_KEY` input for the plan-time checks."""
    peers: dict[str, Any] = {}
    for name in sorted(spec.peer_fields):
        peer = given.get(name)
        if isinstance(peer, FireworksResource):
            peers[name] = peer.declared_facts(facts_of(spec.inputs_model, name).peer)
            given[name] = getattr(peer, peer._spec.peer_output)
    if peers:
        given[PEERS_KEY] = peers
    return given


def resource_options(spec: ResourceSpec, opts: Optional[pulumi.ResourceOptions]) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=list(spec.secret_outputs))
    )


class FireworksResource(pulumi.dynamic.Resource):
    """Base of every Fireworks resource class: one engine-backed provider per type.

    Subclasses set :attr:`_spec` and give ``module="fireworks", name=<type>`` in their
    class statement (that makes the type token policies match on); their typed
    ``__init__`` only gathers keyword arguments.
    """

    _spec: ClassVar[ResourceSpec]

    def __init__(
        self,
        resource_name: str,
        given: Optional[Mapping[str, Any]] = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        spec = self._spec
        self._declared = dict(given or {})
        given = with_peers(spec, dict(given or {}))
        props = resource_props(spec, resource_name, given, opts)
        super().__init__(FireworksProvider(spec.type_name), resource_name, props, resource_options(spec, opts))

    def declared_facts(self, names: tuple[str, ...]) -> dict[str, Any]:
        """What the program declares on this resource, for another resource to check
        itself against at preview: its resource name and the inputs ``names`` it sets
        (values may still be Outputs; credentials are never given out)."""
        facts: dict[str, Any] = {"resource": self._name}
        secret = set(self._spec.secret_outputs)
        facts.update({k: self._declared[k] for k in names if self._declared.get(k) is not None and k not in secret})
        return facts

    @classmethod
    def get(
        cls: type[_R], resource_name: str, id: pulumi.Input[str], opts: Optional[pulumi.ResourceOptions] = None
    ) -> _R:
        """Read an existing object into the program, read-only (not managed): its inputs
        and outputs are what the API holds. Fails when no object has that id."""
        return cls(resource_name, opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)))
