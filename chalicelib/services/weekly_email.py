"""The weekly e-mail: each opted-in supervisor gets their department's last week, once.

A scheduled function runs every hour; on Monday from WEEKLY_HOUR local time it mails the
week that ended on Sunday (Monday to Sunday, local days). Each mail is claimed first
(``mail#<week>#<user>``, written on condition that it is not there), so two runs at once,
a Lambda retry or every later hour of that Monday send nothing more; a mail SES refused
gives its claim back for the next hour. A run that stops between claim and send loses
that week's mail (at most once, never twice). Numbers and a link only: no client's name,
no text's words (e-mail is read in more places than ClientComm).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from ..adapters.email import EmailGateway
from ..domain.dashboard import Figures, Period, figures, local_day
from ..domain.dashboard_table import figure_table
from ..domain.jurisdiction import Jurisdiction
from ..store.dashboard_counts import DashboardCounts
from ..store.users import UserStore

log = logging.getLogger(__name__)
WEEKLY_HOUR = 7  # Monday, local time: in the inbox before the office opens


def last_week(today: date) -> Period:
    """Monday to Sunday of the week before ``today``'s."""
    monday = today - timedelta(days=today.weekday() + 7)
    return Period(monday, monday + timedelta(days=6), f"Week of {monday:%b %-d, %Y}")


def send_weekly_emails(
    counts: DashboardCounts,
    users: UserStore,
    mail: EmailGateway,
    jurisdiction: Jurisdiction,
    app_url: str,
    now: datetime,
) -> int:
    """How many weekly e-mails went out in this run (0 outside Monday morning)."""
    local = now.astimezone(jurisdiction.zone)
    if local.weekday() != 0 or local.hour < WEEKLY_HOUR:
        return 0
    period = last_week(local_day(now, jurisdiction.zone))
    week = "{}-W{:02d}".format(*period.first.isocalendar()[:2])
    sent = 0
    for department in jurisdiction.departments:
        readers = counts.weekly_readers(department.department_id)
        staff = users.many(readers) if readers else {}
        wanted = [
            person
            for person in staff.values()
            if person.active
            and person.oversees_department
            and person.department_id == department.department_id
        ]
        if not wanted:
            continue
        rows = counts.rows(department.department_id, period.first, period.last)
        subject, body = weekly_mail(department.name, figures(period, rows), app_url)
        for person in wanted:
            if not counts.claim_mail(department.department_id, week, person.user_id, now):
                continue  # already sent this week
            try:
                mail.send(person.email, subject, body)
            except Exception:
                counts.release_mail(department.department_id, week, person.user_id)
                raise
            sent += 1
    return sent


def weekly_mail(department_name: str, found: Figures, app_url: str) -> tuple[str, str]:
    """(subject, body): the department's figures and each case manager's, as on the
    dashboard's table, and a link to that week there."""
    period = found.period
    lines = [f"{row[0]}: {row[-1]}" for row in figure_table(found).rows]  # the department's
    people = [
        f"{p.name}: {p.totals.get('sent')} sent, {p.totals.get('received')} received, "
        f"{p.totals.clients_contacted} clients contacted"
        for p in found.by_case_manager
    ]
    query = urlencode(
        {"period": "custom", "first": period.first.isoformat(), "last": period.last.isoformat()}
    )
    body = "\n".join(
        [
            f"{department_name}, {period.first:%a %b %-d} to {period.last:%a %b %-d, %Y}:",
            "",
            *lines,
            "",
            "By case manager:" if people else "No texts by any case manager this week.",
            *people,
            "",
            f"The dashboard, with charts and the clients out of contact: "
            f"{app_url.rstrip('/')}/dashboard?{query}",
            "",
            "You get this because the weekly e-mail is on in your settings.",
        ]
    )
    return f"ClientComm: {department_name}, week of {period.first:%b %-d}", body
