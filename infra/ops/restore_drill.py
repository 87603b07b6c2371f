"""Restore drill: one table restored under a new name, made whole, compared with the live one.

A backup is only a backup once a restore has been tried. This restores
``clientcomm-<jurisdiction>-<table>`` as it was at ``--to-time`` (point-in-time recovery, the
last 35 days) or from ``--from-backup`` (an AWS Backup recovery point of the stack's vault,
older) into a new table, never touching the live one (it only describes, counts and samples
it); waits for DynamoDB or AWS Backup; puts back what a restore leaves out (the stream with
the same view type, TTL, point-in-time recovery, the tags); then compares item counts and a
sample of items with the live table and prints how a real recovery would use the copy.

    .venv/bin/python -m infra.ops.restore_drill --jurisdiction salt-lake-county \\
        --table conversations --to-time 2026-11-21T14:00:00Z
    .venv/bin/python -m infra.ops.restore_drill --jurisdiction salt-lake-county \\
        --table conversations --from-backup arn:aws:backup:us-west-2:...:recovery-point:...

Safe to interrupt and run again with the same arguments: an existing restore of the same
table is waited for and finished, not started again. Exit status: 0 done; 1 stopped (the
message says why); 3 DynamoDB is still restoring (run the same command again later).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from typing import Any

from infra.definitions import backup_vault_name

from . import table_compare as compare
from . import table_settings as settings
from .aws_target import Target, add_target_options
from .common import OpsError, jurisdiction, parser, region_for
from .restore_origins import LATEST, Origin, PointInTime, RecoveryPoint
from .staff_access import Report

STILL_RESTORING = 3
DEFAULT_SAMPLE = 100
DEFAULT_WAIT_MINUTES = 60  # restores of small tables take minutes; large ones hours


def parse_time(value: str) -> datetime | None:
    """``latest`` (None) or an ISO 8601 time with its zone, e.g. 2026-11-21T14:00:00Z."""
    if value == LATEST:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise OpsError(f"--to-time {value!r} is not an ISO 8601 time (or 'latest')") from None
    if parsed.tzinfo is None:
        raise OpsError("--to-time needs its zone, e.g. 2026-11-21T14:00:00Z or ...T07:00-07:00")
    return parsed.astimezone(UTC)


def default_name(source: str, to_time: datetime | None, today: datetime) -> str:
    """The copy's default name for a point-in-time restore (``PointInTime`` decides)."""
    return PointInTime(to_time).default_name(source, today)


def check_name(name: str, target: Target, source: str) -> None:
    """The copy must never take the name of a table the stack uses."""
    live = {target.table(base) for base in settings.known_tables()}
    if name == source or name in live:
        raise OpsError(f"{name} is a live table of the stack: choose another --name")


def plan(target: Target, base: str, name: str, origin: Origin, sample: int) -> str:
    model = settings.known_tables()[base]
    wanted = settings.template_settings(model)
    steps = [
        origin.describe(target.table(base), name),
        f"give {name} what a restore leaves out: {wanted.describe()}, the source's tags",
        f"count the items of both tables and compare {sample} sampled items each way",
        "print how to use the copy, and how to delete it",
    ]
    return "\n".join(["Would, in this order:", *(f"  {n}. {s}" for n, s in enumerate(steps, 1))])


def drill(
    dynamodb: Any,
    target: Target,
    base: str,
    origin: Origin,
    name: str,
    sample: int,
    wait_minutes: float,
    report: Report,
) -> None:
    source = target.table(base)
    found = settings.describe(dynamodb, source)
    if found is None:
        raise OpsError(f"there is no table {source}: check --table, --table-prefix and --region")
    origin.check(dynamodb, target, source, found, report)
    wanted = settings.template_settings(settings.known_tables()[base])
    live = settings.live_settings(dynamodb, source, found)
    _warn_about_live(live, wanted, source, report)
    applying = settings.Settings(
        live.stream_view or wanted.stream_view, live.ttl_attribute or wanted.ttl_attribute
    )
    origin.start(dynamodb, source, found["TableArn"], name, report)
    deadline = time.monotonic() + wait_minutes * 60
    origin.wait(name, deadline, report)
    restored = settings.wait_until_active(dynamodb, name, deadline)
    report.step("restored", f"{name} is ready")
    report.step("stream", settings.apply_stream(dynamodb, name, applying.stream_view, deadline))
    report.step("TTL", settings.apply_ttl(dynamodb, name, applying.ttl_attribute))
    report.step("PITR", settings.apply_pitr(dynamodb, name, deadline))
    restored_from = {
        f"{settings.OWN_TAGS}restored-from": source,
        f"{settings.OWN_TAGS}restored-to": origin.label(),
    }
    tags = settings.copy_tags(dynamodb, found["TableArn"], restored["TableArn"], restored_from)
    report.step("tags", f"{tags} set (the source's, and where the copy came from)")
    _compare(dynamodb, source, name, compare.key_names(found), sample, report)


def _warn_about_live(
    live: settings.Settings, wanted: settings.Settings, source: str, report: Report
) -> None:
    if wanted.stream_view and live.stream_view != wanted.stream_view:
        report.step(
            "WARNING",
            f"{source} has {live.describe()}, the app needs {wanted.describe()}: pushed "
            "updates from it may not reach open pages now. Deploy the stack again.",
        )
    elif wanted.ttl_attribute and live.ttl_attribute != wanted.ttl_attribute:
        report.step("WARNING", f"{source} has {live.describe()}, the template {wanted.describe()}")


