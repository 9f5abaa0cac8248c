"""Managed lifecycles: transitional states that settle later (moto's ``ManagedState``).

A write puts a resource into a *transitional* state (``CREATING``, ``UPDATING``,
``DELETING``, ``DEPLOYING``, ``UNDEPLOYING``, ``UPLOADING``) with :meth:`Lifecycle.start`.
The transition is recorded in the record's ``meta["pending"]`` and settles lazily, when
the resource is next read (GET, or a LIST that includes it) -- no background threads.

When it settles depends on a :class:`Policy`:

* timing ``instant``      -- the write's own response shows the transitional state, and
  every later read sees the settled one;
* timing ``{"reads": N}`` -- the first N reads still see the transitional state, read
  N+1 sees the settled one;
* timing ``{"seconds": S}`` -- settles on the first read S seconds (emulator clock, see
  :class:`Clock`) after the write.

and how it settles on the outcome: ``READY`` (the normal target of :data:`TRANSITIONS`),
``FAILED`` (the collection's failure state, with ``status`` ``{code, message}``), or
``STUCK`` (never leaves the transitional state).

Policies are chosen when the transition starts: the most specific :class:`Rule` wins
(a rule matching the resource name beats a rule for the collection, which beats the
global default; among equals the most recently added wins). Rules may be limited to some
transitional states, e.g. only ``CREATING``.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Union

from .matching import Pattern
from .store import Record, split_name

#: Marker target: the resource disappears when the transition settles.
GONE = None


@dataclass(frozen=True)
class Transition:
    """``state`` settles to ``target`` (or :data:`GONE`), or to ``failed`` on failure."""

    state: str
    target: Optional[str]
    failed: Optional[str] = "FAILED"


#: Default transition table. Collections may pass their own (e.g. a DeployedModel has
#: no FAILED state) and callers may override the target per call (a hard delete goes
#: DELETING -> gone, a soft one DELETING -> DELETED).
TRANSITIONS: dict[str, Transition] = {
    t.state: t
    for t in (
        Transition("CREATING", "READY"),
        Transition("UPDATING", "READY"),
        Transition("DELETING", "DELETED"),
        Transition("DEPLOYING", "DEPLOYED"),
        Transition("UNDEPLOYING", GONE),
        Transition("UPLOADING", "READY"),
    )
}

OUTCOMES = ("READY", "FAILED", "STUCK")


class Clock:
    """Wall clock plus an offset the admin API can advance (to test timed transitions
    without sleeping)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += seconds
            return self._offset

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


@dataclass(frozen=True)
class Timing:
    mode: str = "instant"  # instant | reads | seconds
    value: float = 0

    @classmethod
    def parse(cls, raw: Union[str, int, float, Mapping[str, Any], None]) -> "Timing":
        """``"instant"``, ``{"reads": N}``, ``{"seconds": S}``, or a number of seconds."""
        if raw is None or raw == "instant":
            return cls()
        if isinstance(raw, bool):
            raise ValueError(f"invalid timing: {raw!r}")
        if isinstance(raw, (int, float)):
            return cls._seconds(raw)
        if isinstance(raw, str):
            try:
                return cls._seconds(float(raw))
            except ValueError:
                raise ValueError(f"invalid timing {raw!r}: use 'instant' or a number of seconds") from None
        if isinstance(raw, Mapping) and len(raw) == 1:
            ((mode, value),) = raw.items()
            if mode == "reads" and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return cls("reads", value)
            if mode == "seconds" and isinstance(value, (int, float)) and not isinstance(value, bool):
                return cls._seconds(value)
        raise ValueError(f"invalid timing {raw!r}: use 'instant', {{'reads': N}} or {{'seconds': S}}")

    @classmethod
    def _seconds(cls, value: float) -> "Timing":
        if value < 0:
            raise ValueError("timing seconds must be >= 0")
        return cls("seconds", float(value)) if value else cls()

    def to_json(self) -> Union[str, dict[str, float]]:
        if self.mode == "instant":
            return "instant"
        return {self.mode: int(self.value) if self.mode == "reads" else self.value}


@dataclass(frozen=True)
class Policy:
    timing: Timing = field(default_factory=Timing)
    outcome: str = "READY"
    message: Optional[str] = None
    status_code: str = "INTERNAL"

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> "Policy":
        outcome = str(raw.get("outcome", "READY")).upper()
        if outcome not in OUTCOMES:
            raise ValueError(f"invalid outcome {outcome!r}: one of {', '.join(OUTCOMES)}")
        return cls(
            timing=Timing.parse(raw.get("timing")),
            outcome=outcome,
            message=raw.get("message"),
            status_code=str(raw.get("statusCode", "INTERNAL")),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"timing": self.timing.to_json(), "outcome": self.outcome}
        if self.message is not None:
            out["message"] = self.message
        if self.outcome == "FAILED":
            out["statusCode"] = self.status_code
        return out


