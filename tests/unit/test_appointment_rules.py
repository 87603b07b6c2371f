"""When reminders go, what the caseload shows, and what an appointment form accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.appointments import (
    Appointment,
    AppointmentDetails,
    Confirmation,
    Kind,
    flags,
    reminder_times,
    summary_value,
)
from chalicelib.domain.errors import ValidationFailed

DENVER = ZoneInfo("America/Denver")


def at(y: int, mo: int, d: int, h: int, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=DENVER).astimezone(UTC)


def local(times) -> list[str]:
    return [t.send_at.astimezone(DENVER).strftime("%m-%d %H:%M") for t in times]


def test_offsets_go_at_nine_local_on_both_sides_of_the_autumn_change():
    """Clocks go back on Sunday 7 November 2027: 9:00 stays 9:00 on the wall."""
    times = reminder_times(at(2027, 11, 9, 14), (7, 3, 1), DENVER, at(2027, 10, 1, 9))
    assert local(times) == ["11-02 09:00", "11-06 09:00", "11-08 09:00"]
    assert [t.send_at.hour for t in times] == [15, 15, 16]  # MDT, MDT, then MST


def test_a_same_day_offset_goes_two_hours_before():
    times = reminder_times(at(2027, 4, 6, 13, 30), (0,), DENVER, at(2027, 4, 1, 9))
    assert local(times) == ["04-06 11:30"]


def test_reminders_already_past_or_too_close_are_skipped():
    now = at(2027, 4, 5, 8, 59, 45)  # 15 seconds before the 1-day reminder: too close
    times = reminder_times(at(2027, 4, 6, 10), (7, 3, 1, 0), DENVER, now)
    assert [t.offset_days for t in times] == [0]


def test_a_reminder_never_goes_at_or_after_the_appointment():
    """An 8:00 appointment's same-day offset would be 6:00, fine; a 9:00 one a day ahead
    can't collide; a "0 days" offset for a 1:00 appointment is still before it."""
    times = reminder_times(at(2027, 4, 6, 1), (0,), DENVER, at(2027, 4, 1, 9))
    assert all(t.send_at < at(2027, 4, 6, 1) for t in times)


def test_minutes_per_day_shortens_offsets_for_trying_it_locally():
    start = datetime(2027, 4, 6, 16, 0, tzinfo=UTC)
    times = reminder_times(start, (7, 3, 1), DENVER, start - timedelta(hours=1), 1)
    assert [start - t.send_at for t in times] == [timedelta(minutes=m) for m in (7, 3, 1)]


def appointment(starts_at: datetime, confirmation=Confirmation.NONE) -> Appointment:
    return Appointment(
        "c", "a", "probation", "kristina", Kind.COURT, starts_at, confirmation=confirmation
    )


def test_caseload_flags_come_from_the_summary_alone():
    now = datetime(2027, 4, 1, 12, tzinfo=UTC)
    summary = {
        "past": summary_value(appointment(now - timedelta(days=1))),
        "soon": summary_value(appointment(now + timedelta(days=2), Confirmation.CONFIRMED)),
        "later": summary_value(appointment(now + timedelta(days=30))),
        "broken": "not a date|court|none",
    }
    shown = flags(summary, now)
    assert shown.awaiting_outcome == 1
    assert shown.next is not None and shown.next.confirmation is Confirmation.CONFIRMED
    assert shown.soon
    assert not flags({"later": summary["later"]}, now).soon
    assert flags({}, now).next is None


def test_the_form_says_every_problem_at_once():
    now = datetime(2027, 4, 1, 12, tzinfo=UTC)
    with pytest.raises(ValidationFailed) as refused:
        AppointmentDetails.from_form(
            {"kind": "party", "date": "tomorrow", "time": "", "place": "x" * 201}, DENVER, now
        )
    assert set(refused.value.field_errors) == {"kind", "date", "time", "place"}


@pytest.mark.parametrize(
    ("day", "clock", "field", "says"),
    [
        ("2027-03-31", "09:00", "date", "already passed"),
        ("2029-01-01", "09:00", "date", "a year ahead"),
        ("2027-03-14", "02:30", "time", "skip"),  # spring forward in Denver
    ],
)
def test_times_that_cannot_be_an_appointment_are_refused(day, clock, field, says):
    now = datetime(2027, 3, 1, 12, tzinfo=UTC) if "03-14" in day else at(2027, 4, 1, 12)
    with pytest.raises(ValidationFailed) as refused:
        AppointmentDetails.from_form({"kind": "court", "date": day, "time": clock}, DENVER, now)
    assert says in refused.value.field_errors[field]
