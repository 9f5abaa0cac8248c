"""What the CLI shows for a planned update: exactly the fields that change, and why a
replacement happens.

``pulumi.dynamic``'s ``DiffResult`` carries no changed keys and its server sends none
(``pulumi/dynamic/__main__.py`` builds ``DiffResponse`` from ``changes``, ``replaces``
and ``delete_before_replace`` alone). The engine then lists whatever differs between
the old and new inputs: outputs recorded with the inputs after a refresh show up as
``+name``, a changed secret shows nothing at all, and a failed object's replacement
gives no reason. So the provider records, per call, the fields its diff found (in
:func:`report`, from the thread serving the call) and a process hook (``_process``)
hands the server a ``DiffResponse`` factory that adds them as ``diffs`` and
``detailedDiff``. Without the hook, everything still works, with the engine's own keys.
"""

from __future__ import annotations

import threading
from typing import Any, Mapping, Optional

from ._drift import is_zero
from ._inputs import is_unknown

_pending = threading.local()

KIND_ADD, KIND_DELETE, KIND_UPDATE = "ADD", "DELETE", "UPDATE"


def report(changed: Mapping[str, str], replaces: list[str], outputs: frozenset[str] = frozenset()) -> None:
    """Record the diff of the call this thread serves: field → ``ADD``/``DELETE``/``UPDATE``;
    ``replaces`` those that force a replacement; ``outputs`` those that are not inputs (a
    failed ``state``)."""
    _pending.value = (dict(changed), list(replaces), outputs)


def kind_of(old: Any, new: Any) -> str:
    if is_unknown(new):
        return KIND_UPDATE
    if is_zero(old):
        return KIND_ADD
    if is_zero(new):
        return KIND_DELETE
    return KIND_UPDATE


def take() -> Optional[tuple[dict[str, str], list[str], frozenset[str]]]:
    value = getattr(_pending, "value", None)
    _pending.value = None
    return value


class DiffResponseWithKeys:
    """Stands in for ``proto.DiffResponse`` in the server: constants are the real ones,
    and a response with changes gets the keys :func:`report` recorded."""

    def __init__(self, real: Any, property_diff: Any) -> None:
        self._real = real
        self._property_diff = property_diff

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __call__(self, **fields: Any) -> Any:
        recorded = take()
        if recorded is not None and fields.get("changes") == self._real.DIFF_SOME:
            changed, replaces, outputs = recorded
            detailed = {}
            for field, kind in changed.items():
                suffix = "_REPLACE" if field in replaces else ""
                detailed[field] = self._property_diff(
                    kind=self._property_diff.Kind.Value(kind + suffix), inputDiff=field not in outputs
                )
            fields.update(diffs=sorted(changed), detailedDiff=detailed, hasDetailedDiff=True)
        return self._real(**fields)


class ProtoWithDiffKeys:
    """The server's ``proto`` module with :class:`DiffResponseWithKeys` in place."""

    def __init__(self, proto: Any) -> None:
        self._proto = proto
        self.DiffResponse = DiffResponseWithKeys(proto.DiffResponse, proto.PropertyDiff)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._proto, name)
