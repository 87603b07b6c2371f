"""When a text may be scheduled for, and what the quick picks offer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.scheduling import check_send_at, lateness, parse_local, quick_picks

DENVER = ZoneInfo("America/Denver")
NOW = datetime(2027, 6, 11, 16, 30, tzinfo=UTC)  # Friday 10:30 in Denver


def test_a_time_already_past_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        check_send_at(NOW - timedelta(minutes=1), NOW)
    assert "already passed" in refused.value.field_errors["send_time"]


def test_more_than_a_year_ahead_is_refused_and_a_year_is_fine():
    check_send_at(NOW + timedelta(days=365), NOW)
    with pytest.raises(ValidationFailed) as refused:
        check_send_at(NOW + timedelta(days=367), NOW)
    assert "a year" in refused.value.field_errors["send_date"]


@pytest.mark.parametrize(("day", "at"), [("", "09:00"), ("2027-13-01", "09:00"), ("x", "y")])
def test_a_date_or_time_that_is_not_one_says_which(day, at):
    with pytest.raises(ValidationFailed) as refused:
        parse_local(day, at, DENVER)
    assert set(refused.value.field_errors) <= {"send_date", "send_time"}
    assert refused.value.field_errors


def test_on_a_friday_the_next_weekday_is_monday():
    labels = [
        (p.label, p.day.isoformat(), p.at.strftime("%H:%M")) for p in quick_picks(NOW, DENVER)
    ]
    assert labels[0] == ("Tomorrow 9:00", "2027-06-12", "09:00")
    assert labels[1] == ("Monday 9:00", "2027-06-14", "09:00")
    assert labels[2][1:] == ("2027-06-12", "10:30")  # this time tomorrow, local


def test_quick_picks_never_repeat_a_time():
    sunday_10am = datetime(2027, 6, 13, 16, 0, tzinfo=UTC)  # Sunday 10:00 in Denver
    picks = quick_picks(sunday_10am, DENVER)  # tomorrow 9:00 is also the next weekday
    assert len({(p.day, p.at) for p in picks}) == len(picks) == 2


def test_lateness_counts_only_past_the_grace_period():
    grace = timedelta(minutes=15)
    assert lateness(NOW, NOW + timedelta(minutes=14), grace) is None
    assert lateness(NOW, NOW + timedelta(minutes=16), grace) == 16 * 60
