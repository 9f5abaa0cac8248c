"""Tests of the local Fireworks control-plane emulator."""
