"""Put a legal hold on, or lift it: the records-retention job deletes nothing it covers.

A hold on the whole jurisdiction (``--all``) is the switch in the ``records-retention``
table: no deploy needed, and every deleting transaction of the job checks it, so nothing is
deleted from the moment this script says "on". A hold on clients (``--client ID``, as many
as needed) is a mark on each client: their texts and (once closed) the client themselves
are kept by the job; their audit rows, which leave by DynamoDB's TTL (no role of the app may
delete one), are kept by taking their expiry off (``expires_at``: not part of a row's hash,
so the trail's chain stays intact), and their chain's links' likewise. Lifting the hold
gives them back the jurisdiction's ``audit_days``. Rows written while the hold is on carry
an expiry: run ``--on`` again to keep them too (it says "already on" and keeps the new rows
and links). Each change writes its audit
row in the same transaction, naming the matter and who asked. ``--status`` shows the holds
and changes nothing.

    .venv/bin/python -m infra.ops.legal_hold --jurisdiction salt-lake-county --all --on \\
        --matter "Smith v. County, 24-CV-0192" --by "J. Rivera, County Attorney"
    .venv/bin/python -m infra.ops.legal_hold --jurisdiction salt-lake-county --client 3f2a... --off
    .venv/bin/python -m infra.ops.legal_hold --jurisdiction salt-lake-county --status

The jurisdiction file's ``records_retention.legal_hold: true`` holds everything too (after a
deploy); lifting the switch here does not lift that. Exit status: 0 done (or already so);
1 refused (nothing changed; the message says why); 2 failed (AWS: run it again).
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from .aws_target import Target, add_target_options, call
from .common import OpsError, OpsFailure, aws_client, jurisdiction, parser, region_for, run

PROG = "legal_hold"
RETENTION = "records-retention"  # chalicelib/store/models.py: RecordsRetentionModel
CLIENTS = "clients"
AUDIT = "audit"
HOLD_ROW = "legal-hold"  # chalicelib/store/retention_state.py
SUMMARY_SUBJECT = "records-retention"  # the job's own audit subject (store/retention.py)
OPS_ACTOR = "ops"
STORED_TIME = "%Y-%m-%dT%H:%M:%S.%f+0000"  # PynamoDB's UTCDateTimeAttribute
CHAIN = "chain#"  # a subject's hash chain: partition chain#{subject} (store/audit_links.py)
AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # an audit row's ``at`` (store/audit.py: TIME_FORMAT)


class ConditionFailed(Exception):
    """The change is already so (its condition did not hold)."""


def arguments() -> argparse.ArgumentParser:
    made = parser(
        PROG,
        "Put a legal hold on the whole jurisdiction or on clients, or lift it; the "
        "records-retention job deletes nothing held. Safe to run again.",
    )
    add_target_options(made, user_pool=False)
    scope = made.add_mutually_exclusive_group()
    scope.add_argument("--all", action="store_true", help="the whole jurisdiction")
    scope.add_argument(
        "--client", action="append", metavar="ID", help="a client's id (repeat for more)"
    )
    switch = made.add_mutually_exclusive_group(required=True)
    switch.add_argument("--on", action="store_true", help="put the hold on (needs --matter)")
    switch.add_argument("--off", action="store_true", help="lift the hold")
    switch.add_argument(
        "--status", action="store_true", help="show the holds (and --client's); change nothing"
    )
    made.add_argument("--matter", help="what the hold is for: a case, request or order")
    made.add_argument("--by", default="", help="who asked for it (kept in the audit row)")
    return made


def checked(args: argparse.Namespace) -> None:
    """Refuse a request that says too little, before anything is read."""
    if args.status:
        return
    if not (args.all or args.client):
        raise OpsError("say what to hold: --all (the whole jurisdiction) or --client ID")
    if args.on and not (args.matter or "").strip():
        raise OpsError("--on needs --matter: what the hold is for (a case, a records request)")


def plan(args: argparse.Namespace, target: Target) -> str:
    verb = "put on" if args.on else "lift"
    if args.status:
        steps = [f"read the hold switch in {target.table(RETENTION)}"]
        steps += [f"read client {c}'s hold in {target.table(CLIENTS)}" for c in args.client or []]
    elif args.all:
        steps = [
            f"{verb} the jurisdiction-wide hold in {target.table(RETENTION)} "
            f"with its audit row in {target.table(AUDIT)} (one transaction)"
        ]
    else:
        steps = [
            f"{verb} client {c}'s hold in {target.table(CLIENTS)} with its audit row "
            "(one transaction)"
            for c in args.client
        ]
    return "\n".join(["Would, in this order:", *(f"  {n}. {s}" for n, s in enumerate(steps, 1))])


def transact(dynamodb: Any, what: str, items: list[dict[str, Any]]) -> None:
    """One transaction; ``ConditionFailed`` when a condition refused it."""
    from botocore.exceptions import ClientError

    try:
        dynamodb.transact_write_items(TransactItems=items)
    except ClientError as exc:
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        if "ConditionalCheckFailed" in reasons:
            raise ConditionFailed(what) from None
        code = exc.response.get("Error", {}).get("Code", "unknown")
        raise OpsFailure(f"could not {what}: AWS answered {code}; run it again") from None


def audit_put(table: str, subject: str, action: str, details: dict[str, str]) -> dict[str, Any]:
    """An audit item shaped as ``store/audit.py`` writes them."""
    now = datetime.now(UTC)
    at_id = f"{now.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{secrets.token_hex(4)}"
    item = {
        "subject": {"S": subject},
        "at_id": {"S": at_id},
        "at": {"S": at_id},  # chain-audit links it (store/audit.py writes both)
        "actor": {"S": OPS_ACTOR},
        "action": {"S": action},
        "details": {"M": {k: {"S": v} for k, v in details.items() if v}},
    }
    return {
        "Put": {
            "TableName": table,
            "Item": item,
            "ConditionExpression": "attribute_not_exists(subject)",
        }
    }


def switch_all(dynamodb: Any, target: Target, args: argparse.Namespace) -> str:
    """The jurisdiction-wide switch; what it did, in words."""
    on = bool(args.on)
    details = {"scope": "jurisdiction", "matter": (args.matter or "").strip(), "by": args.by}
    values: dict[str, Any] = {":on": {"BOOL": True}}
    if on:
        update = "SET held = :on, matter = :matter, changed_by = :by, changed_at = :at"
        condition = "attribute_not_exists(held) OR held <> :on OR matter <> :matter"
        values |= {
            ":matter": {"S": details["matter"]},
            ":by": {"S": args.by or OPS_ACTOR},
            ":at": {"S": datetime.now(UTC).strftime(STORED_TIME)},
        }
    else:
        update = "SET held = :off REMOVE matter"
        condition = "held = :on"
        values[":off"] = {"BOOL": False}
    switch = {
        "Update": {
            "TableName": target.table(RETENTION),
            "Key": {"name": {"S": HOLD_ROW}},
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ExpressionAttributeValues": values,
        }
    }
    action = "legal_hold_on" if on else "legal_hold_off"
    audit = audit_put(target.table(AUDIT), SUMMARY_SUBJECT, action, details)
    try:
        transact(dynamodb, "change the hold switch", [switch, audit])
    except ConditionFailed:
        return "already on for that matter" if on else "already off"
    return "on: the job deletes nothing from now" if on else "lifted"


def switch_client(dynamodb: Any, target: Target, client_id: str, args: argparse.Namespace) -> str:
    on = bool(args.on)
    matter = (args.matter or "").strip()
    key = {"client_id": {"S": client_id}}
    if on:
        change: dict[str, Any] = {
            "UpdateExpression": "SET legal_hold = :matter",
            "ConditionExpression": "attribute_exists(client_id) AND "
            "(attribute_not_exists(legal_hold) OR legal_hold <> :matter)",
            "ExpressionAttributeValues": {":matter": {"S": matter}},
        }
    else:
        change = {
            "UpdateExpression": "REMOVE legal_hold",
            "ConditionExpression": "attribute_exists(legal_hold)",
        }
    update = {"Update": {"TableName": target.table(CLIENTS), "Key": key, **change}}
    details = {"scope": "client", "matter": matter, "by": args.by}
    action = "legal_hold_on" if on else "legal_hold_off"
    audit = audit_put(target.table(AUDIT), f"client#{client_id}", action, details)
    try:
        transact(dynamodb, f"change client {client_id}'s hold", [update, audit])
        said = "on" if on else "lifted"
    except ConditionFailed:
        if not client_exists(dynamodb, target, client_id):
            raise OpsError(
                f"there is no client {client_id} in {target.table(CLIENTS)}: check the id "
                "(the client page's address ends with it) and --table-prefix"
            ) from None
        said = "already on for that matter" if on else "already off"
    audit_days = jurisdiction(args.jurisdiction).records_retention.audit_days
    return f"{said}; {audit_expiry(dynamodb, target, client_id, on, audit_days)}"


def audit_expiry(
    dynamodb: Any, target: Target, client_id: str, held: bool, audit_days: int | None
) -> str:
    """Take the expiry off the client's audit rows and their chain's links and markers
    (held), or give it back (lifted)."""
    if not held and audit_days is None:
        return "audit rows keep no expiry (the jurisdiction keeps them forever)"
    subject = f"client#{client_id}"
    rows = change_expiry(dynamodb, target.table(AUDIT), subject, held, audit_days)
    links = change_expiry(dynamodb, target.table(AUDIT), CHAIN + subject, held, audit_days)
    also = f" (and {links} items of their hash chain)"
    if held:
        return f"{rows} audit rows kept past their expiry{also}"
    return f"{rows} audit rows given back their expiry ({audit_days} days){also}"


def change_expiry(
    dynamodb: Any, table: str, partition: str, held: bool, audit_days: int | None
) -> int:
    """Remove (held) or restore the expiry of every item of one partition: rows, or the
    chain's links and markers (restored from their row's time, in ``row_key``)."""
    changed = 0
    for item in audit_rows(dynamodb, table, partition):
        key = {"subject": item["subject"], "at_id": item["at_id"]}
        happened_at = item.get("at", item.get("row_key", {})).get("S", "")
        if held and "expires_at" in item:
            change: dict[str, Any] = {"UpdateExpression": "REMOVE expires_at"}
        elif not held and "expires_at" not in item and happened_at:
            happened = datetime.strptime(happened_at.split("#")[0], AT_FORMAT)
            ends = happened.replace(tzinfo=UTC) + timedelta(days=audit_days or 0)
            change = {
                "UpdateExpression": "SET expires_at = :ends",
                "ExpressionAttributeValues": {":ends": {"N": str(int(ends.timestamp()))}},
            }
        else:
            continue
        call(
            "change an audit row's expiry",
            dynamodb.update_item,
            TableName=table,
            Key=key,
            ConditionExpression="attribute_exists(subject)",
            **change,
        )
        changed += 1
    return changed


def audit_rows(dynamodb: Any, table: str, subject: str) -> Iterator[dict[str, Any]]:
    """Every audit item of ``subject`` (keys, time and expiry), a page at a time."""
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "subject = :s",
        "ExpressionAttributeValues": {":s": {"S": subject}},
        "ProjectionExpression": "subject, at_id, #at, row_key, expires_at",
        "ExpressionAttributeNames": {"#at": "at"},
    }
    while True:
        page = read(dynamodb.query, **request)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def client_exists(dynamodb: Any, target: Target, client_id: str) -> bool:
    return "Item" in read(
        dynamodb.get_item,
        TableName=target.table(CLIENTS),
        Key={"client_id": {"S": client_id}},
        ProjectionExpression="client_id",
        ConsistentRead=True,
    )


def read(operation: Callable[..., Any], **request: Any) -> Any:
    from botocore.exceptions import ClientError

    try:
        return operation(**request)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "unknown")
        raise OpsFailure(f"could not read the holds: AWS answered {code}; run it again") from None


def status(dynamodb: Any, target: Target, client_ids: list[str]) -> list[str]:
    found = read(
        dynamodb.get_item,
        TableName=target.table(RETENTION),
        Key={"name": {"S": HOLD_ROW}},
        ConsistentRead=True,
    ).get("Item", {})
    if found.get("held", {}).get("BOOL"):
        by = found.get("changed_by", {}).get("S", "")
        since = found.get("changed_at", {}).get("S", "")[:16].replace("T", " ")
        lines = [
            f"  jurisdiction  ON for {found.get('matter', {}).get('S', '?')} ({by}, {since} UTC)"
        ]
    else:
        lines = ["  jurisdiction  off"]
    for client_id in client_ids:
        item = read(
            dynamodb.get_item,
            TableName=target.table(CLIENTS),
            Key={"client_id": {"S": client_id}},
            ProjectionExpression="client_id, legal_hold",
            ConsistentRead=True,
        ).get("Item")
        if item is None:
            lines.append(f"  client {client_id}  no such client")
        else:
            matter = item.get("legal_hold", {}).get("S")
            lines.append(f"  client {client_id}  " + (f"ON for {matter}" if matter else "off"))
    return lines


def work(args: argparse.Namespace, dynamodb: Any | None) -> int:
    checked(args)
    found = jurisdiction(args.jurisdiction)
    target = Target.from_args(args, region_for(args, found))
    print(f"Legal hold ({args.jurisdiction}, {target.region}, tables {target.prefix}*)")
    if args.dry_run:
        print(plan(args, target))
        print("Dry run: nothing was read or changed.")
        return 0
    dynamodb = dynamodb or aws_client(args, "dynamodb", target.region)
    if args.status:
        print("\n".join(status(dynamodb, target, args.client or [])))
    elif args.all:
        print(f"  jurisdiction  {switch_all(dynamodb, target, args)}")
    else:
        for client_id in args.client:
            print(f"  client {client_id}  {switch_client(dynamodb, target, client_id, args)}")
    if found.records_retention.legal_hold:
        print(
            "  note: the jurisdiction file says records_retention.legal_hold: true, so the job "
            "deletes nothing whatever this switch says, until that changes and is deployed"
        )
    return 0


def main(argv: list[str] | None = None, dynamodb: Any | None = None) -> int:
    args = arguments().parse_args(argv)
    return run(PROG, lambda: work(args, dynamodb))


if __name__ == "__main__":
    sys.exit(main())
