"""Deleting records only while nothing forbids it, in the same transaction as the check.

A deletion by the records-retention job must respect a legal hold at the moment it
happens, not when the run started, and must leave alone a row that changed since it was
read. So each batch is one transaction: the guards (no jurisdiction-wide hold; the owner
not held, still retired ...) as condition checks, then the deletes, each with its own
"as read" condition. If a delete's own condition fails, that row changed meanwhile: it is
left, and the rest is tried again without it. If a guard fails, nothing is deleted and the
caller learns which guard it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from .transactions import transactions
from .write_failures import Cause, classify, retry_transient

# moto refuses more than 25 items in a transaction (DynamoDB takes 100); a batch of 25 is
# also small enough that a refused one is cheap to try again.
TRANSACTION_ITEMS = 25


@dataclass(frozen=True)
class Guard:
    """A condition check: ``condition`` must hold on the item ``model(hash_key)``."""

    model: type[Model]
    hash_key: str
    condition: Condition


@dataclass(frozen=True)
class Removal:
    """One item to delete (``condition``: as it was read), counted under ``kind``. Removals
    of one ``group`` (a text and its Twilio reference) are left together when one of them
    changed meanwhile. With ``actions``, what goes is part of the item (a client's id in a
    group's members): the item is updated instead of deleted."""

    item: Model
    condition: Condition | None
    kind: str
    group: int = 0
    actions: Sequence[Action] = ()


@dataclass
class Outcome:
    """What one guarded batch did: counts by kind, rows left because they changed, and the
    guard that refused (its index in the guards given), if one did."""

    deleted: dict[str, int] = field(default_factory=dict)
    changed: int = 0
    refused_by: int | None = None

    def add(self, other: Outcome) -> None:
        for kind, count in other.deleted.items():
            self.deleted[kind] = self.deleted.get(kind, 0) + count
        self.changed += other.changed
        if other.refused_by is not None:
            self.refused_by = other.refused_by


@dataclass(frozen=True)
class Companion:
    """A write that goes with the removals, all or nothing: an audit row to save, or an
    item to update (with ``actions``) under ``condition``."""

    item: Model
    actions: Sequence[Action] = ()
    condition: Condition | None = None


def delete_guarded(
    guards: Sequence[Guard], removals: Sequence[Removal], companions: Sequence[Companion] = ()
) -> Outcome:
    """Delete ``removals`` in one transaction under ``guards``. A removal whose own condition
    failed is dropped and the rest tried again; nothing is deleted when a guard fails.
    ``companions`` (they describe the whole batch) are written only with every removal: if
    one removal changed meanwhile, nothing of the batch is written."""
    pending = list(removals)
    outcome = Outcome()
    while pending:
        failed = _attempt(guards, pending, companions)
        if failed is None:
            for removal in pending:
                outcome.deleted[removal.kind] = outcome.deleted.get(removal.kind, 0) + 1
            return outcome
        refused = [i for i in failed if i < len(guards)]
        if refused:
            outcome.refused_by = refused[0]
            return outcome
        changed = {pending[i - len(guards)].group for i in failed if i < len(guards) + len(pending)}
        if companions or not changed:
            # all or nothing (a removal or a companion changed meanwhile): the next run
            # reads them again
            outcome.changed += max(1, len(changed))
            return outcome
        outcome.changed += len(changed)
        pending = [r for r in pending if r.group not in changed]
    return outcome


def _attempt(
    guards: Sequence[Guard], removals: Sequence[Removal], companions: Sequence[Companion]
) -> list[int] | None:
    """None when written; else the indexes of the items whose condition failed."""

    def write() -> None:
        with TransactWrite(connection=transactions()) as tx:
            for guard in guards:
                tx.condition_check(guard.model, guard.hash_key, condition=guard.condition)
            for removal in removals:
                if removal.actions:
                    tx.update(removal.item, list(removal.actions), condition=removal.condition)
                else:
                    tx.delete(removal.item, condition=removal.condition)
            for put in (c for c in companions if not c.actions):
                tx.save(put.item, condition=put.condition)
            for update in (c for c in companions if c.actions):
                tx.update(update.item, list(update.actions), condition=update.condition)

    try:
        retry_transient("records-retention batch", write)
    except PynamoDBException as exc:
        failure = classify(exc)
        if failure.cause is not Cause.CONDITION:
            raise
        return [i for i, code in enumerate(failure.item_codes) if code == "ConditionalCheckFailed"]
    return None


def batches(reserved: int, groups: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """``groups`` of removals, packed whole into batches that fit one transaction beside
    ``reserved`` other items (its guards and puts)."""
    room = TRANSACTION_ITEMS - reserved
    found: list[list[Any]] = [[]]
    for group in groups:
        if found[-1] and len(found[-1]) + len(group) > room:
            found.append([])
        found[-1].extend(group)
    return [batch for batch in found if batch]
