"""Is a department's audit trail intact? Reads it back and checks every hash-chain link.

The trail of a department is its own subject (settings, saved replies, mass texts, ...),
its staff's, each of its clients' (active and retired) and each number waiting in its
Unclaimed queue. Every chained row must match its own hash,
follow the row before it without a gap and point at that row's hash; a chain may start
past row 1 only where TTL may have removed the rows before (their expiry has passed).
It changes nothing (reads only: Query on the audit, users, clients and unclaimed tables).

    .venv/bin/python -m infra.ops.check_audit --jurisdiction salt-lake-county --department probation

It prints how many subjects and rows it read, rows from before the chain (written before
release 0.21.0, or by an ops script), and the first broken link of each broken subject.
It cannot see rows removed from the end of a chain (the newest ones): compare a subject's
newest row with a disclosure export taken earlier for that. Exit status: 0 intact; 3 a
link is broken (the output names it); 1 or 2 could not check (the message says why).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from .aws_target import Target, add_target_options
from .common import jurisdiction, parser, region_for, run

PROG = "check_audit"
BROKEN = 3


def arguments() -> argparse.ArgumentParser:
    made = parser(PROG, "Say whether a department's audit trail is intact (reads only).")
    add_target_options(made, user_pool=False)
    made.add_argument("--department", required=True, help="the department's id, e.g. probation")
    return made


def check(args: argparse.Namespace) -> int:
    target = Target.from_args(args, region_for(args, jurisdiction(args.jurisdiction)))
    print(f"Checking the audit trail of {args.department} ({args.jurisdiction}, {target.region})")
    if args.dry_run:
        print("Dry run: nothing was read.")
        return 0
    target.bind_environment()
    from chalicelib import bootstrap
    from chalicelib.services.audit_check import check_department

    report = check_department(args.department, bootstrap.audit_chains(), datetime.now(UTC))
    print(f"  subjects read: {report.subjects}")
    print(f"  chained rows: {report.rows}")
    print(f"  rows from before the chain: {report.unchained}")
    for broken in report.broken:
        print(f"  BROKEN {broken.subject} at row {broken.seq}: {broken.reason}")
    if report.intact:
        print("The trail is intact.")
        return 0
    print(f"The trail is NOT intact: {len(report.broken)} subject(s) broken (first links above).")
    return BROKEN


def main(argv: list[str] | None = None) -> int:
    """Binds the app's stores to the target through the environment: run it as its own
    process (as ops do), not inside one that serves the app."""
    args = arguments().parse_args(argv)
    return run(PROG, lambda: check(args))


if __name__ == "__main__":
    sys.exit(main())
