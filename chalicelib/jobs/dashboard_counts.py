"""The dashboard's scheduled work: its counters, run from the ``conversations`` stream (a
reader beside the pushes; a batch that raises is retried by Lambda, split to find a bad
record: each event counts under its own marker, so a retry counts only what is missing),
and the weekly e-mail (every hour; it mails on Monday morning, once per supervisor)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .. import bootstrap
from ..config import get_jurisdiction, get_settings, mail_configured
from ..observability import count
from ..services.dashboard_rollup import roll_up
from ..services.weekly_email import send_weekly_emails


def count_records(records: list[dict[str, Any]]) -> dict[str, int]:
    stores = bootstrap.stores(get_settings())
    counted = roll_up(
        records,
        stores.dashboard_counts,
        stores.clients,
        stores.users,
        get_jurisdiction().zone,
        datetime.now(UTC),
    )
    count("DashboardEventsCounted", counted)
    return {"counted": counted}


def weekly_email() -> dict[str, int]:
    if not mail_configured():  # no mail_from: nothing to send with (and no right to)
        return {"sent": 0}
    settings = get_settings()
    stores = bootstrap.stores(settings)
    sent = send_weekly_emails(
        stores.dashboard_counts,
        stores.users,
        bootstrap.email(settings),
        get_jurisdiction(),
        settings.public_base_url,
        datetime.now(UTC),
    )
    count("WeeklyEmailsSent", sent)
    return {"sent": sent}
