"""The kept plan reads back as it was planned, a court date's id is what the date is, and
a whole-calendar file lacks exactly the imported dates on its days that no row stands for."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.appointments import Appointment, Kind, Source
from chalicelib.domain.calendar_gaps import calendar_gap
from chalicelib.domain.court_import import CourtMapping, Known, Verdict, plan_import
from chalicelib.domain.import_plan import (
    GoneStep,
    RowStep,
    court_date_id,
    decoded,
    encoded,
    in_chunks,
)

DENVER = ZoneInfo("America/Denver")
NOW = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)
HEADER = "id_number,date,time,room,location,case_number\n"
CLIENTS = {"A1": "client-a", "B2": "client-b", "C3": "client-c"}


def plan(text: str, known: list[Known] | None = None):
    return plan_import((HEADER + text).encode(), CourtMapping(), DENVER, CLIENTS, known or [], NOW)


def stored(client_id: str, day: str, case: str = "", source=Source.IMPORT, at: str = "10:00"):
    starts = datetime.fromisoformat(f"{day}T{at}").replace(tzinfo=DENVER).astimezone(UTC)
    return Appointment(
        client_id=client_id,
        appointment_id=f"{client_id}-{day}-{case}",
        department_id="probation",
        case_manager_id="kristina",
        kind=Kind.COURT,
        starts_at=starts,
        place="Room 1",
        case_number=case,
        source=source,
        version=3,
    )


def known(appt: Appointment) -> Known:
    return Known(appt.appointment_id, appt.client_id, appt.case_number, appt.starts_at, appt.place)


def test_every_kind_of_row_reads_back_from_the_kept_plan_as_planned():
    results = plan(
        "A1,2026-03-10,10:00,1,,C-1\n"  # new
        "ZZ,2026-03-11,10:00,1,,C-2\n"  # unknown id
        "B2,2026-02-30,10:00,1,,C-3\n"  # bad date
        "A1,2026-03-10,10:00,1,,C-1\n"  # duplicate
        "C3,2026-03-12\n"  # bad row
    )
    steps = [RowStep(r, version=n) for n, r in enumerate(results)]
    assert decoded(RowStep, encoded(steps)) == steps
    changed = plan("A1,2026-03-20,09:00,2,,C-1\n", [known(stored("client-a", "2026-03-10", "C-1"))])
    assert changed[0].verdict is Verdict.CHANGED
    assert decoded(RowStep, encoded([RowStep(changed[0], 3)])) == [RowStep(changed[0], 3)]


def test_gone_steps_read_back_and_plans_split_into_chunks():
    appt = stored("client-b", "2026-03-11", "B-1")
    step = GoneStep(appt.appointment_id, "client-b", 3, appt.starts_at, "Room 1", "B-1", "Bo", "B2")
    assert decoded(GoneStep, encoded([step])) == [step]
    assert [len(c) for c in in_chunks(list(range(250)), 100)] == [100, 100, 50]


def test_a_court_dates_id_is_the_same_for_every_import_that_names_it():
    at = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
    first = court_date_id("probation", "client-a", "CR-1", at, 0)
    assert first == court_date_id("probation", "client-a", " cr-1 ", at + timedelta(days=2), 0)
    assert first != court_date_id("probation", "client-a", "CR-1", at, 1)
    assert first != court_date_id("probation", "client-b", "CR-1", at, 0)
    no_case = court_date_id("probation", "client-a", "", at, 0)
    assert no_case == court_date_id("probation", "client-a", "", at, 0)
    assert no_case != court_date_id("probation", "client-a", "", at + timedelta(hours=1), 0)


def test_a_whole_calendar_lacks_only_imported_open_dates_ahead_on_its_days():
    matched = stored("client-a", "2026-03-10", "A-1")
    gone = stored("client-b", "2026-03-11", "B-1")
    before = stored("client-b", "2026-03-09", "B-0")  # the day before the file's first
    after = stored("client-c", "2026-03-21", "C-9")  # the day after its last
    typed = stored("client-b", "2026-03-12", "", Source.STAFF)
    closed = replace(stored("client-c", "2026-03-13", "C-0"), cancelled=True)
    results = plan(
        "A1,2026-03-10,10:00,1,,A-1\nC3,2026-03-20,23:00,1,,C-1\n",
        [known(matched)],
    )
    gap = calendar_gap(results, [matched, gone, before, after, typed, closed], DENVER, NOW)
    assert (str(gap.first_day), str(gap.last_day)) == ("2026-03-10", "2026-03-20")
    assert gap.gone == [gone]


def test_a_clients_dates_are_never_missing_while_one_of_their_rows_needs_attention():
    gone = stored("client-b", "2026-03-11", "B-1")
    results = plan("A1,2026-03-10,10:00,1,,A-1\nB2,2026-03-12,25:00,1,,B-1\n")
    assert calendar_gap(results, [gone], DENVER, NOW).gone == []
    shared = plan("A1,2026-03-10,10:00,1,,A-1\nA1,2026-03-12,10:00,1,,A-2\n")
    assert calendar_gap(shared, [gone], DENVER, NOW, {"client-b"}).gone == []
    assert calendar_gap(shared, [gone], DENVER, NOW).gone == [gone]


def test_a_file_without_a_readable_date_lacks_nothing():
    gap = calendar_gap(
        plan("B2,someday,10:00,1,,B-1\n"), [stored("client-b", "2026-03-11")], DENVER, NOW
    )
    assert (gap.first_day, gap.last_day, gap.gone) == (None, None, [])
