"""Give clients stored before issue 16 what the court import's id-number index needs.

The court import finds clients through the sparse index ``by-id-number`` (hash
``active_department``, range ``id_key``). Code before issue 16 never wrote ``id_key``, and
code before retiring existed never wrote ``active_department``, so such clients are not in
the index: their court dates would be "unknown id number" and get no reminders.

This reads the clients table page by page (a Scan: an ops command, not a request path) and
brings each client to what ``store/clients.py`` writes today: ``id_key`` is the folded id
number (``domain.clients.id_number_key``) or absent when there is none, retired clients
included (they return to the index when reactivated); ``active_department`` is the
department while the client is active and absent while retired. Each change is one
UpdateItem under a condition that the client still exists with the id number, department
and retired state that were read, so an edit made meanwhile is never overwritten: a refused
write is read again and tried once more, then reported. Nothing a person sees changes
(``version`` stays, so no open form goes stale).

Safe to run again and to interrupt. Prints counts only, never id numbers or names.
Exit status: 0 done; 1 stopped (the message says why; run again); 2 done except clients
edited at every attempt (run again).

    .venv/bin/python -m infra.ops.backfill_id_keys --jurisdiction salt-lake-county --dry-run
    .venv/bin/python -m infra.ops.backfill_id_keys --jurisdiction salt-lake-county
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalicelib.adapters.aws import CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS
from chalicelib.domain.clients import id_number_key
from infra.definitions import table_prefix

from .aws_target import LOCAL_PREFIX
from .common import OpsError, endpoint_url, jurisdiction, parser, region_for, stand_in_credentials

INDEX = "by-id-number"
PAGE_SIZE = 500  # clients per Scan page (a few hundred bytes each as projected)
# A bulk job may wait longer than a request can: more attempts, and "adaptive" retries slow
# this client down when DynamoDB throttles, leaving the capacity to the app.
MAX_ATTEMPTS = 10
RUN_AGAIN = 2
WRITE_ATTEMPTS = 2  # the first write, and one more after reading the client again

# What the index depends on (the inputs) and what it reads (the outputs).
CLIENT_ID = "client_id"
DEPARTMENT = "department_id"
ID_NUMBER = "id_number"
RETIRED_AT = "retired_at"
ID_KEY = "id_key"
ACTIVE_DEPARTMENT = "active_department"
READ = (CLIENT_ID, DEPARTMENT, ID_NUMBER, RETIRED_AT, ID_KEY, ACTIVE_DEPARTMENT)

# Why a client was left as it was.
DELETED = "deleted during the run"
KEPT_CHANGING = "edited during the run at every attempt: run again"
NO_DEPARTMENT = "no department_id (not a client the app wrote)"
NOT_TEXT = "id_number or department_id is not text"


class Unusable(Exception):
    """An item this command cannot reason about; the message is the reason (no data)."""


class _ConditionFailed(Exception):
    """DynamoDB refused a write because its condition no longer held."""


@dataclass(frozen=True)
class StoredClient:
    """The attributes of one client item the index depends on, as read."""

    client_id: dict[str, Any]  # the key, as DynamoDB gave it
    department_id: str
    id_number: str | None
    retired: bool
    id_key: str | None
    active_department: str | None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> StoredClient:
        department = _text(item, DEPARTMENT)
        if department is None:
            raise Unusable(NO_DEPARTMENT)
        return cls(
            client_id=item[CLIENT_ID],
            department_id=department,
            id_number=_text(item, ID_NUMBER),
            retired=RETIRED_AT in item,
            id_key=_text(item, ID_KEY),
            active_department=_text(item, ACTIVE_DEPARTMENT),
        )

    def wanted(self) -> dict[str, str | None]:
        """What the store writes for these inputs (None: the attribute is absent)."""
        return {
            ID_KEY: id_number_key(self.id_number or "") or None,
            ACTIVE_DEPARTMENT: None if self.retired else self.department_id,
        }

    def changes(self) -> dict[str, str | None]:
        """attribute → the value it needs (None: remove it); empty when already right."""
        now = {ID_KEY: self.id_key, ACTIVE_DEPARTMENT: self.active_department}
        return {name: value for name, value in self.wanted().items() if now[name] != value}


def _text(item: dict[str, Any], name: str) -> str | None:
    if name not in item:
        return None
    if "S" not in item[name]:
        raise Unusable(NOT_TEXT)
    return str(item[name]["S"])


def change_label(name: str, value: str | None, before: str | None) -> str:
    """How a change is counted in the report, e.g. "id_key set"."""
    if value is None:
        return f"{name} removed"
    return f"{name} {'set' if before is None else 'corrected'}"


@dataclass
class Tally:
    """What the run did, as counts (all the report ever shows)."""

    dry_run: bool = False
    examined: int = 0
    changed: int = 0
    already_right: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    changes: Counter[str] = field(default_factory=Counter)

    @property
    def must_run_again(self) -> bool:
        return self.skipped[KEPT_CHANGING] > 0

    def lines(self) -> list[str]:
        changed = "would change" if self.dry_run else "changed"
        report = [
            f"{'examined':<16}{self.examined:>8}",
            f"{changed:<16}{self.changed:>8}",
        ]
        report += [f"  {what:<40}{n:>8}" for what, n in sorted(self.changes.items())]
        report.append(f"{'already right':<16}{self.already_right:>8}")
        report.append(f"{'skipped':<16}{sum(self.skipped.values()):>8}")
        report += [f"  {why:<54}{n:>8}" for why, n in sorted(self.skipped.items())]
        return report


def backfill(dynamodb: Any, table: str, tally: Tally) -> Tally:
    """Examine every client of ``table`` and set what the index needs (unless a dry run).

    ``dynamodb`` is a boto3 DynamoDB client (or anything with its ``describe_table``,
    ``scan``, ``get_item`` and ``update_item``). ``tally`` is filled as the run goes, so an
    interrupted run can still say how far it got.
    """
    _check_index(dynamodb, table)
    for item in _pages(dynamodb, table):
        tally.examined += 1
        try:
            client = StoredClient.from_item(item)
        except Unusable as unusable:
            tally.skipped[str(unusable)] += 1
            continue
        _bring_up_to_date(dynamodb, table, client, tally)
    return tally


def _check_index(dynamodb: Any, table: str) -> None:
    """Refuse before the release with the index is deployed: code still running from the
    release before would go on writing clients without ``id_key`` after the backfill."""
    described = _call(table, dynamodb.describe_table, TableName=table)["Table"]
    indexes = {index["IndexName"] for index in described.get("GlobalSecondaryIndexes", [])}
    if INDEX not in indexes:
        raise OpsError(
            f"{table} has no index {INDEX} yet: deploy the release of issue 16 first, then run this"
        )


def _pages(dynamodb: Any, table: str) -> Iterator[dict[str, Any]]:
    """Every item of the table, read PAGE_SIZE at a time, only the attributes needed."""
    request: dict[str, Any] = {
        "TableName": table,
        "Limit": PAGE_SIZE,
        "ProjectionExpression": ", ".join(f"#{name}" for name in READ),
        "ExpressionAttributeNames": {f"#{name}": name for name in READ},
    }
    while True:
        page = _call(table, dynamodb.scan, **request)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _bring_up_to_date(dynamodb: Any, table: str, client: StoredClient, tally: Tally) -> None:
    """Write what ``client`` lacks. A refused write (an edit meanwhile) is read again and
    tried once more; after a second refusal the client as it is then decides the count."""
    for _ in range(WRITE_ATTEMPTS):
        changes = client.changes()
        if not changes:
            tally.already_right += 1
            return
        if tally.dry_run or _write(dynamodb, table, client, changes):
            _count_changes(tally, client, changes)
            return
        try:
            now = _reread(dynamodb, table, client)
        except Unusable as unusable:
            tally.skipped[str(unusable)] += 1
            return
        if now is None:
            tally.skipped[DELETED] += 1
            return
        client = now
    if client.changes():
        tally.skipped[KEPT_CHANGING] += 1
    else:
        tally.already_right += 1


def _count_changes(tally: Tally, client: StoredClient, changes: dict[str, str | None]) -> None:
    tally.changed += 1
    before = {ID_KEY: client.id_key, ACTIVE_DEPARTMENT: client.active_department}
    for name, value in changes.items():
        tally.changes[change_label(name, value, before[name])] += 1


def _write(dynamodb: Any, table: str, client: StoredClient, changes: dict[str, str | None]) -> bool:
    """One conditional UpdateItem; False when the client is no longer as it was read."""
    names = {f"#{name}": name for name in (CLIENT_ID, DEPARTMENT, ID_NUMBER, RETIRED_AT)}
    values: dict[str, Any] = {":department": {"S": client.department_id}}
    condition = [f"attribute_exists(#{CLIENT_ID})", f"#{DEPARTMENT} = :department"]
    if client.id_number is None:
        condition.append(f"attribute_not_exists(#{ID_NUMBER})")
    else:
        condition.append(f"#{ID_NUMBER} = :id_number")
        values[":id_number"] = {"S": client.id_number}
    exists = "attribute_exists" if client.retired else "attribute_not_exists"
    condition.append(f"{exists}(#{RETIRED_AT})")
    sets, removes = [], []
    for name, value in changes.items():
        names[f"#{name}"] = name
        if value is None:
            removes.append(f"#{name}")
        else:
            sets.append(f"#{name} = :{name}")
            values[f":{name}"] = {"S": value}
    update = " ".join(
        part
        for part in (
            f"SET {', '.join(sets)}" if sets else "",
            f"REMOVE {', '.join(removes)}" if removes else "",
        )
        if part
    )
    try:
        _call(
            table,
            dynamodb.update_item,
            TableName=table,
            Key={CLIENT_ID: client.client_id},
            UpdateExpression=update,
            ConditionExpression=" AND ".join(condition),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )
    except _ConditionFailed:
        return False
    return True


def _reread(dynamodb: Any, table: str, client: StoredClient) -> StoredClient | None:
    """The client as it is now (strongly consistent); None when it is gone."""
    found = _call(
        table,
        dynamodb.get_item,
        TableName=table,
        Key={CLIENT_ID: client.client_id},
        ConsistentRead=True,
        ProjectionExpression=", ".join(f"#{name}" for name in READ),
        ExpressionAttributeNames={f"#{name}": name for name in READ},
    ).get("Item")
    return None if found is None else StoredClient.from_item(found)


def _call(table: str, operation: Any, **request: Any) -> Any:
    """One DynamoDB call, its failures told apart. Only error codes are repeated: a
    message could quote what was sent."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return operation(**request)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "unknown")
        if code == "ConditionalCheckFailedException":
            raise _ConditionFailed() from None
        if code == "ResourceNotFoundException":
            raise OpsError(
                f"there is no table {table}: check --jurisdiction, --table-prefix and --region"
            ) from None
        if code in ("AccessDeniedException", "UnrecognizedClientException"):
            raise OpsError(
                f"AWS refused access ({code}): a dry run needs dynamodb:DescribeTable and "
                f"dynamodb:Scan on {table}, a real run also dynamodb:GetItem and "
                "dynamodb:UpdateItem"
            ) from None
        raise OpsError(f"DynamoDB answered {code}; nothing half-done, run again") from None
    except BotoCoreError as exc:
        raise OpsError(
            f"could not reach DynamoDB ({type(exc).__name__}); nothing half-done, run again"
        ) from None


