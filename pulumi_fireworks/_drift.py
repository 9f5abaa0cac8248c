"""Compare what the user asked for with what the server holds.

The server normalises what it stores: it fills defaults, renders durations its own
way, rewrites a shape name into a shape-version name, and (proto3) omits zero values.
None of that is a change the user made, so none of it may show up as a diff. This
module decides, field by field, whether a live value still satisfies a desired one,
and builds the inputs ``refresh`` hands back to the engine.
"""

from __future__ import annotations

import fnmatch
import math
from typing import Any, Callable, Collection

from ._inputs import is_unknown

Equivalence = Callable[[str, Any, Any], bool]


def is_zero(value: Any) -> bool:
    """Whether ``value`` is a proto3 zero value. Servers either leave those out of
    responses or spell them out (as many gateways do), so absent, null, 0, false, "",
    empty lists and maps, and ``*_UNSPECIFIED`` enums all mean the same: not set."""
    if value is None or value is False or value in ("", [], {}):
        return True
    if isinstance(value, str):
        return value.endswith("_UNSPECIFIED") and not is_unknown(value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


def same(old: Any, new: Any) -> bool:
    """Whether an input changed between two runs (``new`` may be unknown at preview)."""
    if is_unknown(new):
        return False
    if is_zero(old) and is_zero(new):
        return True
    if isinstance(old, dict) and isinstance(new, dict):
        keys = set(old) | set(new)
        return all(same(old.get(k), new.get(k)) for k in keys)
    return bool(old == new)


def is_map(field: str, maps: Collection[str]) -> bool:
    return any(fnmatch.fnmatchcase(field, pattern) for pattern in maps)


Unseen = Collection[str]
"""Dotted paths of inputs a server may drop without a word (fields newer than the SDK a
gateway may not know): where the live object has nothing, nothing can be compared, so
what was asked for is taken as kept rather than reported as drift every time."""


def satisfies(
    field: str, desired: Any, live: Any, extra: Equivalence, maps: Collection[str] = (), unseen: Unseen = ()
) -> bool:
    """Whether ``live`` is what ``desired`` asks for, after the server's normalisation.

    ``maps`` are the dotted paths of map inputs (see ``_inputs.map_paths``): their keys
    are the user's, so a key the server holds beyond them is drift. ``unseen``: see
    :data:`Unseen`.
    """
    if desired == live:
        return True
    if is_zero(live) and field in unseen:
        return True
    if is_zero(desired) and is_zero(live):
        return True
    if isinstance(desired, dict) and isinstance(live, dict):
        if is_map(field, maps) and {k for k, v in live.items() if not is_zero(v)} - set(desired):
            return False
        # The server adds defaults to objects; only the keys the user set matter.
        return all(satisfies(f"{field}.{k}", v, live.get(k), extra, maps, unseen) for k, v in desired.items())
    if isinstance(desired, dict) and live is None:
        return all(is_zero(v) for v in desired.values())
    if isinstance(desired, (int, float)) and isinstance(live, (int, float)):
        return math.isclose(float(desired), float(live), rel_tol=1e-9, abs_tol=1e-9)
    return extra(field, desired, live)


def project(field: str, desired: Any, live: Any, extra: Equivalence, maps: Collection[str] = (), unseen: Unseen = ()) -> Any:
    """The value to record as the user's input after a refresh.

    Where the live value satisfies the desired one, the desired spelling is kept (no
    diff); where it does not, the live value is taken, so that the next ``up`` shows
    the drift and puts it back.
    """
    if satisfies(field, desired, live, extra, maps, unseen):
        return desired
    if isinstance(desired, dict) and isinstance(live, dict) and not is_map(field, maps):
        return {k: project(f"{field}.{k}", v, live.get(k), extra, maps, unseen) for k, v in desired.items()}
    if isinstance(desired, dict) and isinstance(live, dict):
        keys = set(desired) | {k for k, v in live.items() if not is_zero(v)}
        return {k: project(f"{field}.{k}", desired.get(k), live.get(k), extra, maps, unseen) for k in sorted(keys)}
    return live
