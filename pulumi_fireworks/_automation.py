"""Automation API programs find this package in the dynamic-provider process too.

Every pulumi-fireworks resource is served by the ``pulumi-python`` plugin, which the engine
starts as ``$PULUMI_PYTHON_CMD -m pulumi.dynamic``, falling back to ``python3`` from
``PATH`` (unless the project names a virtualenv or toolchain). A local program run by the
``pulumi`` CLI from an activated virtualenv gets the right Python that way. An Automation
API program does not: it runs inside the caller's own interpreter (an inline program) or
starts the CLI from it, and that interpreter is often a virtualenv's Python that is not
first on ``PATH`` (an IDE, a service, ``venv/bin/python deploy.py``). The plugin then
starts some other ``python3`` and every resource fails with "No module named 'pulumi'".

The interpreter that imported this package has ``pulumi`` and ``pulumi_fireworks``; that
is the one the plugin needs. So importing the package makes it the default for the
processes this one starts (an ``auto`` workspace's CLI and, through it, the plugin). It
is a default only: a ``PULUMI_PYTHON_CMD`` already set (even to ``""``) is left alone, and
a project's ``virtualenv``/``toolchain`` option still wins inside the plugin.
"""

from __future__ import annotations

import os
import sys

PYTHON_CMD = "PULUMI_PYTHON_CMD"


def default_python_for_plugins() -> None:
    """``PULUMI_PYTHON_CMD`` = this interpreter, unless it is set (see the module docstring)."""
    if sys.executable and PYTHON_CMD not in os.environ:
        os.environ[PYTHON_CMD] = sys.executable
