"""Re-plan waiting reminders after ``reminder_offsets_days`` (or a department's wording) changed.

Changing the offsets and deploying affects appointments added or edited from then on;
reminders already scheduled keep their old times. Run this after the deploy: for every
open appointment still ahead it applies the difference an edit would (per offset: move the
waiting reminder, cancel one whose offset is gone, add one for a new offset whose time has
not passed), with the department's current wording, each appointment in one transaction
under the app's own conditions (``chalicelib/services/reminder_replan.py``). A reminder a
sender already holds, or whose time has come, is left to go out.

    .venv/bin/python -m infra.ops.replan_reminders --jurisdiction salt-lake-county --check
    .venv/bin/python -m infra.ops.replan_reminders --jurisdiction salt-lake-county

``--check`` reads and counts what would change and writes nothing; ``--client ID`` tries it
on chosen clients first. Counts only, never names or texts. Safe to interrupt and to run
again (a second run finds everything already right). Exit status: 0 done; 1 stopped (run
again); 2 done except appointments edited at every attempt or not stored (run again).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from .aws_target import Target, add_target_options, call
from .common import OpsError, jurisdiction, parser, region_for
from .staff_access import CLIENTS

PAGE_SIZE = 500
RUN_AGAIN = 2
NOT_STORED = "not stored (DynamoDB refused the write): run again"


def open_appointments(
    dynamodb: Any, table: str, client_ids: list[str], departments: set[str]
) -> Iterator[tuple[str, str, datetime]]:
    """(client id, appointment id, start) of every open appointment in the caseload summary
    the client item keeps (``appointments``: id → "iso-start|kind|confirmation")."""
    names = {"#c": "client_id", "#d": "department_id", "#a": "appointments"}
    projection = "#c, #d, #a"
    if client_ids:
        items: Iterator[dict[str, Any]] = (
            call(
                "read a client",
                dynamodb.get_item,
                TableName=table,
                Key={"client_id": {"S": client_id}},
                ProjectionExpression=projection,
                ExpressionAttributeNames=names,
            ).get("Item", {})
            for client_id in client_ids
        )
    else:
        items = _scan(dynamodb, table, projection, names)
    for item in items:
        if not item or item.get("department_id", {}).get("S") not in departments:
            continue
        for appointment_id, summary in item.get("appointments", {}).get("M", {}).items():
            start = summary.get("S", "").split("|", 1)[0]
            try:
                starts_at = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            except ValueError:
                continue  # not a summary this release writes
            yield item["client_id"]["S"], appointment_id, starts_at


def _scan(
    dynamodb: Any, table: str, projection: str, names: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """Clients with appointments, a page at a time (an ops command: a Scan is fine)."""
    request: dict[str, Any] = {
        "TableName": table,
        "Limit": PAGE_SIZE,
        "ProjectionExpression": projection,
        "ExpressionAttributeNames": names,
        "FilterExpression": "attribute_exists(#a)",
    }
    while True:
        page = call(f"read {table}", dynamodb.scan, **request)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def run(args: argparse.Namespace, target: Target, now: datetime) -> Counter[str]:
    """Re-plan (or check) every open appointment ahead; the counts of what happened."""
    from pynamodb.exceptions import PynamoDBException

    from chalicelib import bootstrap
    from chalicelib.config import reminder_minutes_per_day
    from chalicelib.domain.clients import Client
    from chalicelib.domain.errors import ClientCommError
    from chalicelib.services.appointments import Texts, department_texts
    from chalicelib.services.reminder_replan import replan

    found = jurisdiction(args.jurisdiction)
    departments = _departments(args, found)
    stores = bootstrap.stores()  # bound by main() to the target's tables and region
    minutes = reminder_minutes_per_day()
    texts: dict[str, Texts] = {}

    def texts_for(client: Client) -> Texts:
        if client.department_id not in texts:
            texts[client.department_id] = department_texts(
                stores.department_texts, found, client.department_id, minutes
            )
        return texts[client.department_id]

    tally: Counter[str] = Counter()
    dynamodb = target.client("dynamodb")
    table = target.table(CLIENTS)
    for client_id, appointment_id, starts_at in open_appointments(
        dynamodb, table, list(args.client or []), departments
    ):
        tally["examined"] += 1
        if starts_at <= now:
            tally["past, cancelled or recorded"] += 1
            continue
        try:
            done = replan(
                stores.clients,
                stores.appointments,
                texts_for,
                client_id,
                appointment_id,
                now,
                write=not args.check,
            )
        except (ClientCommError, PynamoDBException):
            tally[NOT_STORED] += 1
            continue
        tally[str(done.outcome)] += 1
        tally["reminders added"] += done.added
        tally["reminders moved"] += done.moved
        tally["reminders cancelled"] += done.cancelled
    return tally


def _departments(args: argparse.Namespace, found: Any) -> set[str]:
    known = {d.department_id for d in found.departments}
    if args.department and args.department not in known:
        raise OpsError(f"--department must be one of {', '.join(sorted(known))}")
    return {args.department} if args.department else known


def plan(args: argparse.Namespace, target: Target) -> str:
    found = jurisdiction(args.jurisdiction)
    offsets = ", ".join(str(d) for d in found.reminder_offsets_days)
    scope = f"department {args.department}" if args.department else "every department"
    if args.client:
        scope += f", clients {', '.join(args.client)} only"
    return (
        f"Would read the open appointments of {scope} from {target.table(CLIENTS)} and give "
        f"each one still ahead reminders {offsets} day(s) before, in {found.time_zone}, with "
        "its department's current wording (moving, cancelling and adding waiting reminders "
        "as an edit does)."
    )


def report(tally: Counter[str], checking: bool) -> str:
    order = ["examined", "re-planned", "would be re-planned", "already right"]
    counts = ["reminders added", "reminders moved", "reminders cancelled"]
    lines = [f"  {name:<52}{tally[name]:>8}" for name in order if name in tally or name == order[0]]
    lines += [f"    {name:<50}{tally[name]:>8}" for name in counts]
    skipped = {k: v for k, v in tally.items() if k not in (*order, *counts)}
    lines += [f"  skipped, {name:<43}{n:>8}" for name, n in sorted(skipped.items())]
    if checking:
        lines.append("Check only: nothing was written.")
    return "\n".join(lines)


def arguments() -> argparse.ArgumentParser:
    made = parser(
        "replan_reminders",
        "Give open appointments' waiting reminders the jurisdiction's current offsets and "
        "wording (after changing reminder_offsets_days and deploying). Safe to run again.",
    )
    add_target_options(made, user_pool=False)
    made.add_argument("--department", help="only this department (default: all)")
    made.add_argument(
        "--client", action="append", help="only this client id (repeatable): try it on a few first"
    )
    made.add_argument(
        "--check", action="store_true", help="read and count what would change; write nothing"
    )
    return made


def main(argv: list[str] | None = None) -> int:
    """Binds the app's stores to the target through the environment: run it as its own
    process (as ops do), not inside one that serves the app."""
    args = arguments().parse_args(argv)
    try:
        target = Target.from_args(args, region_for(args, jurisdiction(args.jurisdiction)))
        print(f"Re-planning reminders ({args.jurisdiction}, {target.region})")
        if args.dry_run:
            print(plan(args, target))
            print("Dry run: nothing was read or changed.")
            return 0
        target.bind_environment()
        tally = run(args, target, datetime.now(UTC))
    except OpsError as exc:
        print(f"replan_reminders: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("replan_reminders: interrupted; run it again to finish", file=sys.stderr)
        return 130
    print(report(tally, args.check))
    again = tally["edited at every attempt: run again"] + tally[NOT_STORED]
    return RUN_AGAIN if again else 0


if __name__ == "__main__":
    sys.exit(main())
