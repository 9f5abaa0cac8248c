"""An app on the platform: its adapter (a fine-tuning job on its data), loaded onto the
platform's shared deployment, and its own API key, all in this app's stack.

    pulumi stack init dev && pulumi up

It reads the platform stack of the same environment (``platformStack`` in config to
choose another): ``organization/platform/<stack>`` on a DIY backend (file://, s3://,
postgres://), ``<org>/platform/<stack>`` on Pulumi Cloud.
"""

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()
env = pulumi.get_stack()
platform = pulumi.StackReference(config.get("platformStack") or f"organization/platform/{env}")

train = fireworks.Dataset("support-train", source="data/train.jsonl", format="CHAT")
tune = fireworks.SupervisedFineTuningJob(
    "support-sft",
    dataset=train,
    base_model=platform.require_output("baseModel"),
    epochs=config.get_int("epochs") or 1,
    lora_rank=8,
)
load = fireworks.DeployedModel("support", model=tune, deployment=platform.require_output("deployment"))
key = fireworks.ApiKey(
    "support-key",
    user_id=platform.require_output("appsServiceAccount"),
    display_name=f"support-app ({env})",
)

pulumi.export("model", load.inference_model)  # `model=` in chat/completions calls
pulumi.export("apiKey", key.key)  # a secret: `pulumi stack output apiKey --show-secrets`
