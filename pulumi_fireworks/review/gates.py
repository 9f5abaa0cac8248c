"""Rules that make the review command exit non-zero, so CI can stop a risky merge.

Why separate from the rendering: the same findings are shown in the PR comment (so the author
sees why CI failed) and decide the exit code; each rule is a sentence a reviewer understands.

"Protected" means Pulumi's ``protect`` resource option, or a ``--protect`` pattern. The engine
itself refuses to replace or delete a resource with ``protect`` (the preview fails), but a
pattern lets a team guard resources it does not want locked in code, e.g. every production
deployment: ``--protect 'fireworks:Deployment::prod-*'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from .preview import Preview, ResourceChange


@dataclass(frozen=True)
class GateOptions:
    fail_on_delete: bool = False
    """Fail when a resource is deleted (replacements are covered by the two options below)."""
    fail_on_replace: bool = False
    """Fail on any replacement."""
    fail_on_replace_protected: bool = False
    """Fail when a protected resource would be replaced."""
    protect_patterns: tuple[str, ...] = ()
    """Also protected: resources whose ``<type>::<name>`` (``fireworks:Deployment::chat``)
    matches one of these shell-style patterns."""


def is_protected(change: ResourceChange, patterns: Sequence[str] = ()) -> bool:
    return change.protected or any(fnmatchcase(change.label, pattern) for pattern in patterns)


@dataclass(frozen=True)
class GateFailure:
    label: str
    """The resource, ``<type>::<name>``."""
    reason: str
    """What breaks the rule, with the option that asked for it."""

    def __str__(self) -> str:
        return f"{self.label} {self.reason}"


def gate_failures(preview: Preview, options: GateOptions) -> list[GateFailure]:
    """One entry per rule broken, in the order of the resources."""
    failures: list[GateFailure] = []
    for change in sorted(preview.changes, key=lambda c: c.label):
        if change.action == "delete" and options.fail_on_delete:
            failures.append(GateFailure(change.label, "would be deleted (--fail-on-delete)"))
        if change.action == "replace":
            if options.fail_on_replace:
                failures.append(GateFailure(change.label, "would be replaced (--fail-on-replace)"))
            elif options.fail_on_replace_protected and is_protected(change, options.protect_patterns):
                failures.append(
                    GateFailure(change.label, "is protected and would be replaced (--fail-on-replace-protected)")
                )
    return failures
