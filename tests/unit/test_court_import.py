"""Court-date files: a verdict per row, re-imports change nothing, cells stay text."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.court_import import (
    MAX_BYTES,
    MAX_ROWS,
    CourtMapping,
    Known,
    RowResult,
    Verdict,
    decode,
    describe_format,
    mapping_from,
    plain_text,
    plan_import,
    summary,
)
from chalicelib.domain.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
DENVER = ZoneInfo("America/Denver")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MATHESON = "Matheson Courthouse, 450 S State St, Salt Lake City"
WEST_JORDAN = "West Jordan Courthouse, 8080 S Redwood Rd, West Jordan"
CLIENTS = {"12345": "client-a", "00777": "client-b", "AB-9": "client-c"}
HEADER = "ofndr_num,crt_dt,crt_tm,crt_rm,crt_loc_cd\n"


def jurisdiction(name: str) -> dict:
    with (ROOT / "infra" / "jurisdictions" / f"{name}.json").open(encoding="utf-8") as f:
        return json.load(f)


# Issue 18: courthouses are the department's own table (set up in the app); the codes the
# jurisdiction file had were not the export's, so it has none. These tests know one.
SALT_LAKE = replace(
    mapping_from(jurisdiction("salt-lake-county")["court_import"]),
    locations={"SLDC": MATHESON, "WJDC": WEST_JORDAN, "SLJC": "Salt Lake City Justice Court"},
)
WITH_CASES = replace(SALT_LAKE, case_number_column="case_num")


def plan(
    text: str | bytes,
    known: list[Known] | None = None,
    mapping: CourtMapping = SALT_LAKE,
    clients: dict[str, str] | None = None,
) -> list[RowResult]:
    data = text.encode() if isinstance(text, str) else text
    return plan_import(data, mapping, DENVER, clients or CLIENTS, known or [], NOW)


def verdicts(results: list[RowResult]) -> list[tuple[int, Verdict]]:
    return [(r.line, r.verdict) for r in results]


def known_from(results: list[RowResult]) -> list[Known]:
    """What storing the first import's new rows would leave behind."""
    return [
        Known(f"appt-{r.line}", r.client_id, r.row.case_number, r.starts_at, r.row.place)
        for r in results
        if r.verdict is Verdict.NEW and r.row is not None and r.starts_at is not None
    ]


# The mapping ------------------------------------------------------------------------------


def test_the_salt_lake_mapping_is_read_from_its_jurisdiction_file():
    assert SALT_LAKE.id_number_column == "ofndr_num"
    assert (SALT_LAKE.date_column, SALT_LAKE.date_format) == ("crt_dt", "%m/%d/%Y")
    assert (SALT_LAKE.time_column, SALT_LAKE.time_format) == ("crt_tm", "%H:%M")
    assert (SALT_LAKE.room_column, SALT_LAKE.location_column) == ("crt_rm", "crt_loc_cd")
    assert SALT_LAKE.case_number_column == ""
    assert "locations" not in jurisdiction("salt-lake-county")["court_import"]


def test_the_demo_mapping_is_the_default_written_out():
    assert mapping_from(jurisdiction("demo")["court_import"]) == CourtMapping()
    assert mapping_from(None) == CourtMapping()
    assert mapping_from({}) == CourtMapping()


def test_bad_settings_are_all_named():
    with pytest.raises(ValidationFailed) as caught:
        mapping_from(
            {
                "columns": {"id_number": "", "date": 5, "colour": "x", "room": "crt_tm"},
                "date_format": "%m/%Y",
                "time_format": "%Q",
                "locations": {"SLDC": ""},
                "date_fromat": "%m/%d/%Y",
            }
        )
    assert set(caught.value.field_errors) == {
        "court_import.columns.id_number",
        "court_import.columns.date",
        "court_import.columns.colour",
        "court_import.date_format",
        "court_import.time_format",
        "court_import.locations",
        "court_import.date_fromat",
    }
    with pytest.raises(ValidationFailed) as caught:
        mapping_from({"columns": {"room": "Time"}})
    assert set(caught.value.field_errors) == {"court_import.columns.room"}
    with pytest.raises(ValidationFailed):
        mapping_from(["columns"])  # type: ignore[arg-type]


def test_a_twelve_hour_format_without_am_pm_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        mapping_from({"time_format": "%I:%M"})
    assert "court_import.time_format" in caught.value.field_errors
    assert mapping_from({"time_format": "%I:%M %p"}).time_format == "%I:%M %p"


def test_formats_are_described_for_people():
    assert describe_format("%m/%d/%Y") == "MM/DD/YYYY"
    assert describe_format("%I:%M %p") == "hh:MM AM/PM"


# Verdicts ---------------------------------------------------------------------------------


