"""Database and spreadsheet exports often write a date column as a date-time at midnight
("12/26/2026 00:00:00", "2026-12-26T00:00:00.000", "12/26/2026 12:00:00 AM") beside a
separate time column. That midnight is no time of day: the date reads as its date. Any
other time there is not silently dropped: the row is "not in the format"."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.domain.court_import import Verdict, read_date


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("12/26/2026 00:00:00", "%m/%d/%Y"),
        ("12/26/2026 0:00", "%m/%d/%Y"),
        ("12/26/2026 12:00:00 AM", "%m/%d/%Y"),
        ("12/26/2026 12:00 am", "%m/%d/%Y"),
        ("2026-12-26T00:00:00", "%Y-%m-%d"),
        ("2026-12-26 00:00:00.000", "%Y-%m-%d"),
        ("26-Dec-2026 00:00", "%d-%b-%Y"),
    ],
)
def test_a_date_written_at_midnight_reads_as_its_date(text, fmt):
    day, verdict, problem = read_date(text, fmt)
    assert (day, verdict, problem) == (date(2026, 12, 26), Verdict.NEW, "")


@pytest.mark.parametrize("text", ["12/26/2026 09:30", "12/26/2026 12:00 PM", "12/26/2026 junk"])
def test_a_date_with_another_time_or_words_after_it_is_not_in_the_format(text):
    day, verdict, problem = read_date(text, "%m/%d/%Y")
    assert day is None and verdict is Verdict.BAD_DATE
    assert "is not MM/DD/YYYY" in problem


def test_february_30_at_midnight_is_still_no_such_day():
    day, verdict, _ = read_date("2/30/2027 00:00:00", "%m/%d/%Y")
    assert day is None and verdict is Verdict.NO_SUCH_DAY