@dataclass(frozen=True)
class Rule:
    id: str
    policy: Policy
    collection: Optional[str] = None
    name: Pattern = field(default_factory=Pattern)
    states: Optional[frozenset[str]] = None

    def matches(self, name: str, collection: str, state: str) -> bool:
        if self.collection is not None and self.collection != collection:
            return False
        if self.states is not None and state not in self.states:
            return False
        return self.name.matches(name)

    @property
    def specificity(self) -> int:
        return 2 if self.name.specified else 1 if self.collection is not None else 0

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, **self.policy.to_json()}
        if self.collection is not None:
            out["collection"] = self.collection
        out.update(self.name.to_json("name", "nameRegex"))
        if self.states is not None:
            out["states"] = sorted(self.states)
        return out


@dataclass(frozen=True)
class Settlement:
    """What :meth:`Lifecycle.advance` did: ``to_state`` None means the resource is gone."""

    from_state: str
    to_state: Optional[str]
    failed: bool = False


class Lifecycle:
    """The policy table plus the start/advance mechanics; see the module docstring."""

    def __init__(self, default: Optional[Policy] = None, clock: Optional[Clock] = None) -> None:
        self._initial_default = default or Policy()
        self.default = self._initial_default
        self.clock = clock or Clock()
        self._rules: list[Rule] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # -- configuration (admin API) --------------------------------------------------

    def add_rule(self, raw: Mapping[str, Any]) -> Rule:
        states = raw.get("states")
        rule = Rule(
            id=f"lc-{next(self._ids)}",
            policy=Policy.parse(raw),
            collection=raw.get("collection"),
            name=Pattern(raw.get("name"), raw.get("nameRegex")),
            states=frozenset(s.upper() for s in states) if states else None,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove_rule(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) < before

    def clear_rules(self) -> None:
        with self._lock:
            self._rules = []

    def rules(self) -> list[Rule]:
        with self._lock:
            return list(self._rules)

    def reset(self) -> None:
        self.clear_rules()
        self.default = self._initial_default
        self.clock.reset()

    def policy_for(self, name: str, collection: str, state: str) -> Policy:
        best: Optional[Rule] = None
        for rule in self.rules():  # later rules win ties
            if rule.matches(name, collection, state) and (best is None or rule.specificity >= best.specificity):
                best = rule
        return best.policy if best else self.default

    # -- mechanics ------------------------------------------------------------------

    def start(
        self,
        record: Record,
        state: str,
        *,
        gone: bool = False,
        transitions: Mapping[str, Transition] = TRANSITIONS,
    ) -> None:
        """Put ``record`` into transitional ``state`` under the policy that applies to it.

        It settles to the target of ``transitions[state]``, or disappears if ``gone``
        (e.g. a hard delete: DELETING -> gone, where a soft one settles to DELETED).
        """
        transition = transitions[state]
        _, _, collection, _ = split_name(record.name)
        policy = self.policy_for(record.name, collection, state)
        pending: dict[str, Any] = {
            "state": state,
            "target": GONE if gone else transition.target,
            "failed": transition.failed,
            "outcome": policy.outcome,
            "message": policy.message,
            "statusCode": policy.status_code,
        }
        if policy.timing.mode == "seconds":
            pending["due"] = self.clock.now() + policy.timing.value
        else:
            pending["readsLeft"] = int(policy.timing.value)
        record.doc["state"] = state
        record.meta["pending"] = pending

    def cancel(self, record: Record) -> None:
        record.meta.pop("pending", None)

    def advance(self, record: Record, *, count_read: bool = True) -> Optional[Settlement]:
        """Settle ``record``'s transition if due; a read (``count_read``) counts towards
        ``{"reads": N}`` timings, a write does not.

        Mutates ``record`` (``doc.state``, ``doc.status``, ``meta``). Returns what
        happened, or None if nothing settled (no transition, not yet due, or STUCK).
        """
        pending = record.meta.get("pending")
        if not pending or pending.get("outcome") == "STUCK":
            return None
        if "due" in pending:
            if self.clock.now() < pending["due"]:
                return None
        elif pending.get("readsLeft", 0) > 0:
            if count_read:
                pending["readsLeft"] -= 1
            return None
        del record.meta["pending"]
        if pending["outcome"] == "FAILED" and pending.get("failed"):
            record.doc["state"] = pending["failed"]
            record.doc["status"] = {
                "code": pending.get("statusCode") or "INTERNAL",
                "message": pending.get("message") or f"{pending['state'].lower()} failed (emulated failure)",
            }
            return Settlement(pending["state"], pending["failed"], failed=True)
        target = pending.get("target")
        if target is not None:
            record.doc["state"] = target
            record.doc["status"] = {"code": "OK", "message": ""}
        return Settlement(pending["state"], target)
