"""The Pulumi program the Deployment engine tests run (copied into each project dir).

Deployments come from the JSON config value ``deployments`` (resource name → inputs),
so one program serves every test: a test changes config, not code.
"""

import json

import pulumi

import pulumi_fireworks as fireworks

for resource_name, inputs in json.loads(pulumi.Config().require("deployments")).items():
    deployment = fireworks.Deployment(resource_name, **inputs)
    pulumi.export(
        resource_name,
        {
            "id": deployment.id,
            "name": deployment.name,
            "state": deployment.state,
            "inference_model": deployment.inference_model,
            "create_time": deployment.create_time,
        },
    )
