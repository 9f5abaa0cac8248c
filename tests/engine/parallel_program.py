"""The program of the parallelism tests: ``count`` independent deployments, and optionally one
more that depends on the first (its display name is built from the first one's state).

Config: ``count`` (int), ``label`` (str, part of every display name; change it to update all),
``dependent`` (bool).
"""

import pulumi

import pulumi_fireworks as fireworks
from tests.support.content import LLAMA


config = pulumi.Config()
label = config.get("label") or "v1"
deployments = [
    fireworks.Deployment(f"d{i}", base_model=LLAMA, display_name=f"{label} {i}", min_replica_count=0, max_replica_count=1)
    for i in range(config.require_int("count"))
]
pulumi.export("ids", [d.id for d in deployments])
if config.get_bool("dependent"):
    dependent = fireworks.Deployment(
        "dependent", base_model=LLAMA, display_name=deployments[0].state.apply(lambda state: f"after d0 was {state}")
    )
    pulumi.export("dependent", dependent.id)