def _compare(
    dynamodb: Any, source: str, name: str, keys: list[str], sample: int, report: Report
) -> None:
    live_count = compare.count_items(dynamodb, source)
    copy_count = compare.count_items(dynamodb, name)
    report.step("items", f"{copy_count} in the copy, {live_count} in the live table now")
    if sample <= 0:
        return
    copied = compare.sample_items(dynamodb, name, sample)
    back = compare.compare_sample(dynamodb, copied, keys, source)
    report.step(
        "sample",
        f"of {back.sampled} items of the copy, the live table holds {back.same} unchanged, "
        f"{back.changed} changed since, {back.missing} not at all (deleted since)",
    )
    current = compare.sample_items(dynamodb, source, sample)
    ahead = compare.compare_sample(dynamodb, current, keys, name)
    report.step(
        "sample",
        f"of {ahead.sampled} items of the live table, the copy holds {ahead.same} unchanged, "
        f"{ahead.changed} older, {ahead.missing} not at all (written since)",
    )


def cut_over(target: Target, base: str, name: str) -> str:
    source = target.table(base)
    return f"""
Using the copy. The app finds every table as TABLE_PREFIX + name ({source}), and
the stack's roles, stream pushers and alarms name that table too: the app cannot be pointed
at {name}. Instead:
  - items lost or damaged: copy them from {name} into {source}
    (docs/operations.md, "Recovering a table"); the live table keeps its stream, TTL,
    backups, alarms and its place in the stack;
  - the whole table lost: the same section, "When the live table itself is gone".
A drill ends by deleting the copy (its storage and backups are billed while it exists):
  aws dynamodb delete-table --region {target.region} --table-name {name}"""


def arguments() -> argparse.ArgumentParser:
    made = parser(
        "restore_drill",
        "Restore one table to a point in time under a new name, put back its stream, TTL, "
        "point-in-time recovery and tags, and compare it with the live table.",
    )
    add_target_options(made, user_pool=False)
    made.add_argument(
        "--table",
        required=True,
        choices=sorted(settings.known_tables()),
        help="the table's name without the prefix",
    )
    origin = made.add_mutually_exclusive_group(required=True)
    origin.add_argument(
        "--to-time",
        help="point-in-time recovery (the last 35 days): ISO 8601 with a zone "
        "(2026-11-21T14:00:00Z) or 'latest'",
    )
    origin.add_argument(
        "--from-backup",
        metavar="RECOVERY_POINT_ARN",
        help="an AWS Backup recovery point of the table (older than 35 days)",
    )
    made.add_argument(
        "--backup-vault", help="with --from-backup: its vault (default clientcomm-<jurisdiction>)"
    )
    made.add_argument(
        "--iam-role-arn",
        help="with --from-backup: the role AWS Backup restores with (default: the one that "
        "made the backup, the stack's BackupRole)",
    )
    made.add_argument("--name", help="the copy's name (default <table>-drill-<time>)")
    made.add_argument(
        "--sample", type=int, default=DEFAULT_SAMPLE, help="items compared each way (0: none)"
    )
    made.add_argument(
        "--wait-minutes",
        type=float,
        default=DEFAULT_WAIT_MINUTES,
        help="how long to wait for DynamoDB before leaving it to a later run",
    )
    return made


def origin_of(args: argparse.Namespace) -> Origin:
    """Where the copy comes from, as the arguments say (refused before any AWS call)."""
    if args.from_backup is None:
        if args.backup_vault or args.iam_role_arn:
            raise OpsError("--backup-vault and --iam-role-arn go with --from-backup")
        return PointInTime(parse_time(args.to_time))
    vault = args.backup_vault or backup_vault_name(args.jurisdiction)
    return RecoveryPoint(args.from_backup, vault, args.iam_role_arn)


def main(argv: list[str] | None = None, dynamodb: Any = None, backup: Any = None) -> int:
    """``dynamodb`` and ``backup``: clients to use instead of the target's (tests)."""
    args = arguments().parse_args(argv)
    report = Report()
    try:
        target = Target.from_args(args, region_for(args, jurisdiction(args.jurisdiction)))
        origin = origin_of(args)
        source = target.table(args.table)
        name = args.name or origin.default_name(source, datetime.now(UTC))
        check_name(name, target, source)
        print(f"Restore drill: {source} ({args.jurisdiction}, {target.region})")
        if args.dry_run:
            print(plan(target, args.table, name, origin, args.sample))
            print("Dry run: nothing was read or changed.")
            return 0
        if isinstance(origin, RecoveryPoint):
            origin.backup = backup or target.client("backup")
        drill(
            dynamodb or target.client("dynamodb"),
            target,
            args.table,
            origin,
            name,
            args.sample,
            args.wait_minutes,
            report,
        )
    except settings.StillWorking as exc:
        print(report.text(), file=sys.stderr)
        print(f"restore_drill: {exc}", file=sys.stderr)
        return STILL_RESTORING
    except OpsError as exc:
        print(report.text() or "  nothing changed", file=sys.stderr)
        print(f"restore_drill: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(report.text(), file=sys.stderr)
        print("restore_drill: interrupted; run the same command again to go on", file=sys.stderr)
        return 130
    print(report.text())
    print(cut_over(target, args.table, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
