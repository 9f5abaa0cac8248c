"""The request log: what was asked and answered, never what was secret.

Each entry: ``id``, ``time`` (epoch seconds), ``method``, ``path``, ``query`` (a dict;
values of parameters whose names look secret are replaced by ``"<redacted>"``),
``status`` (0 when the connection was dropped), ``latencyMs``, ``account`` (the key's
account, when authenticated) and ``fault`` (the id of the fault rule that fired, if any).
Headers and bodies are never recorded, so API keys, ``Authorization`` headers, secret
values and created API keys cannot leak through it. Admin requests are not logged.
"""

from __future__ import annotations

import collections
import itertools
import re
import threading
from typing import Any, Iterable, Optional

_SECRET_PARAM = re.compile(r"(?i)(key|secret|password|passwd|credential|signature|auth|session)")


def redact_query(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in pairs:
        out[name] = "<redacted>" if _SECRET_PARAM.search(name) else value
    return out


class RequestLog:
    def __init__(self, capacity: int = 10_000) -> None:
        self._entries: collections.deque[dict[str, Any]] = collections.deque(maxlen=capacity)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(
        self,
        *,
        time: float,
        method: str,
        path: str,
        query: dict[str, Any],
        status: int,
        latency_ms: float,
        account: Optional[str] = None,
        fault: Optional[str] = None,
    ) -> None:
        entry = {
            "id": next(self._ids),
            "time": time,
            "method": method,
            "path": path,
            "query": query,
            "status": status,
            "latencyMs": round(latency_ms, 3),
            "account": account,
            "fault": fault,
        }
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