def test_a_new_date_has_its_place_and_utc_time():
    [result] = plan(HEADER + "12345,03/10/2026,09:00,W43,SLDC\n")
    assert (result.line, result.verdict, result.client_id) == (2, Verdict.NEW, "client-a")
    assert result.starts_at == datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    assert result.row is not None
    assert result.row.place == f"{MATHESON}, Room W43"
    assert (result.row.starts_local_date.day, result.row.starts_local_time) == (10, time(9, 0))


def test_places_read_sensibly():
    results = plan(
        HEADER
        + "12345,03/10/2026,09:00,,SLDC\n"
        + "12345,03/11/2026,09:00,Courtroom 3,XYZ\n"
        + "12345,03/12/2026,09:00,,\n"
        + "12345,03/13/2026,09:00,w43,sldc\n"
    )
    # Issue 18: an unknown code is its own verdict, never a bare code in a text.
    assert [r.row.place for r in results if r.row] == [
        MATHESON,
        "Courtroom 3",
        "",
        f"{MATHESON}, Room w43",
    ]
    assert results[1].verdict is Verdict.UNKNOWN_COURTHOUSE


def test_every_verdict():
    results = plan(
        HEADER
        + "12345,03/10/2026,09:00,W43,SLDC\n"  # 2 new
        + "99999,03/10/2026,09:00,W43,SLDC\n"  # 3 unknown id
        + "00777,13/45/2026,09:00,W43,SLDC\n"  # 4 bad date
        + "00777,02/20/2026,09:00,W43,SLDC\n"  # 5 in the past
        + "12345,03/10/2026,09:00,W43,SLDC\n"  # 6 duplicate of 2
        + "00777,03/10/2026\n"  # 7 wrong number of columns
        + "00777,,09:00,W43,SLDC\n"  # 8 no date
        + "00777,03/10/2026,9:5x,W43,SLDC\n"  # 9 bad time
    )
    assert verdicts(results) == [
        (2, Verdict.NEW),
        (3, Verdict.UNKNOWN_ID),
        (4, Verdict.NO_SUCH_DAY),
        (5, Verdict.IN_THE_PAST),
        (6, Verdict.DUPLICATE),
        (7, Verdict.BAD_ROW),
        (8, Verdict.BAD_ROW),
        (9, Verdict.BAD_DATE),
    ]
    messages = {r.line: r.message for r in results}
    assert messages[3] == "No client has id number '99999' in this department."
    assert messages[4] == "There is no such day as '13/45/2026'."
    assert messages[5].endswith("is in the past.")
    assert messages[6] == "Same court date as line 2."
    assert messages[7] == "Has 2 columns; the first row has 5."
    assert messages[8] == "No value in column 'crt_dt'."
    assert messages[9] == "Time '9:5x' is not HH:MM."
    assert summary(results) == {
        Verdict.NEW: 1,
        Verdict.CHANGED: 0,
        Verdict.UNCHANGED: 0,
        Verdict.UNKNOWN_ID: 1,
        Verdict.UNKNOWN_COURTHOUSE: 0,
        Verdict.BAD_DATE: 1,
        Verdict.NO_SUCH_DAY: 1,
        Verdict.BAD_TIME: 0,
        Verdict.IN_THE_PAST: 1,
        Verdict.DUPLICATE: 1,
        Verdict.BAD_ROW: 2,
    }


def test_more_than_a_year_ahead_is_a_bad_date():
    [result] = plan(HEADER + "12345,03/10/2027,09:00,W43,SLDC\n")
    assert result.verdict is Verdict.BAD_DATE
    assert "year" in result.message


def test_id_numbers_are_trimmed_and_case_folded_but_keep_their_zeros():
    results = plan(
        HEADER + " 00777 ,03/10/2026,09:00,,\n777,03/11/2026,09:00,,\nab-9,03/12/2026,09:00,,\n"
    )
    assert [(r.verdict, r.client_id) for r in results] == [
        (Verdict.NEW, "client-b"),
        (Verdict.UNKNOWN_ID, ""),
        (Verdict.NEW, "client-c"),
    ]


def test_blank_lines_are_skipped_and_lines_counted_from_the_header():
    results = plan(
        HEADER + "\n12345,03/10/2026,09:00,W43,SLDC\n,,,,\n\n12345,03/11/2026,09:00,W43,SLDC\n"
    )
    assert [r.line for r in results] == [3, 6]


def test_a_quoted_cell_over_two_lines_is_one_spreadsheet_row():
    # Issue 18: numbered as a spreadsheet numbers rows (it was the file's line, 4).
    results = plan(
        HEADER + '12345,03/10/2026,09:00,"W\n43",SLDC\n12345,03/11/2026,09:00,W43,SLDC\n'
    )
    assert [r.line for r in results] == [2, 3]
    assert results[0].row is not None and results[0].row.room == "W 43"


