"""Records retention: how long each kind of record is kept, and what may go when.

A jurisdiction's ``records_retention`` setting gives a number of days per kind of record;
a kind without one is kept forever (and ``check``/``make package`` say so). What is past
its schedule is deleted by the ``records-retention`` job, never by the pages:

- ``closed_clients_days``: a client retired (case closed) longer ago than this goes, with
  everything under them (texts, markers, appointments, finished scheduled texts, the routes
  of their numbers, unread rows). An active client never goes.
- ``texts_days``: texts and markers older than this go from every conversation (an active
  client's too), with their references; a number waiting in Unclaimed whose texts all went
  leaves the queue; a mass text (its wording and recipient list) started and sent before
  the cutoff goes too.
- ``audit_days``: audit rows older than this go, by DynamoDB's TTL (each row is written
  with its expiry, ``store/audit.py``): the trail is append-only, so no role of the app, the
  job's included, may delete a row. The job does not sweep them (not in ``PASS_ORDER``).

Nothing goes under a legal hold (``legal_hold`` here, a switch in the table that the job
checks in the same transaction as each deletion, or a hold on one client), nothing still
to be sent or settled, and nothing newer than its schedule.

Pure rules: no clock of its own (``now`` is given), no storage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from .delivery import UNRESOLVED

SETTING = "records_retention"
MIN_DAYS = 30  # a typo of 3 for 30 (or 365) must not empty a conversation by tomorrow
MAX_DAYS = 36500  # a hundred years: more is a typo, and "forever" is leaving it out
DAY_SETTINGS = ("texts_days", "closed_clients_days", "audit_days")
HOLD_SETTING = "legal_hold"


class RecordKind(StrEnum):
    """What the job deletes, in the order a pass takes them."""

    CLOSED_CLIENTS = "closed_clients"
    TEXTS = "texts"
    MASS_TEXTS = "mass_texts"  # mass-text items: wording and recipients, on the texts' schedule
    WAITING_NUMBERS = "waiting_numbers"  # Unclaimed queue items whose texts all went
    AUDIT = "audit"  # has a schedule, kept by TTL: never swept by the job


PASS_ORDER = (
    RecordKind.CLOSED_CLIENTS,
    RecordKind.TEXTS,
    RecordKind.MASS_TEXTS,
    RecordKind.WAITING_NUMBERS,
)  # RecordKind.AUDIT: TTL, not the job


@dataclass(frozen=True)
class RecordsRetention:
    """Days each kind is kept (None: forever) and the jurisdiction-wide hold."""

    texts_days: int | None = None
    closed_clients_days: int | None = None
    audit_days: int | None = None
    legal_hold: bool = False

    def days_for(self, kind: RecordKind) -> int | None:
        if kind is RecordKind.CLOSED_CLIENTS:
            return self.closed_clients_days
        if kind is RecordKind.AUDIT:
            return self.audit_days
        return self.texts_days  # texts, mass texts, and the waiting numbers whose texts went

    @property
    def kinds(self) -> tuple[RecordKind, ...]:
        """The kinds with a schedule, in pass order."""
        return tuple(kind for kind in PASS_ORDER if self.days_for(kind) is not None)

    def forever(self) -> list[str]:
        """The settings left out: what is kept forever (for the build's notice)."""
        return [name for name in DAY_SETTINGS if getattr(self, name) is None]


def parse_records_retention(raw: Any, errors: dict[str, str]) -> RecordsRetention:
    """The ``records_retention`` object as the app reads it; problems go into ``errors``
    by path, as the schema names them (``records_retention.texts_days``)."""
    if raw is None:
        return RecordsRetention()
    if not isinstance(raw, Mapping):
        errors[SETTING] = 'must be an object, like {"texts_days": 1095}'
        return RecordsRetention()
    days: dict[str, int | None] = {}
    for name in DAY_SETTINGS:
        value = raw.get(name)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not MIN_DAYS <= value <= MAX_DAYS
        ):
            errors[f"{SETTING}.{name}"] = (
                f"must be a whole number of days from {MIN_DAYS} to {MAX_DAYS}, or left out "
                "to keep them forever"
            )
            value = None
        days[name] = value
    hold = raw.get(HOLD_SETTING, False)
    if not isinstance(hold, bool):
        errors[f"{SETTING}.{HOLD_SETTING}"] = "must be true or false"
        hold = False
    found = RecordsRetention(legal_hold=hold, **days)
    errors.update(order_problems(found))
    return found


def order_problems(found: RecordsRetention) -> dict[str, str]:
    """Audit rows say who read, sent and changed the texts and clients: they must not go
    before what they are about."""
    audit = found.audit_days
    if audit is None:
        return {}
    path = f"{SETTING}.audit_days"
    if found.texts_days is None:
        return {
            path: "needs texts_days too: texts kept forever would outlive the audit rows "
            "saying who read them (leave audit_days out to keep both forever)"
        }
    for name in ("texts_days", "closed_clients_days"):
        other = getattr(found, name)
        if other is not None and audit < other:
            return {
                path: f"must be at least {name} ({other}): audit rows outlive what they are about"
            }
    return {}


def cutoff(days: int, now: datetime, zone: tzinfo) -> datetime:
    """Records dated before this instant are past a ``days`` schedule.

    The start of the local day ``days`` days before today: a record of local day D is kept
    through day D + ``days`` and goes from the start of the day after, whatever hour the
    job runs at (every run of one day uses the same cutoff; daylight saving moves nothing).
    """
    day = now.astimezone(zone).date() - timedelta(days=days)
    return local_midnight(day, zone)


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """Midnight starting ``day`` in ``zone``, in UTC (where a zone skips midnight, the
    instant the day begins is taken as the hour before the jump)."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def time_key(at: datetime) -> str:
    """``at`` as the stored keys begin (conversation entries, audit rows): keys that sort
    before ``time_key(cutoff)`` are dated before the cutoff."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_may_go(at: datetime, status: str, being_settled: bool, before: datetime) -> bool:
    """A conversation entry past its schedule, unless its fate is still being found out."""
    return at < before and not in_flight(status, being_settled)


def in_flight(status: str, being_settled: bool) -> bool:
    """A send Twilio has not answered for: settle-sends still needs its entry."""
    return being_settled or status in UNRESOLVED


UNFINISHED_SCHEDULE_STATES = frozenset({"scheduled", "queued", "sending"})


def closed_client_may_go(
    retired_at: datetime | None, held: bool, pending_states: set[str], before: datetime
) -> bool:
    """A client retired before the cutoff, not on hold, with nothing left to send."""
    if retired_at is None or held:
        return False
    return retired_at < before and not (pending_states & UNFINISHED_SCHEDULE_STATES)


def pass_due(last_started: datetime | None, now: datetime, zone: tzinfo) -> bool:
    """A new pass over every table starts at most once a local day: the job runs hourly
    so that a pass too long for one run goes on within the hour, not the next day."""
    if last_started is None:
        return True
    return last_started.astimezone(zone).date() < now.astimezone(zone).date()
