"""Reusable test helpers (importable as ``tests.support``)."""
