"""A Pulumi program for engine tests of any Fireworks resources (copied into each project).

The stack config ``resources`` (JSON) lists them in order: ``{resource name: {"type":
"<class in pulumi_fireworks>", "inputs": {...}}}``. Inside inputs:

* ``"${other.attr}"`` is an output of a resource listed before (``"${ci.user_id}"``);
* ``{"$secret": "key"}`` is ``config.require_secret("key")`` — how users pass secrets;
* ``{"$plain": "key"}`` is that config value as a plain, non-secret Output — a secret
  passed carelessly, which the resource must still store encrypted;
* ``{"$resource": "other"}`` is the resource object itself (``deployment=dep``);
* ``{"$archive": "dir"}``, ``{"$assets": {name: ...}}``, ``{"$file": "path"}``,
  ``{"$text": "..."}`` and ``{"$remote": "https://..."}`` are ``pulumi.FileArchive``,
  ``AssetArchive``, ``FileAsset``, ``StringAsset`` and ``RemoteArchive`` (paths are
  relative to the project, where the test writes the files).

``{"type": ..., "get": {"id": ..., ...}}`` reads an existing object with ``<Type>.get``
instead (the other keys are ``get``'s arguments, e.g. an API key's ``user_id``).

Each resource is exported under its name with its id and every input and output.
"""

import json
import re

import pulumi

import pulumi_fireworks as fireworks

config = pulumi.Config()
made = {}


def resolve(value):
    if isinstance(value, str):
        ref = re.fullmatch(r"\$\{([\w-]+)\.(\w+)\}", value)
        return getattr(made[ref[1]], ref[2]) if ref else value
    if isinstance(value, dict):
        if set(value) == {"$secret"}:
            return config.require_secret(value["$secret"])
        if set(value) == {"$plain"}:
            return pulumi.Output.unsecret(config.require_secret(value["$plain"]))
        if set(value) == {"$resource"}:
            return made[value["$resource"]]
        for key, make in ASSETS.items():
            if set(value) == {key}:
                return make(resolve(value[key]))
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v) for v in value]
    return value


ASSETS = {
    "$archive": pulumi.FileArchive,
    "$assets": pulumi.AssetArchive,
    "$file": pulumi.FileAsset,
    "$text": pulumi.StringAsset,
    "$remote": pulumi.RemoteArchive,
}

for resource_name, item in json.loads(config.require("resources")).items():
    cls = getattr(fireworks, item["type"])
    if "get" in item:  # read an existing object: {"get": {"id": ..., other get() arguments}}
        arguments = resolve(item["get"])
        resource = cls.get(resource_name, arguments.pop("id"), **arguments)
    else:
        resource = cls(resource_name, **resolve(item.get("inputs", {})))
    made[resource_name] = resource
    fields = sorted(cls._spec.inputs_and_outputs)
    pulumi.export(resource_name, {"id": resource.id, **{f: getattr(resource, f) for f in fields}})
