"""Where credentials come from, and that they never leak through repr or pickling."""

from __future__ import annotations

import dill
import pytest

from pulumi_fireworks._config import resolve_settings
from pulumi_fireworks._engine import FireworksProvider
from pulumi_fireworks._errors import ConfigurationError


def test_stack_config_wins_over_environment() -> None:
    settings = resolve_settings(
        {"fireworks:apiKey": "from-config", "fireworks:accountId": "acct"},
        {"FIREWORKS_API_KEY": "from-env", "FIREWORKS_BASE_URL": "https://example.test/"},
    )
    assert settings.api_key == "from-config"
    assert settings.account_id == "acct"
    assert settings.base_url == "https://example.test"


def test_missing_key_says_how_to_set_it() -> None:
    with pytest.raises(ConfigurationError, match="fireworks:apiKey"):
        resolve_settings({}, {})


@pytest.mark.parametrize("url", ["http://api.fireworks.ai", "http://10.0.0.1:8080", "ftp://127.0.0.1"])
def test_clear_text_is_refused_off_this_machine(url: str) -> None:
    with pytest.raises(ConfigurationError, match="clear text"):
        resolve_settings({}, {"FIREWORKS_API_KEY": "k", "FIREWORKS_BASE_URL": url})


@pytest.mark.parametrize("url", ["http://127.0.0.1:8788", "http://localhost:1", "http://[::1]:9", "https://api.fireworks.ai"])
def test_loopback_http_and_https_are_allowed(url: str) -> None:
    assert resolve_settings({}, {"FIREWORKS_API_KEY": "k", "FIREWORKS_BASE_URL": url}).base_url == url


def test_repr_hides_the_key() -> None:
    settings = resolve_settings({}, {"FIREWORKS_API_KEY": "super-secret-key"})
    assert "super-secret-key" not in repr(settings)


def test_pickled_provider_never_carries_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIREWORKS_API_KEY", "super-secret-key")
    monkeypatch.setenv("FIREWORKS_BASE_URL", "http://127.0.0.1:9")
    provider = FireworksProvider("Deployment")
    provider._stack_config = {"fireworks:apiKey": "super-secret-key"}
    provider._client()  # a configured, used provider
    blob = dill.dumps(provider)
    assert b"super-secret-key" not in blob
    assert dill.loads(blob).type_name == "Deployment"
