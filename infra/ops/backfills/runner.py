"""Run one backfill over its table: Scan a page at a time, a conditional UpdateItem per item
that needs one, paced to a share of the table's capacity, with a checkpoint and progress.

Each write is conditional on the item still holding what the rule's decision depended on
(and what it changes), so an edit made meanwhile always wins: a refused write is read again
(strongly consistent) and decided once more; a second refusal is reported "run again". A
dry run reads only (DescribeTable, Scan, and what the rule prepares with) and writes
nothing, not even the checkpoint. Counts only, never ids, names or numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..aws_target import Target
from ..common import OpsError
from .checkpoint import TABLE as CHECKPOINT_TABLE
from .checkpoint import Checkpoint, Saved
from .model import (
    DELETED,
    KEPT_CHANGING,
    Backfill,
    BackfillResult,
    Examine,
    Item,
    Plan,
    Progress,
    RunContext,
    Tally,
    Unusable,
    change_label,
)
from .pacing import DEFAULT_SHARE, Pacer, capacity_of
from .runner_calls import ConditionFailed, TableMissing, bulk_client, call
from .segments import MAX_SEGMENTS, START, Position, Shared, walk_all, walk_segment

PAGE_SIZE = 500  # items per Scan page (a few hundred bytes each as projected)
WRITE_ATTEMPTS = 2  # the first write, and one more after reading the item again


def run_backfill(
    backfill: Backfill,
    target: Target,
    *,
    dry_run: bool,
    share: float = DEFAULT_SHARE,
    progress: Progress = print,
    dynamodb: Any = None,
    tally: Tally | None = None,
    page_size: int = PAGE_SIZE,
    segments: int = 1,
    clock: tuple[Callable[[], float], Callable[[float], None]] | None = None,
) -> BackfillResult:
    """One pass (or the rest of an unfinished one), in ``segments`` parallel Scan segments
    (threads sharing one pace). ``tally`` is filled as the run goes, so a stopped run can
    still say how far it got; ``clock`` (now, sleep) paces in tests. Raises ``OpsError``
    (stopped: run again to go on) or ``KeyboardInterrupt``, the checkpoint saved."""
    if not 1 <= segments <= MAX_SEGMENTS:
        raise OpsError(f"segments must be 1 to {MAX_SEGMENTS}")
    dynamodb = dynamodb or bulk_client(target)
    tally = tally if tally is not None else Tally(dry_run=dry_run)
    table = target.table(backfill.table)
    described = call(table, dynamodb.describe_table, TableName=table)["Table"]
    _check_index(backfill, table, described)
    pacer = Pacer(capacity_of(described), share, *(clock or ()))
    keys = tuple(part["AttributeName"] for part in described["KeySchema"])
    examine = backfill.rule.prepare(RunContext(target, dynamodb))
    checkpoint: Checkpoint | None = None
    positions: list[Position] = [START] * segments
    if not dry_run:
        checkpoint, positions = _open_checkpoint(
            dynamodb, target, backfill.name, tally, progress, segments
        )
    progress(f"  paced to {pacer.describe()}")
    shared = Shared(tally, checkpoint, positions, progress)

    def walk(segment: int) -> None:
        counted = Tally(dry_run=dry_run)  # this segment's item in hand
        one = _Pass(dynamodb, table, keys, (*keys, *backfill.rule.read), examine, pacer, counted)
        walk_segment(one, shared, segment, segments, page_size)

    walk_all(walk, shared, segments)
    return tally.result(finished=True)


def saved_pass(backfill: Backfill, target: Target, dynamodb: Any = None) -> Saved | None:
    """Where ``backfill`` stands on ``target`` (None: never run, or no checkpoint table):
    ``finished`` once a pass reached the end of the table."""
    checkpoint = Checkpoint(
        dynamodb or bulk_client(target), target.table(CHECKPOINT_TABLE), backfill.name
    )
    try:
        return checkpoint.read()
    except TableMissing:
        return None


def _check_index(backfill: Backfill, table: str, described: dict[str, Any]) -> None:
    """Refuse before the release with the index is deployed: code still running from the
    release before would go on writing items without what the backfill sets."""
    if backfill.after_index is None:
        return
    indexes = {index["IndexName"] for index in described.get("GlobalSecondaryIndexes", [])}
    if backfill.after_index not in indexes:
        raise OpsError(
            f"{table} has no index {backfill.after_index} yet: deploy release "
            f"{backfill.release} first, then run this"
        )


def _open_checkpoint(
    dynamodb: Any, target: Target, name: str, tally: Tally, progress: Progress, segments: int
) -> tuple[Checkpoint | None, list[Position]]:
    checkpoint = Checkpoint(dynamodb, target.table(CHECKPOINT_TABLE), name)
    try:
        saved = checkpoint.read()
    except TableMissing:
        progress(f"  no table {checkpoint.table} for a checkpoint: an interrupted run starts over")
        return None, [START] * segments
    if saved is not None and not saved.finished:
        if len(saved.positions) != segments:
            raise OpsError(
                f"the pass in progress runs in {len(saved.positions)} segments: "
                f"run it again with --segments {len(saved.positions)}"
            )
        progress(f"  resuming the pass in progress ({saved.tally.examined} examined before)")
    return checkpoint, checkpoint.begin(saved, tally, segments)


class _Pass:
    """One pass over a table: reads, decides and writes item by item."""

    def __init__(
        self,
        dynamodb: Any,
        table: str,
        keys: tuple[str, ...],
        read: tuple[str, ...],
        examine: Examine,
        pacer: Pacer,
        tally: Tally,
    ):
        self.dynamodb, self.table, self.keys, self.examine = dynamodb, table, keys, examine
        self.pacer, self.tally = pacer, tally
        self.read = tuple(dict.fromkeys(read))
        self.names = {f"#r{i}": name for i, name in enumerate(self.read)}

    def pages(
        self, start: Item | None, page_size: int, segment: int = 0, segments: int = 1
    ) -> Iterator[tuple[list[Item], Item | None]]:
        """Each page's items and the position after it (None after the last page)."""
        request: dict[str, Any] = {
            "TableName": self.table,
            "Limit": page_size,
            "ProjectionExpression": ", ".join(self.names),
            "ExpressionAttributeNames": self.names,
            "ReturnConsumedCapacity": "TOTAL",
        }
        if start is not None:
            request["ExclusiveStartKey"] = start
        if segments > 1:
            request.update(Segment=segment, TotalSegments=segments)
        while True:
            page = call(self.table, self.dynamodb.scan, **request)
            self.pacer.after_scan(page)
            after = page.get("LastEvaluatedKey")
            yield page.get("Items", []), after
            if after is None:
                return
            request["ExclusiveStartKey"] = after

    def handle(self, item: Item) -> None:
        """Decide and write one item. A refused write (an edit meanwhile) is read again and
        decided once more; after a second refusal the item as it is then decides the count."""
        tally = self.tally
        found = item
        for _ in range(WRITE_ATTEMPTS):
            plan = self._plan(found)
            if plan is None:
                return
            if not plan.changes:
                tally.already_right += 1
                return
            if tally.dry_run or self._write(found, plan):
                self._count(found, plan)
                return
            now = self._reread(found)
            if now is None:
                tally.skipped[DELETED] += 1
                return
            found = now
        plan = self._plan(found)
        if plan is not None:
            if plan.changes:
                tally.skipped[KEPT_CHANGING] += 1
            else:
                tally.already_right += 1

    def _plan(self, item: Item) -> Plan | None:
        try:
            return self.examine(item)
        except Unusable as unusable:
            self.tally.skipped[str(unusable)] += 1
            return None

    def _count(self, item: Item, plan: Plan) -> None:
        self.tally.changed += 1
        for name, value in plan.changes.items():
            self.tally.changes[change_label(name, value, item.get(name))] += 1

    def _write(self, item: Item, plan: Plan) -> bool:
        """One conditional UpdateItem; False when the item is no longer as it was read."""
        names = {"#k": self.keys[0]}
        values: dict[str, Any] = {}
        condition = ["attribute_exists(#k)"]
        sets, removes = [], []
        for i, name in enumerate(sorted({*plan.depends_on, *plan.changes})):
            names[f"#a{i}"] = name
            if name in item:
                condition.append(f"#a{i} = :was{i}")
                values[f":was{i}"] = item[name]
            else:
                condition.append(f"attribute_not_exists(#a{i})")
            if name in plan.changes:
                value = plan.changes[name]
                if value is None:
                    removes.append(f"#a{i}")
                else:
                    sets.append(f"#a{i} = :new{i}")
                    values[f":new{i}"] = value
        update = " ".join(
            part
            for part in (
                f"SET {', '.join(sets)}" if sets else "",
                f"REMOVE {', '.join(removes)}" if removes else "",
            )
            if part
        )
        request: dict[str, Any] = {
            "TableName": self.table,
            "Key": {name: item[name] for name in self.keys},
            "UpdateExpression": update,
            "ConditionExpression": " AND ".join(condition),
            "ExpressionAttributeNames": names,
            "ReturnConsumedCapacity": "TOTAL",
        }
        if values:
            request["ExpressionAttributeValues"] = values
        self.pacer.before_write()
        try:
            answer = call(self.table, self.dynamodb.update_item, **request)
        except ConditionFailed:
            return False
        self.pacer.after_write(answer)
        return True

    def _reread(self, item: Item) -> Item | None:
        """The item as it is now (strongly consistent); None when it is gone."""
        found = call(
            self.table,
            self.dynamodb.get_item,
            TableName=self.table,
            Key={name: item[name] for name in self.keys},
            ConsistentRead=True,
            ProjectionExpression=", ".join(self.names),
            ExpressionAttributeNames=self.names,
        ).get("Item")
        return None if found is None else dict(found)
