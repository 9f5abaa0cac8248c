"""Durations as users write them and as the API carries them.

The API speaks proto3 JSON, where a Duration is seconds with an ``s`` suffix
(``"600s"``, ``"1.5s"``). Users write ``"10m"``, ``"1h30m"``, ``"600s"`` or plain seconds.
We turn every spelling into the canonical wire form at ``check`` time, so that
``"10m"`` in the program and ``"600s"`` from the server never show up as a diff.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_UNIT_SECONDS = {"h": Decimal(3600), "m": Decimal(60), "s": Decimal(1), "ms": Decimal("0.001")}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_seconds(value: object) -> Decimal:
    """Seconds in ``value``; raises ``ValueError`` with a message meant for users."""
    if isinstance(value, bool):
        raise ValueError("must be a duration such as \"10m\", \"600s\" or a number of seconds")
    if isinstance(value, (int, float, Decimal)):
        seconds = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip()
        try:
            seconds = Decimal(text)
        except InvalidOperation:
            seconds = _parse_go_style(text)
    else:
        raise ValueError("must be a duration such as \"10m\", \"600s\" or a number of seconds")
    if seconds < 0:
        raise ValueError("must not be negative")
    return seconds


def _parse_go_style(text: str) -> Decimal:
    pos, total = 0, Decimal(0)
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        total += Decimal(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(
            f"{text!r} is not a duration; write e.g. \"30s\", \"10m\", \"1h30m\" or a number of seconds"
        )
    return total


def to_wire(value: object) -> str:
    """The canonical proto3 JSON spelling: ``"600s"``, or ``"1.5s"`` for fractions."""
    seconds = parse_seconds(value)
    if seconds == seconds.to_integral_value():
        return f"{int(seconds)}s"
    return f"{seconds.normalize():f}s"
