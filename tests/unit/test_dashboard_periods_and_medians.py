"""The dashboard's periods are local days (Monday starts the week) and its median answer
time is read from the histogram's buckets."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.dashboard import DayRow, Totals, period_for


def test_this_week_runs_from_monday_to_today_and_the_last_30_days_include_today():
    sunday = date(2026, 3, 8)
    week = period_for("week", sunday)
    assert (week.first, week.last) == (date(2026, 3, 2), sunday)
    assert period_for("week", date(2026, 3, 2)).days == [date(2026, 3, 2)]
    month = period_for("30", sunday)
    assert (month.first, len(month.days)) == (date(2026, 2, 7), 30)


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        ("2026-03-09", "2026-03-08", "The period must end on or after its first day."),
        ("2026-01-01", "2026-12-31", "Choose at most 92 days."),
        ("March 1", "2026-03-08", "Enter both dates as YYYY-MM-DD."),
    ],
)
def test_a_custom_period_that_cannot_be_shown_says_why(first, last, reason):
    with pytest.raises(ValueError, match=reason):
        period_for("custom", date(2026, 3, 8), first, last)


def totals(**counts: int) -> Totals:
    found = Totals()
    found.add(DayRow(date(2026, 3, 8), "cm", "Cm", counts))
    return found


def test_the_median_answer_is_the_bucket_holding_the_middle_answer():
    assert totals().median_answer == ""
    assert totals(a0=1, a3=1, a8=1).median_answer == "within 1 hour"
    assert totals(a0=2, a9=3).median_answer == "more than 3 days"
