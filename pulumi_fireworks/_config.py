"""Where the provider finds its credentials, account and endpoint.

Read at run time inside the provider process — from the stack's configuration
(``fireworks:apiKey`` as a secret, ``fireworks:accountId``, ``fireworks:baseUrl``) or
from the environment variables the official SDK uses (``FIREWORKS_API_KEY``,
``FIREWORKS_ACCOUNT_ID``, ``FIREWORKS_BASE_URL``). Stack configuration wins, because it
is the more deliberate of the two. Nothing here is ever pickled with the provider or
written into a resource's inputs or outputs, so rotating the key only requires
changing the configuration: ``refresh`` and ``destroy`` use whatever key is current.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from ._errors import ConfigurationError

DEFAULT_BASE_URL = "https://api.fireworks.ai"

CONFIG_API_KEY = "fireworks:apiKey"
CONFIG_ACCOUNT_ID = "fireworks:accountId"
CONFIG_BASE_URL = "fireworks:baseUrl"

ENV_API_KEY = "FIREWORKS_API_KEY"
ENV_ACCOUNT_ID = "FIREWORKS_ACCOUNT_ID"
ENV_BASE_URL = "FIREWORKS_BASE_URL"


@dataclass(frozen=True)
class Settings:
    """Resolved connection settings. ``repr`` never shows the key."""

    api_key: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    account_id: Optional[str] = None


def resolve_settings(
    stack_config: Optional[Mapping[str, Any]] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> Settings:
    """Combine stack configuration and environment into :class:`Settings`."""
    stack_config = stack_config or {}
    environ = os.environ if environ is None else environ

    def pick(config_key: str, env_key: str) -> Optional[str]:
        value = stack_config.get(config_key)
        if value in (None, ""):
            value = environ.get(env_key)
        return str(value) if value not in (None, "") else None

    api_key = pick(CONFIG_API_KEY, ENV_API_KEY)
    if not api_key:
        raise ConfigurationError(
            "No Fireworks API key: set it with `pulumi config set --secret fireworks:apiKey <key>` "
            f"or export {ENV_API_KEY}."
        )
    base_url = (pick(CONFIG_BASE_URL, ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")
    check_base_url(base_url)
    return Settings(api_key=api_key, base_url=base_url, account_id=pick(CONFIG_ACCOUNT_ID, ENV_ACCOUNT_ID))


def check_base_url(base_url: str) -> None:
    """Refuse to send an API key in clear text anywhere but this machine."""
    parts = urlsplit(base_url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return
    raise ConfigurationError(
        f"Refusing base URL {base_url!r} ({CONFIG_BASE_URL} / {ENV_BASE_URL}): the API key would "
        "travel in clear text. Use https://, or http:// only to a loopback address such as "
        "127.0.0.1 or localhost (e.g. the local emulator)."
    )


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address: where plain ``http`` is acceptable."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
