"""The Pulumi program of the review-summary engine test (copied into the project dir).

Config ``notes`` (name -> text) makes ``Note`` resources; config ``deployments`` (name -> inputs)
makes Fireworks deployments, where ``"direct_route_api_keys": "<from secret config>"`` takes the
keys from the secret config value ``route_key`` and ``"display_name": {"note": NAME}`` takes the
display name from a note's ``text`` output (which the SDK knows during preview: it is an input).
"""

import json

import pulumi

import pulumi_fireworks as fireworks
from tests.engine.note_resource import Note

config = pulumi.Config()
notes = {name: Note(name, text=text) for name, text in json.loads(config.require("notes")).items()}
for resource_name, inputs in json.loads(config.require("deployments")).items():
    if inputs.get("direct_route_api_keys") == "<from secret config>":
        inputs["direct_route_api_keys"] = [config.require_secret("route_key")]
    if isinstance(inputs.get("display_name"), dict):
        inputs["display_name"] = notes[inputs["display_name"]["note"]].text
    fireworks.Deployment(resource_name, **inputs)