def test_headers_match_whatever_their_case_and_spacing():
    text = " OFNDR_NUM , Crt_Dt,CRT_TM ,crt_rm,crt_loc_cd\n12345,03/10/2026,09:00,W43,SLDC\n"
    assert verdicts(plan(text)) == [(2, Verdict.NEW)]


def test_optional_columns_may_be_missing_from_the_file():
    [result] = plan("crt_tm,ofndr_num,crt_dt\n09:00,12345,03/10/2026\n")
    assert result.verdict is Verdict.NEW
    assert result.row is not None and result.row.place == ""


# Re-importing -----------------------------------------------------------------------------

SALT_LAKE_FILE = (
    HEADER
    + "12345,03/10/2026,09:00,W43,SLDC\n"
    + "12345,03/20/2026,13:30,W43,SLDC\n"
    + "00777,03/12/2026,08:30,2,WJDC\n"
    + "AB-9,04/02/2026,10:00,,SLJC\n"
)


def test_importing_the_same_file_again_changes_nothing():
    first = plan(SALT_LAKE_FILE)
    assert {r.verdict for r in first} == {Verdict.NEW}
    again = plan(SALT_LAKE_FILE, known_from(first))
    assert {r.verdict for r in again} == {Verdict.UNCHANGED}
    assert [r.known.appointment_id for r in again if r.known] == [
        "appt-2",
        "appt-3",
        "appt-4",
        "appt-5",
    ]


def test_a_moved_date_is_a_change_of_the_stored_one():
    known = known_from(plan(SALT_LAKE_FILE))
    moved = SALT_LAKE_FILE.replace("03/20/2026,13:30,W43", "03/21/2026,13:30,W44")
    results = plan(moved, known)
    assert verdicts(results) == [
        (2, Verdict.UNCHANGED),
        (3, Verdict.CHANGED),
        (4, Verdict.UNCHANGED),
        (5, Verdict.UNCHANGED),
    ]
    changed = results[1]
    assert changed.known is not None and changed.known.appointment_id == "appt-3"
    assert changed.message == f"Was 03/20/2026 13:30. Place was '{MATHESON}, Room W43'."


def test_rows_pair_with_stored_dates_in_time_order_and_extra_rows_are_new():
    known = [
        Known("k1", "client-a", "", datetime(2026, 3, 10, 15, 0, tzinfo=UTC), "A"),
        Known("k2", "client-a", "", datetime(2026, 3, 20, 15, 0, tzinfo=UTC), "B"),
        Known("past", "client-a", "", datetime(2026, 2, 1, 16, 0, tzinfo=UTC), "A"),
    ]
    text = (
        "ofndr_num,crt_dt,crt_tm,crt_loc_cd\n"
        "12345,03/25/2026,09:00,B\n"  # pairs with k2 (the one left after the exact match)
        "12345,03/10/2026,09:00,A\n"  # exactly k1
        "12345,03/30/2026,09:00,C\n"  # nothing left: new
    )
    # Issue 18: codes must be known courthouses to be planned at all.
    letters = replace(SALT_LAKE, locations={"A": "A", "B": "B", "C": "C"})
    results = plan(text, known, letters)
    assert [(r.verdict, r.known.appointment_id if r.known else None) for r in results] == [
        (Verdict.CHANGED, "k2"),
        (Verdict.UNCHANGED, "k1"),
        (Verdict.NEW, None),
    ]


def test_with_case_numbers_a_case_is_one_court_date():
    header = "ofndr_num,crt_dt,crt_tm,crt_rm,crt_loc_cd,case_num\n"
    first = plan(
        header
        + "12345,03/10/2026,09:00,W43,SLDC,261900123\n12345,03/12/2026,09:00,W43,SLDC,261900456\n",
        mapping=WITH_CASES,
    )
    known = known_from(first)
    results = plan(
        header
        + "12345,03/13/2026,09:00,W43,SLDC,261900456\n"
        + "12345,03/10/2026,09:00,W43,SLDC,261900123\n"
        + "12345,03/11/2026,09:00,W43,SLDC,261900123\n"
        + "12345,03/11/2026,09:00,W43,SLDC,261900789\n",
        known,
        WITH_CASES,
    )
    assert verdicts(results) == [
        (2, Verdict.CHANGED),
        (3, Verdict.UNCHANGED),
        (4, Verdict.DUPLICATE),
        (5, Verdict.NEW),
    ]
    assert results[0].known is not None and results[0].known.appointment_id == "appt-3"
    assert results[2].message == "Line 3 already has case '261900123' for this client."


