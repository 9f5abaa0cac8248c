"""The platform stack: what every app of the team shares, one stack per environment.

    pulumi stack init dev && pulumi config set --secret hfToken hf_...
    pulumi up

Sizes come from the stack's config (``Pulumi.dev.yaml``, ``Pulumi.staging.yaml``,
``Pulumi.prod.yaml``): dev scales to zero, production keeps a replica and is protected
(``pulumi destroy`` refuses while ``protect`` is set). The apps read the outputs below
through a ``pulumi.StackReference`` (``organization/platform/<stack>`` on a DIY backend).
"""

import re

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()
production = config.get_bool("production") or False
base_model = config.get("baseModel") or "accounts/fireworks/models/llama-v3p1-8b-instruct"

shared = fireworks.Deployment(
    "shared",
    base_model=base_model,
    enable_addons=True,  # the apps load their LoRA adapters onto it
    accelerator_type=config.get("acceleratorType") or "NVIDIA_H100_80GB",
    accelerator_count=1,
    min_replica_count=config.get_int("minReplicas") or 0,
    max_replica_count=config.get_int("maxReplicas") or 1,
    autoscaling_policy={"scale_to_zero_window": config.get("scaleToZeroWindow") or "10m"},
    display_name=f"shared ({pulumi.get_stack()})",
    opts=pulumi.ResourceOptions(protect=production),
)

hf = fireworks.Secret("hf", key_name="HF_TOKEN", value=config.require_secret("hfToken"))

# The robot every app's API key belongs to: it may call models, nothing else.
apps = fireworks.ServiceAccount("apps", role="inference-user", display_name=f"apps ({pulumi.get_stack()})")

# The team's people, by e-mail (config `team`); an e-mail is unique in the account, so list
# each person in one environment's config only when environments share an account.
for email in config.get_object("team") or []:
    fireworks.User(re.sub(r"[^a-z0-9-]+", "-", email.lower()).strip("-"), email=email, role="user")

pulumi.export("deployment", shared.name)
pulumi.export("baseModel", base_model)
pulumi.export("appsServiceAccount", apps.user_id)
pulumi.export("hfSecret", hf.name)
