"""Appointments and their reminders: add, move, cancel, record the outcome, and a client's
"Y" or "N" in reply to a reminder.

Reminders are scheduled texts (the same sweep, queue and sender, so exactly once, opt-out
checked at send time, status shown). Moving an appointment changes its waiting reminders
as a difference: each offset's reminder is moved, cancelled when its new time has passed,
or added when the appointment moved later than an offset that had already gone out.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain.appointments import (
    Appointment,
    AppointmentDetails,
    Confirmation,
    Outcome,
    ReminderTime,
    reminder_times,
)
from ..domain.clients import Client
from ..domain.confirmations import Answer, keeps_after_confirmation, reading_of
from ..domain.conversation import ConversationEntry, marker
from ..domain.errors import ClientCommError, Forbidden, NotFound, NotStored, ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.reminder_texts import Purpose, ReminderValues, render, template_for
from ..domain.scheduling import EARLIEST_LEAD, ScheduledText
from ..domain.users import User
from ..store.appointments import AppointmentChange, AppointmentStore, Conflict, DepartmentTextsStore
from ..store.clients import ClientStore
from .caseload import open_client

log = logging.getLogger(__name__)
TRIES = 4  # a sender or a reply changed something meanwhile: read again, this often


class AppointmentClosed(ClientCommError):
    """Cancelled, or its outcome recorded: it can't be changed any more."""


@dataclass(frozen=True)
class Texts:
    """What reminder texts need: the jurisdiction (zone, offsets) and the department's own
    templates, language → purpose → template."""

    jurisdiction: Jurisdiction
    custom: Mapping[str, Mapping[str, str]]
    minutes_per_day: int | None = None

    def render(self, purpose: Purpose, appt: Appointment, client: Client) -> str:
        values = ReminderValues(
            first_name=client.first_name,
            kind=appt.kind.value,
            starts_local=appt.starts_at.astimezone(self.jurisdiction.zone),
            place=appt.place,
        )
        template = template_for(self.custom, client.language, purpose)
        return render(template, values, client.language)


def department_texts(
    store: DepartmentTextsStore,
    jurisdiction: Jurisdiction,
    department_id: str,
    minutes_per_day: int | None = None,
) -> Texts:
    flat, _ = store.get(department_id)
    return Texts(jurisdiction, nest(flat), minutes_per_day)


