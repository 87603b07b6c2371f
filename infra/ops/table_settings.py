"""A DynamoDB table's settings that a restore does not bring along, and putting them back.

A point-in-time restore (or a restore from a backup) copies the items, the indexes, the
billing mode and the encryption, and nothing else: no stream, no TTL, no point-in-time
recovery, no tags. A table of this app without its stream silently stops pushing changes to
open pages, one without TTL keeps every session and connection forever, one without PITR
cannot be restored again. Each step here reads the table first and changes only what
differs, so it is safe to repeat after an interruption.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pynamodb.models import Model

from chalicelib.store.models import ALL_MODELS
from chalicelib.store.tables import base_name
from infra.package.tables import ttl_attribute_name

from .aws_target import AwsRefused, call
from .common import OpsError

POLL_SECONDS = 15.0  # how often a wait asks DynamoDB again
OWN_TAGS = "clientcomm:"  # tags this script adds; AWS's own ("aws:") can't be copied


@dataclass(frozen=True)
class Settings:
    """What the app needs of a table besides its items: a stream view type and a TTL
    attribute (None: the table has none), and point-in-time recovery (always)."""

    stream_view: str | None
    ttl_attribute: str | None

    def describe(self) -> str:
        stream = f"stream {self.stream_view}" if self.stream_view else "no stream"
        ttl = f"TTL on {self.ttl_attribute}" if self.ttl_attribute else "no TTL"
        return f"{stream}, {ttl}, point-in-time recovery"


def known_tables() -> dict[str, type[Model]]:
    """Base table name (``conversations``) → its model, for every table of the stack."""
    return {base_name(model): model for model in ALL_MODELS}


def template_settings(model: type[Model]) -> Settings:
    """The settings the template gives the table (infra/package/tables.py reads the same)."""
    return Settings(getattr(model.Meta, "stream_view_type", None), ttl_attribute_name(model))


def live_settings(dynamodb: Any, table: str, described: dict[str, Any]) -> Settings:
    """The settings ``table`` has now (``described``: its DescribeTable ``Table``)."""
    stream = described.get("StreamSpecification") or {}
    ttl = call("read the TTL setting", dynamodb.describe_time_to_live, TableName=table)
    ttl = ttl.get("TimeToLiveDescription", {})
    on = ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING")
    return Settings(
        stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        ttl.get("AttributeName") if on else None,
    )


def pitr_window(dynamodb: Any, table: str) -> tuple[Any, Any] | None:
    """(earliest, latest) restorable times, or None when point-in-time recovery is off."""
    found = call("read the backup settings", dynamodb.describe_continuous_backups, TableName=table)
    pitr = found.get("ContinuousBackupsDescription", {}).get("PointInTimeRecoveryDescription", {})
    if pitr.get("PointInTimeRecoveryStatus") != "ENABLED":
        return None
    return pitr.get("EarliestRestorableDateTime"), pitr.get("LatestRestorableDateTime")


def describe(dynamodb: Any, table: str) -> dict[str, Any] | None:
    """DescribeTable's ``Table``, or None when there is no such table."""
    try:
        return dict(call(f"describe {table}", dynamodb.describe_table, TableName=table)["Table"])
    except AwsRefused as refused:
        if refused.code == "ResourceNotFoundException":
            return None
        raise


def earlier_restore(dynamodb: Any, name: str, source: str, source_arn: str) -> bool:
    """True when ``name`` is a restore of ``source`` (an earlier run's, to go on with);
    OpsError when a table of that name is anything else."""
    existing = describe(dynamodb, name)
    if existing is None:
        return False
    if existing.get("RestoreSummary", {}).get("SourceTableArn") != source_arn:
        raise OpsError(f"{name} exists and is not a restore of {source}: choose another --name")
    return True


def wait_until_active(dynamodb: Any, table: str, deadline: float) -> dict[str, Any]:
    """Poll until the table (and a restore into it) is done; OpsError at ``deadline``."""
    while True:
        found = describe(dynamodb, table)
        if found is None:
            raise OpsError(f"{table} disappeared while waiting for it")
        restoring = found.get("RestoreSummary", {}).get("RestoreInProgress", False)
        if found.get("TableStatus") == "ACTIVE" and not restoring:
            return found
        if time.monotonic() >= deadline:
            raise StillWorking(table, str(found.get("TableStatus")), bool(restoring))
        time.sleep(POLL_SECONDS)


class StillWorking(OpsError):
    """The wait ran out while DynamoDB was still restoring or updating: run again later."""

    def __init__(self, table: str, status: str, restoring: bool):
        doing = "restoring" if restoring else f"in state {status}"
        super().__init__(f"{table} is still {doing}; run the same command again to go on")


def apply_stream(dynamodb: Any, table: str, view: str | None, deadline: float) -> str:
    current = (wait_until_active(dynamodb, table, deadline).get("StreamSpecification")) or {}
    if not view:
        return "none (the app reads no stream of this table)"
    if current.get("StreamEnabled"):
        if current.get("StreamViewType") == view:
            return f"{view}: already on"
        raise OpsError(
            f"{table} has a {current.get('StreamViewType')} stream, not {view}: turn it off "
            "(aws dynamodb update-table --stream-specification StreamEnabled=false) and run again"
        )
    call(
        "turn the stream on",
        dynamodb.update_table,
        TableName=table,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
    )
    wait_until_active(dynamodb, table, deadline)
    return f"{view}: turned on"


def apply_ttl(dynamodb: Any, table: str, attribute: str | None) -> str:
    if not attribute:
        return "none (this table's items do not expire)"
    found = call("read the TTL setting", dynamodb.describe_time_to_live, TableName=table)
    ttl = found.get("TimeToLiveDescription", {})
    if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        if ttl.get("AttributeName") == attribute:
            return f"on {attribute}: already on"
        raise OpsError(f"{table} has TTL on {ttl.get('AttributeName')}, not {attribute}")
    call(
        "turn TTL on",
        dynamodb.update_time_to_live,
        TableName=table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
    )
    return f"on {attribute}: turned on"


def apply_pitr(dynamodb: Any, table: str, deadline: float) -> str:
    """Point-in-time recovery on; DynamoDB may refuse for a while right after a restore
    (ContinuousBackupsUnavailableException) while it sets up the table's backups."""
    while pitr_window(dynamodb, table) is None:
        try:
            call(
                "turn point-in-time recovery on",
                dynamodb.update_continuous_backups,
                TableName=table,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
            return "turned on"
        except AwsRefused as refused:
            if refused.code != "ContinuousBackupsUnavailableException":
                raise
            if time.monotonic() >= deadline:
                raise StillWorking(table, "setting up backups", False) from None
            time.sleep(POLL_SECONDS)
    return "already on"


def copy_tags(dynamodb: Any, source_arn: str, target_arn: str, extra: dict[str, str]) -> int:
    """The source's tags (cost allocation) plus ``extra``; how many the target got."""
    found = call("read the tags", dynamodb.list_tags_of_resource, ResourceArn=source_arn)
    tags = {
        tag["Key"]: tag["Value"]
        for tag in found.get("Tags", [])
        if not tag["Key"].startswith("aws:")
    }
    tags.update(extra)
    if tags:
        call(
            "tag the restored table",
            dynamodb.tag_resource,
            ResourceArn=target_arn,
            Tags=[{"Key": k, "Value": v} for k, v in sorted(tags.items())],
        )
    return len(tags)
