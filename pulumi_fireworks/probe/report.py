"""What the probe found, and how it is printed: a table for people, JSON for scripts.

Every string that leaves the probe goes through a :class:`Redactor` first, which knows
the API key, the secret value and any API key the probe made: a server that echoes one
of them in an error message still never gets it printed.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import asdict, dataclass, field
from typing import Any, Optional, Sequence, Union

__all__ = [
    "AS_ASSUMED",
    "OTHER_ANSWER",
    "UNCLEAR",
    "NOT_ASKED",
    "Finding",
    "Leftover",
    "Redactor",
    "Report",
    "render_table",
    "render_json",
]

AS_ASSUMED = "as assumed"
"""The server gave the answer the provider is written for."""
OTHER_ANSWER = "the other answer"
"""The server gave the other known answer, which the provider copes with (the detail says how)."""
UNCLEAR = "unclear"
"""The answer fits neither known one (it is printed as it came), or the question could not finish."""
NOT_ASKED = "not asked"
"""The question was not put to the server (the detail says why)."""

VERDICTS = (AS_ASSUMED, OTHER_ANSWER, UNCLEAR, NOT_ASKED)

Observed = Union[str, int, bool, None]


@dataclass
class Finding:
    """One question and what the server said to it."""

    key: str
    """Stable name of the question, e.g. ``user-delete-route``."""
    question: str
    assumption: str
    """What the provider assumes, and how it copes with the other answer."""
    answer: str = ""
    """What the server answered: method, status, gRPC code and a message excerpt."""
    verdict: str = NOT_ASKED
    """One of :data:`VERDICTS`."""
    detail: str = ""
    """Why this verdict; for the other answer, how the provider copes."""
    observed: Observed = None
    """The answer in one word, for scripts: ``"404"``, ``"present"``, ``True``, ..."""
    emulator: dict[str, Any] = field(default_factory=dict)
    """The emulator behaviour switch(es) that answer the same way (``/emulator/v1/behaviour``)."""

    @property
    def verdict_text(self) -> str:
        return f"{self.verdict}: {self.detail}" if self.detail else self.verdict


@dataclass
class Leftover:
    """Something the probe made and could not remove."""

    kind: str
    name: str
    reason: str
    remove: str
    """The command that removes it (the key as ``$FIREWORKS_API_KEY``, never its value)."""


@dataclass
class Report:
    base_url: str
    account_id: str
    findings: list[Finding]
    leftovers: list[Leftover]

    def emulator_behaviour(self) -> dict[str, Any]:
        """The emulator switches that answer like this server, merged (for ``PATCH /emulator/v1/behaviour``)."""
        merged: dict[str, Any] = {}
        for finding in self.findings:
            merged.update(finding.emulator)
        return merged


class Redactor:
    """Replaces every known credential in the text it is given."""

    MASK = "[redacted]"

    def __init__(self, *secrets: str) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: Optional[str]) -> None:
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, self.MASK)
        return text

    def scrub(self, value: Any) -> Any:
        """``value`` with every string in it redacted (dicts and lists walked)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {self(str(k)): self.scrub(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub(v) for v in value]
        return value


# -- the table --------------------------------------------------------------------------------

HEADERS = ("question", "what the server answered", "what the provider assumes / how it copes", "verdict")
#: Share of the line each column gets.
_SHARES = (0.2, 0.28, 0.28, 0.24)
_MIN_WIDTH = 100


def _widths(total: int) -> list[int]:
    usable = total - 3 * (len(HEADERS) - 1)
    return [max(12, int(usable * share)) for share in _SHARES]


def _row(cells: Sequence[str], widths: Sequence[int]) -> list[str]:
    wrapped = [textwrap.wrap(cell, width, break_long_words=True, break_on_hyphens=False) or [""]
               for cell, width in zip(cells, widths)]
    height = max(len(lines) for lines in wrapped)
    return [
        " | ".join((lines[i] if i < len(lines) else "").ljust(width) for lines, width in zip(wrapped, widths)).rstrip()
        for i in range(height)
    ]


def render_table(report: Report, redact: Redactor, width: Optional[int] = None) -> str:
    """The findings as a wrapped four-column table, then what was left behind, if anything."""
    total = max(_MIN_WIDTH, width or shutil.get_terminal_size((160, 24)).columns)
    widths = _widths(total)
    rule = "-+-".join("-" * w for w in widths)
    lines = [
        f"pulumi-fireworks probe of {report.base_url} (account {report.account_id})",
        "",
        *_row(HEADERS, widths),
        rule,
    ]
    for finding in report.findings:
        cells = (finding.question, finding.answer or "-", finding.assumption, finding.verdict_text)
        lines += _row([redact(c) for c in cells], widths)
        lines.append(rule)
    lines.append("")
    behaviour = report.emulator_behaviour()
    if behaviour:
        lines.append(
            "The emulator answers like this server with: "
            + redact(json.dumps(behaviour, sort_keys=True))
            + " (PATCH /emulator/v1/behaviour)"
        )
    if report.leftovers:
        lines.append(f"LEFT BEHIND: {len(report.leftovers)} object(s) the probe made could not be removed:")
        for left in report.leftovers:
            lines.append(redact(f"  - {left.kind} {left.name}: {left.reason}"))
            lines.append(redact(f"    remove it with: {left.remove}"))
    else:
        lines.append("Nothing left behind: everything the probe made was removed.")
    return "\n".join(lines) + "\n"


def render_json(report: Report, redact: Redactor) -> str:
    doc = {
        "baseUrl": report.base_url,
        "accountId": report.account_id,
        "findings": [asdict(f) for f in report.findings],
        "emulatorBehaviour": report.emulator_behaviour(),
        "leftovers": [asdict(left) for left in report.leftovers],
    }
    return json.dumps(redact.scrub(doc), indent=2) + "\n"