def nest(flat: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Stored as ``language:purpose`` → template; used as language → purpose → template."""
    nested: dict[str, dict[str, str]] = {}
    for key, template in flat.items():
        language, _, purpose = key.partition(":")
        nested.setdefault(language, {})[purpose] = template
    return nested


def appointments_of(
    user: User, clients: ClientStore, store: AppointmentStore, client_id: str
) -> list[Appointment]:
    client = open_client(user, clients, client_id)
    return store.for_client(client.client_id)


def appointments_with_reminders(
    user: User, clients: ClientStore, store: AppointmentStore, client_id: str
) -> list[tuple[Appointment, list[ScheduledText]]]:
    """A client page's appointments, soonest first; each open one with its reminders in
    every state, by time (two Queries: the appointments, and the client's reminders)."""
    client = open_client(user, clients, client_id)
    found = store.for_client(client.client_id)
    reminders: dict[str, list[ScheduledText]] = {}
    if any(a.open for a in found):
        for reminder in store.reminders_for_client(client.client_id):
            reminders.setdefault(reminder.appointment_id, []).append(reminder)
    return [
        (a, sorted(reminders.get(a.appointment_id, []), key=lambda r: r.send_at) if a.open else [])
        for a in found
    ]


def add_appointment(
    user: User,
    clients: ClientStore,
    store: AppointmentStore,
    texts: Texts,
    client_id: str,
    form: Mapping[str, str],
    now: datetime,
) -> Appointment:
    client = open_client(user, clients, client_id)
    details = AppointmentDetails.from_form(form, texts.jurisdiction.zone, now)
    appt = Appointment(
        client_id=client.client_id,
        appointment_id=secrets.token_hex(12),
        department_id=client.department_id,
        case_manager_id=client.case_manager_id,
        kind=details.kind,
        starts_at=details.starts_at,
        place=details.place,
        notes=details.notes,
    )
    create(store, client, appt, texts, user.user_id, now)
    return appt


def create(
    store: AppointmentStore,
    client: Client,
    appt: Appointment,
    texts: Texts,
    actor: str,
    now: datetime,
) -> None:
    """Store a new appointment with its reminders (those whose time has not passed)."""
    if client.appointments is None:
        store.ensure_summary(client.client_id)
    reminders = [] if client.opted_out else new_reminders(appt, client, texts, actor, now, set())
    store.apply(
        AppointmentChange(appt, actor, "appointment_add", new=True, add_reminders=reminders)
    )


def edit_appointment(
    user: User,
    clients: ClientStore,
    store: AppointmentStore,
    texts: Texts,
    client_id: str,
    appointment_id: str,
    form: Mapping[str, str],
    now: datetime,
) -> Appointment:
    client = open_client(user, clients, client_id)
    details = AppointmentDetails.from_form(form, texts.jurisdiction.zone, now)
    current = _open_appointment(store, client, appointment_id, form)
    return move(store, client, current, details, texts, user.user_id, now)


def move(
    store: AppointmentStore,
    client: Client,
    current: Appointment,
    details: AppointmentDetails,
    texts: Texts,
    actor: str,
    now: datetime,
) -> Appointment:
    """Change an appointment; its waiting reminders follow as a difference. A new time
    clears the confirmation (the client confirmed the old one)."""
    for _ in range(TRIES):
        moved_time = details.starts_at != current.starts_at
        changed = replace(
            current,
            kind=details.kind,
            starts_at=details.starts_at,
            place=details.place,
            notes=details.notes,
            confirmation=Confirmation.NONE if moved_time else current.confirmation,
            reminded_at=None if moved_time else current.reminded_at,
        )
        plan = reminder_plan(store, changed, client, texts, actor, now)
        try:
            store.apply(
                AppointmentChange(
                    changed,
                    actor,
                    "appointment_edit",
                    add_reminders=plan.add,
                    move_reminders=plan.move,
                    cancel_reminders=plan.cancel,
                    details={"starts_at": changed.starts_at.isoformat()},
                )
            )
            return replace(changed, version=current.version + 1)
        except Conflict:
            fresh = store.get(client.client_id, current.appointment_id)
            if fresh is None or fresh.version != current.version:
                raise StaleAppointment() from None
    raise StaleAppointment()


class StaleAppointment(ValidationFailed):
    def __init__(self) -> None:
        super().__init__(
            {"version": "Someone changed this appointment after you opened it. Reload the page."}
        )


@dataclass(frozen=True)
class ReminderPlan:
    add: list[ScheduledText]
    move: list[tuple[ScheduledText, ScheduledText]]
    cancel: list[ScheduledText]


def reminder_plan(
    store: AppointmentStore,
    appt: Appointment,
    client: Client,
    texts: Texts,
    actor: str,
    now: datetime,
) -> ReminderPlan:
    """Per offset: move the waiting reminder, cancel it when its new time has passed, or add
    one when none is waiting (a reminder already sent was about the old time). A reminder
    whose time has come (the sweep may have queued it) still goes, with what the
    appointment says now, unless its offset's new time is still ahead."""
    waiting = {
        r.reminder_offset: r
        for r in store.reminders_of(appt.client_id, appt.appointment_id)
        if r.changeable and r.reminder_offset is not None
    }
    wanted = {t.offset_days: t for t in wanted_times(appt, texts, now)}
    body = texts.render(reminder_purpose(appt), appt, client)
    moves, cancels = [], []
    for offset, old in waiting.items():
        when = wanted.get(offset)
        if when is None and is_due(old, now):  # its sender decides (opt-out included)
            if body != old.body or old.not_after != appt.starts_at:
                moves.append((old, replace(old, body=body, not_after=appt.starts_at)))
        elif when is None or client.opted_out:
            cancels.append(old)
        elif when.send_at != old.send_at or body != old.body or old.not_after != appt.starts_at:
            moves.append(
                (old, replace(old, body=body, send_at=when.send_at, not_after=appt.starts_at))
            )
    adds = [] if client.opted_out else new_reminders(appt, client, texts, actor, now, set(waiting))
    return ReminderPlan(adds, moves, cancels)


def is_due(reminder: ScheduledText, now: datetime) -> bool:
    """Its time has come (or is too close to move): it is going out."""
    return reminder.send_at < now + EARLIEST_LEAD


def reminder_purpose(appt: Appointment) -> Purpose:
    """A confirmed appointment's reminders no longer ask for a confirmation."""
    return Purpose.SEE_YOU if appt.confirmation is Confirmation.CONFIRMED else Purpose.REMINDER


def wanted_times(appt: Appointment, texts: Texts, now: datetime) -> list[ReminderTime]:
    """The reminder times still wanted for the appointment as its answer left it: none
    after "N" (the case manager finds a new time), after "Y" those the jurisdiction's
    ``after_confirmation`` keeps, else every offset whose time is ahead."""
    if appt.confirmation is Confirmation.RESCHEDULE_ASKED:
        return []
    times = reminder_times(
        appt.starts_at,
        texts.jurisdiction.reminder_offsets_days,
        texts.jurisdiction.zone,
        now,
        texts.minutes_per_day,
    )
    if appt.confirmation is Confirmation.CONFIRMED:
        setting = texts.jurisdiction.after_confirmation
        times = [t for t in times if keeps_after_confirmation(setting, t.offset_days)]
    return times


def new_reminders(
    appt: Appointment,
    client: Client,
    texts: Texts,
    actor: str,
    now: datetime,
    skip_offsets: set[int | None],
) -> list[ScheduledText]:
    body = texts.render(reminder_purpose(appt), appt, client)
    return [
        ScheduledText(
            client_id=client.client_id,
            scheduled_id=secrets.token_hex(16),
            department_id=client.department_id,
            case_manager_id=client.case_manager_id,
            author_id=actor,
            body=body,
            send_at=when.send_at,
            appointment_id=appt.appointment_id,
            reminder_offset=when.offset_days,
            not_after=appt.starts_at,
        )
        for when in wanted_times(appt, texts, now)
        if when.offset_days not in skip_offsets
    ]


def cancel_appointment(
    user: User,
    clients: ClientStore,
    store: AppointmentStore,
    texts: Texts,
    client_id: str,
    appointment_id: str,
    form: Mapping[str, str],
    now: datetime,
) -> Appointment:
    """Cancel it and its waiting reminders; with ``notify`` ticked, the client gets a
    "cancelled" text (through the send queue, like any scheduled text: within a minute)."""
    client = open_client(user, clients, client_id)
    current = _open_appointment(store, client, appointment_id, form)
    notify = form.get("notify") == "yes"
    if notify and client.opted_out:
        raise ValidationFailed(
            {"notify": f"{client.full_name} replied STOP, so no text can be sent."}
        )
    for _ in range(TRIES):
        cancelled = replace(current, cancelled=True)
        waiting = [
            r for r in store.reminders_of(client.client_id, appointment_id) if r.state.editable
        ]
        due = [r for r in waiting if is_due(r, now)]
        notice = (
            [
                ScheduledText(
                    client_id=client.client_id,
                    scheduled_id=secrets.token_hex(16),
                    department_id=client.department_id,
                    case_manager_id=client.case_manager_id,
                    author_id=user.user_id,
                    body=texts.render(Purpose.CANCELLED, current, client),
                    send_at=now,
                )
            ]
            if notify
            else []
        )
        try:
            store.apply(
                AppointmentChange(
                    cancelled,
                    user.user_id,
                    "appointment_cancel",
                    cancel_reminders=waiting,
                    extra_texts=notice,
                    marker=due_reminder_line(due[0], texts.jurisdiction, user) if due else None,
                    details={"notified": "yes" if notify else "no"},
                )
            )
            return replace(cancelled, version=current.version + 1)
        except Conflict:
            fresh = store.get(client.client_id, appointment_id)
            if fresh is None or fresh.version != current.version:
                raise StaleAppointment() from None
    raise StaleAppointment()


def due_reminder_line(
    reminder: ScheduledText, jurisdiction: Jurisdiction, user: User
) -> ConversationEntry:
    """A reminder whose time had come is cancelled with its appointment: the conversation
    says it did not go (the case manager would otherwise expect it on the phone)."""
    local = reminder.send_at.astimezone(jurisdiction.zone)
    return marker(
        reminder.client_id,
        "scheduled_not_sent",
        f"The reminder due {local:%b %-d, %-I:%M %p} was not sent: the appointment was "
        f"cancelled. It said: “{reminder.body}”",
        user.user_id,
        {"scheduled": reminder.scheduled_id},
    )


def record_outcome(
    user: User,
    clients: ClientStore,
    store: AppointmentStore,
    client_id: str,
    appointment_id: str,
    form: Mapping[str, str],
    now: datetime,
) -> Appointment:
    """Attended, missed or rescheduled: only once the appointment's time has come."""
    client = open_client(user, clients, client_id)
    current = _open_appointment(store, client, appointment_id, form)
    try:
        outcome = Outcome(form.get("outcome", ""))
    except ValueError:
        raise ValidationFailed({"outcome": "Choose attended, missed or rescheduled."}) from None
    if current.starts_at > now:
        raise ValidationFailed({"outcome": "The appointment has not happened yet."})
    done = replace(current, outcome=outcome)
    try:
        store.apply(
            AppointmentChange(
                done,
                user.user_id,
                "appointment_outcome",
                marker=outcome_line(current, outcome, user),
                details={"outcome": outcome.value},
            )
        )
    except Conflict:
        raise StaleAppointment() from None
    return replace(done, version=current.version + 1)


def outcome_line(appointment: Appointment, outcome: Outcome, user: User) -> ConversationEntry:
    """The conversation's line for an outcome (the dashboard counts attended and missed
    from it, as it counts everything else from the conversation)."""
    return marker(
        appointment.client_id,
        "appointment_outcome",
        f"Outcome of the {appointment.kind.label.lower()}: {outcome.label.lower()}.",
        user.user_id,
        {"appointment": appointment.appointment_id, "outcome": outcome.value},
    )


def _open_appointment(
    store: AppointmentStore, client: Client, appointment_id: str, form: Mapping[str, str]
) -> Appointment:
    """The appointment as the form saw it: still open, and at the version the form showed."""
    current = store.get(client.client_id, appointment_id[:64])
    if current is None:
        raise NotFound("There is no such appointment.")
    if not current.open:
        raise AppointmentClosed(
            "This appointment was cancelled."
            if current.cancelled
            else "This appointment's outcome was already recorded."
        )
    try:
        version = int(form.get("version", ""))
    except ValueError:
        raise StaleAppointment() from None
    if version != current.version:
        raise StaleAppointment()
    if current.department_id != client.department_id:
        raise Forbidden("That appointment belongs to another department.")
    return current


@dataclass(frozen=True)
class Answered:
    appointment: Appointment
    answer: Answer
    reply: str  # "" for a reply not understood: nothing is guessed, so nothing is said


def answer_reminder(
    client: Client,
    sid: str,
    body: str,
    store: AppointmentStore,
    texts: Texts,
    now: datetime,
) -> Answered | None:
    """A client's Y or N after a reminder: confirms (or asks to reschedule) the nearest
    upcoming appointment that was reminded, and changes its reminders still to come; a
    reply not understood flags it. Once per reply however often Twilio retries. Anything
    else, or no reminded appointment ahead, is an ordinary text (None)."""
    answer = reading_of(body)
    if answer is None or client.opted_out:
        return None
    for _ in range(TRIES):
        planned = plan_answer(
            client,
            sid,
            answer,
            store.for_client(client.client_id),
            lambda: store.reminders_for_client(client.client_id),
            texts,
            now,
        )
        if planned is None:
            return None
        answered, change = planned
        if change is None:  # Twilio retried a reply we had already applied
            return answered
        try:
            store.apply(change)
        except Conflict:
            continue  # changed meanwhile (an edit, another reply, a sender): look again
        return answered
    # the text is stored; failing here makes Twilio retry, and the retry applies the answer
    raise NotStored("The reply could not be applied to its appointment.")


def plan_answer(
    client: Client,
    sid: str,
    answer: Answer,
    appointments: list[Appointment],
    reminders: Callable[[], list[ScheduledText]],
    texts: Texts,
    now: datetime,
) -> tuple[Answered, AppointmentChange | None] | None:
    """What reply ``sid`` means, given the client's appointments as read: None when it
    answers none (an ordinary text); the answer with no change when this reply was applied
    before; else the answer and the change that applies it (under the versions read): the
    appointment, its reminders still to come (``reminders`` reads the client's, only when
    an answer has something to change: a "Y" with nothing reminded costs no Query more),
    a line for staff."""
    done = next((a for a in appointments if a.answered_sid == sid), None)
    ahead = [a for a in appointments if a.answerable(now)]
    if done is None and not ahead:
        return None
    target = done or min(ahead, key=lambda a: a.starts_at)
    reply = answer_reply(answer, target, client, texts)
    if done is not None:
        return Answered(target, answer, reply), None
    answered = replace(target, confirmation=confirmation_after(answer, target.confirmation))
    local = target.starts_at.astimezone(texts.jurisdiction.zone)
    about = f"the {target.kind.label.lower()} on {local:%a %b %-d, %-I:%M %p}"
    if answer is Answer.UNCLEAR:
        line = marker(
            client.client_id,
            "appointment_unclear",
            f"{client.first_name}’s reply was not understood as Y or N for {about}: it was "
            "not counted and not answered. Please check with them.",
            details={"appointment": target.appointment_id, "answer": answer.value},
        )
    else:
        said = "confirmed" if answer is Answer.CONFIRM else "asked to reschedule"
        line = marker(
            client.client_id,
            "appointment_answer",
            f"{client.first_name} {said} {about}. Reply sent: “{reply}”",
            details={"appointment": target.appointment_id, "answer": answer.value},
        )
    reworded: list[tuple[ScheduledText, ScheduledText]] = []
    cancelled: list[ScheduledText] = []
    if answer is not Answer.UNCLEAR:  # read only when they may change (one more Query)
        mine = [r for r in reminders() if r.appointment_id == target.appointment_id]
        reworded, cancelled = reminders_after(answered, mine, client, texts)
    change = AppointmentChange(
        answered,
        "client",
        "appointment_answer_unclear" if answer is Answer.UNCLEAR else "appointment_answer",
        move_reminders=reworded,
        cancel_reminders=cancelled,
        marker=line,
        answered_sid=sid,
    )
    return Answered(answered, answer, reply), change


def answer_reply(answer: Answer, appt: Appointment, client: Client, texts: Texts) -> str:
    if answer is Answer.UNCLEAR:
        return ""
    purpose = Purpose.THANKS if answer is Answer.CONFIRM else Purpose.RESCHEDULE_NOTED
    return texts.render(purpose, appt, client)


def confirmation_after(answer: Answer, current: Confirmation) -> Confirmation:
    """A clear answer sets it; one not understood flags only an appointment with no clear
    answer yet (an earlier "Y" or "N" stands, the line in the conversation tells)."""
    if answer is Answer.CONFIRM:
        return Confirmation.CONFIRMED
    if answer is Answer.RESCHEDULE:
        return Confirmation.RESCHEDULE_ASKED
    if current in (Confirmation.CONFIRMED, Confirmation.RESCHEDULE_ASKED):
        return current
    return Confirmation.NOT_UNDERSTOOD


def reminders_after(
    appt: Appointment, reminders: list[ScheduledText], client: Client, texts: Texts
) -> tuple[list[tuple[ScheduledText, ScheduledText]], list[ScheduledText]]:
    """What the answer does to the appointment's reminders still waiting: (reworded,
    cancelled). After "N" all are cancelled; after "Y" those the jurisdiction keeps go in
    the "see you" wording and the rest are cancelled; a reply not understood changes none.
    A reminder a sender already tried waits for its retry as written: it is only ever
    cancelled, never reworded."""
    if appt.confirmation not in (Confirmation.CONFIRMED, Confirmation.RESCHEDULE_ASKED):
        return [], []
    waiting = [r for r in reminders if r.state.editable]
    if appt.confirmation is Confirmation.RESCHEDULE_ASKED:
        return [], waiting
    setting = texts.jurisdiction.after_confirmation
    body = texts.render(Purpose.SEE_YOU, appt, client)
    reworded, cancelled = [], []
    for reminder in waiting:
        if not keeps_after_confirmation(setting, reminder.reminder_offset):
            cancelled.append(reminder)
        elif reminder.changeable and reminder.body != body:
            reworded.append((reminder, replace(reminder, body=body)))
    return reworded, cancelled
