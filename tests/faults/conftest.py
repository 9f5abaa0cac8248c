"""The fault campaign runs on the engine tier's fixtures (real engine, emulator on a port)."""

from tests.engine.conftest import resources_stack  # noqa: F401
