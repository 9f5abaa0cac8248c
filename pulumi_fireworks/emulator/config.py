"""Emulator settings (the CLI flags of ``python -m pulumi_fireworks.emulator``) and the
switchable behaviour (admin ``/emulator/v1/behaviour``).

The behaviour switches exist because the emulator was written from the same reading of
the public sources as the provider. Where those sources disagree or say nothing, the
real gateway may answer differently than the emulator does by default; each switch makes
the emulator answer one such place the other plausible way, and the ``pessimistic``
profile turns all of them on at once (see :data:`PESSIMISTIC` for the answers and their
sources). Every switch is one row of :data:`SWITCHES`, which the admin API, the CLI and
:mod:`.testing` all read.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

DEFAULT_PORT = 8788
DEFAULT_API_KEY = "fw-emulator-key"
DEFAULT_ACCOUNT_ID = "my-account"
DEFAULT_DB = ":memory:"

#: Profiles a PATCH or the CLI may name; GET also reports ``"custom"`` for any mix.
PROFILES = ("default", "pessimistic")
#: How ``DELETE .../users/{id}`` is answered; the numbers are what a gateway without the
#: route sends (see :mod:`.handlers.users`).
USER_DELETE_ROUTES = ("present", "404", "405", "501")


@dataclass(frozen=True)
class EmulatorConfig:
    #: SQLite database file, or ``:memory:`` (state dies with the process).
    db: str = DEFAULT_DB
    #: The API key the emulator accepts out of the box (more via the admin API).
    api_key: str = DEFAULT_API_KEY
    #: The account that key belongs to.
    account_id: str = DEFAULT_ACCOUNT_ID
    #: Default lifecycle timing: ``"instant"`` or seconds (see :mod:`.lifecycle`).
    transition: Union[str, float] = "instant"
    #: Behaviour profile to start from (and to return to on ``reset``): one of :data:`PROFILES`.
    profile: str = "default"
    # Individual switches (see :class:`Behaviour`); None = what the profile says.
    emit_zero_values: Optional[bool] = None
    missing_secret_status: Optional[int] = None
    upload_landing_checks: Optional[int] = None
    user_delete_route: Optional[str] = None
    drop_newer_fields: Optional[bool] = None
    resign_forgets_uploads: Optional[bool] = None
    ignore_secret_update_mask: Optional[bool] = None
    proto_immutable_fields: Optional[bool] = None
    failed_loads_unspecified: Optional[bool] = None
    job_output_model_full_name: Optional[bool] = None


@dataclass
class Behaviour:
    """Answers that can be switched while the emulator runs (admin API
    ``/emulator/v1/behaviour``); ``reset`` restores the configured ones. Field docs: the
    ``help`` of each row of :data:`SWITCHES`."""

    emit_zero_values: bool = False
    missing_secret_status: int = 404
    upload_landing_checks: int = 0
    user_delete_route: str = "present"
    drop_newer_fields: bool = False
    resign_forgets_uploads: bool = False
    ignore_secret_update_mask: bool = False
    proto_immutable_fields: bool = False
    failed_loads_unspecified: bool = False
    job_output_model_full_name: bool = False

    @classmethod
    def of(cls, config: EmulatorConfig) -> "Behaviour":
        """The configured behaviour: ``config.profile``, then the switches it sets."""
        behaviour = cls()
        overrides = {s.key: getattr(config, s.attr) for s in SWITCHES if getattr(config, s.attr) is not None}
        behaviour.update({"profile": config.profile, **overrides})
        return behaviour

    @property
    def profile(self) -> str:
        """``"default"`` or ``"pessimistic"`` when every switch matches that profile, else ``"custom"``."""
        for name in PROFILES:
            if self == _PROFILE_VALUES[name]:
                return name
        return "custom"

    def to_json(self) -> dict[str, Any]:
        return {**{s.key: getattr(self, s.attr) for s in SWITCHES}, "profile": self.profile}

    def update(self, patch: dict[str, Any]) -> None:
        """Apply a JSON patch of :meth:`to_json` keys: ``profile`` first, then the other
        keys over it. All or nothing: ValueError (and no change) on an unknown key or a
        bad value."""
        by_key = {s.key: s for s in SWITCHES}
        unknown = set(patch) - set(by_key) - {"profile"}
        if unknown:
            raise ValueError(f"unknown behaviour settings: {sorted(unknown)}; known: {sorted([*by_key, 'profile'])}")
        new = dataclasses.replace(self)
        if "profile" in patch:
            if patch["profile"] not in PROFILES:
                raise ValueError(f"profile must be one of {', '.join(PROFILES)} (got {patch['profile']!r})")
            new = dataclasses.replace(_PROFILE_VALUES[patch["profile"]])
        for key, value in patch.items():
            if key != "profile":
                setattr(new, by_key[key].attr, by_key[key].parse(value))
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(new, f.name))


# -- the switches ---------------------------------------------------------------------------


def _bool(key: str) -> Callable[[Any], bool]:
    def parse(value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false (got {value!r})")
        return value

    return parse


def _status(value: Any) -> int:
    if isinstance(value, bool) or value not in (404, 500):
        raise ValueError(f"missingSecretStatus must be 404 or 500 (got {value!r})")
    return int(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"uploadLandingChecks must be an integer >= 0 (got {value!r})")
    return value


def _route(value: Any) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if text not in USER_DELETE_ROUTES:
        raise ValueError(f"userDeleteRoute must be one of {', '.join(map(repr, USER_DELETE_ROUTES))} (got {value!r})")
    return str(text)


@dataclass(frozen=True)
class Switch:
    """One behaviour switch, as the admin API, the CLI and :mod:`.testing` know it."""

    #: :class:`Behaviour` attribute (and :class:`EmulatorConfig` field, CLI ``--flag``).
    attr: str
    #: JSON key of ``/emulator/v1/behaviour``.
    key: str
    #: Validates a JSON value and returns it canonical; ValueError with a clear message.
    parse: Callable[[Any], Any]
    #: What the switch does (the CLI's help).
    help: str


SWITCHES: tuple[Switch, ...] = (
    Switch("emit_zero_values", "emitZeroValues", _bool("emitZeroValues"),
           "spell out zero values in responses (as gateways with EmitUnpopulated do) instead of omitting them"),
    Switch("missing_secret_status", "missingSecretStatus", _status,
           "HTTP status of a Get or Delete of a missing secret: 404, or 500 as the real service was seen answering"),
    Switch("upload_landing_checks", "uploadLandingChecks", _count,
           "how many :validateUpload calls after the files were PUT answer FAILED_PRECONDITION "
           "('files are still landing') before validation runs (docs: poll it until it returns 200)"),
    Switch("user_delete_route", "userDeleteRoute", _route,
           "'present' serves DELETE .../users/{id}; 404, 405 or 501 answer as a gateway without that route "
           "(no REST binding of DeleteUser) and delete nothing"),
    Switch("drop_newer_fields", "dropNewerFields", _bool("dropNewerFields"),
           "drop the fields SDK 1.2.30 does not know from requests and responses, as a gateway whose protos "
           "lack them does (role 'custom' is then refused)"),
    Switch("resign_forgets_uploads", "resignForgetsUploads", _bool("resignForgetsUploads"),
           "a model's :getUploadEndpoint forgets the files already uploaded (as it does for datasets)"),
    Switch("ignore_secret_update_mask", "ignoreSecretUpdateMask", _bool("ignoreSecretUpdateMask"),
           "PATCH of a secret ignores updateMask (UpdateSecretRequest has no update_mask field in the protos)"),
    Switch("proto_immutable_fields", "protoImmutableFields", _bool("protoImmutableFields"),
           "also refuse changes to the fields the protos mark IMMUTABLE (e.g. a model's conversation_config)"),
    Switch("failed_loads_unspecified", "failedLoadsUnspecified", _bool("failedLoadsUnspecified"),
           "a LoRA load whose transition fails reports state STATE_UNSPECIFIED instead of keeping its state"),
    Switch("job_output_model_full_name", "jobOutputModelFullName", _bool("jobOutputModelFullName"),
           "fine-tuning jobs answer outputModel as the full name accounts/<a>/models/<id> instead of the id sent"),
)

#: The pessimistic answer of every switch, each where the public sources disagree or are
#: silent and the real gateway plausibly answers less kindly than the emulator's default:
#:
#: * ``emitZeroValues``: gateways configured with protojson's EmitUnpopulated spell zero
#:   values out; clients must read them like absent fields.
#: * ``missingSecretStatus`` 500: the real service was seen answering 500 for a missing
#:   secret (eval-protocol treats 500 as "not found" for Get and Delete).
#: * ``uploadLandingChecks`` 3: docs "Upload via REST API": "validateUpload returns
#:   FAILED_PRECONDITION while files are still landing. Poll it until it returns 200".
#: * ``userDeleteRoute`` "404": no REST DELETE of a user in SDK 1.2.30, the API reference
#:   or the newest spec; ``Gateway.DeleteUser`` has no ``google.api.http`` binding in the
#:   0.19.20 protos (firectl deletes over gRPC).
#: * ``dropNewerFields``: grpc-gateway discards unknown JSON fields; a gateway whose protos
#:   predate the ``newer_spec`` fields drops them silently.
#: * ``resignForgetsUploads``: the SDK says datasets' ``:getUploadEndpoint`` overwrites the
#:   registered file set; nothing says models keep uploaded files.
#: * ``ignoreSecretUpdateMask``: ``UpdateSecretRequest`` is the one in-scope Update request
#:   without an ``update_mask`` in the 0.19.20 protos; unknown query parameters are ignored.
#: * ``protoImmutableFields``: the 0.19.20 protos' ``field_behavior`` IMMUTABLE list.
#: * ``failedLoadsUnspecified``: the old SDK (0.19.20 ``fireworks/llm/llm.py``) treats a
#:   deployed model in ``STATE_UNSPECIFIED`` as failed to deploy.
#: * ``jobOutputModelFullName``: SDK 1.2.30 documents a job's ``outputModel`` as "the model
#:   ID to be assigned to the resulting fine-tuned model"; nothing shows what a Get answers,
#:   and the API names resources in full everywhere else (e.g. ``warmStartFrom``).
PESSIMISTIC = Behaviour(
    emit_zero_values=True,
    missing_secret_status=500,
    upload_landing_checks=3,
    user_delete_route="404",
    drop_newer_fields=True,
    resign_forgets_uploads=True,
    ignore_secret_update_mask=True,
    proto_immutable_fields=True,
    failed_loads_unspecified=True,
    job_output_model_full_name=True,
)

_PROFILE_VALUES = {"default": Behaviour(), "pessimistic": PESSIMISTIC}
