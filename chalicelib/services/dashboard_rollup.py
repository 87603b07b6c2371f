"""The dashboard's counters, kept from the conversations table's stream.

Why a stream and not counters in each write's own transaction: texts, statuses, answers
and outcomes are written by a dozen transactions on the busiest paths (an inbound text's
webhook, the sender, status callbacks); counting there would add an item to each and make
every path know the dashboard. The stream already carries every entry (the pushes read
it); one reader turns each into its events and counts each event once (a marker per event:
``store/dashboard_counts.py``). The price: figures trail the texts by the stream's delay
(seconds), and a batch reads its clients and their case managers (one BatchGetItem each).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.dashboard import (
    Event,
    Tally,
    answer_bucket,
    as_mass,
    client_mark,
    events_of,
    local_day,
)
from ..store.clients import ClientStore
from ..store.dashboard_counts import Count, DashboardCounts
from ..store.streams import read_records
from ..store.users import UserStore


def roll_up(
    records: Iterable[dict[str, Any]],
    counts: DashboardCounts,
    clients: ClientStore,
    users: UserStore,
    zone: ZoneInfo,
    now: datetime,
) -> int:
    """Count what the stream's records stand for; the number of events counted now."""
    entries = read_records(records).entries
    events = [event for entry in entries for event in events_of(entry)]
    if not events:
        return 0
    scheduled = [(e.client_id, e.entry_id) for e in events if Tally.SCHEDULED in e.tallies]
    mass = counts.of_mass_texts(sorted(set(scheduled)))
    events = [as_mass(e) if (e.client_id, e.entry_id) in mass else e for e in events]
    owners = {c.client_id: c for c in clients.many(sorted({e.client_id for e in events}))}
    staff = users.many(sorted({c.case_manager_id for c in owners.values()}))
    counted = 0
    for event in events:
        client = owners.get(event.client_id)
        if client is None:
            continue  # deleted by records retention since: nothing to count it against
        person = staff.get(client.case_manager_id)
        name = person.display_name if person else client.case_manager_id
        counted += _count(
            event, client.department_id, client.case_manager_id, name, counts, zone, now
        )
    return counted


def _count(
    event: Event,
    department_id: str,
    case_manager_id: str,
    name: str,
    counts: DashboardCounts,
    zone: ZoneInfo,
    now: datetime,
) -> int:
    waiting = counts.waiting_since(department_id, event.client_id) if event.answers else None
    if waiting is not None and waiting > event.at:
        waiting = None  # a text that came after this one: it still waits
    tallies = event.tallies if waiting is None else (*event.tallies, Tally.ANSWERED)
    count = Count(
        event.key,
        department_id,
        local_day(event.at, zone),
        case_manager_id,
        name,
        tallies,
        client_mark(event.client_id) if event.contacted else b"",
        answer_bucket(event.at - waiting) if waiting is not None else None,
        client_id=event.client_id,
        starts_wait=event.at if event.waits else None,
        ends_wait=waiting,
    )
    return int(counts.count(count, now))
