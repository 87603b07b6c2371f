"""Staff correct what was recorded about an appointment: an outcome tapped by mistake
(attended, missed, rescheduled), or a confirmation the client gave some other way (a call
at the front desk) or that was read wrongly.

Anyone who may see the client may correct, like recording an outcome. The form carries the
version it was shown at, so a correction never overwrites a change it did not see (a
client's "Y" arriving meanwhile). Each correction is one transaction with an audit row
saying what it was before and after, and a line in the conversation. A corrected
confirmation changes the reminders still to come as an answer would: "Confirmed" makes
them "see you" (as the jurisdiction's ``after_confirmation`` says), "Asked to reschedule"
cancels them, "Not confirmed" puts back those whose time is still ahead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from ..domain.appointments import Appointment, Confirmation, Outcome
from ..domain.clients import Client
from ..domain.conversation import ConversationEntry, marker
from ..domain.errors import Forbidden, NotFound, ValidationFailed
from ..domain.scheduling import ScheduleState
from ..domain.users import User
from ..store.appointments import AppointmentChange, AppointmentStore, Conflict
from ..store.clients import ClientStore
from .appointments import TRIES, StaleAppointment, Texts, reminder_plan
from .caseload import open_client

# What staff may set: "Answer not understood" is only ever the client's own doing.
CORRECTABLE = (Confirmation.NONE, Confirmation.CONFIRMED, Confirmation.RESCHEDULE_ASKED)


def correct_appointment(
    user: User,
    clients: ClientStore,
    store: AppointmentStore,
    texts: Texts,
    client_id: str,
    appointment_id: str,
    form: Mapping[str, str],
    now: datetime,
) -> Appointment:
    """Correct the outcome (``outcome`` in the form) or the confirmation
    (``confirmation``) of one appointment, at the form's ``version``."""
    client = open_client(user, clients, client_id)
    if "outcome" in form:
        return _correct_outcome(user, client, store, appointment_id, form, texts)
    if "confirmation" in form:
        return _correct_confirmation(user, client, store, appointment_id, form, texts, now)
    raise ValidationFailed({"correction": "Choose what to correct."})


def _as_shown(
    store: AppointmentStore, client: Client, appointment_id: str, form: Mapping[str, str]
) -> Appointment:
    """The appointment at the version the form showed, in the client's department."""
    current = store.get(client.client_id, appointment_id[:64])
    if current is None:
        raise NotFound("There is no such appointment.")
    if current.department_id != client.department_id:
        raise Forbidden("That appointment belongs to another department.")
    if form.get("version", "") != str(current.version):
        raise StaleAppointment()
    return current


def _correct_outcome(
    user: User,
    client: Client,
    store: AppointmentStore,
    appointment_id: str,
    form: Mapping[str, str],
    texts: Texts,
) -> Appointment:
    current = _as_shown(store, client, appointment_id, form)
    if current.outcome is None or current.cancelled:
        raise ValidationFailed({"outcome": "Only a recorded outcome can be corrected."})
    try:
        outcome = Outcome(form.get("outcome", ""))
    except ValueError:
        raise ValidationFailed({"outcome": "Choose attended, missed or rescheduled."}) from None
    if outcome is current.outcome:
        return current
    corrected = replace(current, outcome=outcome)
    line = _line(client, current, texts, user, "outcome", current.outcome.label, outcome.label)
    change = AppointmentChange(
        corrected,
        user.user_id,
        "appointment_correct",
        marker=line,
        details={"field": "outcome", "from": current.outcome.value, "to": outcome.value},
    )
    try:
        store.apply(change)
    except Conflict:
        raise StaleAppointment() from None
    return replace(corrected, version=current.version + 1)


def _correct_confirmation(
    user: User,
    client: Client,
    store: AppointmentStore,
    appointment_id: str,
    form: Mapping[str, str],
    texts: Texts,
    now: datetime,
) -> Appointment:
    current = _as_shown(store, client, appointment_id, form)
    if not current.open:
        raise ValidationFailed(
            {"confirmation": "This appointment is closed: correct its outcome instead."}
        )
    confirmation = next((c for c in CORRECTABLE if c.value == form.get("confirmation")), None)
    if confirmation is None:
        raise ValidationFailed(
            {"confirmation": "Choose confirmed, asked to reschedule or not confirmed."}
        )
    if confirmation is current.confirmation:
        return current
    corrected = replace(current, confirmation=confirmation)
    line = _line(
        client,
        current,
        texts,
        user,
        "confirmation",
        current.confirmation.label,
        confirmation.label,
    )
    for _ in range(TRIES):  # a sender took a reminder meanwhile: plan again
        plan = reminder_plan(store, corrected, client, texts, user.user_id, now)
        # the same time: an offset whose reminder went (or is going) is never sent again;
        # only those an answer cancelled come back
        gone = {
            r.reminder_offset
            for r in store.reminders_of(client.client_id, current.appointment_id)
            if r.state is not ScheduleState.CANCELLED
        }
        change = AppointmentChange(
            corrected,
            user.user_id,
            "appointment_correct",
            add_reminders=[r for r in plan.add if r.reminder_offset not in gone],
            move_reminders=plan.move,
            cancel_reminders=plan.cancel,
            marker=line,
            details={
                "field": "confirmation",
                "from": current.confirmation.value,
                "to": confirmation.value,
            },
        )
        try:
            store.apply(change)
            return replace(corrected, version=current.version + 1)
        except Conflict:
            fresh = store.get(client.client_id, current.appointment_id)
            if fresh is None or fresh.version != current.version:
                raise StaleAppointment() from None
    raise StaleAppointment()


def _line(
    client: Client,
    appt: Appointment,
    texts: Texts,
    user: User,
    what: str,
    before: str,
    after: str,
) -> ConversationEntry:
    """The line others reading the conversation see (the audit row holds the same)."""
    local = appt.starts_at.astimezone(texts.jurisdiction.zone)
    return marker(
        client.client_id,
        "appointment_corrected",
        f"The {what} of the {appt.kind.label.lower()} on {local:%a %b %-d, %-I:%M %p} was "
        f"corrected from “{before}” to “{after}”.",
        user.user_id,
        {"appointment": appt.appointment_id, "field": what},
    )
