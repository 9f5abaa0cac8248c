"""Emulator settings (the CLI flags of ``python -m pulumi_fireworks.emulator``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

DEFAULT_PORT = 8788
DEFAULT_API_KEY = "fw-emulator-key"
DEFAULT_ACCOUNT_ID = "my-account"
DEFAULT_DB = ":memory:"


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
    #: Spell out zero values in responses (``false``, ``0``, ``""``, ``*_UNSPECIFIED``,
    #: ``[]``, ``{}``, ``null``) as gateways with protojson's EmitUnpopulated do, instead of
    #: omitting them as protojson does by default.
    emit_zero_values: bool = False
    #: HTTP status of a Get of a missing secret: 404 (the contract) or 500 (what the real
    #: service was observed to answer; reference §1.7).
    missing_secret_status: int = 404


@dataclass
class Behaviour:
    """Response quirks that can be switched while the emulator runs (admin API
    ``/emulator/v1/behaviour``); ``reset`` restores the configured ones."""

    emit_zero_values: bool = False
    missing_secret_status: int = 404

    @classmethod
    def of(cls, config: EmulatorConfig) -> "Behaviour":
        return cls(config.emit_zero_values, config.missing_secret_status)

    def to_json(self) -> dict[str, Any]:
        return {"emitZeroValues": self.emit_zero_values, "missingSecretStatus": self.missing_secret_status}

    def update(self, patch: dict[str, Any]) -> None:
        """Apply a JSON patch of :meth:`to_json` keys; ValueError on anything else."""
        unknown = set(patch) - {"emitZeroValues", "missingSecretStatus"}
        if unknown:
            raise ValueError(f"unknown behaviour settings: {sorted(unknown)}")
        if "emitZeroValues" in patch:
            if not isinstance(patch["emitZeroValues"], bool):
                raise ValueError("emitZeroValues must be true or false")
            self.emit_zero_values = patch["emitZeroValues"]
        if "missingSecretStatus" in patch:
            if patch["missingSecretStatus"] not in (404, 500):
                raise ValueError("missingSecretStatus must be 404 or 500")
            self.missing_secret_status = int(patch["missingSecretStatus"])
