"""The department dashboard as a supervisor opens it: the period's figures in a table,
the same numbers beside each chart and in the CSV, the clients out of contact for two
weeks as links, in three DynamoDB round trips."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.users import Role
from tests.clock import real_now
from tests.dynamodb_calls import counting, total
from tests.helpers import page_text
from tests.integration.dashboard_tools import (
    client_of,
    inbound,
    new_department,
    outbound,
    person,
    roll_up,
)
from tests.integration.session_tools import PASSWORD, new_staff

# the page reads the clock for "as of" and the 14 days; its figures are of fixed days
pytestmark = pytest.mark.any_hour

SPRING = "/dashboard?period=custom&first=2026-03-07&last=2026-03-10"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture()
def department(stack, stores):
    """A supervisor (with a login) of a department of their own, two case managers (one
    named like a spreadsheet formula), a few texts in March 2026 and a quiet client."""
    name = new_department()
    boss = new_staff(stack, stores, Role.SUPERVISOR, department=name)
    ana = person(stores, name, "Anwen Dashfield")
    odd = person(stores, name, "=HYPERLINK(1)")
    a1, o1 = client_of(stores, ana), client_of(stores, odd)
    roll_up(
        stores,
        [
            inbound(a1, utc("2026-03-07T18:00")),
            outbound(a1, utc("2026-03-07T18:10"), ana.user_id),
            outbound(o1, utc("2026-03-09T15:00"), odd.user_id),
        ],
        utc("2026-03-11T12:00"),
    )
    quiet = client_of(stores, ana, last_contact_at=real_now() - timedelta(days=20))
    return {"boss": boss, "ana": ana, "name": name, "quiet": quiet}


def test_a_supervisor_sees_the_periods_figures_charts_and_tables(web, department):
    visitor = web.sign_in(department["boss"].user_id, PASSWORD)

    page = visitor.get(SPRING)

    assert page.status_code == 200, page.body[:400]
    text = page_text(page)
    assert "Mar 7, 2026 to Mar 10, 2026" in text
    assert text.count("<svg") == 3 and text.count("<table") == 4
    assert "Figures as of" in text and "Refresh" in text
    assert "within 15 minutes" in text  # Ana's one answer took ten minutes
    quiet = department["quiet"]
    assert f'href="/clients/{quiet.client_id}"' in text  # out of contact for 20 days


def test_another_departments_supervisor_sees_none_of_it(web, stack, stores, department):
    stranger = new_staff(stack, stores, Role.SUPERVISOR, department="pretrial")
    visitor = web.sign_in(stranger.user_id, PASSWORD)

    for path in (SPRING, SPRING.replace("/dashboard", "/dashboard/csv")):
        answer = visitor.get(path)
        assert answer.status_code == 200
        body = page_text(answer)
        assert "Dashfield" not in body and "HYPERLINK" not in body
        assert department["quiet"].client_id not in body
        assert department["quiet"].last_name not in body


def test_the_csv_is_the_pages_table_with_formula_cells_neutralised(web, department):
    visitor = web.sign_in(department["boss"].user_id, PASSWORD)

    answer = visitor.get(SPRING.replace("/dashboard", "/dashboard/csv"))

    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.body.decode())))
    assert rows[0] == ["Period: Mar 7, 2026 to Mar 10, 2026"]
    assert rows[1] == ["Figure", "'=HYPERLINK(1)", "Anwen Dashfield", "Department"]  # by name
    figures = {row[0]: row[1:] for row in rows[2:]}
    assert figures["Texts sent"] == ["1", "1", "2"]
    assert figures["Texts received"] == ["0", "1", "1"]
    assert figures["Clients contacted"] == ["1", "1", "2"]  # both texts were delivered


def test_a_dashboard_view_takes_three_round_trips(web, stack, stores):
    """The session batch (with the navigation's count of a jurisdiction's department),
    the period's day rows, the quiet clients: one round trip each."""
    boss = new_staff(stack, stores, Role.SUPERVISOR, department="probation")
    visitor = web.sign_in(boss.user_id, PASSWORD)
    visitor.get("/dashboard")

    with counting() as calls:
        page = visitor.get("/dashboard?period=30")

    assert page.status_code == 200
    assert total(calls) <= 3, calls


def test_a_period_too_long_is_refused_with_the_reason_and_this_week_shown(web, department):
    visitor = web.sign_in(department["boss"].user_id, PASSWORD)

    page = visitor.get("/dashboard?period=custom&first=2026-01-01&last=2026-12-31")

    assert page.status_code == 400
    assert "Choose at most 92 days." in page_text(page)
    assert "This week" in page_text(page)
