"""The audit trail's search ends, compared with stored ``at`` values (UTC, "Z")."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from chalicelib.store.audit_pages import time_key


def test_a_zone_aware_end_of_day_is_written_in_utc_as_the_stored_times_are():
    evening = datetime(2026, 12, 6, 23, 59, 59, 999999, tzinfo=ZoneInfo("America/Denver"))
    assert time_key(evening) == "2026-12-07T06:59:59.999999Z"
    stored_at_dinner = datetime(2026, 12, 7, 1, 30, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert stored_at_dinner <= time_key(evening)  # 6:30 PM in Denver is still that day
