"""Compare what the user asked for with what the server holds.

The server normalises what it stores: it fills defaults, renders durations its own
way, rewrites a shape name into a shape-version name, and (proto3) omits zero values.
None of that is a change the user made, so none of it may show up as a diff. This
module decides, field by field, whether a live value still satisfies a desired one,
and builds the inputs ``refresh`` hands back to the engine.
"""

from __future__ import annotations

import math
from typing import Any, Callable

Equivalence = Callable[[str, Any, Any], bool]

def _is_zero(value: Any) -> bool:
    """proto3 leaves zero values out of responses: absent, 0, false, "" and empty all match."""
    if value is None or value is False or value in ("", [], {}):
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def satisfies(field: str, desired: Any, live: Any, extra: Equivalence) -> bool:
    """Whether ``live`` is what ``desired`` asks for, after the server's normalisation."""
    if desired == live:
        return True
    if _is_zero(desired) and _is_zero(live):
        return True
    if isinstance(desired, dict) and isinstance(live, dict):
        # The server adds defaults to objects; only the keys the user set matter.
        return all(satisfies(f"{field}.{k}", v, live.get(k), extra) for k, v in desired.items())
    if isinstance(desired, dict) and live is None:
        return all(_is_zero(v) for v in desired.values())
    if isinstance(desired, (int, float)) and isinstance(live, (int, float)):
        return math.isclose(float(desired), float(live), rel_tol=1e-9, abs_tol=1e-9)
    return extra(field, desired, live)


def project(field: str, desired: Any, live: Any, extra: Equivalence) -> Any:
    """The value to record as the user's input after a refresh.

    Where the live value satisfies the desired one, the desired spelling is kept (no
    diff); where it does not, the live value is taken, so that the next ``up`` shows
    the drift and puts it back.
    """
    if satisfies(field, desired, live, extra):
        return desired
    if isinstance(desired, dict) and isinstance(live, dict):
        return {k: project(f"{field}.{k}", v, live.get(k), extra) for k, v in desired.items()}
    return live