def bounded_client(region: str, endpoint: str | None = None) -> Any:
    """A DynamoDB client with timeouts and bounded retries (as chalicelib/adapters/aws.py),
    at ``endpoint`` when given (the local stack's moto)."""
    import boto3
    from botocore.config import Config

    if endpoint:
        stand_in_credentials(endpoint)
    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "adaptive", "max_attempts": MAX_ATTEMPTS},
    )
    return boto3.client("dynamodb", region_name=region, endpoint_url=endpoint, config=config)


def arguments() -> argparse.ArgumentParser:
    made = parser(
        "backfill_id_keys",
        "Set id_key and active_department on clients stored before the id-number index "
        "(issue 16), so the court import finds them. Counts only; safe to run again.",
    )
    made.add_argument(
        "--table-prefix", help="default clientcomm-<jurisdiction>- (with --local clientcomm-local-)"
    )
    return made


def main(argv: list[str] | None = None, dynamodb: Any = None) -> int:
    """``dynamodb`` lets a test hand in a client; normally a bounded one is built."""
    args = arguments().parse_args(argv)
    tally = Tally(dry_run=args.dry_run)
    try:
        region = region_for(args, jurisdiction(args.jurisdiction))
        endpoint = endpoint_url(args)  # refuses --local without one
        default_prefix = LOCAL_PREFIX if args.local else table_prefix(args.jurisdiction)
        table = f"{args.table_prefix or default_prefix}clients"
        print(
            f"{'Checking' if args.dry_run else 'Backfilling'} {table} in {region}"
            + (" (dry run: nothing is changed)" if args.dry_run else "")
        )
        backfill(dynamodb or bounded_client(region, endpoint), table, tally)
    except OpsError as exc:
        if tally.examined:
            _report(tally)
        print(f"backfill_id_keys: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # every write is whole: what is done stays done
        _report(tally)
        print("backfill_id_keys: interrupted; run it again to finish", file=sys.stderr)
        return 130
    _report(tally)
    return RUN_AGAIN if tally.must_run_again else 0


def _report(tally: Tally) -> None:
    print("\n".join(tally.lines()))


if __name__ == "__main__":
    sys.exit(main())
