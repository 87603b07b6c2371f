"""A courthouse's new wording reaches the court dates already imported there.

A reminder names the place as it was worded when its date was imported. When a supervisor
rewords a courthouse (one row, or the court's table uploaded again), the upcoming imported
dates at that code whose reminders would say something else are listed first (client, date,
old and new wording, how many); nothing changes until the supervisor confirms. Confirming
saves the wording (versioned, audited), then moves each date's place with
``appointments.move``: version-checked, its waiting reminders re-rendered under their own
conditions, an audit row each. Bringing dates in line with the stored wording is repeatable:
a retried or continued confirmation finds the wording already saved ("already there") and
the dates already reworded, so nothing is done twice; a large courthouse is reworded a
time-boxed batch per request, the page offering to continue.

Removing a code that upcoming imported dates use is refused: their reminders would keep a
wording nobody can change any more, and the next import would call the code unknown.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..domain.appointments import Appointment, AppointmentDetails
from ..domain.court_import import place_text
from ..domain.courthouses import (
    Courthouse,
    Placed,
    Rewording,
    checked,
    fold,
    read_table,
    rewordings,
)
from ..domain.errors import ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.users import User
from ..store.appointments import AppointmentStore, DepartmentTextsStore
from ..store.clients import ClientStore
from ..store.department_settings import DepartmentSettingsStore
from . import courthouses
from .appointments import StaleAppointment, department_texts, move

BUDGET_SECONDS = 20.0  # rewording stops early and the page offers to continue
LISTED = 200  # dates listed before confirming; the count covers them all


@dataclass(frozen=True)
class WordingDeps:
    settings: DepartmentSettingsStore
    clients: ClientStore
    appointments: AppointmentStore
    department_texts: DepartmentTextsStore
    jurisdiction: Jurisdiction
    minutes_per_day: int | None = None


@dataclass(frozen=True)
class Pending:
    """Nothing saved yet: the wording asked for and the reminders it would change."""

    rows: list[Courthouse]  # as asked, each with the version it was read at
    changes: list[Rewording]  # at most LISTED, soonest first
    total: int


@dataclass(frozen=True)
class Saved:
    reworded: int  # dates whose place (and waiting reminders) now read the new wording
    skipped: int  # dates someone changed meanwhile: left as they are
    remaining: int  # dates still to reword (the time box ran out): confirm again


def edit(
    user: User,
    deps: WordingDeps,
    code: str,
    description: str,
    version: int,
    now: datetime,
) -> Pending | Saved:
    """Add a courthouse or reword one; a rewording that changes reminders is shown first."""
    courthouses.check_can_edit(user)
    row = checked(code, description)
    if fold(row.code) not in _current(deps, user):  # a new code: no date is there yet
        courthouses.save_courthouse(
            user, deps.settings, deps.jurisdiction, row.code, row.description, version
        )
        return Saved(0, 0, 0)
    return _reword(user, deps, [Courthouse(row.code, row.description, version)], False, now)


def upload(
    user: User,
    deps: WordingDeps,
    data: bytes,
    code_column: int | None,
    description_column: int | None,
    now: datetime,
) -> Pending | Saved:
    """The court's code table: added and reworded codes, shown first when reminders change."""
    courthouses.check_can_edit(user)
    if not data:
        raise ValidationFailed({"file": "Choose the court's table of courthouse codes (CSV)."})
    uploaded = read_table(data, code_column, description_column)
    current = _current(deps, user)
    rows = []
    for courthouse in uploaded:
        known = current.get(fold(courthouse.code))
        if known is None or known.description != courthouse.description:
            version = known.version if known is not None else 0
            rows.append(Courthouse(courthouse.code, courthouse.description, version))
    return _reword(user, deps, rows, False, now)


def confirm(
    user: User,
    deps: WordingDeps,
    rows: Sequence[Courthouse],
    now: datetime,
    clock: Callable[[], float] = time.monotonic,
) -> Saved:
    """Save the wording shown on the confirmation page, then reword its dates."""
    courthouses.check_can_edit(user)
    checked_rows = [Courthouse(*_clean(r), r.version) for r in rows]
    result = _reword(user, deps, checked_rows, True, now, clock)
    assert isinstance(result, Saved)
    return result


