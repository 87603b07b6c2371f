"""The dashboard's counters, run from the ``conversations`` stream (a second reader beside
the pushes). A batch that raises is retried by Lambda, split to find a bad record: each
event counts under its own marker, so a retry counts only what is missing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .. import bootstrap
from ..config import get_jurisdiction, get_settings
from ..observability import count
from ..services.dashboard_rollup import roll_up


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
