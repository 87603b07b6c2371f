"""Is a department's audit trail intact? Reads it back and checks every hash-chain link.

The trail of a department is its own subject (settings, saved replies, mass texts, ...),
its staff's, each of its clients' (active and retired) and each number waiting in its
Unclaimed queue. ``chain-audit`` links every new row into its subject's chain from the
audit table's stream, seconds after it is written. Every link must match its own hash,
follow the link before it without a gap and point at that link's hash, and its row must be
there and say what was hashed; links may be missing only where TTL may have removed them
(the expiry before has passed). A row not linked yet is "still being linked" for five
minutes; after that it is a break (look at chain-audit's errors and its stream's age).
It changes nothing (reads only: Query on the audit, users, clients and unclaimed tables).

    .venv/bin/python -m infra.ops.check_audit --jurisdiction salt-lake-county --department probation

It prints how many subjects, rows and links it read, rows from before the chain (written
before release 0.21.0), rows still being linked, and the first broken link of each broken
subject.
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
    print(f"  rows: {report.rows}")
    print(f"  links: {report.links}")
    print(f"  rows from before the chain: {report.unchained}")
    print(f"  rows still being linked (written under 5 minutes ago): {report.linking}")
    for broken in report.broken:
        print(f"  BROKEN {broken.subject} at link {broken.seq}: {broken.reason}")
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
