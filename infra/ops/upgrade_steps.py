"""The steps from the tables a stack has to the tables a release declares: pure planning.

DynamoDB adds or removes one global secondary index per table per update, and no update
changes an index's keys or projection in place. So each table's changes are queued (an index
the running release reads that a stopped run left missing; an index whose definition
changed: removed, then added back; the indexes the release dropped; the new ones), and step
N takes the N-th change of every table's queue: several tables change in one step, no table
twice. The last step is the release's own template (new tables, streams, TTL, functions).
Before them all, a table a rolled-back upgrade left behind (``upgrade_kept.py``) is a step of
its own; an empty one will be deleted, so the release's template creates it again.
Backfills run right after the step that adds the index they fill (``after_index``), before
the steps when that index exists already, and after the release when they need no index.
One that ran before the release runs again after it: until then the running release goes
on writing items without what it sets (the second pass changes only those).

Schemas are in the snapshot shape (``infra/package/snapshots.py``); deployed tables are read
into it by ``upgrade_plan``. The plan is recomputed from what is deployed on every run, so a
run that stopped halfway continues where it stopped.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.store.index_uses import uses
from infra.ops.backfills.registry import Backfill

INDEXES = "indexes"
BACKFILL = "backfill"
RELEASE = "release"
KEPT = "kept"


@dataclass(frozen=True)
class IndexChange:
    table: str
    action: str  # "remove" | "add"
    index: str
    why: str  # "its definition changed", "new in this release", "dropped by this release"

    def describe(self) -> str:
        return f"{self.table}: {self.action} index {self.index} ({self.why})"


@dataclass(frozen=True)
class Step:
    number: int
    kind: str  # INDEXES, BACKFILL, RELEASE or KEPT
    changes: tuple[IndexChange, ...] = ()
    unavailable: tuple[str, ...] = ()
    backfill: Backfill | None = None
    release_changes: tuple[str, ...] = ()
    again: bool = False  # a backfill's second pass, after the release
    table: str = ""  # KEPT: the table a rolled-back upgrade left behind
    items: int = 0  # KEPT: what it holds


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    retired_tables: tuple[str, ...] = ()
    new_tables: tuple[str, ...] = ()
    states: dict[int, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def nothing_to_do(self) -> bool:
        return not self.steps and not self.retired_tables


def table_queue(
    table: str,
    deployed: Mapping[str, Any],
    wanted: Mapping[str, Any],
    running: Collection[str] = (),
) -> list[IndexChange]:
    """One table's index changes, in the order they can be made one per update: first an
    index the running release reads that is missing (a run stopped after removing it), then
    each changed index removed and added back, then the dropped ones, then the new ones."""
    have = deployed["global_secondary_indexes"]
    want = wanted["global_secondary_indexes"]
    missing = sorted(set(want) - set(have))
    queue = [
        IndexChange(table, "add", name, "the running release reads it")
        for name in missing
        if name in running
    ]
    for name in sorted(set(have) & set(want)):
        if have[name] != want[name]:
            why = "its definition changed"
            queue += [IndexChange(table, "remove", name, why), IndexChange(table, "add", name, why)]
    queue += [
        IndexChange(table, "remove", name, "dropped by this release")
        for name in sorted(set(have) - set(want))
    ]
    queue += [
        IndexChange(table, "add", name, "new in this release")
        for name in missing
        if name not in running
    ]
    return queue


def unplannable(
    deployed: Mapping[str, Mapping[str, Any]], wanted: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Kept tables whose key or local indexes change: DynamoDB fixes both at creation, so no
    sequence of updates gets there (a migration to a new table is needed)."""
    found = []
    for table in sorted(set(deployed) & set(wanted)):
        for part, words in (
            ("key_schema", "its key changes"),
            ("local_secondary_indexes", "its local indexes change"),
        ):
            if deployed[table][part] != wanted[table][part]:
                found.append(f"{table}: {words} (a new table and a copy, not an index step)")
    return found


