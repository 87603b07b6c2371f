"""Appointments (court dates, treatment classes, check-ins) and when their reminders go.

An appointment's reminders are scheduled texts; this module decides only the times and
what the caseload shows. Times are typed in the jurisdiction's clock and stored in UTC, so
"7 days before at 9:00" stays 9:00 local across a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from .errors import ValidationFailed
from .scheduling import EARLIEST_LEAD, MAX_AHEAD, local_to_utc

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

REMINDER_HOUR = time(9, 0)  # reminders a day or more ahead go at 9:00 local
SAME_DAY_LEAD = timedelta(hours=2)  # a same-day reminder goes this long before
MAX_PLACE = 200
MAX_NOTES = 1000
SOON = timedelta(days=7)


class Kind(StrEnum):
    COURT = "court"
    TREATMENT = "treatment"
    CHECK_IN = "check_in"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            Kind.COURT: "Court date",
            Kind.TREATMENT: "Treatment class",
            Kind.CHECK_IN: "Check-in",
            Kind.OTHER: "Other",
        }[self]


class Confirmation(StrEnum):
    NONE = "none"
    CONFIRMED = "confirmed"
    RESCHEDULE_ASKED = "reschedule_asked"  # the client said they can't come
    NOT_UNDERSTOOD = "not_understood"  # they replied, but not Y or N: someone should ask

    @property
    def label(self) -> str:
        return {
            Confirmation.NONE: "Not confirmed",
            Confirmation.CONFIRMED: "Confirmed",
            Confirmation.RESCHEDULE_ASKED: "Asked to reschedule",
            Confirmation.NOT_UNDERSTOOD: "Answer not understood",
        }[self]


class Outcome(StrEnum):
    ATTENDED = "attended"
    MISSED = "missed"
    RESCHEDULED = "rescheduled"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Source(StrEnum):
    STAFF = "staff"
    IMPORT = "import"  # a court-date file: re-importing compares against these


@dataclass(frozen=True)
class Appointment:
    client_id: str
    appointment_id: str
    department_id: str
    case_manager_id: str
    kind: Kind
    starts_at: datetime  # UTC
    place: str = ""
    notes: str = ""  # staff only: never in a text
    case_number: str = ""
    source: Source = Source.STAFF
    confirmation: Confirmation = Confirmation.NONE
    outcome: Outcome | None = None
    cancelled: bool = False
    reminded_at: datetime | None = None  # when the first reminder went to Twilio
    version: int = 1
    answered_sid: str = ""  # the client's reply that set the confirmation
    # What a court file said besides time and place (imported dates only): the code finds
    # the dates a courthouse's new wording changes; the hearing kind is shown, not texted.
    location_code: str = ""
    room: str = ""
    hearing: str = ""

    @property
    def open(self) -> bool:
        """Neither cancelled nor closed with an outcome: the caseload still shows it."""
        return not self.cancelled and self.outcome is None

    def awaiting_outcome(self, now: datetime) -> bool:
        return self.open and self.starts_at <= now

    def answerable(self, now: datetime) -> bool:
        """A reply of Y or N may be about this one: reminded, still ahead, still open."""
        return self.open and self.reminded_at is not None and self.starts_at > now


@dataclass(frozen=True)
class AppointmentDetails:
    """What a person types about an appointment, checked."""

    kind: Kind
    starts_at: datetime
    place: str
    notes: str

    @classmethod
    def from_form(
        cls, form: Mapping[str, str], zone: ZoneInfo, now: datetime
    ) -> AppointmentDetails:
        """Every problem at once. A time already past is refused: an appointment is added
        ahead of time (an outcome is recorded on the one that happened)."""
        errors: dict[str, str] = {}
        try:
            kind = Kind(form.get("kind", ""))
        except ValueError:
            errors["kind"] = "Choose what kind of appointment it is."
            kind = Kind.OTHER
        starts_at = None
        try:
            day = date.fromisoformat(form.get("date", "").strip())
        except ValueError:
            errors["date"] = "Choose the date."
            day = None
        try:
            at = time.fromisoformat(form.get("time", "").strip()).replace(second=0, microsecond=0)
        except ValueError:
            errors["time"] = "Choose the time."
            at = None
        if day is not None and at is not None:
            try:
                starts_at = local_to_utc(day, at, zone)
            except ValidationFailed as exc:
                errors["time"] = next(iter(exc.field_errors.values()))
        if starts_at is not None and starts_at <= now:
            errors["date"] = "That time has already passed. Record an outcome instead."
        elif starts_at is not None and starts_at > now + MAX_AHEAD:
            errors["date"] = "Appointments can be added at most a year ahead."
        place = " ".join((form.get("place") or "").split())
        if len(place) > MAX_PLACE:
            errors["place"] = f"Keep the place under {MAX_PLACE} characters."
        notes = (form.get("notes") or "").strip()
        if len(notes) > MAX_NOTES:
            errors["notes"] = f"Notes are {len(notes)} characters; the limit is {MAX_NOTES}."
        if errors or starts_at is None:
            raise ValidationFailed(errors)
        return cls(kind, starts_at, place, notes)


@dataclass(frozen=True)
class ReminderTime:
    offset_days: int
    send_at: datetime  # UTC


def reminder_times(
    starts_at: datetime,
    offsets_days: tuple[int, ...],
    zone: ZoneInfo,
    now: datetime,
    minutes_per_day: int | None = None,
) -> list[ReminderTime]:
    """When each reminder goes: ``d`` days before at 9:00 local, or 2 hours before for a
    same-day offset. Times already past (or too close to schedule) are skipped, never
    sent late. ``minutes_per_day`` shortens a "day" for trying it out locally."""
    times: list[ReminderTime] = []
    for offset in sorted(set(offsets_days), reverse=True):
        if minutes_per_day:
            send_at = starts_at - timedelta(minutes=offset * minutes_per_day)
        elif offset == 0:
            send_at = starts_at - SAME_DAY_LEAD
        else:
            day = starts_at.astimezone(zone).date() - timedelta(days=offset)
            try:
                send_at = local_to_utc(day, REMINDER_HOUR, zone)
            except ValidationFailed:  # 9:00 never skips anywhere; an hour later if it did
                send_at = local_to_utc(day, time(REMINDER_HOUR.hour + 1), zone)
        if send_at >= starts_at or send_at < now + EARLIEST_LEAD:
            continue
        times.append(ReminderTime(offset, send_at.astimezone(UTC)))
    return times


# What the caseload shows comes from a summary kept on the client item: one short string per
# open appointment, "iso-start|kind|confirmation", so the caseload's one Query shows it.


def summary_value(appointment: Appointment) -> str:
    start = appointment.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{start}|{appointment.kind.value}|{appointment.confirmation.value}"


def summary_digest(summary: Mapping[str, str]) -> str:
    """A short fingerprint of a client's open appointments as the summary says them (time,
    kind, confirmation): a pushed row carries it, and an open client page whose list shows
    another one fetches its list again."""
    import hashlib

    joined = "\n".join(f"{key}={summary[key]}" for key in sorted(summary))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Upcoming:
    """One open appointment as the caseload sees it."""

    starts_at: datetime
    kind: Kind
    confirmation: Confirmation


def read_summary(summary: Mapping[str, str]) -> list[Upcoming]:
    """The summary's appointments, soonest first; a malformed value is skipped."""
    found = []
    for value in summary.values():
        start, _, rest = str(value).partition("|")
        kind, _, confirmation = rest.partition("|")
        try:
            found.append(
                Upcoming(
                    datetime.fromisoformat(start.replace("Z", "+00:00")),
                    Kind(kind),
                    Confirmation(confirmation or "none"),
                )
            )
        except ValueError:
            continue
    return sorted(found, key=lambda u: u.starts_at)


@dataclass(frozen=True)
class AppointmentFlags:
    """What a caseload row says about appointments."""

    next: Upcoming | None
    awaiting_outcome: int
    soon: bool  # the next one is within 7 days
    reschedule_asked: int = 0  # upcoming ones the client said they can't make
    not_understood: int = 0  # upcoming ones whose reply nobody could read as Y or N


def flags(summary: Mapping[str, str], now: datetime) -> AppointmentFlags:
    listed = read_summary(summary)
    upcoming = [u for u in listed if u.starts_at > now]
    nxt = upcoming[0] if upcoming else None
    return AppointmentFlags(
        next=nxt,
        awaiting_outcome=sum(1 for u in listed if u.starts_at <= now),
        soon=nxt is not None and nxt.starts_at <= now + SOON,
        reschedule_asked=sum(
            1 for u in upcoming if u.confirmation is Confirmation.RESCHEDULE_ASKED
        ),
        not_understood=sum(1 for u in upcoming if u.confirmation is Confirmation.NOT_UNDERSTOOD),
    )
