"""A local emulator of the Fireworks AI control-plane REST API (``pip install
pulumi-fireworks[emulator]``).

* ``python -m pulumi_fireworks.emulator --port 0`` serves it (see ``--help``);
* :func:`create_app` builds the ASGI app; :func:`~.testing.running_emulator` serves it in
  a background thread for tests;
* the admin API (``/emulator/v1/...``, :mod:`.admin`) resets state, injects faults,
  steers lifecycles, switches behaviour (e.g. the pessimistic profile) and edits
  resources out of band.

Layout: :mod:`.app` (ASGI entry), :mod:`.routing`, :mod:`.resource` (the generic CRUD),
:mod:`.handlers` (one module per collection), :mod:`.store` (SQLite), :mod:`.lifecycle`,
:mod:`.errors`, :mod:`.auth`, :mod:`.faults`, :mod:`.requestlog`, :mod:`.seed`,
:mod:`.admin`, :mod:`.server`, :mod:`.testing`; :mod:`.config` holds the settings and the
behaviour switches (``--profile pessimistic``), :mod:`.newer_fields` the ``dropNewerFields`` walk.
"""

try:
    import fastapi  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as missing:  # pragma: no cover - depends on how the package was installed
    raise ImportError(
        f"pulumi_fireworks.emulator needs the [emulator] extra ({missing.name} is not installed): "
        "pip install 'pulumi-fireworks[emulator]'"
    ) from missing

from .app import Emulator, create_app
from .config import EmulatorConfig

__all__ = ["Emulator", "EmulatorConfig", "create_app"]
