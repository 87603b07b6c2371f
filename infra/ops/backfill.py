"""Run one of the backfills a release declares (infra/ops/backfills/registry.py) on a stack.

A backfill gives items stored before a release what that release writes (an index's keys,
a search string, a courthouse code). It reads the table a page at a time, writes each item
that needs it under a condition that the item is still as read (an edit made meanwhile
always wins), paces itself to ``--share`` of the table's capacity, prints progress and
counts (never ids, names or numbers), and keeps a checkpoint in the stack's
``records-retention`` table, so a run stopped by an error or Ctrl-C goes on where it
stopped when anyone runs it again. Safe to run again: a second pass changes nothing.

Exit status: 0 done; 1 stopped (the message says why; run again to go on); 2 done except
items edited at every attempt (run again); 130 interrupted (run again to go on).

    .venv/bin/python -m infra.ops.backfill --jurisdiction salt-lake-county --list
    .venv/bin/python -m infra.ops.backfill --jurisdiction salt-lake-county --status
    .venv/bin/python -m infra.ops.backfill --jurisdiction salt-lake-county --name id_keys --dry-run
    .venv/bin/python -m infra.ops.backfill --jurisdiction salt-lake-county --name id_keys
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .aws_target import Target, add_target_options
from .backfills.model import Backfill, Tally
from .backfills.pacing import DEFAULT_SHARE
from .backfills.registry import BACKFILLS, by_name
from .backfills.runner import PAGE_SIZE, run_backfill, saved_pass
from .backfills.segments import MAX_SEGMENTS
from .common import INTERRUPTED, OpsError, jurisdiction, parser, region_for

PROG = "backfill"
RUN_AGAIN = 2


def arguments(prog: str = PROG, description: str | None = None) -> argparse.ArgumentParser:
    """This command's options; ``description`` given: a one-backfill command's (no
    ``--name``, ``--list`` or ``--status``)."""
    made = parser(
        prog,
        description
        or "Give items stored before a release what it writes (one backfill by --name; "
        "--list shows them). Counts only; resumable; safe to run again.",
    )
    add_target_options(made, user_pool=False)
    made.add_argument(
        "--share",
        type=float,
        default=DEFAULT_SHARE,
        help=f"share of the table's capacity to use, above 0 and at most 1 "
        f"(default {DEFAULT_SHARE})",
    )
    made.add_argument(
        "--segments",
        type=int,
        default=1,
        help=f"parallel Scan segments, 1 to {MAX_SEGMENTS} (default 1; a resumed pass needs "
        "as many as it started with)",
    )
    if description is None:
        made.add_argument("--name", help="the backfill to run (see --list)")
        made.add_argument("--list", action="store_true", help="list the backfills; change nothing")
        made.add_argument(
            "--status",
            action="store_true",
            help="say where each backfill stands on the stack (from its checkpoint); "
            "change nothing",
        )
    return made


def listing() -> list[str]:
    lines = []
    for backfill in BACKFILLS:
        index = backfill.after_index or "(any time after the deploy)"
        where = f"{backfill.table}  after {index}"
        lines.append(f"{backfill.name}  release {backfill.release}  {where}")
        lines.append(f"    {backfill.description}")
    return lines


def status(args: argparse.Namespace, dynamodb: Any = None) -> list[str]:
    """One line per backfill: never run, in progress, or finished (counts only)."""
    target = Target.from_args(args, region_for(args, jurisdiction(args.jurisdiction)))
    lines = []
    for backfill in BACKFILLS:
        saved = saved_pass(backfill, target, dynamodb)
        if saved is None:
            state = "no pass recorded"
        else:
            counts = (
                f"{saved.tally.examined} examined, {saved.tally.changed} changed, "
                f"{sum(saved.tally.skipped.values())} skipped"
            )
            when = f"finished {saved.finished_at}" if saved.finished else "in progress"
            state = f"{when}: {counts}"
        lines.append(f"{backfill.name:<18}{state}")
    return lines


def execute(
    backfill: Backfill,
    args: argparse.Namespace,
    prog: str,
    dynamodb: Any = None,
    page_size: int = PAGE_SIZE,
) -> int:
    """Run ``backfill`` as ``args`` say, print its report; the exit status."""
    tally = Tally(dry_run=args.dry_run)
    try:
        if not 0 < args.share <= 1:
            raise OpsError("--share must be above 0 and at most 1 (e.g. 0.2)")
        target = Target.from_args(args, region_for(args, jurisdiction(args.jurisdiction)))
        table = target.table(backfill.table)
        print(
            f"{'Checking' if args.dry_run else 'Backfilling'} {table} in {target.region}"
            + (" (dry run: nothing is changed)" if args.dry_run else "")
        )
        result = run_backfill(
            backfill,
            target,
            dry_run=args.dry_run,
            share=args.share,
            progress=print,
            dynamodb=dynamodb,
            tally=tally,
            page_size=page_size,
            segments=args.segments,
        )
    except OpsError as exc:
        if tally.examined:
            _report(tally)
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # every write is whole: what is done stays done
        _report(tally)
        print(f"{prog}: interrupted; run it again to go on", file=sys.stderr)
        return INTERRUPTED
    _report(tally)
    return 0 if result.complete else RUN_AGAIN


def _report(tally: Tally) -> None:
    print("\n".join(tally.lines()))


def main(argv: list[str] | None = None, dynamodb: Any = None) -> int:
    """``dynamodb`` lets a test hand in a client; normally a bounded one is built."""
    args = arguments().parse_args(argv)
    if args.list:
        print("\n".join(listing()))
        return 0
    if args.status:
        try:
            print("\n".join(status(args, dynamodb)))
        except OpsError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 1
        return 0
    if not args.name:
        print(f"{PROG}: say which backfill with --name (see --list)", file=sys.stderr)
        return 1
    try:
        backfill = by_name(args.name)
    except KeyError as exc:
        print(f"{PROG}: {exc.args[0]}", file=sys.stderr)
        return 1
    return execute(backfill, args, PROG, dynamodb)


if __name__ == "__main__":
    sys.exit(main())
