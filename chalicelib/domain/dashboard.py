"""A department's figures: what each conversation entry counts for, and the sums a
dashboard shows.

Counting is fed by the conversations table's stream (services/dashboard_rollup.py): each
entry, as its newest image, says which events it stands for. Every event has a key of its
own, so a stream that hands the same entry twice (a redelivery, or the same text once
queued and once delivered) counts each event once. Figures are kept per local day (the
jurisdiction's zone: a day across a daylight-saving change is 23 or 25 hours long) and
per case manager; the department's figure is the sum of its case managers' rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .conversation import ConversationEntry, Direction, EntryKind
from .delivery import PROBLEMS, REACHED_PHONE


class Tally(StrEnum):
    """The counters of a day row (also their attribute names)."""

    SENT = "sent"
    RECEIVED = "received"
    REMINDERS = "reminders"
    CONFIRMED = "confirmed"
    RESCHEDULE = "reschedule"
    ATTENDED = "attended"
    MISSED = "missed"
    FAILURES = "failures"
    OPT_OUTS = "opt_outs"
    SCHEDULED = "scheduled"
    MASS = "mass"
    ANSWERED = "answered"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Tally.SENT: "Texts sent",
    Tally.RECEIVED: "Texts received",
    Tally.REMINDERS: "Reminders sent",
    Tally.CONFIRMED: "Reminders confirmed",
    Tally.RESCHEDULE: "Asked to reschedule",
    Tally.ATTENDED: "Appointments attended",
    Tally.MISSED: "Appointments missed",
    Tally.FAILURES: "Delivery failures",
    Tally.OPT_OUTS: "Opt-outs",
    Tally.SCHEDULED: "Scheduled texts sent",
    Tally.MASS: "Mass texts sent",
    Tally.ANSWERED: "Client texts answered",
}

# Answer-time buckets, upper bounds in minutes (the last one is open): a histogram is
# enough for a median to the bucket, and adds a fixed number of counters per day row.
ANSWER_BOUNDS = (5, 15, 30, 60, 120, 240, 480, 1440, 4320)
ANSWER_LABELS = (
    "5 minutes",
    "15 minutes",
    "30 minutes",
    "1 hour",
    "2 hours",
    "4 hours",
    "8 hours",
    "1 day",
    "3 days",
    "more than 3 days",
)


def answer_bucket(waited: timedelta) -> int:
    """Which bucket a client's wait for an answer falls in."""
    minutes = max(waited.total_seconds(), 0) / 60
    for index, bound in enumerate(ANSWER_BOUNDS):
        if minutes <= bound:
            return index
    return len(ANSWER_BOUNDS)


def bucket_name(index: int) -> str:
    return f"a{index}"


def client_mark(client_id: str) -> bytes:
    """A client as the day rows' "contacted" sets hold them: 48 bits of a hash (no
    collision to expect among a department's clients), so a month of sets fits one read."""
    return hashlib.sha256(client_id.encode()).digest()[:6]


@dataclass(frozen=True)
class Event:
    """One thing an entry counts for, once: ``key`` is unique to it."""

    key: str
    client_id: str
    at: datetime
    tallies: tuple[Tally, ...] = ()
    contacted: bool = False
    waits: bool = False  # a client's text: the answer clock starts (if not running)
    answers: bool = False  # a person's reply: the answer clock stops (if running)
    entry_id: str = ""


def events_of(entry: ConversationEntry) -> list[Event]:
    """What ``entry`` counts for, as stored now (statuses only move forward, so the
    newest image says everything an older one did)."""
    base = f"{entry.client_id}#{entry.entry_id}"
    if entry.kind is EntryKind.MARKER:
        tally = _marker_tally(entry)
        return [Event(f"marker#{base}", entry.client_id, entry.at, (tally,))] if tally else []
    if entry.kind is not EntryKind.TEXT:
        return []  # automatic replies are neither a person's text nor an answer
    if entry.direction is Direction.INBOUND:
        return [Event(f"in#{base}", entry.client_id, entry.at, (Tally.RECEIVED,), True, waits=True)]
    found: list[Event] = []
    if entry.sid:  # Twilio took it
        scheduled = "scheduled_for" in entry.details
        found.append(
            Event(
                f"out#{base}",
                entry.client_id,
                entry.at,
                (Tally.SENT, *_sent_kind(entry)),
                answers=not scheduled and bool(entry.author_id),
                entry_id=entry.entry_id,
            )
        )
    if entry.status in REACHED_PHONE:
        found.append(Event(f"reach#{base}", entry.client_id, entry.at, (), contacted=True))
    if entry.status in PROBLEMS:
        found.append(Event(f"fail#{base}", entry.client_id, entry.at, (Tally.FAILURES,)))
    return found


