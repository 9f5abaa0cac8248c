"""``python -m pulumi_fireworks.policy path | new DIR | rules``: find, copy or list the pack."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from .docs import rule_table
from .scaffold import pack_directory, write_pack


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pulumi_fireworks.policy", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("path", help="print the pack folder shipped in the installed package")
    new = sub.add_parser("new", help="write a runnable pack (official layout) into DIR")
    new.add_argument("directory", type=Path)
    new.add_argument("--requirement", help="pulumi-fireworks requirement line (default: the installed version)")
    new.add_argument("--force", action="store_true", help="overwrite existing pack files")
    sub.add_parser("rules", help="print the rules as a Markdown table")
    args = parser.parse_args(argv)

    if args.command == "path":
        print(pack_directory())
    elif args.command == "rules":
        sys.stdout.write(rule_table())
    else:
        try:
            target = write_pack(args.directory, requirement=args.requirement, force=args.force)
        except FileExistsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(
            f"Wrote the Fireworks policy pack to {target}. Next:\n"
            f"  python3 -m venv {target / 'venv'}\n"
            f"  {target / 'venv' / 'bin' / 'pip'} install -r {target / 'requirements.txt'}\n"
            f"  pulumi preview --policy-pack {target} [--policy-pack-config policy-config.json]"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
