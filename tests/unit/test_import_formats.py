"""Import formats set up in the app: every listed date and time format reads what it
writes, and a file is recognised by its header whatever shape that header has."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.court_import import Verdict, read_date, read_time
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.import_formats import (
    DATE_FORMATS,
    TIME_FORMATS,
    TOGETHER,
    format_from_form,
    recognise,
    usable_names,
)

# %y reads 00-68 as 2000-2068: a court date is never outside that.
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2068, 12, 31))
TIMES = st.times().map(lambda t: t.replace(microsecond=0))


def county_writes(day: date, fmt: str) -> str:
    """The day as a county export may write it: padded, or (for M/D) not."""
    return day.strftime(fmt)


@given(day=DAYS, label=st.sampled_from(list(DATE_FORMATS)))
def test_every_listed_date_format_reads_back_any_date(day, label):
    fmt = DATE_FORMATS[label]
    assert read_date(county_writes(day, fmt), fmt)[0] == day


@given(day=DAYS)
def test_month_and_day_without_leading_zeros_read_too(day):
    text = f"{day.month}/{day.day}/{day.strftime('%y')}"
    assert read_date(text, DATE_FORMATS["M/D/YY (or MM/DD/YY)"])[0] == day


@given(at=TIMES, label=st.sampled_from(list(TIME_FORMATS)))
def test_every_listed_time_format_reads_back_any_time(at, label):
    fmt = TIME_FORMATS[label]
    expected = at if "%S" in fmt else at.replace(second=0)
    assert read_time(at.strftime(fmt), fmt)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12:00 AM", time(0, 0)),
        ("12:59 am", time(0, 59)),
        ("12:00 PM", time(12, 0)),
        ("11:59PM", time(23, 59)),
        ("1:00 p.m.", time(13, 0)),
    ],
)
def test_twelve_hour_edges(text, expected):
    assert read_time(text, "%I:%M %p")[0] == expected


@pytest.mark.parametrize("text", ["13:00 PM", "0:30 AM", "12:60 PM"])
def test_twelve_hour_times_that_cannot_be_are_bad_times(text):
    assert read_time(text, "%I:%M %p")[1] is Verdict.BAD_TIME


@given(day=DAYS, label=st.sampled_from(list(DATE_FORMATS)))
def test_a_day_past_the_months_end_in_the_right_form_is_no_such_day(day, label):
    fmt = DATE_FORMATS[label]
    if "%b" in fmt:
        return  # no month has a 32nd day written as a name either; covered below
    text = datetime(day.year, day.month, 1).strftime(fmt).replace("01", "32", 1)
    if fmt.startswith("%m") or fmt.startswith("%Y"):
        text = datetime(day.year, 2, 28).strftime(fmt).replace("28", "30")
    assert read_date(text, fmt)[1] is Verdict.NO_SUCH_DAY


def form(**chosen: str) -> dict[str, str]:
    return {
        "name": "County",
        "column_id_number": "1",
        "column_date": "2",
        "column_time": "3",
        "column_location": "5",
        "date_format": "MM/DD/YYYY (or M/D/YYYY)",
        "time_format": "24-hour, HH:MM (14:30)",
        **chosen,
    }


HEADER = ["ofndr_num", "crt_dt", "crt_tm", "crt_rm", "(expression)"]


def test_a_format_set_up_by_position_reads_its_columns_by_position():
    made = format_from_form(form(), HEADER, "f1", 0)
    assert made.mapping.location_column == "#5"
    assert made.mapping.id_number_column == "#1"


def test_a_format_refuses_two_fields_in_one_column_and_a_missing_date():
    with pytest.raises(ValidationFailed) as caught:
        format_from_form(form(column_time="1", column_date=""), HEADER, "f1", 0)
    assert set(caught.value.field_errors) == {"column_time", "column_date"}


def test_the_date_column_can_hold_the_time_too():
    made = format_from_form(form(column_time=TOGETHER), HEADER, "f1", 0)
    assert made.mapping.time_column == ""


HEADER_CELLS = st.one_of(
    st.just(""),
    st.just("(expression)"),
    st.just("  "),
    st.text(alphabet="abcdefghij_ ", min_size=1, max_size=12),
)


@given(header=st.lists(HEADER_CELLS, min_size=5, max_size=9), noise=st.data())
def test_a_file_with_the_same_header_is_recognised_whatever_its_unusable_columns_say(header, noise):
    made = format_from_form(form(), header, "f1", 0)
    usable = usable_names(header)
    later = [
        cell.upper().center(len(cell) + 2) if usable[i] else noise.draw(HEADER_CELLS)
        for i, cell in enumerate(header)
    ]
    later[0] = "\ufeff" + later[0]  # a byte order mark on the first cell
    assert recognise([made], later) is made


@given(header=st.lists(HEADER_CELLS, min_size=5, max_size=9))
def test_a_file_with_another_column_count_is_not_recognised(header):
    made = format_from_form(form(), header, "f1", 0)
    assert recognise([made], [*header, "extra"]) is None


def test_blank_repeated_and_expression_headers_are_not_usable_names():
    assert usable_names(["a", "", "b", "b", "(expression)", " C "]) == [
        True,
        False,
        False,
        False,
        False,
        True,
    ]
