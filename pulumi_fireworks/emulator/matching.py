"""Glob-or-regex matching shared by fault rules and lifecycle rules."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Pattern:
    """Matches a whole string by a glob (``*``, ``?``, ``[..]``) or by a regular expression.

    An empty pattern matches everything. Globs use :func:`fnmatch.fnmatchcase`, so ``*``
    also crosses ``/`` (``/v1/accounts/*/deployments*`` matches every deployment route).
    """

    glob: Optional[str] = None
    regex: Optional[str] = None

    def __post_init__(self) -> None:
        if self.glob is not None and self.regex is not None:
            raise ValueError("give a glob or a regex, not both")
        if self.regex is not None:
            re.compile(self.regex)

    def matches(self, value: str) -> bool:
        if self.regex is not None:
            return re.fullmatch(self.regex, value) is not None
        if self.glob is not None:
            return fnmatch.fnmatchcase(value, self.glob)
        return True

    @property
    def specified(self) -> bool:
        return self.glob is not None or self.regex is not None

    def to_json(self, glob_key: str, regex_key: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.glob is not None:
            out[glob_key] = self.glob
        if self.regex is not None:
            out[regex_key] = self.regex
        return out
