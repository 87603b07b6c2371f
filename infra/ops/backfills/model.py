"""What a backfill is, what one item needs, and what a run found (counts only).

A backfill's rule looks at one item as read and says which attributes must change (a raw
DynamoDB value to set, None to remove) and which attributes the change depends on. The
runner writes the change under a condition that every one of those attributes, and every
changed one, is still as it was read, so an edit made meanwhile always wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..aws_target import Target

Item = dict[str, Any]  # attribute → raw DynamoDB value ({"S": "..."}), as a Scan returns it
Value = dict[str, Any]
Progress = Callable[[str], None]

# Why an item was left as it was, shared by every backfill.
DELETED = "deleted during the run"
KEPT_CHANGING = "edited during the run at every attempt: run again"


class Unusable(Exception):
    """An item the rule cannot reason about; the message is the reason (never its data)."""


@dataclass(frozen=True)
class Plan:
    """What one item needs: ``changes`` (only attributes that differ from what was read)
    and ``depends_on`` (attributes that must still be as read, or still absent)."""

    changes: Mapping[str, Value | None] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()


NOTHING = Plan()


class Examine(Protocol):
    def __call__(self, item: Item) -> Plan: ...


@dataclass(frozen=True)
class RunContext:
    """What a rule may need before it looks at items (e.g. the department's courthouses)."""

    target: Target
    dynamodb: Any


class ItemRule(Protocol):
    """One backfill's logic, item by item."""

    read: tuple[str, ...]  # attributes it looks at (the key is always read too)

    def prepare(self, context: RunContext) -> Examine: ...


@dataclass(frozen=True)
class BackfillResult:
    """A run's counts. ``complete``: every item examined and none left to run again."""

    examined: int
    changed: int
    already_right: int
    skipped: dict[str, int]
    complete: bool
    changes: dict[str, int] = field(default_factory=dict)  # "id_key set" → count


@dataclass
class Tally:
    """Counts as a run goes (a stopped run still says how far it got)."""

    dry_run: bool = False
    examined: int = 0
    changed: int = 0
    already_right: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    changes: Counter[str] = field(default_factory=Counter)

    @property
    def must_run_again(self) -> bool:
        return self.skipped[KEPT_CHANGING] > 0

    def result(self, finished: bool) -> BackfillResult:
        return BackfillResult(
            examined=self.examined,
            changed=self.changed,
            already_right=self.already_right,
            skipped=dict(self.skipped),
            complete=finished and not self.must_run_again,
            changes=dict(self.changes),
        )

    def summary(self) -> str:
        """One progress line (starts with spaces, ends in a word: reports stay parseable)."""
        changed = "would change" if self.dry_run else "changed"
        return (
            f"  progress: {self.examined} examined, {self.changed} {changed}, "
            f"{self.already_right} already right, {sum(self.skipped.values())} skipped"
        )

    def lines(self) -> list[str]:
        """The report: totals, then changes by attribute and skips by reason."""
        changed = "would change" if self.dry_run else "changed"
        report = [f"{'examined':<16}{self.examined:>8}", f"{changed:<16}{self.changed:>8}"]
        report += [f"  {what:<40}{n:>8}" for what, n in sorted(self.changes.items())]
        report.append(f"{'already right':<16}{self.already_right:>8}")
        report.append(f"{'skipped':<16}{sum(self.skipped.values()):>8}")
        report += [f"  {why:<54}{n:>8}" for why, n in sorted(self.skipped.items())]
        return report


def change_label(name: str, value: Value | None, before: Value | None) -> str:
    """How a change is counted, e.g. "id_key set", "search_text corrected"."""
    if value is None:
        return f"{name} removed"
    return f"{name} {'set' if before is None else 'corrected'}"


def text(item: Item, name: str, reason: str) -> str | None:
    """A text attribute's value, None when absent; ``Unusable(reason)`` when not text."""
    if name not in item:
        return None
    if "S" not in item[name]:
        raise Unusable(reason)
    return str(item[name]["S"])


def differing(item: Item, wanted: Mapping[str, str | None]) -> dict[str, Value | None]:
    """The text attributes whose wanted value (None: absent) is not what was read."""
    out: dict[str, Value | None] = {}
    for name, value in wanted.items():
        raw = None if value is None else {"S": value}
        if item.get(name) != raw:
            out[name] = raw
    return out


class NoRule:
    """The rule of a backfill declared without one (a plan's test double): running it is
    refused, since there is nothing to decide items by."""

    read: tuple[str, ...] = ()

    def prepare(self, context: RunContext) -> Examine:
        raise NotImplementedError("this backfill declares no rule for its items")


@dataclass(frozen=True)
class Backfill:
    """A release's backfill: its table, when it may run, and the rule for one item.

    ``after_index``: run once this index exists (the release that writes the attributes is
    deployed; code of the release before would go on writing items without them).
    """

    name: str
    release: str  # "MAJOR.MINOR.PATCH": the first release that needs it
    table: str  # base table name, e.g. "clients"
    after_index: str | None
    description: str
    rule: ItemRule = field(default_factory=NoRule, repr=False, compare=False)

    def run(
        self, target: Target, *, dry_run: bool, share: float, progress: Progress
    ) -> BackfillResult:
        """One pass over the table (resuming an unfinished one from its checkpoint)."""
        from .runner import run_backfill

        return run_backfill(self, target, dry_run=dry_run, share=share, progress=progress)
