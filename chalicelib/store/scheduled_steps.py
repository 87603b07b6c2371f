"""The steps of a scheduled text that ride in another write's transaction, so the text and
the conversation entry it became always move together (the state machine and who moves
each step: store/scheduled.py).

A ``RowStep`` is the scheduled text's part of a status change (a callback, settle-sends,
the sender's own answer from Twilio): its row's update under the condition of the state it
leaves, whether the client's count of pending texts goes down with it, and what the text's
one-time id row should then tell a status callback (``HINT_*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.delivery import rank
from ..domain.scheduling import ScheduledText, ScheduleState
from .models import (
    AppointmentModel,
    ConversationEntryModel,
    ScheduledTextModel,
    TwilioMessageModel,
)

KEEP_FINISHED = timedelta(days=30)  # the conversation keeps the text itself
# What a scheduled text's one-time id row tells its status callback to do to the text too.
HINT_SENDING = "sending"  # a sender holds it: the callback settles it as sent
HINT_GAVE_UP = "gave_up"  # settle-sends called it not sent: a callback proves it was sent
GAVE_UP_REASON = "Twilio never received it, so it was not sent."


def in_state(*states: ScheduleState) -> Condition:
    return ScheduledTextModel.state.is_in(*[s.value for s in states])


def finished(state: ScheduleState, now: datetime) -> list[Action]:
    """The actions that take a text off both indexes and let it expire later."""
    return [
        ScheduledTextModel.state.set(state.value),
        ScheduledTextModel.due_partition.remove(),
        ScheduledTextModel.pending_department.remove(),
        ScheduledTextModel.expires_at.set(now + KEEP_FINISHED),
    ]


def draft_key(outbound_id: str) -> str:
    return f"draft#{outbound_id}"


@dataclass(frozen=True)
class RowStep:
    """A scheduled text's move inside a status change's transaction."""

    client_id: str
    scheduled_id: str
    actions: list[Action]
    condition: Condition
    leaves_pending: bool  # the client's count of pending texts goes down (caller's update)
    hint: str | None = None  # the one-time id row's hint afterwards: "" removes, None keeps

    def add_to(self, tx: TransactWrite) -> None:
        """The row's update, then the one-time id row's (two update items, in order)."""
        tx.update(
            ScheduledTextModel(self.client_id, self.scheduled_id),
            actions=self.actions,
            condition=self.condition,
        )
        if self.hint is not None:
            hint = (
                TwilioMessageModel.schedule.set(self.hint)
                if self.hint
                else TwilioMessageModel.schedule.remove()
            )
            tx.update(
                TwilioMessageModel(draft_key(self.scheduled_id)),
                actions=[hint],
                condition=TwilioMessageModel.sid.exists(),
            )

    @property
    def items(self) -> int:
        return 2 if self.hint is not None else 1


def settled_from_sending(
    client_id: str,
    scheduled_id: str,
    to: ScheduleState,
    now: datetime,
    reason: str = "",
    hint: str | None = "",
    late_seconds: int | None = None,
    sent_at: datetime | None = None,
) -> RowStep:
    """sending → sent (Twilio took it, or we handed it over unsure) or → failed."""
    actions = finished(to, now)
    if reason:
        actions.append(ScheduledTextModel.failure.set(reason))
    if late_seconds is not None:
        actions.append(ScheduledTextModel.late_seconds.set(late_seconds))
    if sent_at is not None:
        actions.append(ScheduledTextModel.sent_at.set(sent_at))
    return RowStep(client_id, scheduled_id, actions, in_state(ScheduleState.SENDING), True, hint)


def sent_after_all(client_id: str, scheduled_id: str) -> RowStep:
    """failed → sent: settle-sends gave up on it, then its callback came (Twilio had it)."""
    return RowStep(
        client_id,
        scheduled_id,
        [
            ScheduledTextModel.state.set(ScheduleState.SENT.value),
            ScheduledTextModel.failure.remove(),
        ],
        in_state(ScheduleState.FAILED) & (ScheduledTextModel.failure == GAVE_UP_REASON),
        leaves_pending=False,
        hint="",
    )


def callback_step(client_id: str, scheduled_id: str, hint: str) -> RowStep | None:
    """What a status callback does to the scheduled text its one-time id row names."""
    if hint == HINT_SENDING:  # its sender died, or its last write failed: Twilio has it
        now = datetime.now(UTC)
        return settled_from_sending(client_id, scheduled_id, ScheduleState.SENT, now)
    if hint == HINT_GAVE_UP:
        return sent_after_all(client_id, scheduled_id)
    return None


def not_sent_after_all(client_id: str, scheduled_id: str) -> RowStep:
    """sent → failed: handed over unsure, and Twilio turned out never to have had it."""
    return RowStep(
        client_id,
        scheduled_id,
        [
            ScheduledTextModel.state.set(ScheduleState.FAILED.value),
            ScheduledTextModel.failure.set(GAVE_UP_REASON),
        ],
        in_state(ScheduleState.SENT),
        leaves_pending=False,
        hint=HINT_GAVE_UP,
    )


def entry_not_sent(tx: TransactWrite, client_id: str, entry_key: str) -> None:
    """The entry of a text Twilio never took ends "not sent" (off the check index), unless
    a status already moved it further."""
    item, actions, condition = entry_not_sent_item(client_id, entry_key)
    tx.update(item, actions=actions, condition=condition)


def entry_not_sent_item(
    client_id: str, entry_key: str
) -> tuple[ConversationEntryModel, list[Action], Condition]:
    """``entry_not_sent``'s item, actions and condition, for a caller that gathers updates."""
    return (
        ConversationEntryModel(client_id, entry_key),
        [
            ConversationEntryModel.status.set("not_sent"),
            ConversationEntryModel.status_rank.set(rank("not_sent")),
            ConversationEntryModel.check_due.remove(),
        ],
        ConversationEntryModel.entry_key.exists()
        & (
            ConversationEntryModel.status_rank.does_not_exist()
            | (ConversationEntryModel.status_rank < rank("not_sent"))
        ),
    )


