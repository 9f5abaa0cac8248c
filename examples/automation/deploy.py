"""A Fireworks environment driven from Python with Pulumi's Automation API (an inline program).

    python examples/automation/deploy.py up        # or: preview, destroy

No Pulumi.yaml and no `pulumi` commands: the program is the function below, and this script
creates or selects the stack, sets its config and runs the operation. It needs what the CLI
needs: the `pulumi` binary on PATH, a backend (PULUMI_BACKEND_URL, e.g. file://~/.pulumi-state
or an s3:// URL) with PULUMI_CONFIG_PASSPHRASE, and the provider's settings (FIREWORKS_API_KEY,
FIREWORKS_ACCOUNT_ID; FIREWORKS_BASE_URL for the emulator). Run it with the Python that has
pulumi-fireworks installed; the virtualenv need not be active: importing pulumi_fireworks makes
that Python the one the dynamic-provider plugin runs.

Prints one JSON line: the operation, the engine's change summary and the stack's outputs.
"""

from __future__ import annotations

import json
import os
import sys

import pulumi
from pulumi import automation as auto

import pulumi_fireworks as fireworks

PROJECT = "automation-example"


def program() -> None:
    config = pulumi.Config()
    chat = fireworks.Deployment(
        "chat",
        base_model="accounts/fireworks/models/llama-v3p1-8b-instruct",
        min_replica_count=0,
        max_replica_count=1,
        display_name="Automation API example",
    )
    token = fireworks.Secret("hf", key_name="HF_TOKEN", value=config.require_secret("hfToken"))
    pulumi.export("deployment", chat.name)
    pulumi.export("secret", token.name)


def main(operation: str, stack_name: str = "dev") -> dict[str, object]:
    stack = auto.create_or_select_stack(stack_name=stack_name, project_name=PROJECT, program=program)
    stack.set_config("hfToken", auto.ConfigValue(os.environ.get("HF_TOKEN", "hf_example_token"), secret=True))
    if operation == "up":
        result = stack.up(color="never")
        return {"operation": "up", "changes": result.summary.resource_changes,
                "outputs": {k: v.value for k, v in result.outputs.items()}}
    if operation == "preview":
        return {"operation": "preview", "changes": stack.preview(color="never").change_summary}
    if operation == "destroy":
        return {"operation": "destroy", "changes": stack.destroy(color="never").summary.resource_changes}
    raise SystemExit(f"usage: {sys.argv[0]} up|preview|destroy [STACK]")


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:3]) if len(sys.argv) > 1 else main("")))