def release_differences(
    table: str, deployed: Mapping[str, Any], wanted: Mapping[str, Any]
) -> list[str]:
    """What else the release's template changes on a kept table (streams, TTL)."""
    found = []
    if deployed.get("stream") != wanted.get("stream"):
        found.append(
            f"{table}: stream {deployed.get('stream') or 'off'} -> {wanted.get('stream') or 'off'}"
        )
    if deployed.get("ttl") != wanted.get("ttl"):
        found.append(
            f"{table}: TTL attribute {deployed.get('ttl') or 'none'} -> "
            f"{wanted.get('ttl') or 'none'}"
        )
    return found


def plan(
    deployed: Mapping[str, Mapping[str, Any]],
    wanted: Mapping[str, Mapping[str, Any]],
    backfills: Sequence[Backfill] = (),
    *,
    release_pending: bool = False,
    running: Mapping[str, Collection[str]] | None = None,
    left_behind: Mapping[str, int] | None = None,
) -> Plan:
    """The steps from ``deployed`` to ``wanted`` (both ``{base name: schema}``).

    ``release_pending``: the stack does not run the release yet, so its template is a step
    even when no table changes. ``running``: ``{table: indexes}`` the running release reads
    (its snapshot); by default the indexes the tables have. ``left_behind``: ``{table:
    items}`` left by a rolled-back upgrade; the empty ones are planned as deleted (then new).
    """
    left = left_behind or {}
    deployed = {t: s for t, s in deployed.items() if left.get(t, 1) > 0}
    if running is None:
        running = {t: set(s["global_secondary_indexes"]) for t, s in deployed.items()}
    kept = sorted(set(deployed) & set(wanted))
    new_tables = tuple(sorted(set(wanted) - set(deployed)))
    queues = {t: table_queue(t, deployed[t], wanted[t], running.get(t, ())) for t in kept}
    state = {t: dict(deployed[t]["global_secondary_indexes"]) for t in kept}
    steps = [Step(n, KEPT, table=t, items=left[t]) for n, t in enumerate(sorted(left), 1)]
    states: dict[int, dict[str, dict[str, Any]]] = {}
    pending = [b for b in backfills if b.table in wanted]

    ran_before: list[Backfill] = []

    def add_backfills(ready: list[Backfill]) -> None:
        for backfill in ready:
            steps.append(Step(len(steps) + 1, BACKFILL, backfill=backfill))
            pending.remove(backfill)
            ran_before.append(backfill)

    add_backfills(
        [b for b in pending if b.after_index and b.after_index in state.get(b.table, {})
         and not any(c.index == b.after_index for c in queues.get(b.table, []))]
    )  # fmt: skip
    depth = max((len(q) for q in queues.values()), default=0)
    for position in range(depth):
        changes = tuple(q[position] for q in queues.values() if len(q) > position)
        # What the running (old) release reads is unavailable while it is missing, being
        # removed or being built again.
        touched = {(c.table, c.index) for c in changes}
        unavailable = {
            uses(table, index)
            for table in kept
            for index in running.get(table, ())
            if index not in state[table] or (table, index) in touched
        }
        for change in changes:
            if change.action == "remove":
                state[change.table].pop(change.index, None)
            else:
                state[change.table][change.index] = wanted[change.table][
                    "global_secondary_indexes"
                ][change.index]
        number = len(steps) + 1
        states[number] = {t: dict(indexes) for t, indexes in state.items()}
        steps.append(Step(number, INDEXES, changes, tuple(sorted(unavailable))))
        added = {(c.table, c.index) for c in changes if c.action == "add"}
        add_backfills([b for b in pending if (b.table, b.after_index) in added])
    others = [line for t in kept for line in release_differences(t, deployed[t], wanted[t])]
    others += [f"{t}: new table" for t in new_tables]
    if others or release_pending or any(step.kind == INDEXES for step in steps):
        steps.append(Step(len(steps) + 1, RELEASE, release_changes=tuple(others)))
        for backfill in ran_before:
            steps.append(Step(len(steps) + 1, BACKFILL, backfill=backfill, again=True))
    add_backfills(list(pending))
    retired = tuple(sorted(set(deployed) - set(wanted)))
    return Plan(tuple(steps), retired, new_tables, states)
