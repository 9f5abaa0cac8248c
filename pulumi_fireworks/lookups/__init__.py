"""Read-only lookups: facts a program needs but does not own.

::

    import pulumi_fireworks as fireworks

    account = fireworks.get_account()
    llama = fireworks.get_model("accounts/fireworks/models/llama-v3p1-8b-instruct")
    shape = fireworks.get_deployment_shape(base_model=llama.name, accelerator_type="NVIDIA_H100_80GB")
    fireworks.Deployment("chat", base_model=llama.name, deployment_shape=shape.name)

Each ``get_x`` has a ``get_x_output`` twin that takes Inputs and returns an Output (see
:mod:`.functions`); results are frozen, typed objects (:mod:`.results`). Lookups use the
resources' configuration (stack config ``fireworks:*``, then ``FIREWORKS_*``), run during
preview too, and fail with :class:`~pulumi_fireworks.LookupFailedError`.
"""

from __future__ import annotations

from . import functions, results
from .functions import *  # noqa: F403
from .results import *  # noqa: F403

# `+=` of a module's __all__ so type checkers see the full list.
__all__: list[str] = []
__all__ += functions.__all__
__all__ += results.__all__
