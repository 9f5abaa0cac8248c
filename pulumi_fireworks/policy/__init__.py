"""Guardrails for Fireworks stacks as a Pulumi policy pack (``pulumi preview --policy-pack``).

Why: GPU deployments are the most expensive thing a stack declares and API keys the most
dangerous; these rules check them before anything is created. Build your own pack from them::

    from pulumi_policy import PolicyPack
    from pulumi_fireworks.policy import all_policies
    PolicyPack(name="fireworks-guardrails", policies=all_policies())

or use the ready pack: ``python -m pulumi_fireworks.policy new ./fireworks-policy`` writes one in
the official layout (its own requirements.txt and virtualenv). Each rule's name, description,
severity, default enforcement level and config keys: ``python -m pulumi_fireworks.policy rules``.

Modules: ``values`` (unknowns, proxies, secrets), ``resources`` (typed views by type token),
``stacks`` (stack name and dev/production patterns), ``settings`` (config schema and typed
reads), ``rules`` (the rules), ``scaffold`` (the shipped pack folder), ``origin`` (where the
running package was installed from: the pulumi-fireworks line of the pack's requirements.txt).
"""

from __future__ import annotations

from . import rules
from .rules import *  # noqa: F403  (one list of the rules: rules.__all__)
from .scaffold import PACK_NAME, pack_directory, write_pack

__all__ = ["PACK_NAME", "pack_directory", "write_pack"]
__all__ += rules.__all__
