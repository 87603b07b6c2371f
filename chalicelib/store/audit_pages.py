"""Reading the audit trail for people (the Audit page, disclosure exports): a subject's rows
or one person's, newest first, between two instants, a page at a time.

A subject's rows are keyed by the time they happened (and filtered on ``at``, the same
time); one person's come from the ``by-actor`` index, keyed by ``at``. Rows from before
release 0.21.0 carry no ``at`` and are not listed (the check command counts them); the
chain's links live in another partition (``chain#...``) and are never read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pynamodb.expressions.condition import Condition

from .audit import TIME_FORMAT, AuditEntry, entry
from .models import AuditModel

READ_PAGE = 200  # items DynamoDB reads per request while filtering a subject by time


def time_key(at: datetime) -> str:
    """``at`` as the stored ``at`` values begin (UTC): they sort as the times do. A search's
    days are the jurisdiction's, so its ends arrive zone-aware: written in their own zone's
    wall time, an evening in Denver (the next day in UTC) fell outside its own day."""
    return at.astimezone(UTC).strftime(TIME_FORMAT)


@dataclass(frozen=True)
class TrailPage:
    entries: list[AuditEntry]
    after: dict[str, str] | None  # the key to go on from (None: nothing older)


def _between(since: datetime, until: datetime) -> Condition:
    return AuditModel.at.between(time_key(since), time_key(until))


def _page(rows: Iterable[AuditModel], limit: int, keys: tuple[str, ...]) -> TrailPage:
    found: list[AuditModel] = []
    for row in rows:
        found.append(row)
        if len(found) > limit:
            break
    more = len(found) > limit
    shown = found[:limit]
    after = {k: str(getattr(shown[-1], k)) for k in keys} if more and shown else None
    return TrailPage([entry(row) for row in shown], after)


class AuditPages:
    def of_subject(
        self,
        subject: str,
        since: datetime,
        until: datetime,
        limit: int,
        after: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> TrailPage:
        """A subject's rows between ``since`` and ``until``, newest first (only ``actor``'s
        when given)."""
        condition = _between(since, until)
        if actor:
            condition = condition & (AuditModel.actor == actor)
        start = {"subject": subject, "at_id": str(after["at_id"])} if after else None
        rows = AuditModel.query(
            subject,
            AuditModel.at_id.between(time_key(since), time_key(until) + "~"),
            filter_condition=condition,
            scan_index_forward=False,
            page_size=READ_PAGE,
            last_evaluated_key=_key(start),
        )
        return _page(rows, limit, ("subject", "at_id"))

    def of_actor(
        self,
        actor: str,
        since: datetime,
        until: datetime,
        limit: int,
        after: dict[str, Any] | None = None,
    ) -> TrailPage:
        """What one person did between ``since`` and ``until``, newest first."""
        start = (
            {"actor": actor, "at": str(after["at"]), "subject": str(after["subject"]),
             "at_id": str(after["at_id"])}
            if after
            else None
        )  # fmt: skip
        rows = AuditModel.by_actor.query(
            actor,
            _between(since, until),
            scan_index_forward=False,
            page_size=limit + 1,
            last_evaluated_key=_key(start),
        )
        return _page(rows, limit, ("subject", "at_id", "at"))


def _key(values: dict[str, str] | None) -> dict[str, dict[str, str]] | None:
    return {k: {"S": v} for k, v in values.items()} if values else None
