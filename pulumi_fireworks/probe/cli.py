"""``python -m pulumi_fireworks.probe``: ask the real API what the public sources leave open.

Configuration is the provider's environment: ``FIREWORKS_API_KEY`` (required),
``FIREWORKS_ACCOUNT_ID`` (default: the one account the key sees) and ``FIREWORKS_BASE_URL``
(default ``https://api.fireworks.ai``); ``--base-url`` overrides the last, e.g. to point it
at the local emulator.

Exit codes:

* 0 - it ran, whatever the answers were, and removed everything it made;
* 1 - something it made could not be removed (the output says what, and how to remove it);
* 2 - bad usage, no API key, or the API could not be reached with it (nothing was made);
* 130 - interrupted (what it made so far was removed, or is listed as left behind).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Optional, TextIO

from .._config import DEFAULT_BASE_URL, ENV_API_KEY, ENV_BASE_URL, resolve_settings
from .._errors import FireworksError
from .._http import Client
from .questions import GROUPS, run
from .report import Redactor, Report, render_json, render_table
from .session import Session

EXIT_OK = 0
EXIT_LEFT_BEHIND = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_fireworks.probe",
        description=(
            "Ask the Fireworks API each question the public sources leave open (user deletes, missing "
            "secrets, zero values, model uploads and PATCHes, API key annotations) and print what it "
            "answered next to what pulumi-fireworks assumes. It creates only free throw-away objects and "
            f"removes them. Needs {ENV_API_KEY}; FIREWORKS_ACCOUNT_ID and {ENV_BASE_URL} as for the provider."
        ),
        epilog=(
            "Exit codes: 0 ran and removed everything it made; 1 something it made is left (the output "
            "says how to remove it); 2 bad usage, no key, or the API refused it; 130 interrupted."
        ),
    )
    parser.add_argument(
        "--base-url", metavar="URL",
        help=f"the API to ask (default: {ENV_BASE_URL}, else {DEFAULT_BASE_URL}); "
        "http:// only to a loopback address, e.g. the local emulator",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument(
        "--only", action="append", choices=GROUPS, metavar="QUESTION",
        help=f"ask only these questions (repeatable): {', '.join(GROUPS)}",
    )
    parser.add_argument(
        "--wait", type=float, default=120.0, metavar="SECONDS",
        help="longest wait for one thing: files to land, a model to get ready or go (default 120)",
    )
    return parser


def main(
    argv: Optional[Sequence[str]] = None,
    environ: Optional[Mapping[str, str]] = None,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = build_parser().parse_args(argv)
    if args.wait <= 0:
        print("probe: --wait must be more than 0 seconds", file=err)
        return EXIT_USAGE
    env = dict(os.environ if environ is None else environ)
    if args.base_url:
        env[ENV_BASE_URL] = args.base_url
    try:
        settings = resolve_settings(environ=env)
    except FireworksError as exc:
        print(f"probe: {exc}", file=err)
        return EXIT_USAGE
    redact = Redactor(settings.api_key)
    client = Client(settings)
    try:
        try:
            account_id = client.account_id
            client.request("GET", f"/v1/accounts/{account_id}")
        except FireworksError as exc:
            print(redact(f"probe: could not start, nothing was made: {exc}"), file=err)
            return EXIT_USAGE
        session = Session(client, base_url=settings.base_url, redact=redact, wait=args.wait)
        print(f"probe: asking {settings.base_url} (account {account_id}); the throw-away objects are named "
              f"pf-probe-{session.run_id}-*", file=err)
        try:
            report = run(session, only=args.only, progress=lambda what: print(f"probe: asking {what}", file=err))
        except KeyboardInterrupt:
            report = Report(settings.base_url, account_id, [], session.leftovers())
            print("probe: interrupted", file=err)
            out.write(render_json(report, redact) if args.json else render_table(report, redact))
            return EXIT_INTERRUPTED
    finally:
        client.close()
    out.write(render_json(report, redact) if args.json else render_table(report, redact))
    return EXIT_LEFT_BEHIND if report.leftovers else EXIT_OK
