"""``python -m pulumi_fireworks.emulator``: serve the emulator on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from .app import create_app
from .config import DEFAULT_ACCOUNT_ID, DEFAULT_API_KEY, DEFAULT_DB, DEFAULT_PORT, EmulatorConfig
from .lifecycle import Timing
from .server import Server, bind


def _transition(value: str) -> str:
    Timing.parse(value)  # raises ValueError -> argparse error
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pulumi_fireworks.emulator",
        description="Local emulator of the Fireworks AI control-plane REST API. Listens on 127.0.0.1 only; "
        "prints 'Fireworks emulator listening on http://127.0.0.1:PORT' as its first line. "
        "Admin API under /emulator/v1/.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port; 0 picks a free one")
    p.add_argument("--db", default=DEFAULT_DB, help="SQLite file for persistent state, or :memory:")
    p.add_argument("--api-key", default=DEFAULT_API_KEY, help="API key accepted for --account-id")
    p.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="account the API key belongs to")
    p.add_argument(
        "--transition",
        type=_transition,
        default="instant",
        help="default lifecycle timing: 'instant' (settled on the next read) or seconds until settled",
    )
    p.add_argument(
        "--emit-zero-values",
        action="store_true",
        help="spell out zero values in responses (as gateways with EmitUnpopulated do) instead of omitting them",
    )
    p.add_argument(
        "--missing-secret-status",
        type=int,
        choices=(404, 500),
        default=404,
        help="HTTP status of a Get of a missing secret (the real service was observed answering 500)",
    )
    p.add_argument("--log-level", default="warning", help="uvicorn log level")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parser().parse_args(argv)
    config = EmulatorConfig(db=args.db, api_key=args.api_key, account_id=args.account_id,
                            transition=args.transition, emit_zero_values=args.emit_zero_values,
                            missing_secret_status=args.missing_secret_status)
    app = create_app(config)

    def announce(url: str) -> None:
        print(f"Fireworks emulator listening on {url}", flush=True)

    server = Server(app, bind(args.port), log_level=args.log_level, on_started=announce)
    server.serve_forever()
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())
