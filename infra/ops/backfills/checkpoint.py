"""Where a backfill's pass stands, kept in the stack so any operator can resume it.

One item per backfill in the ``records-retention`` table (the stack's own ops-state table,
read only by name, never scanned): ``name`` = ``backfill#<backfill>``, where each Scan
segment goes on from (the key of the last item handled, or "done", as JSON), the counts
so far, and the run that holds it (``run_token``). A run takes the item over when it
starts; a run that finds its token replaced stops (another operator took over).
``finished_at`` is set when a pass reached the end of the table; the next run starts a
new pass.

Saved after every page and when a run stops on an error or Ctrl-C (at the last item
handled). A run killed outright resumes from the last page saved: the items after it are
examined again and count as already right (written once, never twice).
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..common import OpsError
from .model import Item, Tally
from .runner_calls import ConditionFailed, call
from .segments import START, Position

TABLE = "records-retention"  # chalicelib/store/models.py: RecordsRetentionModel
PREFIX = "backfill#"
STORED_TIME = "%Y-%m-%dT%H:%M:%S.%f+0000"  # PynamoDB's UTCDateTimeAttribute


@dataclass(frozen=True)
class Saved:
    """A checkpoint as read."""

    token: str
    positions: list[Position]  # per Scan segment
    finished: bool
    tally: Tally
    finished_at: str | None = None


class Checkpoint:
    """One backfill's checkpoint item."""

    def __init__(self, dynamodb: Any, table: str, backfill: str):
        self.dynamodb, self.table, self.name = dynamodb, table, PREFIX + backfill
        self.token = secrets.token_hex(8)

    def read(self) -> Saved | None:
        found = call(
            self.table,
            self.dynamodb.get_item,
            TableName=self.table,
            Key={"name": {"S": self.name}},
            ConsistentRead=True,
        ).get("Item")
        return None if found is None else _saved(found)

    def begin(self, before: Saved | None, tally: Tally, segments: int) -> list[Position]:
        """Take the checkpoint for this run; each segment's position to go on from. An
        unfinished pass's counts are carried into ``tally``."""
        positions: list[Position] = [START] * segments
        if before is not None and not before.finished:
            positions = list(before.positions)
            tally.examined, tally.changed = before.tally.examined, before.tally.changed
            tally.already_right = before.tally.already_right
            tally.skipped.update(before.tally.skipped)
            tally.changes.update(before.tally.changes)
        self._put(positions, tally, finished=False, previous=before)
        return positions

    def save(self, positions: list[Position], tally: Tally, *, finished: bool = False) -> None:
        self._put(positions, tally, finished=finished, previous=self)

    def _put(
        self, positions: list[Position], tally: Tally, *, finished: bool, previous: Any
    ) -> None:
        now = datetime.now(UTC).strftime(STORED_TIME)
        item: Item = {
            "name": {"S": self.name},
            "run_token": {"S": self.token},
            "saved_at": {"S": now},
            "examined": {"N": str(tally.examined)},
            "changed": {"N": str(tally.changed)},
            "already_right": {"N": str(tally.already_right)},
            "skipped": {"S": json.dumps(dict(tally.skipped), sort_keys=True)},
            "changes": {"S": json.dumps(dict(tally.changes), sort_keys=True)},
        }
        item["positions"] = {"S": json.dumps(positions, sort_keys=True)}
        if finished:
            item["finished_at"] = {"S": now}
        request: dict[str, Any] = {"TableName": self.table, "Item": item}
        if previous is None:
            request["ConditionExpression"] = "attribute_not_exists(#name)"
            request["ExpressionAttributeNames"] = {"#name": "name"}
        else:
            request["ConditionExpression"] = "run_token = :token"
            request["ExpressionAttributeValues"] = {":token": {"S": previous.token}}
        try:
            call(self.table, self.dynamodb.put_item, **request)
        except ConditionFailed:
            raise OpsError(
                f"another run of this backfill took over its checkpoint ({self.name} in "
                f"{self.table}); this one stops, its work is kept"
            ) from None


def _saved(item: Item) -> Saved:
    tally = Tally(
        examined=int(item.get("examined", {}).get("N", "0")),
        changed=int(item.get("changed", {}).get("N", "0")),
        already_right=int(item.get("already_right", {}).get("N", "0")),
        skipped=Counter(json.loads(item.get("skipped", {}).get("S", "{}"))),
        changes=Counter(json.loads(item.get("changes", {}).get("S", "{}"))),
    )
    positions = item.get("positions", {}).get("S")
    finished_at = item.get("finished_at", {}).get("S")
    return Saved(
        token=item.get("run_token", {}).get("S", ""),
        positions=json.loads(positions) if positions else [START],
        finished=finished_at is not None,
        tally=tally,
        finished_at=finished_at,
    )
