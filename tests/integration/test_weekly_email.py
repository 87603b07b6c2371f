"""The weekly e-mail: on Monday morning (local) each opted-in supervisor gets their
department's last week once, however often the hourly function runs; figures and a link,
never a client's name or a text's words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.config import get_jurisdiction
from chalicelib.domain.jurisdiction import Department
from chalicelib.domain.users import Role
from chalicelib.services.weekly_email import send_weekly_emails
from chalicelib.store.dashboard_counts import DashboardCounts
from tests.fakes import FakeEmailGateway
from tests.integration.dashboard_tools import (
    client_of,
    inbound,
    new_department,
    outbound,
    person,
    roll_up,
)

MONDAY_8AM = datetime(2026, 3, 9, 14, tzinfo=UTC)  # 08:00 MDT, the day after the change
APP = "https://clientcomm.example.org"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture()
def week(stores):
    """A department of its own with a week of texts (Mar 2-8, 2026: its Sunday is 23 h),
    one on the Monday after, an opted-in supervisor, one not, and a case manager who
    opted in through the store (the page would refuse her)."""
    name = new_department()
    ana = person(stores, name, "Ana")
    boss = person(stores, name, "Boss", Role.SUPERVISOR)
    person(stores, name, "Quiet", Role.SUPERVISOR)
    client = client_of(stores, ana)
    roll_up(
        stores,
        [
            inbound(client, utc("2026-03-02T16:00")),
            outbound(client, utc("2026-03-02T16:30"), ana.user_id),
            outbound(client, utc("2026-03-09T06:30"), ana.user_id),  # Mon 00:30 MDT: next week
        ],
        MONDAY_8AM,
    )
    counts = DashboardCounts()
    counts.set_weekly(name, boss.user_id, True)
    counts.set_weekly(name, ana.user_id, True)
    jurisdiction = replace(
        get_jurisdiction(), departments=[Department(name, "Dash Department", "+18015559999")]
    )
    return {"boss": boss, "client": client, "jurisdiction": jurisdiction}


def run(stores, week, mail: FakeEmailGateway, now: datetime) -> int:
    return send_weekly_emails(DashboardCounts(), stores.users, mail, week["jurisdiction"], APP, now)


def test_each_opted_in_supervisor_gets_the_week_once_however_often_it_runs(stores, week):
    mail = FakeEmailGateway()

    assert run(stores, week, mail, MONDAY_8AM) == 1
    assert run(stores, week, mail, MONDAY_8AM) == 0  # the same hour again
    assert run(stores, week, mail, utc("2026-03-09T20:00")) == 0  # a later hour

    assert [m.to for m in mail.sent] == [week["boss"].email]
    sent = mail.sent[0]
    assert sent.subject == "ClientComm: Dash Department, week of Mar 2"
    assert "Texts sent: 1\n" in sent.text and "Texts received: 1\n" in sent.text
    assert "Clients contacted: 1\n" in sent.text
    assert "Ana: 1 sent, 1 received, 1 clients contacted" in sent.text
    assert f"{APP}/dashboard?period=custom&first=2026-03-02&last=2026-03-08" in sent.text


def test_the_mail_names_no_client_and_quotes_no_text(stores, week):
    mail = FakeEmailGateway()
    run(stores, week, mail, MONDAY_8AM)

    text = mail.sent[0].subject + mail.sent[0].text
    client = week["client"]
    assert client.first_name not in text and client.client_id not in text
    assert client.phone[-4:] not in text
    assert "hello" not in text and "see you" not in text


@pytest.mark.parametrize(
    "when",
    [utc("2026-03-09T12:59"), utc("2026-03-08T20:00"), utc("2026-03-10T14:00")],
    ids=["Monday 06:59", "Sunday", "Tuesday"],
)
def test_nothing_is_mailed_outside_monday_morning(stores, week, when):
    mail = FakeEmailGateway()
    assert run(stores, week, mail, when) == 0
    assert mail.sent == []


class RefusingOnce(FakeEmailGateway):
    def __init__(self) -> None:
        super().__init__()
        self.refused = False

    def send(self, to: str, subject: str, text: str) -> None:
        if not self.refused:
            self.refused = True
            raise RuntimeError("SES said no")
        super().send(to, subject, text)


def test_a_mail_ses_refused_is_sent_by_the_next_run(stores, week):
    mail = RefusingOnce()
    with pytest.raises(RuntimeError):
        run(stores, week, mail, MONDAY_8AM)

    assert run(stores, week, mail, utc("2026-03-09T15:00")) == 1
    assert [m.to for m in mail.sent] == [week["boss"].email]
