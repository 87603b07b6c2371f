"""Whole-calendar imports: which imported court dates a file leaves out.

A court export is often partial, so by default a date missing from a file is left alone.
When the supervisor says a file is the court's complete calendar for its dates, an
imported date of the department that is still open, still ahead, falls on a day from the
file's first date to its last (local days), and that no row of the file stands for, is
"no longer in the court's calendar". Nothing outside those days is ever a candidate, nor
is a date staff added (only imported dates are compared), nor any date of a client whose
rows the file could not read (a bad date or time, an id number two clients share): such
a row may well be the missing date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from .appointments import Appointment, Source
from .court_import import RowResult, Verdict

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

# Rows that stand for a date of their client, or repeat one that does.
READ = frozenset({Verdict.NEW, Verdict.CHANGED, Verdict.UNCHANGED, Verdict.DUPLICATE})


@dataclass(frozen=True)
class CalendarGap:
    first_day: date | None  # the file's first and last dates (None: no date could be read)
    last_day: date | None
    gone: list[Appointment]  # soonest first


def calendar_gap(
    results: Sequence[RowResult],
    stored: Iterable[Appointment],
    zone: ZoneInfo,
    now: datetime,
    unreadable_clients: Iterable[str] = (),
) -> CalendarGap:
    """The file's days and the stored imported dates on them that no row stands for."""
    days = [r.row.starts_local_date for r in results if r.row is not None]
    if not days:
        return CalendarGap(None, None, [])
    first, last = min(days), max(days)
    matched = {r.known.appointment_id for r in results if r.known is not None}
    unsure = set(unreadable_clients) | {
        r.client_id for r in results if r.client_id and r.verdict not in READ
    }
    gone = [
        a
        for a in stored
        if a.open
        and a.source is Source.IMPORT
        and a.starts_at >= now
        and first <= a.starts_at.astimezone(zone).date() <= last
        and a.appointment_id not in matched
        and a.client_id not in unsure
    ]
    return CalendarGap(first, last, sorted(gone, key=lambda a: (a.starts_at, a.appointment_id)))
