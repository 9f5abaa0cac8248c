"""``python -m pulumi_fireworks.emulator``: serve the emulator on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Optional, Sequence

from .app import create_app
from .config import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_API_KEY,
    DEFAULT_DB,
    DEFAULT_PORT,
    PROFILES,
    SWITCHES,
    USER_DELETE_ROUTES,
    EmulatorConfig,
)
from .lifecycle import Timing
from .server import Server, bind


def _count(value: str) -> int:
    count = int(value)
    if count < 0:
        raise ValueError(value)
    return count


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
        "--profile",
        choices=PROFILES,
        default="default",
        help="behaviour profile: 'pessimistic' answers every place the public sources leave open the less kind "
        "way (see pulumi_fireworks.emulator.config); the flags below override single switches",
    )
    for switch in SWITCHES:  # absent flags stay unset: the profile decides
        flag = "--" + switch.attr.replace("_", "-")
        common: dict[str, Any] = {"default": argparse.SUPPRESS, "help": f"{switch.help} (default: as --profile says)"}
        if switch.attr == "missing_secret_status":
            p.add_argument(flag, type=int, choices=(404, 500), **common)
        elif switch.attr == "upload_landing_checks":
            p.add_argument(flag, type=_count, metavar="N", **common)
        elif switch.attr == "user_delete_route":
            p.add_argument(flag, choices=USER_DELETE_ROUTES, **common)
        else:
            p.add_argument(flag, action=argparse.BooleanOptionalAction, **common)
    p.add_argument("--log-level", default="warning", help="uvicorn log level")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parser().parse_args(argv)
    switches = {s.attr: getattr(args, s.attr, None) for s in SWITCHES}
    config = EmulatorConfig(db=args.db, api_key=args.api_key, account_id=args.account_id,
                            transition=args.transition, profile=args.profile, **switches)
    app = create_app(config)

    def announce(url: str) -> None:
        print(f"Fireworks emulator listening on {url}", flush=True)

    server = Server(app, bind(args.port), log_level=args.log_level, on_started=announce)
    server.serve_forever()
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())
