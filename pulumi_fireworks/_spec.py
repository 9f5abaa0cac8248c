"""The per-resource description that drives the generic engine.

A resource module (``deployment.py``) builds one :class:`ResourceSpec`; the engine in
``_engine.py`` does the rest. Anything that differs between API objects is data here —
paths, id strategy, which inputs force a replacement, which states mean ready or
failed — or a small hook with a sensible default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

from pydantic import BaseModel

from ._wire._base import WireModel, output_only_fields

Props = dict[str, Any]

IdStrategy = Literal["query", "body", "server"]
"""How a new object gets its id: a query parameter (``?deploymentId=``), a body field
(``{"modelId": ...}``), or chosen by the server (deployed models, API keys)."""


def _default_equivalent(field_name: str, desired: Any, live: Any) -> bool:
    return False


@dataclass(frozen=True)
class ResourceSpec:
    """Everything the engine needs to know about one API object.

    Input names are the API's field names in snake_case, so an input name doubles as
    its ``updateMask`` path.
    """

    type_name: str
    """Pulumi type name (``Deployment``); the token is ``pulumi-python:dynamic/fireworks:<type_name>``."""

    collection: str
    """Path segment under ``/v1/accounts/{account}/`` (``deployments``)."""

    collection_key: str
    """Key of the item list in list responses (``deployments``)."""

    inputs_model: type[BaseModel]
    """Validates and normalises inputs at ``check`` time; its JSON Schema is published."""

    wire_model: type[WireModel]

    id_field: str
    """The input that holds the object's id (``deployment_id``)."""

    id_strategy: IdStrategy = "query"
    id_param: str = ""
    """The query parameter or body field that carries the id on create (``deploymentId``)."""

    replace_on_change: frozenset[str] = frozenset()
    """Inputs the API cannot change in place; a change means a new object."""

    create_only: frozenset[str] = frozenset()
    """Inputs sent only on create (as query parameters); changing them later has no effect."""

    provider_only: frozenset[str] = frozenset()
    """Inputs that steer the provider itself (timeouts, delete options); never sent."""

    write_only: frozenset[str] = frozenset()
    """Inputs the API accepts but never returns (secret values); refresh keeps ours."""

    secret_outputs: tuple[str, ...] = ()
    """Inputs/outputs that are credentials: always secret in state, whatever the program passed."""

    ready_states: frozenset[str] = frozenset({"READY"})
    failed_states: frozenset[str] = frozenset({"FAILED"})
    gone_states: frozenset[str] = frozenset({"DELETED"})
    """States in which the object counts as deleted (soft-deleted, purge pending)."""

    default_wait_timeout: float = 3600.0

    equivalent: Callable[[str, Any, Any], bool] = _default_equivalent
    """Extra equivalences the server's normalisation needs (``field, desired, live``), on
    top of equality, proto3's omitted zero values, and subset-matching of objects."""

    create_query: Callable[[Mapping[str, Any]], dict[str, Any]] = field(
        default=lambda inputs: {}
    )
    """Query parameters of the create call, from the checked inputs."""

    patch_body_extra: Callable[[Mapping[str, Any]], dict[str, Any]] = field(
        default=lambda inputs: {}
    )
    """Wire fields always sent with a PATCH besides the changed ones."""

    update_query: Callable[[Mapping[str, Any]], dict[str, Any]] = field(default=lambda props: {})
    """Query parameters of a PATCH besides ``updateMask``."""

    delete_query: Callable[[Mapping[str, Any]], dict[str, Any]] = field(default=lambda props: {})
    """Query parameters of a delete the user asked for (``pulumi destroy``, a replacement)."""

    cleanup_query: Callable[[Mapping[str, Any]], dict[str, Any]] = field(default=lambda props: {})
    """Query parameters of the delete that cleans up after a failed create: it must free the id."""

    computed_outputs: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]] = field(
        default=lambda inputs, live: {}
    )
    """Outputs derived from inputs and the live object (e.g. the inference model string)."""

    computed_output_names: frozenset[str] = frozenset()
    """The keys ``computed_outputs`` returns."""

    @property
    def api_inputs(self) -> frozenset[str]:
        """Inputs that are fields of the API object."""
        names = set(self.inputs_model.model_fields) - self.provider_only - self.create_only
        names.discard(self.id_field)
        return frozenset(names)

    @property
    def output_names(self) -> frozenset[str]:
        """Outputs that are not inputs: the server's view and the computed ones."""
        return self.server_view | self.computed_output_names

    @property
    def server_view(self) -> frozenset[str]:
        """Output names that show the server's side: the wire model's output-only fields."""
        return frozenset(_snake(name) for name in output_only_fields(self.wire_model))

    def object_path(self, account_id: str, object_id: str) -> str:
        return f"/v1/accounts/{account_id}/{self.collection}/{object_id}"

    def collection_path(self, account_id: str) -> str:
        return f"/v1/accounts/{account_id}/{self.collection}"

    def __post_init__(self) -> None:
        clash = set(self.inputs_model.model_fields) & self.server_view
        if clash:
            raise ValueError(f"{self.type_name}: inputs shadow server outputs: {sorted(clash)}")


def _snake(camel: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in camel)

