"""The department dashboard and its CSV: a period's figures, per case manager and in all.

A view reads the department's day rows for the period (one Query) and the clients not in
contact for 14 days or more (one Query): with the session's read, three round trips at
any number of clients. Figures are "as of" the moment shown; the page says so and offers
a refresh (they change with every text: pushing each would cost more than it tells).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain.clients import Client
from ..domain.dashboard import Figures, Period, figures, local_day, period_for
from ..domain.dashboard_table import as_csv, figure_table
from ..domain.errors import Forbidden, ValidationFailed
from ..domain.users import User
from ..store.dashboard_counts import DashboardCounts

QUIET_DAYS = 14
QUIET_LISTED = 25


@dataclass(frozen=True)
class Dashboard:
    figures: Figures
    quiet: list[Client]  # not in contact for QUIET_DAYS or more, longest first
    more_quiet: bool
    as_of: datetime


def choose_period(choice: str, first: str, last: str, now: datetime, zone: ZoneInfo) -> Period:
    try:
        return period_for(choice, local_day(now, zone), first, last)
    except ValueError as exc:
        raise ValidationFailed({"first": str(exc)}) from None


def department_figures(user: User, counts: DashboardCounts, period: Period) -> Figures:
    """The period's figures for the user's own department (supervisors and admins)."""
    if not user.oversees_department:
        raise Forbidden("Only supervisors and admins see the department's figures.")
    return figures(period, counts.rows(user.department_id, period.first, period.last))


def dashboard(user: User, counts: DashboardCounts, period: Period, now: datetime) -> Dashboard:
    """The page: the period's figures and who has not been in contact for two weeks."""
    found = department_figures(user, counts, period)
    since = now - timedelta(days=QUIET_DAYS)
    listed, more = counts.quiet_clients(user.department_id, since, QUIET_LISTED)
    return Dashboard(found, listed, more, now)


def figures_csv(user: User, counts: DashboardCounts, period: Period) -> str:
    """The page's table as CSV (the same rows and columns)."""
    return as_csv(figure_table(department_figures(user, counts, period)), period.label)


def wants_weekly(user: User, counts: DashboardCounts) -> bool | None:
    """Whether the weekly e-mail is on; None for staff it is not offered to."""
    if not user.oversees_department:
        return None
    return counts.wants_weekly(user.department_id, user.user_id)


def set_weekly(user: User, counts: DashboardCounts, wanted: bool) -> None:
    """The settings' checkbox: supervisors and admins, for their own department."""
    if not user.oversees_department:
        raise Forbidden("The weekly e-mail is for supervisors and admins.")
    counts.set_weekly(user.department_id, user.user_id, wanted)
