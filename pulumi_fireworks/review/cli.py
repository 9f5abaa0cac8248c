"""``python -m pulumi_fireworks.review PREVIEW_JSON``: the PR summary, and exit codes for CI.

Exit codes (why three: CI must tell "the change is risky" from "the review could not run"):

* 0 - the summary was written and no ``--fail-on-*`` rule was broken;
* 1 - the summary was written, and a ``--fail-on-*`` or ``--max-monthly-*`` rule was broken
  (the summary and stderr say which, with the numbers);
* 2 - bad usage, or the preview JSON, a price, usage or quota file could not be read (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Optional

from ..cost import PriceBookError, Usage, list_prices, load_overrides, load_usage
from ..cost.prices import amount
from .costs import cost_report
from .footprint import footprint
from .gates import GateOptions, cost_failures, gate_failures
from .markdown import MAX_LENGTH, deliver, render
from .preview import PreviewFormatError, load_preview
from .quotas import headroom, load_quotas, parse_gpu_quotas
from .prices import PriceTable, PriceTableError, parse_price_options

EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_fireworks.review",
        description=(
            "Summarise `pulumi preview --json` as Markdown for a pull request: per resource the action, "
            "why a replacement happens and the changed inputs (secrets masked); policy violations; and "
            "the monthly cost of Fireworks deployments before and after (dated list prices, your overrides), "
            "the one-off cost of new training runs, quota headroom, and the GPUs by accelerator type."
        ),
        epilog=(
            "Exit codes: 0 written and no rule broken; 1 written and a --fail-on-* or --max-monthly-* rule broken; "
            "2 bad usage or unreadable input. Policy violations are only in the streamed form: "
            "PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true pulumi preview --json --policy-pack DIR"
        ),
    )
    parser.add_argument("preview", type=Path, help="output of `pulumi preview --json` (either form)")
    parser.add_argument("-o", "--output", type=Path, help="write the Markdown here instead of stdout")
    parser.add_argument("--title", help="heading of the summary (default: the project and stack)")
    parser.add_argument(
        "--max-length", type=int, default=MAX_LENGTH, metavar="CHARS",
        help=f"cut per-resource details past this size (default {MAX_LENGTH}; GitHub comments hold 65536)",
    )
    prices = parser.add_argument_group("prices and usage (list prices are built in, dated; these override them)")
    prices.add_argument(
        "--prices", type=Path, metavar="FILE",
        help='JSON price overrides: {"source": "...", "usd_per_gpu_hour": {"NVIDIA_H100_80GB": 5.8, ...}, '
             '"training_usd_per_million_tokens": {"16": 0.4}, "region_premium": 1.0}',
    )
    prices.add_argument(
        "--price", action="append", default=[], metavar="TYPE=USD",
        help="dollars per GPU-hour for one accelerator type (repeatable; overrides --prices)",
    )
    prices.add_argument("--region-premium", metavar="MULTIPLIER",
                        help="price factor of a deployment held to one region (default 1.5, the listed premium)")
    prices.add_argument("--usage", type=Path, metavar="FILE",
                        help="usage assumptions: busy hours per deployment, training tokens, model sizes (JSON)")
    prices.add_argument("--quotas", type=Path, metavar="FILE",
                        help="the account's quotas: `GET .../quotas` as JSON, or a stack's exported list_quotas()")
    prices.add_argument("--gpu-quota", action="append", default=[], metavar="TYPE=GPUS",
                        help="the account's GPU quota of one accelerator type (repeatable; overrides --quotas)")
    gates = parser.add_argument_group("CI rules (exit code 1 when broken)")
    gates.add_argument("--fail-on-delete", action="store_true", help="any resource deleted")
    gates.add_argument("--fail-on-replace", action="store_true", help="any resource replaced")
    gates.add_argument(
        "--fail-on-replace-protected", action="store_true",
        help="a protected resource replaced (Pulumi's `protect` option, or --protect)",
    )
    gates.add_argument("--max-monthly-increase", type=Decimal, metavar="USD",
                       help="the stack's monthly cost may rise by at most this much")
    gates.add_argument("--max-monthly-total", type=Decimal, metavar="USD", help="the stack's monthly cost after the change")
    gates.add_argument("--max-monthly-increase-percent", type=Decimal, metavar="PCT",
                       help="the stack's monthly cost may rise by at most this percentage")
    gates.add_argument("--cost-bound", choices=("max", "min", "expected"), default="max",
                       help="which monthly figure the thresholds read (default max: autoscaling's ceiling)")
    gates.add_argument("--fail-on-quota", action="store_true", help="the change would pass a quota's headroom")
    gates.add_argument(
        "--protect", action="append", default=[], metavar="PATTERN",
        help="also treat resources whose TYPE::NAME matches PATTERN as protected, "
        "e.g. 'fireworks:Deployment::prod-*' (repeatable)",
    )
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        preview = load_preview(args.preview)
        book = load_overrides(list_prices(), args.prices) if args.prices else list_prices()
        book = book.with_gpu_prices(parse_price_options(args.price), "--price options")
        if args.region_premium is not None:
            book = book.with_region_premium(amount("--region-premium", args.region_premium, "a multiplier, e.g. 1.5"), "--region-premium")
        usage = load_usage(args.usage) if args.usage else Usage()
        quotas = load_quotas(args.quotas) if args.quotas else {}
        gpu_quotas = parse_gpu_quotas(args.gpu_quota)
    except (OSError, PreviewFormatError, PriceTableError, PriceBookError) as exc:
        print(f"review: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.cost_bound == "expected" and not (usage.busy_hours or usage.default_busy_hours is not None):
        print("review: --cost-bound expected needs busy hours in a --usage file", file=sys.stderr)
        return EXIT_ERROR
    table = PriceTable(book.usd_per_gpu_hour, book.describe())
    options = GateOptions(
        fail_on_delete=args.fail_on_delete,
        fail_on_replace=args.fail_on_replace,
        fail_on_replace_protected=args.fail_on_replace_protected,
        protect_patterns=tuple(args.protect),
        max_monthly_increase=args.max_monthly_increase,
        max_monthly_total=args.max_monthly_total,
        max_monthly_increase_percent=args.max_monthly_increase_percent,
        cost_bound=args.cost_bound,
        fail_on_quota=args.fail_on_quota,
    )
    fp = footprint(preview)
    costs = cost_report(preview, fp, book, usage)
    room = headroom(preview, fp, costs, quotas, gpu_quotas, args.cost_bound)
    failures = gate_failures(preview, options) + cost_failures(costs, options, room)
    markdown = render(preview, table, failures, title=args.title, max_length=args.max_length, costs=costs, headroom=room)
    deliver(markdown, args.output, (str(f) for f in failures), "review")
    return EXIT_BLOCKED if failures else EXIT_OK
