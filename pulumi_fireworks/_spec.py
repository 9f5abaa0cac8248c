"""The per-resource description that drives the generic engine: data, not behaviour.

A resource module (``deployment.py``) declares one :class:`ResourceSpec` — names, paths,
how the id is chosen, which inputs force a replacement, which states mean ready or
failed — and, where its API object behaves differently, overrides a few methods of
:class:`~._engine.ResourceEngine`. Everything else is the engine's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cached_property
from typing import Any, Literal, Mapping

from pydantic import BaseModel

from ._fields import SERVER_DECIDES, explained, facts_of
from ._wire._base import WireModel, newer_spec_paths, output_only_fields

Props = dict[str, Any]

IdSource = Literal["query", "body", "server"]
"""Where a new object's id travels on create: a query parameter (``?deploymentId=``),
a body field (``{"modelId": ...}``), or nowhere because the server picks it (deployed
models, API keys)."""

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class ResourceSpec:
    """Everything the engine needs to know about one API object, as data.

    Input names are the API's field names in snake_case, so an input name doubles as
    its ``updateMask`` path.
    """

    type_name: str
    """Pulumi type name (``Deployment``); the token is ``pulumi-python:dynamic/fireworks:<type_name>``."""

    collection: str
    """Path segment of the collection (``deployments``)."""

    collection_key: str
    """Key of the item list in list responses (``deployments``)."""

    inputs_model: type[BaseModel]
    """Validates and normalises inputs at ``check`` time; its JSON Schema is published."""

    wire_model: type[WireModel]

    id_field: str
    """The input that holds the object's id (``deployment_id``); for ids the server
    picks, the output that reports it (``key_id``)."""

    id_source: IdSource = "query"
    id_param: str = ""
    """The query parameter or body field that carries the id on create (``deploymentId``)."""

    autoname: bool = True
    """Without an id from the user, the provider derives one from the resource name.
    False for objects whose id the server derives when none is given (users)."""

    parent: str = ""
    """Path between the account and the collection, with input placeholders:
    ``users/{user_id}`` puts API keys under ``accounts/<a>/users/<user_id>/apiKeys``."""

    create_wrapper: str = ""
    """Create bodies that wrap the object under a key (``{"apiKey": {...}}``) name it here."""

    create_collection: str = ""
    """Where create POSTs, when not to the collection itself (evaluators: ``evaluatorsV2``)."""

    computed_replaces: frozenset[str] = frozenset()
    """Computed inputs whose change means a new object (a digest of files the API cannot
    change). The user's inputs say it on the field (``_fields.field(replaces=True)``)."""

    returned_once: frozenset[str] = frozenset()
    """Outputs only the create response carries (an API key's ``key``): kept in state
    for good, never overwritten by a later read that lacks them."""

    extra_outputs: frozenset[str] = frozenset()
    """Settable wire fields the user does not set here but should see (a service
    account's e-mail, which the server derives)."""

    secret_output_fields: tuple[str, ...] = ()
    """Outputs (not inputs) that are credentials (an API key's ``key``); secret inputs
    say it on the field."""

    ready_states: frozenset[str] = frozenset()
    """States that end a create or update wait; empty = the object has no lifecycle."""

    failed_states: frozenset[str] = frozenset()
    gone_states: frozenset[str] = frozenset()
    """States in which the object counts as deleted (soft-deleted, purge pending)."""

    default_wait_timeout: float = 3600.0

    computed_output_names: frozenset[str] = frozenset()
    """Outputs the engine's ``computed_outputs`` hook returns."""

    summary: str = ""
    """One sentence: what the object is (the class docstring and reference page start with it)."""

    example: str = ""
    """A short program using the resource (``fireworks.`` prefix), for the docstring and page."""

    output_docs: Mapping[str, str] = dc_field(default_factory=dict)
    """What an output means, where its name does not say (``inference_model``)."""

    computed_types: Mapping[str, str] = dc_field(default_factory=dict)
    """Python types of the computed inputs and outputs (``"Mapping[str, Any]"``; default ``str``)."""

    surface_mixin: str = ""
    """``module:Class`` whose methods the generated resource class adds (``ApiKey.get``
    needs the key's user)."""

    updatable: bool = True
    """False for objects the API cannot change after create (a training job: every
    input replaces it); an object found under its id is then taken as it is or refused."""

    peer_output: str = "name"
    """The output another resource's ``peer`` input takes when given this resource
    (a training job gives ``trained_model``, not its own name)."""

    owned_by_account: bool = False
    """Objects every account has before any program runs (quotas), which the API can
    neither create nor delete: a create takes one over and a delete gives it back, so no
    object is ever made or removed (the engine's subclass says how)."""
    computed_inputs: frozenset[str] = frozenset()
    """Inputs the engine's ``complete_inputs`` hook derives at ``check`` from the others
    (a digest of local files): never the user's to set, diffed like any input, so a
    preview shows their change and a saved plan pins them."""

    # -- derived from the inputs' declared facts (``_fields``) ----------------------------

    def _with(self, fact: str) -> frozenset[str]:
        return frozenset(f for f in self.inputs_model.model_fields if getattr(facts_of(self.inputs_model, f), fact))

    @cached_property
    def replace_on_change(self) -> frozenset[str]:
        """Inputs the API cannot change in place; a change means a new object."""
        return self._with("replaces") | self.computed_replaces

    @cached_property
    def create_only(self) -> frozenset[str]:
        """Inputs sent only on create (as query parameters); never part of a diff."""
        return self._with("create_only")

    @cached_property
    def provider_only(self) -> frozenset[str]:
        """Inputs that steer the provider itself (timeouts, delete options); never sent."""
        return self._with("provider_only")

    @cached_property
    def unique_fields(self) -> frozenset[str]:
        """Inputs the API allows only one object per value of (a user's e-mail): a
        replacement that keeps one must delete the old object first."""
        return self._with("unique")

    @cached_property
    def write_only(self) -> frozenset[str]:
        """Inputs the API accepts but never returns (a secret's value): every write sends
        them, refresh keeps ours, and drift in them cannot be seen."""
        return self._with("write_only")

    @cached_property
    def refresh_keeps(self) -> frozenset[str]:
        """Inputs a refresh never takes from the server, although it returns them: a label
        someone may rename elsewhere (an API key's name in the web UI) whose change must
        not replace the object. A change in the program still applies."""
        return self._with("refresh_keeps")

    @cached_property
    def peer_fields(self) -> frozenset[str]:
        """Inputs that may be given another Fireworks resource instead of its name."""
        return self._with("peer")

    @cached_property
    def secret_outputs(self) -> tuple[str, ...]:
        """Inputs and outputs that are credentials: always secret in state, whatever the
        program passed."""
        return tuple(sorted(self._with("secret"))) + self.secret_output_fields

    @cached_property
    def unset_defaults(self) -> dict[str, Any]:
        """Inputs whose unset value means an API default that is managed (see
        ``_fields``): input name → that default."""
        facts = {f: facts_of(self.inputs_model, f) for f in self.api_inputs}
        return {f: fact.unset for f, fact in facts.items() if fact.managed_default}

    @cached_property
    def server_decides(self) -> frozenset[str]:
        """Inputs that, left unset, the server chooses (``unset=SERVER_DECIDES``): unset,
        they are not compared, so whatever the server holds is no change."""
        return frozenset(f for f in self.inputs_model.model_fields if facts_of(self.inputs_model, f).unset == SERVER_DECIDES)

    @property
    def noun(self) -> str:
        """``deployment``, ``service account``: how sentences name the object."""
        return re.sub(r"(?<!^)([A-Z])", r" \1", self.type_name).lower()

    def input_description(self, name: str) -> str:
        """An input's description with the sentences its facts imply (generated, never typed)."""
        info = self.inputs_model.model_fields[name]
        replaces = name == self.id_field or name in self.parent_fields
        return explained(info.description, facts_of(self.inputs_model, name), self.noun, replaces=replaces)

    # -- names -------------------------------------------------------------------------------

    @cached_property
    def input_names(self) -> frozenset[str]:
        """Every input: the user's (the inputs model) and the computed ones."""
        return frozenset(self.inputs_model.model_fields) | self.computed_inputs

    @cached_property
    def may_be_dropped(self) -> frozenset[str]:
        """Dotted input paths a server may drop silently: the wire model's fields newer
        than SDK 1.2.30 (``newer_spec``), which a gateway built without them ignores. An
        absent live value there is taken as kept, never as drift."""
        return newer_spec_paths(self.wire_model)

    @cached_property
    def api_inputs(self) -> frozenset[str]:
        """Inputs that are fields of the API object."""
        names = set(self.inputs_model.model_fields) - self.provider_only - self.create_only
        names -= set(self.parent_fields)
        names.discard(self.id_field)
        return frozenset(names)

    @property
    def parent_fields(self) -> tuple[str, ...]:
        """Inputs that name the parent (``user_id`` of an API key)."""
        return tuple(_PLACEHOLDER.findall(self.parent))

    @cached_property
    def output_names(self) -> frozenset[str]:
        """Outputs that are not inputs: the server's view and the computed ones."""
        names = self.server_view | self.computed_output_names
        if self.id_field not in self.inputs_model.model_fields:
            names |= {self.id_field}
        return frozenset(names)

    @cached_property
    def server_view(self) -> frozenset[str]:
        """Output names that show the server's side: the wire model's output-only
        fields, its ``name`` and the declared extra outputs."""
        names = {_snake(name) for name in output_only_fields(self.wire_model)}
        if "name" in self.wire_model.model_fields:
            names.add("name")
        return frozenset(names | self.extra_outputs)

    @cached_property
    def inputs_and_outputs(self) -> frozenset[str]:
        return self.input_names | self.output_names

    def collection_path(self, account_id: str, props: Mapping[str, Any]) -> str:
        parent = self.parent.format(**{f: props.get(f) for f in self.parent_fields})
        return "/".join(p for p in ("/v1/accounts", account_id, parent, self.collection) if p)

    def create_path(self, account_id: str, props: Mapping[str, Any]) -> str:
        path = self.collection_path(account_id, props)
        return path.rsplit("/", 1)[0] + "/" + self.create_collection if self.create_collection else path

    def object_path(self, account_id: str, props: Mapping[str, Any], object_id: str) -> str:
        return f"{self.collection_path(account_id, props)}/{object_id}"

    def __post_init__(self) -> None:
        clash = self.input_names & self.server_view
        if clash:
            raise ValueError(f"{self.type_name}: inputs shadow server outputs: {sorted(clash)}")
        if self.computed_inputs & set(self.inputs_model.model_fields):
            raise ValueError(f"{self.type_name}: computed inputs are also user inputs: {sorted(self.computed_inputs)}")
        missing = set(self.parent_fields) - set(self.inputs_model.model_fields)
        if missing:
            raise ValueError(f"{self.type_name}: parent placeholders are not inputs: {sorted(missing)}")
        if not self.computed_replaces <= self.computed_inputs:
            raise ValueError(f"{self.type_name}: computed_replaces must be computed inputs: {sorted(self.computed_replaces)}")


def _snake(camel: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in camel)
