"""Pulumi resources for the Fireworks AI control plane.

Each resource is a ``pulumi.dynamic.Resource`` with its own type token
(``pulumi-python:dynamic/fireworks:<Type>``), so policy packs can tell them apart.
Read-only lookups (``get_model``, ``get_deployment_shape``, ...) come with each a
``_output`` twin. Configure with ``pulumi config set --secret fireworks:apiKey ...`` (or
``FIREWORKS_API_KEY``); see the README.
"""

from . import _automation, _errors
from ._errors import *  # noqa: F403  (the exception tree; see _errors)
from . import _generated
from ._generated import *  # noqa: F403  (every resource class and its *Args; see _codegen)
from . import lookups as _lookups
from .lookups import *  # noqa: F403  (get_x / get_x_output and their result types)

# `+=` of a module's __all__ (not `*` inside a list) so type checkers see the full list.
__all__: list[str] = []
__all__ += _generated.__all__
__all__ += _errors.__all__
__all__ += _lookups.__all__

# Automation API programs: the dynamic-provider plugin runs with this interpreter (see _automation).
_automation.default_python_for_plugins()
