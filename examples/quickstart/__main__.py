"""Quickstart: one on-demand deployment that scales to zero when idle.

Configure the provider with `pulumi config set --secret fireworks:apiKey <key>` (or
FIREWORKS_API_KEY); `./scripts/demo` runs this stack against the local emulator.
"""

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()
base_model = config.get("baseModel") or "accounts/fireworks/models/llama-v3p1-8b-instruct"

# A lookup (it runs at preview too): the newest configuration Fireworks has validated for
# this model on this GPU type. A deployment made from a validated shape is far less likely
# to fail at creation than one given a raw accelerator type.
shape = fireworks.get_deployment_shape(
    base_model=base_model,
    accelerator_type=config.get("acceleratorType") or "NVIDIA_A100_80GB",
)

deployment = fireworks.Deployment(
    "quickstart",
    base_model=base_model,
    deployment_shape=shape.name,
    display_name="Quickstart",
    # Scale to zero after ten idle minutes; never more than one replica.
    min_replica_count=0,
    max_replica_count=1,
    autoscaling_policy={
        "scale_up_window": "30s",
        "scale_down_window": "5m",
        "scale_to_zero_window": "10m",
    },
)

# Pass this as `model=` in chat/completions requests to reach this deployment.
pulumi.export("model", deployment.inference_model)
pulumi.export("state", deployment.state)
pulumi.export("shape", f"{shape.name} ({shape.accelerator_count} x {shape.accelerator_type}, {shape.precision})")
