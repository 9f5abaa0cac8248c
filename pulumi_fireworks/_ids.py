"""Ids the provider derives for objects the user did not name.

A derived id is a pure function of what the program declares (the resource's URN and
the inputs whose change replaces the object), never of a random number: the id that
``pulumi preview`` shows is the one ``pulumi up`` creates, a saved plan applies as
previewed, and an ``up`` that re-runs after an interruption finds what the interrupted
run made instead of creating a second object.
"""

from __future__ import annotations

import hashlib
import re

_SLUG = re.compile(r"[^a-z0-9]+")
SUFFIX_LENGTH = 6
MAX_ID_LENGTH = 63


def slug(text: str, *, max_length: int = MAX_ID_LENGTH) -> str:
    """``My Deployment`` → ``my-deployment``: lower case, ``-`` between words, starting
    with a letter — valid in every Fireworks id."""
    out = _SLUG.sub("-", text.lower()).strip("-") or "resource"
    if not out[0].isalpha():
        out = "r-" + out
    return out[:max_length].rstrip("-")


def autoname(resource_name: str, seed: str) -> str:
    """``chat`` + seed → ``chat-3f9a1c``: the resource name, then six hex digits of the
    seed's SHA-256, so stacks and replacements get ids of their own."""
    digest = hashlib.sha256(seed.encode()).hexdigest()[:SUFFIX_LENGTH]
    stem = slug(resource_name, max_length=MAX_ID_LENGTH - SUFFIX_LENGTH - 1)
    return f"{stem}-{digest}"
