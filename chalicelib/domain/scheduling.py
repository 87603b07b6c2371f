"""Scheduled texts: when they may be set for, what local times mean, how they progress.

Times are typed in the jurisdiction's clock and stored in UTC. A time that does not exist
locally (the hour skipped when clocks go forward) is refused; a time that exists twice (the
hour repeated when they go back) means the first one, as a wall clock would show it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import ValidationFailed
from .media import MediaItem

MAX_AHEAD = timedelta(days=366)
EARLIEST_LEAD = timedelta(seconds=30)  # "now" is already past by the time the form lands
DEFAULT_SEND_HOUR = time(9, 0)


class ScheduleState(StrEnum):
    SCHEDULED = "scheduled"  # waiting for its time; can be edited and cancelled
    QUEUED = "queued"  # due: on the send queue
    SENDING = "sending"  # a sender holds it and is calling Twilio
    SENT = "sent"  # handed to the send path: its conversation entry has its status
    FAILED = "failed"  # not sent: opted out, refused, or Twilio kept refusing
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # a reminder that could only have gone after its appointment

    @property
    def pending(self) -> bool:
        return self in (ScheduleState.SCHEDULED, ScheduleState.QUEUED, ScheduleState.SENDING)

    @property
    def editable(self) -> bool:
        """Until a sender picks it up: a queued text can still be cancelled (and, until a
        sender first tried it, changed: ``ScheduledText.changeable``)."""
        return self in (ScheduleState.SCHEDULED, ScheduleState.QUEUED)


@dataclass(frozen=True)
class ScheduledText:
    client_id: str
    scheduled_id: str  # also the one-time id of the text it becomes
    department_id: str
    case_manager_id: str
    author_id: str
    body: str
    send_at: datetime  # UTC
    state: ScheduleState = ScheduleState.SCHEDULED
    version: int = 1
    attempts: int = 0
    failure: str = ""
    late_seconds: int | None = None
    sent_at: datetime | None = None
    appointment_id: str = ""  # set on an appointment's reminder
    reminder_offset: int | None = None  # days before the appointment
    not_after: datetime | None = None  # the appointment's start: never send after it
    entry_key: str = ""  # its conversation entry, once a sender first tried it
    media: tuple[MediaItem, ...] = ()  # an attachment, signed for Twilio when it is sent

    @property
    def changeable(self) -> bool:
        """Its words and time may change: still waiting, and no sender has tried it yet
        (after Twilio's "not now" it waits for its retry with its entry already written,
        and goes as written; it can still be cancelled)."""
        return self.state.editable and self.attempts == 0


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time in ``zone`` as UTC; ValidationFailed if the clock skips it."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    as_utc = first.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) != naive:
        raise ValidationFailed(
            {"send_time": f"{at:%H:%M} does not exist on {day:%b %-d}: the clocks skip it."}
        )
    return as_utc


def parse_local(day_text: str, time_text: str, zone: ZoneInfo) -> datetime:
    """The form's date (YYYY-MM-DD) and time (HH:MM) as UTC, with messages for a person."""
    errors: dict[str, str] = {}
    day = at = None
    try:
        day = date.fromisoformat((day_text or "").strip())
    except ValueError:
        errors["send_date"] = "Choose a date."
    try:
        at = time.fromisoformat((time_text or "").strip())
    except ValueError:
        errors["send_time"] = "Choose a time."
    if errors or day is None or at is None:
        raise ValidationFailed(errors)
    return local_to_utc(day, at.replace(second=0, microsecond=0), zone)


def check_send_at(send_at: datetime, now: datetime) -> None:
    """Refuse a time already past or more than a year ahead."""
    if send_at < now + EARLIEST_LEAD:
        raise ValidationFailed({"send_time": "That time has already passed. Choose a later one."})
    if send_at > now + MAX_AHEAD:
        raise ValidationFailed({"send_date": "Texts can be scheduled at most a year ahead."})


@dataclass(frozen=True)
class QuickPick:
    label: str
    day: date
    at: time


def quick_picks(now: datetime, zone: ZoneInfo) -> list[QuickPick]:
    """The times case managers pick most: tomorrow 9:00, the next weekday 9:00, and this
    time tomorrow (24 hours from now)."""
    local = now.astimezone(zone)
    tomorrow = local.date() + timedelta(days=1)
    weekday = tomorrow
    while weekday.weekday() >= 5:
        weekday += timedelta(days=1)
    in_a_day = (local + timedelta(days=1)).replace(second=0, microsecond=0)
    picks = [
        QuickPick("Tomorrow 9:00", tomorrow, DEFAULT_SEND_HOUR),
        QuickPick(f"{weekday:%A} 9:00", weekday, DEFAULT_SEND_HOUR),
        QuickPick(f"This time tomorrow ({in_a_day:%H:%M})", in_a_day.date(), in_a_day.time()),
    ]
    unique: dict[tuple[date, time], QuickPick] = {}
    for pick in picks:
        unique.setdefault((pick.day, pick.at), pick)
    return list(unique.values())


def lateness(send_at: datetime, now: datetime, grace: timedelta) -> int | None:
    """Seconds late, when past the grace period; None when on time."""
    late = now - send_at
    return int(late.total_seconds()) if late > grace else None
