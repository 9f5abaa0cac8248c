"""LoRA serving: a deployment that accepts addons, an adapter uploaded from ./adapter, and
the load that serves it — files to endpoint in one reviewed `pulumi up`.

Rolling out a new adapter version: replace the files in ./adapter (or point `source` at
the new training run's folder) and run `pulumi up`. The model's content digest changes,
so the model and its load are replaced; the new load comes up before the old one is
unloaded, so the deployment never serves neither, and the new version becomes the
model's default load.

    pulumi config set baseModel accounts/fireworks/models/llama-v3p1-8b-instruct   # optional
"""

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()
base_model = config.get("baseModel") or "accounts/fireworks/models/llama-v3p1-8b-instruct"

# One deployment, many adapters: enable_addons makes it multi-LoRA.
deployment = fireworks.Deployment(
    "multi-lora",
    base_model=base_model,
    enable_addons=True,
    min_replica_count=0,
    max_replica_count=1,
    autoscaling_policy={"scale_to_zero_window": "10m"},
)

adapter = fireworks.Model(
    "support-lora",
    source="adapter",  # adapter_config.json, adapter_model.safetensors, fireworks.json
    base_model=base_model,
    display_name="Support assistant",
)

# Passing the resources (not their names) lets the preview check that the deployment
# accepts addons and serves the adapter's base model, before anything is created.
load = fireworks.DeployedModel("support", model=adapter, deployment=deployment, display_name="support")

# Pass this as `model=` to chat/completions.
pulumi.export("model", load.inference_model)
pulumi.export("adapterDigest", adapter.content_digest)
