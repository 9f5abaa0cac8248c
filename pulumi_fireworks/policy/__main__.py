"""``python -m pulumi_fireworks.policy path | new DIR | rules``: find, copy or list the pack."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from .docs import rule_table
from .origin import Origin, installed_origin
from .scaffold import next_steps, pack_directory, write_pack


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulumi_fireworks.policy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("path", help="print the pack folder shipped in the installed package")
    new = sub.add_parser("new", help="write a runnable pack (official layout) into DIR")
    new.add_argument("directory")
    new.add_argument(
        "--requirement",
        help="the pulumi-fireworks line of requirements.txt (default: where the running package was installed from)",
    )
    new.add_argument("--force", action="store_true", help="overwrite existing pack files")
    sub.add_parser("rules", help="print the rules as a Markdown table")
    args = parser.parse_args(argv)

    if args.command == "path":
        print(pack_directory())
    elif args.command == "rules":
        sys.stdout.write(rule_table())
    else:
        origin = (
            installed_origin()[0] if args.requirement is None
            else Origin(args.requirement, "the requirement given to `new` (--requirement)")
        )
        try:
            write_pack(Path(args.directory), requirement=origin, force=args.force)
        except FileExistsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if origin.problem:
            print(f"warning: {origin.problem}", file=sys.stderr)
        steps = "".join(f"  {step}\n" for step in next_steps(args.directory))
        print(
            f"Wrote the Fireworks policy pack to {args.directory}; its requirements.txt installs "
            f"pulumi-fireworks from {origin.source}.\n"
            f"Next, from this folder (the Pulumi project):\n{steps}"
            "`pulumi up` takes the same --policy-pack; add --policy-pack-config FILE to change the rules' limits.",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
