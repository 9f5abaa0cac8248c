"""Emulator settings (the CLI flags of ``python -m pulumi_fireworks.emulator``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

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