# Encodings, formulas, limits --------------------------------------------------------------


def test_utf8_with_a_byte_order_mark():
    data = "\ufeff".encode() + SALT_LAKE_FILE.encode()
    assert decode(data).startswith("ofndr_num")
    assert {r.verdict for r in plan(data)} == {Verdict.NEW}


def test_latin1_bytes_decode_right():
    data = (HEADER + "12345,03/10/2026,09:00,Sala Peña,SLDC\n").encode("latin-1")
    [result] = plan(data)
    assert result.row is not None
    assert result.row.room == "Sala Peña"
    assert result.row.place == f"{MATHESON}, Sala Peña"
    assert decode("Caf\u00e9 \u2019".encode("cp1252")) == "Café ’"
    assert decode(b"\x81\x8d") == "\x81\x8d"  # not cp1252 either: Latin-1 reads anything


def test_formula_cells_stay_text():
    text = (
        HEADER
        + "=cmd|' /C calc'!A0,03/10/2026,09:00,W43,SLDC\n"
        + "12345,03/10/2026,09:00,+1,@SUM(A1)\n"
        + "12345,03/11/2026,09:00,\"=cmd|' /C calc'!A0\",\t-SLDC\n"
    )
    results = plan(text)
    # Issue 18: "@SUM(A1)" is no courthouse code we know: its own verdict, the code as text.
    assert verdicts(results) == [
        (2, Verdict.UNKNOWN_ID),
        (3, Verdict.UNKNOWN_COURTHOUSE),
        (4, Verdict.NEW),
    ]
    assert "=cmd" in results[0].message
    assert "code SUM(A1):" in results[1].message
    assert results[1].row is not None and results[1].row.place == "Room 1"
    assert results[2].row is not None
    assert results[2].row.room == "cmd|' /C calc'!A0"
    assert results[2].row.place == f"{MATHESON}, cmd|' /C calc'!A0"
    for result in results:
        if result.row:
            assert not result.row.place.startswith(("=", "+", "-", "@"))


def test_plain_text_drops_what_spreadsheets_run():
    assert plain_text("\t=1+2") == "1+2"
    assert plain_text("\r@SUM(A1)") == "SUM(A1)"
    assert plain_text("  Room\x00 W43\n") == "Room W43"


def test_a_date_across_the_spring_daylight_saving_change():
    text = HEADER + "12345,03/07/2026,09:00,W43,SLDC\n12345,03/08/2026,09:00,W43,SLDC\n"
    before, after = plan(text)
    assert before.starts_at is not None and after.starts_at is not None
    assert (before.starts_at.hour, after.starts_at.hour) == (16, 15)
    assert before.starts_at.astimezone(DENVER).hour == after.starts_at.astimezone(DENVER).hour == 9


def test_the_skipped_hour_is_a_bad_time():
    [result] = plan(HEADER + "12345,03/08/2026,02:30,W43,SLDC\n")
    assert result.verdict is Verdict.BAD_TIME  # issue 18: was filed under "bad date"
    assert "skip" in result.message
    assert result.row is not None and result.starts_at is None


def test_at_most_five_thousand_rows():
    row = "12345,03/10/2026,09:00,W43,SLDC\n"
    assert len(plan(HEADER + row * MAX_ROWS)) == MAX_ROWS
    with pytest.raises(ValidationFailed) as caught:
        plan(HEADER + row * (MAX_ROWS + 1))
    assert caught.value.field_errors == {"file": "Split the file: at most 5,000 rows."}


def test_empty_and_oversized_files_are_refused():
    for data in (b"", b"x" * (MAX_BYTES + 1)):
        with pytest.raises(ValidationFailed) as caught:
            decode(data)
        assert set(caught.value.field_errors) == {"file"}


@pytest.mark.parametrize(
    "data",
    [
        b"12345,03/10/2026,09:00,W43,SLDC\n",  # no header row
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",  # an .xlsx
        b"   \n\n",
        b"ofndr_num;crt_dt;crt_tm\n12345;03/10/2026;09:00\n",  # semicolons
    ],
)
def test_a_file_without_the_header_is_refused(data):
    with pytest.raises(ValidationFailed) as caught:
        plan(data)
    assert "file" in caught.value.field_errors


def test_missing_columns_are_named():
    with pytest.raises(ValidationFailed) as caught:
        plan("ofndr_num,crt_rm\n12345,W43\n")
    message = caught.value.field_errors["file"]
    assert "'crt_dt'" in message and "'crt_tm'" in message and "ofndr_num" not in message


def test_a_column_named_twice_is_refused():
    with pytest.raises(ValidationFailed):
        plan("ofndr_num,crt_dt,crt_tm,CRT_DT\n12345,03/10/2026,09:00,03/11/2026\n")
