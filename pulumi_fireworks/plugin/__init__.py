"""``pulumi-resource-fireworks``: the same resources as a provider plugin, for every Pulumi language.

Why a second front: dynamic providers (the default for Python programs) are Python-only and
cannot do what the engine offers real providers: ``pulumi import``, field-level detailed
diffs, ``customTimeouts``, schema-driven SDKs for other languages. This plugin serves every
resource through the **same** :class:`~pulumi_fireworks._engine.ResourceEngine` the dynamic
providers use; it is only a translation layer:

* :mod:`.values` - the engine's property values <-> the plain values the engine works on;
* :mod:`.provider` - the gRPC provider (check, diff with a detailed diff, create, read
  and import, update, delete, invoke for the lookups, get_schema);
* :mod:`.schema` - the Pulumi package schema (``schema/plugin/pulumi-package.json``), generated
  from the same declarations as everything else;
* :mod:`.__main__` - the executable the engine starts.

Type tokens are ``fireworks:index:<Type>``, lookups ``fireworks:index:get<Thing>``. Property
names are the Python resources' snake_case names (the API's own), in every language, so a
stack's state has the same shape on both paths.
"""
