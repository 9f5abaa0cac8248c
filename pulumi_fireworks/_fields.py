"""Each input's facts, written once, on the input: :func:`field`.

An input of a resource is a field of its inputs model. Besides its type, its description
and its constraints (pydantic's), the provider needs to know how the API treats it:

* ``replaces``: the API cannot change it in place; a change means a new object;
* ``create_only``: sent with the create call only (a query flag); never part of a diff;
* ``write_only``: the API accepts it but never returns it (a secret's value): every
  write sends it, refresh keeps the program's, drift in it cannot be seen;
* ``secret``: a credential, stored encrypted in the state whatever the program passed;
* ``provider_only``: steers the provider (timeouts, delete options); never sent;
* ``unset``: what leaving it unset means (:data:`SERVER_DECIDES`, or a managed default);
* ``peer``: may be given another Fireworks resource instead of its name; names the inputs
  of that resource the program's declaration of it is checked against at preview (a LoRA
  load against its deployment's ``enable_addons``);
* ``unique``: the account allows one object per value (a user's e-mail), so a
  replacement that keeps it deletes the old object first;
* ``refresh_keeps``: a label someone may rename elsewhere; a refresh keeps the
  program's value, so a rename never replaces the object;
* ``arg_type``: the Python type users pass, where the inputs model's type says less (a
  ``source`` that is a path or a ``pulumi.Archive``).

:class:`~._spec.ResourceSpec` derives its field sets from these facts, ``_schema`` and
``_codegen`` publish them (the schema, the typed ``*Args``, the reference pages), and the
sentences that explain them ("Replaces the deployment on change.") are generated from
them, never typed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from pydantic import BaseModel, Field
from pydantic_core import PydanticUndefined

__all__ = ["field", "facts_of", "explained", "FieldFacts", "SERVER_DECIDES", "NOT_DECLARED"]

FACTS = "x-facts"
"""``json_schema_extra`` key holding a field's facts (also in the published schema)."""

SERVER_DECIDES = "server decides"
"""``unset=SERVER_DECIDES``: left unset, the server chooses the value (from the shape, the
model, its own defaults) and may change it; the provider never compares it."""


class _NotDeclared:
    def __repr__(self) -> str:
        return "NOT_DECLARED"


NOT_DECLARED: Any = _NotDeclared()
"""``unset`` was not given (required inputs, provider-only ones, identifiers)."""


@dataclass(frozen=True)
class FieldFacts:
    """What the provider knows about one input (see the module docstring)."""

    replaces: bool = False
    create_only: bool = False
    write_only: bool = False
    secret: bool = False
    provider_only: bool = False
    unset: Any = NOT_DECLARED
    """:data:`SERVER_DECIDES`, :data:`NOT_DECLARED`, or the API default the provider manages."""
    peer: tuple[str, ...] = ()
    arg_type: str = ""
    unique: bool = False
    refresh_keeps: bool = False

    @property
    def managed_default(self) -> bool:
        """Left unset, the field means an API default that drift is measured against."""
        return self.unset is not NOT_DECLARED and self.unset != SERVER_DECIDES

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("replaces", "create_only", "write_only", "secret", "provider_only", "unique", "refresh_keeps"):
            if getattr(self, name):
                out[name.replace("_", "-")] = True
        if self.peer:
            out["peer"] = list(self.peer)
        if self.unset is not NOT_DECLARED:
            out["when-unset"] = self.unset if self.unset == SERVER_DECIDES else {"default": self.unset}
        if self.arg_type:
            out["arg-type"] = self.arg_type
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "FieldFacts":
        unset = data.get("when-unset", NOT_DECLARED)
        if isinstance(unset, dict):
            unset = unset.get("default")
        return cls(
            replaces=bool(data.get("replaces")),
            create_only=bool(data.get("create-only")),
            write_only=bool(data.get("write-only")),
            secret=bool(data.get("secret")),
            provider_only=bool(data.get("provider-only")),
            unset=unset,
            peer=tuple(data.get("peer") or ()),
            arg_type=str(data.get("arg-type", "")),
            unique=bool(data.get("unique")),
            refresh_keeps=bool(data.get("refresh-keeps")),
        )


def field(
    description: str = "",
    *,
    required: bool = False,
    replaces: bool = False,
    create_only: bool = False,
    write_only: bool = False,
    secret: bool = False,
    provider_only: bool = False,
    unset: Any = NOT_DECLARED,
    peer: tuple[str, ...] = (),
    arg_type: str = "",
    unique: bool = False,
    refresh_keeps: bool = False,
    required_because: str = "",
    **constraints: Any,
) -> Any:
    """An input of a resource with its facts (see the module docstring); ``constraints``
    are pydantic's (``ge``, ``max_length``, ...). Optional unless ``required``;
    ``required_because`` says why, in the message a missing value gets."""
    facts = FieldFacts(replaces, create_only, write_only, secret, provider_only, unset, peer, arg_type, unique, refresh_keeps)
    extra: dict[str, Any] = {FACTS: facts.to_json()}
    if required_because:
        extra["x-required-because"] = required_because
    default = PydanticUndefined if required or required_because else None
    return Field(default, description=description or None, json_schema_extra=extra, **constraints)


def facts_of(model: type[BaseModel], name: str) -> FieldFacts:
    """The declared facts of ``model``'s field ``name`` (none declared: all false)."""
    info = model.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    data = extra.get(FACTS) if isinstance(extra, dict) else None
    return FieldFacts.from_json(data) if isinstance(data, dict) else FieldFacts()


def explained(description: Optional[str], facts: FieldFacts, noun: str, *, replaces: bool = False) -> str:
    """A field's description followed by the sentences its facts imply, as the schema, the
    typed arguments and the reference pages give it (``replaces``: the field replaces the
    object for another reason, e.g. it is the id)."""
    parts = [description.rstrip(".") + "."] if description else []
    if facts.replaces or replaces:
        parts.append(f"Replaces the {noun} on change.")
    if facts.create_only:
        parts.append("Sent with the create call only; changing it later changes nothing.")
    if facts.write_only:
        parts.append("Write-only: the API never returns it, so a change made elsewhere cannot be seen.")
    if facts.secret:
        parts.append("Always stored as a secret.")
    if facts.provider_only:
        parts.append("Steers the provider; never sent to the API.")
    if facts.unique:
        parts.append("Unique in the account: a replacement that keeps it deletes the old one first.")
    if facts.refresh_keeps:
        parts.append("A change made elsewhere (a rename in the web UI) is ignored.")
    if facts.unset == SERVER_DECIDES:
        parts.append("Unset: the server chooses it, and it is not compared.")
    elif facts.managed_default:
        parts.append(f"Unset means {_spelled(facts.unset)}; a different value set elsewhere is drift.")
    return " ".join(parts)


def _spelled(value: Any) -> str:
    if value is False:
        return "false"
    if value == "":
        return "empty"
    if value is None:
        return "none"
    return repr(value)