def remove(user: User, deps: WordingDeps, code: str, version: int, now: datetime) -> None:
    """Remove a code no upcoming imported date uses."""
    courthouses.check_can_edit(user)
    used = deps.appointments.at_courthouse(user.department_id, code, now)
    if used:
        raise ValidationFailed(
            {
                "code": f"{len(used)} upcoming court date(s) are at {code.strip()}, so it "
                "stays: reword it instead, or remove it once those dates are past."
            }
        )
    courthouses.remove_courthouse(user, deps.settings, deps.jurisdiction, code, version)


def _clean(row: Courthouse) -> tuple[str, str]:
    clean = checked(row.code, row.description)
    return clean.code, clean.description


def _current(deps: WordingDeps, user: User) -> dict[str, Courthouse]:
    found = courthouses.department_courthouses(deps.settings, deps.jurisdiction, user.department_id)
    return {fold(c.code): c for c in found}


def _reword(
    user: User,
    deps: WordingDeps,
    rows: list[Courthouse],
    confirmed: bool,
    now: datetime,
    clock: Callable[[], float] = time.monotonic,
) -> Pending | Saved:
    current = _current(deps, user)
    if not confirmed:
        changes = changes_of(deps, user.department_id, rows, now)
        if changes:
            return Pending(rows, changes[:LISTED], len(changes))
    # Saved already (this confirmation retried or continued): "already there" is success.
    to_save = [
        r
        for r in rows
        if fold(r.code) not in current or current[fold(r.code)].description != r.description
    ]
    for row in to_save:
        known = current.get(fold(row.code))
        if (known.version if known is not None else 0) != row.version:
            raise ValidationFailed({"version": courthouses.STALE})
    if to_save:
        courthouses.save_rows(user, deps.settings, list(current.values()), to_save)
    return reword_dates(user, deps, [r.code for r in rows], now, clock)


def changes_of(
    deps: WordingDeps, department_id: str, rows: Sequence[Courthouse], now: datetime
) -> list[Rewording]:
    """The upcoming imported dates whose place would read otherwise, soonest first."""
    found: list[tuple[Appointment, Courthouse]] = []
    for row in rows:
        found += [(a, row) for a in deps.appointments.at_courthouse(department_id, row.code, now)]
    names = {
        c.client_id: c.full_name for c in deps.clients.many(sorted({a.client_id for a, _ in found}))
    }
    zone = deps.jurisdiction.zone
    changes: list[Rewording] = []
    for appt, row in sorted(found, key=lambda pair: pair[0].starts_at):
        placed = Placed(
            appt.client_id,
            appt.appointment_id,
            names.get(appt.client_id, "A client"),
            f"{appt.starts_at.astimezone(zone):%a %b %-d %Y, %-I:%M %p}",
            appt.location_code,
            appt.room,
            appt.place,
        )
        changes += rewordings([placed], row.code, row.description)
    return changes


def reword_dates(
    user: User,
    deps: WordingDeps,
    codes: Sequence[str],
    now: datetime,
    clock: Callable[[], float] = time.monotonic,
) -> Saved:
    """Bring the upcoming imported dates at ``codes`` in line with the stored wording."""
    deadline = clock() + BUDGET_SECONDS
    current = _current(deps, user)
    texts = department_texts(
        deps.department_texts, deps.jurisdiction, user.department_id, deps.minutes_per_day
    )
    todo: list[tuple[Appointment, str]] = []
    for code in codes:
        stored = current.get(fold(code))
        for appt in deps.appointments.at_courthouse(user.department_id, code, now):
            wording = place_text(stored.description if stored else "", appt.room)
            if stored is not None and appt.place != wording:
                todo.append((appt, wording))
    clients = {c.client_id: c for c in deps.clients.many(sorted({a.client_id for a, _ in todo}))}
    reworded = skipped = tried = 0
    for appt, wording in todo:
        if tried and clock() > deadline:
            break
        tried += 1
        fresh = deps.appointments.get(appt.client_id, appt.appointment_id)
        client = clients.get(appt.client_id)
        if fresh is None or client is None or not fresh.open:
            skipped += 1
            continue
        if fresh.place == wording:
            continue  # reworded already (a retried confirmation)
        details = AppointmentDetails(fresh.kind, fresh.starts_at, wording, fresh.notes)
        try:
            move(deps.appointments, client, fresh, details, texts, user.user_id, now)
        except StaleAppointment:
            skipped += 1
            continue
        reworded += 1
    return Saved(reworded, skipped, len(todo) - tried)
