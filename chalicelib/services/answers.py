"""The inbound path's hook for replies to appointment reminders.

Most texts are not answers, so the appointment machinery is loaded only for a text that
reads like one ("Y", "NO", "Sí.", or an attempt such as "Y Y" or "maybe", which is flagged
for the case manager): the webhook's cold start stays what it was.

A text that reads like one is prepared for before its client is read: the department's
wording rides on the client's read (one BatchGetItem) and the client's appointments are
read meanwhile, then (still beside the client's read) the reminders when a clear answer
has an appointment to change; its answer (with what it does to the reminders still to
come) is written in the text's own transaction (``plan``). What could not be written with
the text (a Twilio retry of a text stored without its answer, an appointment or reminder
that changed since it was read, a change too big to ride) is applied on its own
(``__call__``), once per reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..domain.clients import Client
from ..domain.confirmations import Answer, reading_of
from ..domain.jurisdiction import Jurisdiction
from ..store.batch import Along
from . import concurrently
from .receiving import PreparedAnswer, RidingAnswer

if TYPE_CHECKING:
    from ..domain.appointments import Appointment
    from ..domain.scheduling import ScheduledText
    from ..store.appointments import AppointmentStore, DepartmentTextsStore


@dataclass(frozen=True)
class Prepared:
    texts: Along[tuple[dict[str, str], int]]  # rides on the client's read
    # read meanwhile: the appointments, then the reminders when a "Y" or "N" can change them
    appointments: Future[tuple[list[Appointment], list[ScheduledText] | None]]

    @property
    def along(self) -> Sequence[Along[Any]]:
        return (self.texts,)


class AnswerStores(Protocol):
    """Where answers are read and written. ``bootstrap.Stores`` builds each on first read,
    so an ordinary text (most are) never loads the appointment stores."""

    @property
    def appointments(self) -> AppointmentStore: ...

    @property
    def department_texts(self) -> DepartmentTextsStore: ...


@dataclass(frozen=True)
class GivenStores:
    appointments: AppointmentStore
    department_texts: DepartmentTextsStore


class AnswersOver:
    """The handler over ``AnswerStores``, each store read when a text first needs it."""

    def __init__(self, stores: AnswerStores, jurisdiction: Jurisdiction) -> None:
        self.stores = stores
        self.jurisdiction = jurisdiction

    @property
    def appointments(self) -> AppointmentStore:
        return self.stores.appointments

    @property
    def texts(self) -> DepartmentTextsStore:
        return self.stores.department_texts

    def __call__(self, client: Client, sid: str, body: str) -> str | None:
        if reading_of(body) is None:
            return None
        from . import appointments as use_cases

        department = use_cases.department_texts(self.texts, self.jurisdiction, client.department_id)
        answered = use_cases.answer_reminder(
            client, sid, body, self.appointments, department, datetime.now(UTC)
        )
        return (answered.reply or None) if answered else None

    def prepare(self, client_id: str, department_id: str, body: str) -> Prepared | None:
        answer = reading_of(body)
        if answer is None:
            return None
        clear = answer is not Answer.UNCLEAR
        return Prepared(
            self.texts.along(department_id), concurrently.start(self._read, client_id, clear)
        )

    def _read(
        self, client_id: str, clear: bool
    ) -> tuple[list[Appointment], list[ScheduledText] | None]:
        """The client's appointments; and, for a clear answer when the one it answers has
        no answer yet, the reminders it may change (one Query more, still beside the
        client's read: an "ok" with nothing reminded, or Twilio's retry of an answer
        applied, costs nothing more; a second answer reads them when it plans)."""
        found = self.appointments.for_client(client_id)
        now = datetime.now(UTC)
        ahead = [a for a in found if a.answerable(now)]
        if clear and ahead and not min(ahead, key=lambda a: a.starts_at).answered_sid:
            return found, self.appointments.reminders_for_client(client_id)
        return found, None

    def plan(
        self, prepared: PreparedAnswer, client: Client, sid: str, body: str
    ) -> RidingAnswer | None:
        answer = reading_of(body)
        if answer is None or client.opted_out or not isinstance(prepared, Prepared):
            return None
        from . import appointments as use_cases

        flat, _ = prepared.texts.value
        texts = use_cases.Texts(self.jurisdiction, use_cases.nest(flat))
        found, known = prepared.appointments.result()

        def reminders() -> list[ScheduledText]:
            if known is not None:
                return known
            return self.appointments.reminders_for_client(client.client_id)

        now = datetime.now(UTC)
        planned = use_cases.plan_answer(client, sid, answer, found, reminders, texts, now)
        answered, change = planned if planned is not None else (None, None)
        if answered is None or change is None:
            return None  # an ordinary text, or a reply applied before (the guard answers it)
        # too many reminders to ride: the text is stored alone and the answer applied after
        return RidingAnswer(answered.reply, self.appointments.riding(change))


class Answers(AnswersOver):
    """The handler over stores already built."""

    def __init__(
        self,
        appointments: AppointmentStore,
        texts: DepartmentTextsStore,
        jurisdiction: Jurisdiction,
    ) -> None:
        super().__init__(GivenStores(appointments, texts), jurisdiction)


def answer_handler(
    appointments: AppointmentStore, texts: DepartmentTextsStore, jurisdiction: Jurisdiction
) -> Answers:
    return Answers(appointments, texts, jurisdiction)


def answers_from(stores: AnswerStores, jurisdiction: Jurisdiction) -> AnswersOver:
    """The handler over ``stores``' appointment stores, read when a text first reads like
    an answer (the webhook and the replay job hand it ``bootstrap.Stores``)."""
    return AnswersOver(stores, jurisdiction)
