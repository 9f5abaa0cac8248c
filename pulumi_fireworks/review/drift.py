"""``python -m pulumi_fireworks.review.drift --stack dev``: has anything changed outside Pulumi?

Why a command of its own: drift is found by a scheduled job, not by a pull request, and the
job must tell three answers apart: nothing changed (exit 0), something changed (exit 1, with
a summary naming each resource and field), or the check could not run (exit 2). It runs

    pulumi preview --refresh --json --show-sames --stack <stack>

in the project directory: the refresh reads every resource from Fireworks (nothing is written,
to Fireworks or to the state), and the plan that follows shows what the next ``up`` would
change back, field by field. That plan is rendered by the review summary (secrets masked),
titled as a drift report. ``--output`` writes it to a file (e.g. ``$GITHUB_STEP_SUMMARY``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from .changes import field_changes
from .markdown import deliver, render
from .preview import Preview, PreviewFormatError, parse_preview

EXIT_NO_DRIFT = 0
EXIT_DRIFT = 1
EXIT_ERROR = 2


def preview_with_refresh(stack: str, cwd: Path, pulumi: str = "pulumi") -> tuple[int, str, str]:
    """Run the refreshing preview; its exit code, JSON and stderr."""
    done = subprocess.run(
        [pulumi, "preview", "--refresh", "--json", "--show-sames", "--stack", stack, "--non-interactive"],
        cwd=cwd, capture_output=True, text=True,
    )
    return done.returncode, done.stdout, done.stderr


def drift_lines(preview: Preview) -> list[str]:
    """One line per drifted resource: what the next ``up`` does to it, and which fields."""
    lines = []
    for change in sorted(preview.changes, key=lambda c: c.label):
        fields = sorted({c.path for c in field_changes(change)})
        where = f": {', '.join(fields)}" if fields else ""
        lines.append(f"{change.label} would {change.action}{where}")
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_fireworks.review.drift",
        description="Check a stack for changes made outside Pulumi: exit 0 none, 1 drift (with a summary), 2 could not run.",
    )
    parser.add_argument("--stack", required=True, help="the stack to check, e.g. dev or my-org/prod")
    parser.add_argument("--cwd", type=Path, default=Path("."), help="the project directory (holding Pulumi.yaml)")
    parser.add_argument("-o", "--output", type=Path, help="write the Markdown summary here (default: stdout)")
    parser.add_argument("--pulumi", default="pulumi", help="the pulumi binary (default: pulumi on PATH)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)

    code, out, err = preview_with_refresh(args.stack, args.cwd, args.pulumi)
    try:
        preview = parse_preview(out)
    except PreviewFormatError as exc:
        print(f"drift: the preview did not run ({exc}); pulumi said:\n{err.strip()[-2000:]}", file=sys.stderr)
        return EXIT_ERROR
    if preview.failed or code != 0:
        print(f"drift: the preview failed; pulumi said:\n{err.strip()[-2000:]}", file=sys.stderr)
        return EXIT_ERROR
    lines = drift_lines(preview)
    title = f"Drift in {preview.project or 'the project'} / {args.stack}" if lines else None
    markdown = render(preview, title=title) if lines else f"No drift in `{args.stack}`: Fireworks matches the state.\n"
    deliver(markdown, args.output, lines, "drift")
    return EXIT_DRIFT if lines else EXIT_NO_DRIFT


if __name__ == "__main__":
    raise SystemExit(main())
