"""Re-plan an open appointment's waiting reminders after the jurisdiction's offsets changed.

Reminders are scheduled texts written when an appointment is added (services/appointments.py),
at the offsets of that moment. Changing ``reminder_offsets_days`` and deploying changes what
new and edited appointments get; reminders already waiting keep their old times until
someone edits their appointment. This applies the same difference an edit would (moves,
cancels and adds per offset, with the department's current wording), under the same
conditions: a reminder a sender already holds is never touched, and a reminder whose time
has come still goes. An appointment edited meanwhile is read again and tried again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..domain.clients import Client
from ..store.appointments import AppointmentChange, AppointmentStore, Conflict
from ..store.clients import ClientStore
from .appointments import TRIES, Texts, reminder_plan

ACTOR = "ops"  # the audit row's actor: an operator's command, not a person in the app


class Outcome(StrEnum):
    REPLANNED = "re-planned"
    WOULD_REPLAN = "would be re-planned"
    ALREADY_RIGHT = "already right"
    PAST_OR_CLOSED = "past, cancelled or recorded"
    RETIRED = "client retired (its texts were cancelled)"
    GONE = "client or appointment gone"
    KEPT_CHANGING = "edited at every attempt: run again"


@dataclass(frozen=True)
class Replanned:
    outcome: Outcome
    added: int = 0
    moved: int = 0
    cancelled: int = 0


def replan(
    clients: ClientStore,
    store: AppointmentStore,
    texts_for: Callable[[Client], Texts],
    client_id: str,
    appointment_id: str,
    now: datetime,
    *,
    write: bool = True,
) -> Replanned:
    """Bring one appointment's waiting reminders to today's offsets and wording.

    ``texts_for`` gives a client's department texts (zone, offsets, wording); with
    ``write`` False nothing is written and the outcome says what would be done.
    """
    for _ in range(TRIES):
        client = clients.get(client_id)
        appointment = store.get(client_id, appointment_id)
        if client is None or appointment is None:
            return Replanned(Outcome.GONE)
        if client.retired:
            return Replanned(Outcome.RETIRED)
        if not appointment.open or appointment.starts_at <= now:
            return Replanned(Outcome.PAST_OR_CLOSED)
        plan = reminder_plan(store, appointment, client, texts_for(client), ACTOR, now)
        if not (plan.add or plan.move or plan.cancel):
            return Replanned(Outcome.ALREADY_RIGHT)
        done = Replanned(
            Outcome.REPLANNED if write else Outcome.WOULD_REPLAN,
            len(plan.add),
            len(plan.move),
            len(plan.cancel),
        )
        if not write:
            return done
        try:
            store.apply(
                AppointmentChange(
                    appointment,
                    ACTOR,
                    "reminders_replanned",
                    add_reminders=plan.add,
                    move_reminders=plan.move,
                    cancel_reminders=plan.cancel,
                    details={"offsets": ",".join(map(str, _offsets(texts_for(client))))},
                )
            )
        except Conflict:  # edited, answered or sent meanwhile: read it all again
            continue
        return done
    return Replanned(Outcome.KEPT_CHANGING)


def _offsets(texts: Texts) -> tuple[int, ...]:
    return texts.jurisdiction.reminder_offsets_days
