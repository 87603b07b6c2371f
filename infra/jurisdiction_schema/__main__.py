"""``python -m infra.jurisdiction_schema check|write``.

check NAME ...    check jurisdiction files as ``make package`` does (``--local``: as the
                  local stack needs them), list each text's SMS segments, how long
                  records are kept (a notice for each kind kept forever) and backed up
                  (a notice of how long deleted records outlive their deletion); exits
                  2 when a file has a problem.
write             regenerate infra/jurisdiction.schema.json and the field table in
                  docs/operations.md from model.py (after adding or changing a setting).
"""

from __future__ import annotations

import argparse
import sys

from infra.config_loader import (
    JURISDICTIONS_DIR,
    JurisdictionConfigError,
    load_jurisdiction,
    load_stack_config,
)

from .backups import backup_report, backups_of
from .reference import ROOT, write
from .retention import retention_report
from .texts import text_report


def check(names: list[str], local: bool) -> int:
    failed = False
    for name in names:
        shown = (JURISDICTIONS_DIR / f"{name}.json").relative_to(ROOT)
        try:
            if local:
                jurisdiction = load_jurisdiction(name)
            else:
                jurisdiction = load_stack_config(name).jurisdiction
        except JurisdictionConfigError as exc:
            print(exc, file=sys.stderr)
            failed = True
            continue
        print(f"{shown}: ok" + (" for the local stack" if local else " to deploy"))
        for line in text_report(jurisdiction.texts):
            print(f"  {line}")
        for line in retention_report(jurisdiction.records_retention):
            print(f"  {line}")
        backups = backups_of(jurisdiction.raw)
        for line in backup_report(backups, jurisdiction.records_retention, jurisdiction.time_zone):
            print(f"  {line}")
    return 2 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.jurisdiction_schema",
        description="Check jurisdiction files, or regenerate the schema file and its docs.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="check files as make package does")
    checking.add_argument("names", nargs="+", help="file names in infra/jurisdictions/, no .json")
    checking.add_argument("--local", action="store_true", help="check as the local stack does")
    commands.add_parser("write", help="regenerate the JSON Schema file and the docs table")
    args = parser.parse_args(argv)
    if args.command == "write":
        for path in write():
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    return check(args.names, args.local)


if __name__ == "__main__":
    sys.exit(main())
