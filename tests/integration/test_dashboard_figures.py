"""The dashboard's figures against a history with known answers, counted from stream
records as the conversations stream hands them: per local day in Denver (a day across a
daylight-saving change is 23 or 25 hours), per case manager and for the department, each
event once however often the stream hands it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain.dashboard import Period, Tally
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.users import Role
from chalicelib.services.dashboard import department_figures
from chalicelib.store.dashboard_counts import DashboardCounts
from tests.integration.dashboard_tools import (
    client_of,
    inbound,
    marker,
    mass_text_to,
    new_department,
    outbound,
    person,
    roll_up,
)

COUNTED_AT = datetime(2026, 3, 11, 12, tzinfo=UTC)  # when the rollup ran: a fixed instant


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> Period:
    first = datetime.fromisoformat(text).date()
    return Period(first, first, text)


def days(first: str, last: str) -> Period:
    return Period(
        datetime.fromisoformat(first).date(), datetime.fromisoformat(last).date(), "custom"
    )


@pytest.fixture()
def spring(stores):
    """Two case managers' week around the spring change (Sunday March 8, 2026, 23 h)."""
    department = new_department()
    ana, ben = person(stores, department, "Ana"), person(stores, department, "Ben")
    boss = person(stores, department, "Boss", Role.SUPERVISOR)
    a1, a2, b1 = client_of(stores, ana), client_of(stores, ana), client_of(stores, ben)
    failed = outbound(b1, utc("2026-03-08T15:00"), ben.user_id, "sent", {"scheduled_for": "x"})
    history = [
        inbound(a1, utc("2026-03-07T18:00")),  # Sat 11:00 MST
        outbound(a1, utc("2026-03-07T18:10"), ana.user_id),  # answered in 10 minutes
        inbound(a1, utc("2026-03-08T06:59")),  # Sat 23:59 MST: still Saturday
        outbound(a1, utc("2026-03-09T06:30"), ana.user_id),  # Mon 00:30 MDT, 23.5 h later
        outbound(
            a2,
            utc("2026-03-08T16:00"),
            ana.user_id,
            details={"scheduled_for": "x", "reminder": "appt1"},
        ),
        marker(a2, utc("2026-03-08T17:00"), "appointment_answer", answer="confirm"),
        marker(a2, utc("2026-03-10T17:00"), "appointment_outcome", outcome="attended"),
        failed,
        marker(b1, utc("2026-03-08T20:00"), "opted_out"),
        mass_text_to(b1, ben, utc("2026-03-09T15:00")),
        marker(b1, utc("2026-03-09T16:00"), "appointment_answer", answer="reschedule"),
        marker(b1, utc("2026-03-10T18:00"), "appointment_outcome", outcome="missed"),
    ]
    roll_up(stores, history, COUNTED_AT)
    # the scheduled text's status moves on: its later image adds the failure, nothing else
    roll_up(stores, [replace(failed, status="failed")], COUNTED_AT)
    return {"boss": boss, "ana": ana, "ben": ben, "history": history}


def by_name(found, name: str):
    return next(p.totals for p in found.by_case_manager if p.name == name)


def test_the_23_hour_day_counts_only_its_own_texts(spring):
    found = department_figures(spring["boss"], DashboardCounts(), day("2026-03-08"))

    ana, ben = by_name(found, "Ana"), by_name(found, "Ben")
    assert (ana.get(Tally.SENT), ana.get(Tally.REMINDERS), ana.get(Tally.CONFIRMED)) == (1, 1, 1)
    assert ana.get(Tally.RECEIVED) == 0  # 23:59 MST on Saturday is Saturday's
    assert ana.clients_contacted == 1
    assert (ben.get(Tally.SENT), ben.get(Tally.SCHEDULED), ben.get(Tally.FAILURES)) == (1, 1, 1)
    assert (ben.get(Tally.OPT_OUTS), ben.clients_contacted) == (1, 0)  # it never arrived
    assert found.department.get(Tally.SENT) == 2
    assert found.department.clients_contacted == 1


def test_a_period_counts_each_client_contacted_once_and_the_median_answer(spring):
    found = department_figures(spring["boss"], DashboardCounts(), days("2026-03-07", "2026-03-10"))

    whole = found.department
    assert (whole.get(Tally.SENT), whole.get(Tally.RECEIVED)) == (5, 2)
    assert whole.clients_contacted == 3  # a1 on two days is one client
    assert (whole.get(Tally.MASS), whole.get(Tally.SCHEDULED), whole.get(Tally.REMINDERS)) == (
        1,
        1,
        1,
    )
    assert (whole.get(Tally.CONFIRMED), whole.get(Tally.RESCHEDULE)) == (1, 1)
    assert (whole.get(Tally.ATTENDED), whole.get(Tally.MISSED)) == (1, 1)
    assert (whole.get(Tally.FAILURES), whole.get(Tally.OPT_OUTS)) == (1, 1)
    assert whole.get(Tally.ANSWERED) == 2
    assert whole.answer_histogram == [0, 1, 0, 0, 0, 0, 0, 1, 0, 0]
    assert whole.median_answer == "within 15 minutes"
    assert [p.name for p in found.by_case_manager] == ["Ana", "Ben"]
    assert [d.isoformat() for d, _ in found.by_day] == [
        "2026-03-07",
        "2026-03-08",
        "2026-03-09",
        "2026-03-10",
    ]
    assert [t.get(Tally.SENT) for _, t in found.by_day] == [1, 2, 2, 0]


def test_a_stream_that_hands_the_same_entries_again_counts_nothing_twice(spring, stores):
    before = department_figures(spring["boss"], DashboardCounts(), days("2026-03-01", "2026-03-31"))

    assert roll_up(stores, spring["history"], COUNTED_AT) == 0

    after = department_figures(spring["boss"], DashboardCounts(), days("2026-03-01", "2026-03-31"))
    assert after.department.counts == before.department.counts
    assert after.department.contacted == before.department.contacted


def test_the_25_hour_day_keeps_both_its_midnights(stores):
    department = new_department()
    cm = person(stores, department, "Cara")
    boss = person(stores, department, "Boss", Role.SUPERVISOR)
    client = client_of(stores, cm)
    roll_up(
        stores,
        [
            inbound(client, utc("2026-11-01T06:30")),  # Sun 00:30 MDT
            inbound(client, utc("2026-11-02T06:30")),  # Sun 23:30 MST: the same Sunday
        ],
        COUNTED_AT,
    )

    found = department_figures(boss, DashboardCounts(), days("2026-11-01", "2026-11-02"))

    assert [t.get(Tally.RECEIVED) for _, t in found.by_day] == [2, 0]


def test_case_managers_and_other_departments_supervisors_see_no_figures(spring, stores):
    with pytest.raises(Forbidden):
        department_figures(spring["ana"], DashboardCounts(), day("2026-03-08"))
    stranger = person(stores, new_department(), "Other", Role.SUPERVISOR)
    found = department_figures(stranger, DashboardCounts(), days("2026-03-01", "2026-03-31"))
    assert found.department.counts == {} and found.by_case_manager == []
