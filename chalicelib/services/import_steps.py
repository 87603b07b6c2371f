"""Carrying out one step of a court import's kept plan, under the conditions that make it
exactly once however many requests, tabs or imports try it.

- A NEW row creates its court date under the id derived from what it is
  (``domain/import_plan.court_date_id``), "only if it does not exist yet", in one
  transaction with its reminders. Finding that id taken, the step reads what is there:
  the very same date (another import of the file, another tab, a retry) is "unchanged";
  the case's upcoming date stored meanwhile with other details is "changed meanwhile"
  (the next import moves it); an earlier date under the key (closed, past, or one that
  moved away) sends it on to the next generation of the id.
- A CHANGED row moves its date only if the appointment is still at the version the plan
  saw; if someone edited or closed it since, it is "changed meanwhile".
- A date no longer in the court's calendar is cancelled, with its waiting reminders (and
  the cancellation text when chosen, in the same transaction), only if it is still at the
  planned version.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from ..domain.appointments import Appointment, AppointmentDetails, Kind, Source
from ..domain.clients import Client
from ..domain.court_import import Verdict
from ..domain.courthouses import with_court_details
from ..domain.import_plan import GoneStep, RowStep, court_date_id
from ..domain.reminder_texts import Purpose
from ..domain.scheduling import ScheduledText
from ..domain.users import User
from ..store.appointments import AppointmentChange, AppointmentStore, Conflict
from .appointments import (
    TRIES,
    StaleAppointment,
    Texts,
    create,
    due_reminder_line,
    is_due,
    move,
)

CHANGED_MEANWHILE = "changed meanwhile"  # someone edited or closed the date since the plan
ADDED, MOVED, CANCELLED = "added", "moved", "cancelled"
GENERATIONS = 16  # ids tried per court date: a case's earlier hearings take the first ones


def apply_row(
    store: AppointmentStore,
    clients: Mapping[str, Client],
    step: RowStep,
    texts: Texts,
    user: User,
    now: datetime,
) -> str:
    """Store one row's change; what happened, as a tally key."""
    result = step.result
    client = clients.get(result.client_id)
    if result.verdict not in (Verdict.NEW, Verdict.CHANGED) or client is None:
        return result.verdict.value
    if result.verdict is Verdict.NEW:
        return _add(store, client, step, texts, user, now)
    return _move(store, client, step, texts, user, now)


def _add(
    store: AppointmentStore, client: Client, step: RowStep, texts: Texts, user: User, now: datetime
) -> str:
    row, starts_at = step.result.row, step.result.starts_at
    assert row is not None and starts_at is not None  # NEW rows always have them
    for generation in range(GENERATIONS):
        appt = Appointment(
            client_id=client.client_id,
            appointment_id=court_date_id(
                client.department_id, client.client_id, row.case_number, starts_at, generation
            ),
            department_id=client.department_id,
            case_manager_id=client.case_manager_id,
            kind=Kind.COURT,
            starts_at=starts_at,
            place=row.place,
            case_number=row.case_number,
            source=Source.IMPORT,
        )
        appt = with_court_details(appt, row)  # its courthouse code, room, hearing kind
        try:
            create(store, client, appt, texts, user.user_id, now)
            return ADDED
        except Conflict:
            there = store.get(client.client_id, appt.appointment_id)
        if there is None:  # the id is free: the client's own condition failed (retired)
            return CHANGED_MEANWHILE
        if there.open and there.starts_at == starts_at and there.place == row.place:
            return Verdict.UNCHANGED.value  # stored already, by whichever import came first
        if there.open and there.starts_at >= now and row.case_number:
            return CHANGED_MEANWHILE
    return CHANGED_MEANWHILE


def _move(
    store: AppointmentStore, client: Client, step: RowStep, texts: Texts, user: User, now: datetime
) -> str:
    row, starts_at, known = step.result.row, step.result.starts_at, step.result.known
    assert row is not None and starts_at is not None and known is not None  # CHANGED rows
    current = store.get(client.client_id, known.appointment_id)
    if current is None or not current.open:
        return CHANGED_MEANWHILE
    if current.starts_at == starts_at and current.place == row.place:
        return Verdict.UNCHANGED.value  # moved already (another tab, another import)
    if current.version != step.version:
        return CHANGED_MEANWHILE
    details = AppointmentDetails(current.kind, starts_at, row.place, current.notes)
    current = with_court_details(current, row)  # kept as the file now says them
    try:
        move(store, client, current, details, texts, user.user_id, now)
    except StaleAppointment:
        return CHANGED_MEANWHILE
    return MOVED


def cancel_gone(
    store: AppointmentStore,
    clients: Mapping[str, Client],
    step: GoneStep,
    texts: Texts,
    user: User,
    now: datetime,
    notify: bool,
) -> str:
    """Cancel a date the court's calendar no longer has, if nobody changed it since the
    plan: its waiting reminders too, and with ``notify`` the cancellation text (not to a
    client who replied STOP)."""
    client = clients.get(step.client_id)
    current = store.get(step.client_id, step.appointment_id) if client else None
    if client is None or current is None:
        return CHANGED_MEANWHILE
    if current.cancelled and current.version == step.version + 1:
        return CANCELLED  # this step again (a retry, a second tab): done once already
    if not current.open or current.version != step.version:
        return CHANGED_MEANWHILE
    for _ in range(TRIES):
        waiting = [
            r
            for r in store.reminders_of(client.client_id, current.appointment_id)
            if r.state.editable
        ]
        due = [r for r in waiting if is_due(r, now)]
        tell = notify and not client.opted_out
        try:
            store.apply(
                AppointmentChange(
                    replace(current, cancelled=True),
                    user.user_id,
                    "appointment_cancel",
                    cancel_reminders=waiting,
                    extra_texts=[_cancellation(client, current, texts, user, now)] if tell else [],
                    marker=due_reminder_line(due[0], texts.jurisdiction, user) if due else None,
                    details={"notified": "yes" if tell else "no", "why": "not in court calendar"},
                )
            )
            return CANCELLED
        except Conflict:
            fresh = store.get(client.client_id, current.appointment_id)
            if fresh is None or fresh.version != current.version:
                return CHANGED_MEANWHILE
    return CHANGED_MEANWHILE  # its reminders kept changing (a sender holds one): next time


def _cancellation(
    client: Client, appt: Appointment, texts: Texts, user: User, now: datetime
) -> ScheduledText:
    return ScheduledText(
        client_id=client.client_id,
        scheduled_id=secrets.token_hex(16),
        department_id=client.department_id,
        case_manager_id=client.case_manager_id,
        author_id=user.user_id,
        body=texts.render(Purpose.CANCELLED, appt, client),
        send_at=now,
    )
