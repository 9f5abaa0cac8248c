"""A live probe: which answer the real Fireworks API gives where the public sources differ.

``python -m pulumi_fireworks.probe`` (see :mod:`.cli`) asks each question of
:data:`.questions.CATALOGUE` in turn and prints what the server answered beside what the
provider assumes and a verdict: ``as assumed``, ``the other answer`` (and how the provider
copes with it), ``unclear`` (the answer is printed as it came) or ``not asked`` (and why).
It makes only free throw-away objects (a secret, two LoRA models that are never loaded,
and, only when users can be deleted, a service account with one key), removes them as it
goes, and never prints a credential. It is for a person with a key; CI never runs it, and
its tests run it against the emulator's two profiles.
"""

from __future__ import annotations

from .cli import main
from .questions import CATALOGUE, GROUPS, Question, run
from .report import AS_ASSUMED, NOT_ASKED, OTHER_ANSWER, UNCLEAR, Finding, Leftover, Report
from .session import Session

__all__ = [
    "AS_ASSUMED",
    "CATALOGUE",
    "GROUPS",
    "NOT_ASKED",
    "OTHER_ANSWER",
    "UNCLEAR",
    "Finding",
    "Leftover",
    "Question",
    "Report",
    "Session",
    "main",
    "run",
]