@dataclass(frozen=True)
class Reminded:
    """A reminder's appointment, and the time the reminder spoke of."""

    client_id: str
    appointment_id: str
    about: datetime  # the appointment's start the reminder was written for

    def encoded(self) -> str:
        """As a reminder's one-time id row keeps it."""
        return f"{self.appointment_id}|{self.about.astimezone(UTC).isoformat()}"

    @classmethod
    def decoded(cls, client_id: str, value: str | None) -> Reminded | None:
        appointment_id, _, about = (value or "").partition("|")
        try:
            return cls(client_id, appointment_id, datetime.fromisoformat(about))
        except ValueError:
            return None


def reminded_of(text: ScheduledText | None) -> Reminded | None:
    """What Twilio taking ``text`` marks reminded: its appointment, if it is a reminder."""
    if text is None or not text.appointment_id or text.not_after is None:
        return None
    return Reminded(text.client_id, text.appointment_id, text.not_after)


def mark_reminded(tx: TransactWrite, reminded: Reminded, now: datetime) -> None:
    """Twilio took a reminder: from now on a "Y" may answer its appointment. Written with
    whichever write learns it (the send's record, its status callback, settle-sends), never
    at the claim (a claimed text may still not go). The first stamp stays (a repeat of the
    write changes nothing), and only while the appointment is still at the time the
    reminder spoke of (a moved one waits for its new reminder). The caller writes this as
    an optional part: a failed condition never loses what it rides with."""
    tx.update(
        AppointmentModel(reminded.client_id, reminded.appointment_id),
        actions=[AppointmentModel.reminded_at.set(AppointmentModel.reminded_at | now)],
        condition=AppointmentModel.appointment_id.exists()
        & (AppointmentModel.starts_at == reminded.about),
    )
