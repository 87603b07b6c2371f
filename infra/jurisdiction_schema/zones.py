"""A jurisdiction's time zone must be its region's zone, so daylight saving is kept.

"EST" or "Etc/GMT+5" is UTC-5 all year: every reminder would be an hour off all summer.
"MST7MDT" follows today's US rules but not a region's own history, and "US/Pacific" is an
old alias. A region zone (Area/Location, like America/Denver) has daylight saving exactly
where the region has it (America/Phoenix has none). A fixed offset is accepted only when
``allow_fixed_offset_time_zone`` says the jurisdiction really keeps one offset all year.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .problems import shown

SETTING = "time_zone"
OVERRIDE = "allow_fixed_offset_time_zone"
REGION_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe"}
    | {"Indian", "Pacific"}
)
# Mid-month noon over two years: enough to see daylight saving in either hemisphere.
SAMPLES = tuple(
    datetime(year, month, 15, 12, tzinfo=UTC) for year in (2025, 2026) for month in range(1, 13)
)
# The zones a US jurisdiction would mean, in the order they are suggested.
SUGGESTIONS = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "Pacific/Guam",
    "Pacific/Pago_Pago",
)
GENERIC = "the region's zone, like America/New_York or Europe/London"


def zone_problems(data: Mapping[str, Any]) -> dict[str, str]:
    """``{"time_zone": message}`` when the zone would keep the wrong time; else {}."""
    name = data.get(SETTING)
    if not isinstance(name, str):
        return {}  # missing or not text: the shape check says so
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return {SETTING: f"{shown(name)} is not an IANA time zone; expected {GENERIC}"}
    if is_region(name):
        return {}
    offsets = offsets_of(zone)
    if len(set(offsets)) == 1:
        if data.get(OVERRIDE) is True:
            return {}
        return {SETTING: _fixed_message(name, offsets[0])}
    use = _same_as(offsets) or GENERIC
    extra = (
        f" ({OVERRIDE} admits only a zone with one offset all year)" if data.get(OVERRIDE) else ""
    )
    return {
        SETTING: f"{shown(name)} is not a region's zone (an old alias, or a rule that ignores "
        f"the region's own history); use {use}{extra}"
    }


def is_region(name: str) -> bool:
    return "/" in name and name.split("/", 1)[0] in REGION_AREAS


def offsets_of(zone: ZoneInfo) -> list[timedelta]:
    return [sample.astimezone(zone).utcoffset() or timedelta() for sample in SAMPLES]


def _same_as(offsets: list[timedelta]) -> str | None:
    """The suggested zone that keeps exactly this time."""
    return next((z for z in SUGGESTIONS if offsets_of(ZoneInfo(z)) == offsets), None)


def _fixed_message(name: str, offset: timedelta) -> str:
    with_dst = next(
        (
            z
            for z in SUGGESTIONS
            if len(set(offsets_of(ZoneInfo(z)))) > 1 and min(offsets_of(ZoneInfo(z))) == offset
        ),
        None,
    )
    exact = _same_as([offset] * len(SAMPLES))
    if with_dst and exact:
        use = f"{with_dst} (or {exact} if the region keeps standard time all year)"
    else:
        use = with_dst or exact or GENERIC
    return (
        f"{shown(name)} is a fixed offset (UTC{_hours(offset)} all year, no daylight saving), so "
        f"times would be an hour off for part of the year; use {use}, or set {OVERRIDE} to "
        "true if the jurisdiction really keeps one offset all year"
    )


def _hours(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
