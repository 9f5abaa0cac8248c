"""What request handlers work with: the emulator's state and settings, not its ASGI app.

Handlers, the generic collection, seeds and signed uploads all take a :class:`Backend`,
so only the app (:mod:`.app`) and its admin API (:mod:`.admin`) know about each other.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional, Protocol

from .config import Behaviour, EmulatorConfig
from .lifecycle import Lifecycle
from .store import Record, Store, split_name


class Served(Protocol):
    """What one collection offers the others (see :class:`~.resource.Collection`)."""

    collection: ClassVar[str]

    def load(self, req: Any, name: str, *, read: bool = True) -> Optional[Record]:
        """The stored resource with its lifecycle advanced; None if absent or gone."""
        ...

    def remove(self, store: Store, name: str) -> bool:
        """Remove ``name`` for good, out of band, with what the service removes along."""
        ...


@dataclass
class Backend:
    config: EmulatorConfig
    store: Store
    lifecycle: Lifecycle
    behaviour: Behaviour
    #: Every collection served (handlers look each other up, e.g. to settle a referrer).
    collections: list[Served] = field(default_factory=list)

    def collection(self, name: str) -> Optional[Served]:
        """The collection that serves the resource ``name`` (by its collection segment)."""
        try:
            segment = split_name(name)[2]
        except ValueError:
            return None
        return next((c for c in self.collections if c.collection == segment), None)
    #: Signs upload URLs; random per emulator process.
    upload_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
