"""Dates and zones as a case manager reads them: a year only when it isn't this year's, and
the zone by the name people use."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.phones import as_typed
from chalicelib.domain.zone_names import friendly_zone_name
from chalicelib.web.rendering import local_day, local_time

DENVER = ZoneInfo("America/Denver")


@pytest.mark.parametrize(
    ("zone", "said"),
    [
        ("America/Denver", "Mountain"),
        ("America/Phoenix", "Arizona"),
        ("America/Los_Angeles", "Pacific"),
        ("America/New_York", "Eastern"),
        ("America/Chicago", "Central"),
        ("America/Indiana/Knox", "Central"),
        ("Pacific/Honolulu", "Hawaii"),
        ("America/Anchorage", "Alaska"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ("UTC", "UTC"),
    ],
)
def test_a_zone_is_named_as_people_say_it(zone, said):
    assert friendly_zone_name(zone) == said


def test_a_time_this_year_has_no_year_and_one_in_another_year_has_it():
    now = datetime(2026, 7, 1, 18, 0, tzinfo=UTC)
    assert (
        local_time(datetime(2026, 3, 5, 18, 30, tzinfo=UTC), DENVER, now=now) == "Mar 5, 11:30 AM"
    )
    assert (
        local_time(datetime(2025, 3, 5, 18, 30, tzinfo=UTC), DENVER, now=now)
        == "Mar 5, 2025, 11:30 AM"
    )
    assert (
        local_time(datetime(2027, 1, 4, 16, 0, tzinfo=UTC), DENVER, "%a %b %-d, %-I:%M %p %Z", now)
        == "Mon Jan 4, 2027, 9:00 AM MST"
    )


def test_the_year_is_the_jurisdictions_not_utcs():
    # 02:00 UTC on January 1st is still New Year's Eve in Denver: the same year there.
    new_years_eve = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)
    evening = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert local_time(evening, DENVER, now=new_years_eve) == "Dec 31, 4:00 PM"
    assert local_day(date(2027, 1, 1), DENVER, now=new_years_eve) == "Fri Jan 1, 2027"
    assert local_day(date(2026, 12, 31), DENVER, now=new_years_eve) == "Thu Dec 31"


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("+13855559876", "385-555-9876"),
        ("+442071838750", "+44 20 7183 8750"),
        ("not a number", "not a number"),
        ("", ""),
    ],
)
def test_a_number_is_offered_in_the_format_the_form_asks_for(stored, typed):
    assert as_typed(stored) == typed