def as_mass(event: Event) -> Event:
    """A scheduled text that turned out to be a mass text's (its scheduled row says so)."""
    tallies = tuple(Tally.MASS if t is Tally.SCHEDULED else t for t in event.tallies)
    return replace(event, tallies=tallies)


def _sent_kind(entry: ConversationEntry) -> tuple[Tally, ...]:
    if "scheduled_for" not in entry.details:
        return ()
    if entry.details.get("reminder"):
        return (Tally.REMINDERS,)
    return (Tally.SCHEDULED,)  # or a mass text's: the rollup asks its scheduled row


def _marker_tally(entry: ConversationEntry) -> Tally | None:
    if entry.marker == "opted_out":
        return Tally.OPT_OUTS
    if entry.marker == "appointment_answer":
        return {"confirm": Tally.CONFIRMED, "reschedule": Tally.RESCHEDULE}.get(
            entry.details.get("answer", "")
        )
    if entry.marker == "appointment_outcome":
        return {"attended": Tally.ATTENDED, "missed": Tally.MISSED}.get(
            entry.details.get("outcome", "")
        )
    return None


def local_day(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


@dataclass(frozen=True)
class DayRow:
    """One case manager's figures for one local day."""

    day: date
    case_manager_id: str
    name: str
    counts: Mapping[str, int]
    contacted: frozenset[bytes] = frozenset()


@dataclass
class Totals:
    """Figures summed over days (and, for the department, over case managers)."""

    counts: dict[str, int] = field(default_factory=dict)
    contacted: set[bytes] = field(default_factory=set)

    def add(self, row: DayRow) -> None:
        for name, value in row.counts.items():
            self.counts[name] = self.counts.get(name, 0) + int(value)
        self.contacted |= row.contacted

    def get(self, tally: Tally | str) -> int:
        return self.counts.get(str(tally), 0)

    @property
    def clients_contacted(self) -> int:
        return len(self.contacted)

    @property
    def answer_histogram(self) -> list[int]:
        return [self.counts.get(bucket_name(i), 0) for i in range(len(ANSWER_LABELS))]

    @property
    def median_answer(self) -> str:
        """ "within <bucket>" of the median answer, or "" with nothing answered."""
        histogram = self.answer_histogram
        total = sum(histogram)
        if not total:
            return ""
        middle, seen = (total + 1) // 2, 0
        for index, count in enumerate(histogram):
            seen += count
            if seen >= middle:
                label = ANSWER_LABELS[index]
                return label if index == len(ANSWER_BOUNDS) else f"within {label}"
        return ""  # not reached: the counts add up to the total


@dataclass(frozen=True)
class Period:
    """Local days ``first``..``last``, both included."""

    first: date
    last: date
    label: str

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


MAX_PERIOD_DAYS = 92  # a quarter: a month of day rows is one read at 10,000 clients


def period_for(choice: str, today: date, first: str = "", last: str = "") -> Period:
    """ "week" (Monday to today), "30" (the last 30 days) or "custom" (two ISO dates).
    ValueError names what is wrong with a custom period."""
    if choice == "30":
        return Period(today - timedelta(days=29), today, "Last 30 days")
    if choice == "custom":
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise ValueError("Enter both dates as YYYY-MM-DD.") from None
        if end < start:
            raise ValueError("The period must end on or after its first day.")
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise ValueError(f"Choose at most {MAX_PERIOD_DAYS} days.")
        return Period(start, end, f"{start:%b %-d, %Y} to {end:%b %-d, %Y}")
    monday = today - timedelta(days=today.weekday())
    return Period(monday, today, "This week")


@dataclass(frozen=True)
class CaseManagerFigures:
    case_manager_id: str
    name: str
    totals: Totals


@dataclass(frozen=True)
class Figures:
    """A period's figures for a department: per case manager, per day and in all."""

    period: Period
    department: Totals
    by_case_manager: list[CaseManagerFigures]
    by_day: list[tuple[date, Totals]]


def figures(period: Period, rows: Iterable[DayRow]) -> Figures:
    """Sum the day rows of ``period`` (rows outside it are ignored)."""
    department = Totals()
    people: dict[str, tuple[str, Totals]] = {}
    days: dict[date, Totals] = {d: Totals() for d in period.days}
    for row in rows:
        if row.day not in days:
            continue
        department.add(row)
        days[row.day].add(row)
        people.setdefault(row.case_manager_id, (row.name, Totals()))[1].add(row)
    listed = [
        CaseManagerFigures(person, name or person, totals)
        for person, (name, totals) in sorted(people.items(), key=lambda p: p[1][0].lower())
    ]
    return Figures(period, department, listed, sorted(days.items()))
