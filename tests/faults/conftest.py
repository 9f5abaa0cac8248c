"""The fault campaign runs on the engine tier's fixtures (real engine, emulator on a port)."""

from tests.engine.conftest import emulator, emulator_server, resources_stack  # noqa: F401
