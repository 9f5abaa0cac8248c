"""Team access: who may use the account, with which keys, and the secrets jobs read.

Set the secrets first (they are stored encrypted in the stack's config):

    pulumi config set --secret hfToken hf_...
    pulumi config set --secret wandbKey ...
    pulumi config set adminEmail you@example.com       # optional

Rotating the CI key: bump `keyGeneration` (`pulumi config set keyGeneration 2`) and run
`pulumi up`. The new key is created before the old one is deleted; read it with
`pulumi stack output ciKey --show-secrets` and hand it to CI before the next `up` if
you need an overlap (see the README's rotation recipe).
"""

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()

# A robot for CI: it may call models, nothing else.
ci = fireworks.ServiceAccount("ci", role="inference-user", display_name="CI pipeline")
ci_key = fireworks.ApiKey(
    "ci-key",
    user_id=ci.user_id,
    display_name=f"ci-{config.get_int('keyGeneration') or 1}",
)

# A person who manages the account.
admin = fireworks.User(
    "platform-admin",
    email=config.get("adminEmail") or "platform-admin@example.com",
    role="admin",
    display_name="Platform admin",
)

# Secrets that evaluators and jobs read as environment variables.
hf = fireworks.Secret("hf", key_name="HF_TOKEN", value=config.require_secret("hfToken"))
wandb = fireworks.Secret("wandb", key_name="WANDB_API_KEY", value=config.require_secret("wandbKey"))

pulumi.export("ciServiceAccount", ci.email)
pulumi.export("ciKey", ci_key.key)  # a secret: `pulumi stack output ciKey --show-secrets`
pulumi.export("adminUser", admin.name)
pulumi.export("secrets", [hf.name, wandb.name])
