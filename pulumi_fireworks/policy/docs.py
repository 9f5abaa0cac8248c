"""The rule table of the README, generated from the policies themselves so it cannot drift."""

from __future__ import annotations

import json
from typing import Any

from pulumi_policy import EnforcementLevel, Policy, Severity

from .rules import all_policies


def _config_keys(policy: Policy) -> str:
    schema = policy.config_schema
    if schema is None or not schema.properties:
        return "-"
    parts = []
    for key, spec in schema.properties.items():
        default: Any = spec.get("default")
        shown = f" (default `{json.dumps(default)}`)" if "default" in spec and len(json.dumps(default)) <= 40 else ""
        parts.append(f"`{key}`{shown}")
    return "<br>".join(parts)


def _value(item: object) -> str:
    return item.value if isinstance(item, (EnforcementLevel, Severity)) else "-"


def rule_table() -> str:
    """A Markdown table: rule name, what it checks, severity, default enforcement, config keys."""
    rows = [
        "| rule | checks | severity | default level | config |",
        "|---|---|---|---|---|",
    ]
    for policy in all_policies():
        rows.append(
            f"| `{policy.name}` | {policy.description} | {_value(policy.severity)} | "
            f"{_value(policy.enforcement_level)} | {_config_keys(policy)} |"
        )
    return "\n".join(rows) + "\n"
