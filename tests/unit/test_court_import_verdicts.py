"""Issue 18: verdicts a supervisor can act on, rows numbered as a spreadsheet numbers them,
columns found by position, and courthouse codes that are never texted bare."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from chalicelib.domain.court_import import CourtMapping, RowResult, Verdict, plan_import

DENVER = ZoneInfo("America/Denver")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CLIENTS = {"12345": "client-a"}
MATHESON = "Matheson Courthouse, 450 S State St, Salt Lake City"
NAMED = CourtMapping(
    id_number_column="ofndr_num",
    date_column="crt_dt",
    date_format="%m/%d/%Y",
    time_column="crt_tm",
    time_format="%H:%M",
    room_column="crt_rm",
    location_column="crt_loc_cd",
    case_number_column="",
    locations={"SLC3": MATHESON},
)
HEADER = "ofndr_num,crt_dt,crt_tm,crt_rm,crt_loc_cd\n"


def plan(text: str, mapping: CourtMapping = NAMED) -> list[RowResult]:
    return plan_import(text.encode(), mapping, DENVER, CLIENTS, [], NOW)


def test_february_30_written_in_the_format_is_no_such_day_not_a_wrong_format():
    [result] = plan(HEADER + "12345,02/30/2026,09:00,W42,SLC3\n")
    assert result.verdict is Verdict.NO_SUCH_DAY
    assert result.message == "There is no such day as '02/30/2026'."


def test_a_date_not_in_the_format_is_still_a_bad_date():
    [result] = plan(HEADER + "12345,2026-03-10,09:00,W42,SLC3\n")
    assert result.verdict is Verdict.BAD_DATE
    assert result.message == "Date '2026-03-10' is not MM/DD/YYYY."


def test_25_oclock_is_a_bad_time_not_a_bad_date():
    [result] = plan(HEADER + "12345,03/10/2026,25:00,W42,SLC3\n")
    assert result.verdict is Verdict.BAD_TIME
    assert result.message == "There is no such time as '25:00'."


def test_a_time_the_clocks_skip_is_a_bad_time():
    [result] = plan(HEADER + "12345,03/08/2026,02:30,W42,SLC3\n")
    assert result.verdict is Verdict.BAD_TIME


def test_a_past_date_is_in_the_past_not_a_bad_date():
    [result] = plan(HEADER + "12345,02/20/2026,09:00,W42,SLC3\n")
    assert result.verdict is Verdict.IN_THE_PAST
    assert result.message == "02/20/2026 09:00 is in the past."


def test_rows_after_a_cell_with_a_line_break_keep_the_row_number_a_spreadsheet_shows():
    # The second data row is row 3 in a spreadsheet; the file has it on line 4.
    text = HEADER + '12345,03/10/2026,09:00,"W\n42",SLC3\n12345,03/11/2026,09:00,W42,SLC3\n'
    assert [r.line for r in plan(text)] == [2, 3]


def test_a_blank_line_is_an_empty_spreadsheet_row_and_counts():
    text = HEADER + "\n12345,03/10/2026,09:00,W42,SLC3\n"
    assert [r.line for r in plan(text)] == [3]


def test_a_location_column_headed_expression_is_read_by_its_position():
    text = "ofndr_num,crt_dt,crt_tm,crt_rm,(expression)\n12345,03/10/2026,09:00,W42,SLC3\n"
    [result] = plan(text, replace(NAMED, location_column="#5"))
    assert result.verdict is Verdict.NEW
    assert result.row is not None and result.row.place == f"{MATHESON}, Room W42"
    assert result.row.location_code == "SLC3"


def test_every_column_can_be_found_by_position_whatever_its_header():
    mapping = replace(
        NAMED,
        id_number_column="#1",
        date_column="#2",
        time_column="#3",
        room_column="#4",
        location_column="#4",
    )
    mapping = replace(mapping, room_column="", location_column="#5")
    text = ",,(expression),x,x\n12345,03/10/2026,09:00,W42,SLC3\n"
    [result] = plan(text, mapping)
    assert result.verdict is Verdict.NEW


def test_an_unknown_courthouse_code_is_its_own_verdict_never_a_bare_code():
    [result] = plan(HEADER + "12345,03/10/2026,09:00,W42,SLC9\n")
    assert result.verdict is Verdict.UNKNOWN_COURTHOUSE
    assert result.message.startswith("Unknown courthouse code SLC9: add it")


def test_courthouse_codes_match_whatever_their_case():
    [result] = plan(HEADER + "12345,03/10/2026,09:00,W42,slc3\n")
    assert result.verdict is Verdict.NEW


def test_one_column_can_hold_the_date_and_the_time():
    mapping = replace(NAMED, date_column="when", time_column="", time_format="%I:%M %p")
    text = "ofndr_num,when,crt_rm,crt_loc_cd\n12345,03/10/2026 2:30 PM,W42,SLC3\n"
    [result] = plan(text, mapping)
    assert result.verdict is Verdict.NEW
    assert result.starts_at == datetime(2026, 3, 10, 20, 30, tzinfo=UTC)


def test_twelve_hour_times_read_with_or_without_the_space_and_dots():
    mapping = replace(NAMED, time_format="%I:%M %p")
    rows = "".join(
        f"12345,03/1{i}/2026,{t},W42,SLC3\n"
        for i, t in enumerate(["9:30PM", "9:30 p.m.", "12:05 am"])
    )
    results = plan(HEADER + rows, mapping)
    assert [(r.verdict, r.row and r.row.starts_local_time.isoformat()) for r in results] == [
        (Verdict.NEW, "21:30:00"),
        (Verdict.NEW, "21:30:00"),
        (Verdict.NEW, "00:05:00"),
    ]


def test_the_kind_of_hearing_is_read_when_the_format_names_its_column():
    mapping = replace(NAMED, kind_column="#6")
    text = HEADER.strip() + ",hearing\n12345,03/10/2026,09:00,W42,SLC3,Arraignment\n"
    [result] = plan(text, mapping)
    assert result.row is not None and result.row.hearing == "Arraignment"
