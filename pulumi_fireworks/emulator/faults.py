"""Fault injection: rules matched by method and path, firing by probability and/or count.

A rule (JSON, as the admin API takes it)::

    {"method": "POST",                      # or "*" (default)
     "path": "/v1/accounts/*/deployments",   # glob; or "pathRegex": "..."; neither = any
     "probability": 0.5,                     # default 1
     "times": 2,                             # fire at most twice, then the rule is gone
     "seed": 7,                              # optional, makes the probability reproducible
     "action": {...}}

Rules also reach the PUTs to signed upload URLs (:mod:`.uploads`), matched as
``PUT /emulator/uploads/<resource name>/<file name>`` -- e.g. ``"path":
"/emulator/uploads/accounts/*/models/*/adapter_model.safetensors"`` fails that file of
every model -- and answered in the storage service's XML error shape (``Retry-After``
included). They are not written to the request log (the URL is a credential).

Actions:

* ``{"type": "error", "status": 503, "code": 14, "message": "...", "retryAfter": 2}`` --
  answer at once with the API error format (``code`` defaults from the status; a
  ``Retry-After`` header when ``retryAfter`` is given);
* ``{"type": "latency", "seconds": 0.5}`` -- delay, then serve normally;
* ``{"type": "drop"}`` -- close the connection without any HTTP response;
* ``{"type": "commit_then_error", "status": 500}`` -- perform the request (its change is
  committed), then answer the error instead of the real response.
"""

from __future__ import annotations

import itertools
import random
import threading
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from .errors import ApiError, Code, code_for_http
from .matching import Pattern

ACTIONS = ("error", "latency", "drop", "commit_then_error")


@dataclass
class FaultRule:
    id: str
    action: dict[str, Any]
    method: str = "*"
    path: Pattern = field(default_factory=Pattern)
    probability: float = 1.0
    times: Optional[int] = None
    hits: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method == method.upper()) and self.path.matches(path)

    def error(self) -> ApiError:
        status = int(self.action.get("status", 500))
        code = self.action.get("code")
        if isinstance(code, str):
            code = Code[code]
        grpc = Code(code) if code is not None else code_for_http(status)
        headers = {}
        if self.action.get("retryAfter") is not None:
            headers["Retry-After"] = str(self.action["retryAfter"])
        message = self.action.get("message") or f"injected fault ({self.id})"
        return ApiError(grpc, message, status=status, headers=headers)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "method": self.method, "action": self.action,
                               "probability": self.probability, "hits": self.hits}
        out.update(self.path.to_json("path", "pathRegex"))
        if self.times is not None:
            out["times"] = self.times
            out["remaining"] = self.times - self.hits
        return out


def _parse_action(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or raw.get("type") not in ACTIONS:
        raise ValueError(f"action.type must be one of {', '.join(ACTIONS)}")
    action = dict(raw)
    if action["type"] in ("error", "commit_then_error"):
        status = int(action.setdefault("status", 500))
        if not 400 <= status <= 599:
            raise ValueError("action.status must be an HTTP error status (400-599)")
        code = action.get("code")
        if isinstance(code, str) and code not in Code.__members__:
            raise ValueError(f"unknown action.code {code!r}")
        if isinstance(code, int):
            Code(code)
    if action["type"] == "latency":
        seconds = float(action.get("seconds", 0))
        if seconds < 0:
            raise ValueError("action.seconds must be >= 0")
        action["seconds"] = seconds
    return action


class FaultTable:
    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, raw: Mapping[str, Any]) -> FaultRule:
        probability = float(raw.get("probability", 1.0))
        if not 0 <= probability <= 1:
            raise ValueError("probability must be within [0, 1]")
        times = raw.get("times")
        if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
            raise ValueError("times must be a positive integer")
        rule = FaultRule(
            id=f"fault-{next(self._ids)}",
            action=_parse_action(raw.get("action")),
            method=str(raw.get("method", "*")).upper(),
            path=Pattern(raw.get("path"), raw.get("pathRegex")),
            probability=probability,
            times=times,
            rng=random.Random(raw.get("seed")),
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def match(self, method: str, path: str) -> Optional[FaultRule]:
        """The first rule that matches and fires (counting the hit), or None."""
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                if rule.probability < 1 and rule.rng.random() >= rule.probability:
                    continue
                rule.hits += 1
                if rule.times is not None and rule.hits >= rule.times:
                    self._rules.remove(rule)
                return rule
        return None

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) < before

    def clear(self) -> None:
        with self._lock:
            self._rules = []
