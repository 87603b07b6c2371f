"""Appointments under their client, their reminders, and the caseload's summary of them.

Every change is one transaction: the appointment (under a ``version`` condition), its
reminders (each under its own state and version condition, so a reminder a sender already
holds is never changed behind its back), the client's summary and count, and an audit row.
A transaction that loses a race raises ``Conflict``; the use case reads again and retries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.appointments import (
    Appointment,
    Confirmation,
    Kind,
    Outcome,
    Source,
    summary_value,
)
from ..domain.conversation import ConversationEntry
from ..domain.courthouses import fold
from ..domain.scheduling import ScheduledText, ScheduleState
from .audit import audit_row, client_subject
from .batch import Along, along
from .conversations import to_row
from .models import AppointmentModel, ClientModel, DepartmentTextsModel, ScheduledTextModel
from .scheduled import (
    cancel_item,
    due_key,
    due_partition,
    in_state,
    new_row,
    to_scheduled,
)
from .scheduled_steps import entry_not_sent_item
from .transactions import transactions
from .write_failures import Cause, WriteNotStored, classify, retry_transient

LISTED = 200
# Items per page of the imported-dates Query (each page one bounded request): the index
# projects a few short attributes, ~150 bytes an item, so 2,000 are ~300 KB of a 1 MB page.
# At 200 a page, planning a re-import of 5,000 dates took 25 round trips (18 s on moto,
# which reads the whole table for every page of an index Query).
PAGE = 2000


# A reminder's update inside a transaction: the item, its actions, its condition.
Update = tuple[Any, list[Action], Any]
# At most this many reminder updates ride on an inbound text's transaction (DynamoDB allows
# 100 items, the text takes about ten plus one per reader): more are applied after the text.
MAX_RIDING_UPDATES = 40


class Conflict(Exception):
    """Someone (a person, a sender, a reply) changed the appointment or one of its
    reminders since it was read."""


def import_key(appointment: Appointment) -> str:
    return due_key(appointment.starts_at, appointment.appointment_id)


def courthouse_key(department_id: str, code: str) -> str:
    return f"{department_id}#{fold(code)}"


def _at_courthouse(appointment: Appointment) -> str | None:
    """The at-courthouse index's key while an imported date with a code is open."""
    if appointment.source is Source.IMPORT and appointment.open and appointment.location_code:
        return courthouse_key(appointment.department_id, appointment.location_code)
    return None


def to_appointment(row: AppointmentModel) -> Appointment:
    return Appointment(
        client_id=row.client_id,
        appointment_id=row.appointment_id,
        department_id=row.department_id or "",
        case_manager_id=row.case_manager_id or "",
        kind=Kind(row.kind),
        starts_at=row.starts_at,
        place=row.place or "",
        notes=row.notes or "",
        case_number=row.case_number or "",
        source=Source(row.source or "staff"),
        confirmation=Confirmation(row.confirmation or "none"),
        outcome=Outcome(row.outcome) if row.outcome else None,
        cancelled=bool(row.cancelled),
        reminded_at=row.reminded_at,
        version=int(row.version or 1),
        answered_sid=row.answered_sid or "",
        location_code=row.location_code or "",
        room=row.room or "",
        hearing=row.hearing or "",
    )


@dataclass
class AppointmentChange:
    """One transaction's worth of change to an appointment and what hangs off it."""

    appointment: Appointment  # as it will be (``version`` as read, for the condition)
    actor: str
    action: str  # the audit row's action
    new: bool = False
    add_reminders: list[ScheduledText] = field(default_factory=list)
    move_reminders: list[tuple[ScheduledText, ScheduledText]] = field(default_factory=list)
    cancel_reminders: list[ScheduledText] = field(default_factory=list)
    extra_texts: list[ScheduledText] = field(default_factory=list)  # e.g. "cancelled" notice
    marker: ConversationEntry | None = None
    details: dict[str, str] = field(default_factory=dict)
    answered_sid: str = ""  # a client's reply: applied once per reply


@dataclass(frozen=True)
class RidingChange:
    """An appointment change written inside another transaction that also updates the
    client item (an inbound text's: a client's "Y" and its text are stored together).
    A transaction may touch an item once, so the client's actions are merged into that
    transaction's own update of the client."""

    rows: tuple[Any, ...]  # new items: the audit row, the line in the conversation
    appointment: AppointmentModel
    actions: tuple[Action, ...]
    condition: Any  # the appointment is still the version that was read
    client_actions: tuple[Action, ...]
    # its reminders' updates (reworded, cancelled), each under its own condition; written
    # after the appointment's, so a failure of any rider item is a conflict of the answer
    updates: tuple[Update, ...] = ()


class AppointmentStore:
    def for_client(self, client_id: str) -> list[Appointment]:
        """Every appointment of a client, soonest first (one Query)."""
        rows = AppointmentModel.query(
            client_id, consistent_read=True, limit=LISTED, page_size=LISTED
        )
        return sorted((to_appointment(r) for r in rows if r.kind), key=lambda a: a.starts_at)

    def get(self, client_id: str, appointment_id: str) -> Appointment | None:
        try:
            row = AppointmentModel.get(client_id, appointment_id, consistent_read=True)
        except AppointmentModel.DoesNotExist:
            return None
        return to_appointment(row) if row.kind else None

    def reminders_of(self, client_id: str, appointment_id: str) -> list[ScheduledText]:
        """An appointment's reminders in every state (a client has few scheduled texts)."""
        rows = ScheduledTextModel.query(
            client_id,
            consistent_read=True,
            filter_condition=ScheduledTextModel.appointment_id == appointment_id,
            limit=LISTED,
            page_size=LISTED,
        )
        return [to_scheduled(r) for r in rows]

    def reminders_for_client(self, client_id: str) -> list[ScheduledText]:
        """Every reminder of a client's appointments, in every state (one Query)."""
        rows = ScheduledTextModel.query(
            client_id,
            consistent_read=True,
            filter_condition=ScheduledTextModel.appointment_id.exists(),
            limit=LISTED,
            page_size=LISTED,
        )
        return [to_scheduled(r) for r in rows]

    def imported_in_department(self, department_id: str, after: datetime) -> list[Appointment]:
        """The department's open imported court dates from ``after`` on (one paged Query)."""
        rows = AppointmentModel.imported.query(
            department_id,
            range_key_condition=AppointmentModel.import_key >= due_key(after, ""),
            page_size=PAGE,
        )
        return [_imported_date(r, department_id) for r in rows]

    def at_courthouse(self, department_id: str, code: str, after: datetime) -> list[Appointment]:
        """The department's open imported court dates at courthouse ``code`` from ``after``
        on (one paged Query of a sparse index): what a new wording of it would change."""
        rows = AppointmentModel.at_courthouse.query(
            courthouse_key(department_id, code),
            range_key_condition=AppointmentModel.import_key >= due_key(after, ""),
            page_size=PAGE,
        )
        return [_imported_date(r, department_id) for r in rows]

    def ensure_summary(self, client_id: str) -> None:
        """Give a client stored before appointments existed an empty summary map (a nested
        path can only be set inside a map that exists)."""
        try:
            retry_transient(
                "appointment summary",
                lambda: ClientModel(client_id).update(
                    actions=[ClientModel.appointments.set({})],
                    condition=ClientModel.appointments.does_not_exist()
                    & ClientModel.client_id.exists(),
                ),
            )
        except PynamoDBException as exc:
            if classify(exc).cause is not Cause.CONDITION:
                raise

    def riding(self, change: AppointmentChange) -> RidingChange | None:
        """``change`` (an answer: the appointment, and its reminders reworded or cancelled)
        for another transaction to write, under the same conditions ``apply`` writes it
        with; None when it touches too many reminders to ride (apply it on its own)."""
        if change.new or change.add_reminders or change.extra_texts:
            raise ValueError("only a change of an appointment and its reminders can ride along")
        now = datetime.now(UTC)
        appt = change.appointment
        updates = self._reminder_updates(change, now)
        if len(updates) > MAX_RIDING_UPDATES:
            return None
        rows: list[Any] = [self._audit(change)]
        if change.marker is not None:
            rows.append(to_row(change.marker))
        return RidingChange(
            rows=tuple(rows),
            appointment=AppointmentModel(appt.client_id, appt.appointment_id),
            actions=tuple(self._actions(appt, change.answered_sid, now)),
            condition=AppointmentModel.version == appt.version,
            client_actions=tuple(self._summary_actions(appt, -len(change.cancel_reminders))),
            updates=tuple(updates),
        )

    def _reminder_updates(self, change: AppointmentChange, now: datetime) -> list[Update]:
        """The updates that move, reword and cancel the change's reminders, each only while
        the reminder stands as read and no sender holds it."""
        appt = change.appointment
        updates: list[Update] = []
        for old, moved in change.move_reminders:
            updates.append(
                (
                    ScheduledTextModel(old.client_id, old.scheduled_id),
                    [
                        ScheduledTextModel.body.set(moved.body),
                        ScheduledTextModel.send_at.set(moved.send_at),
                        ScheduledTextModel.due_key.set(due_key(moved.send_at, old.scheduled_id)),
                        ScheduledTextModel.not_after.set(moved.not_after or appt.starts_at),
                        ScheduledTextModel.version.add(1),
                        ScheduledTextModel.state.set(ScheduleState.SCHEDULED.value),
                        ScheduledTextModel.due_partition.set(due_partition(old.scheduled_id)),
                    ],
                    in_state(ScheduleState.SCHEDULED, ScheduleState.QUEUED)
                    & (ScheduledTextModel.version == old.version)
                    & (ScheduledTextModel.attempts == 0),  # no sender tried it yet
                )
            )
        for old in change.cancel_reminders:
            updates.append(cancel_item(old, now))
            if old.attempts and old.entry_key:  # it waited for a retry: its entry too
                updates.append(entry_not_sent_item(old.client_id, old.entry_key))
        return updates

    def _audit(self, change: AppointmentChange) -> Any:
        appt = change.appointment
        details = {"appointment": appt.appointment_id, **change.details}
        if change.answered_sid:
            details["sid"] = change.answered_sid
        return audit_row(client_subject(appt.client_id), change.actor, change.action, details)

    def apply(self, change: AppointmentChange) -> None:
        """Write the whole change or nothing; ``Conflict`` when a condition failed."""
        now = datetime.now(UTC)
        appt = change.appointment
        added = [*change.add_reminders, *change.extra_texts]
        count_delta = len(added) - len(change.cancel_reminders)

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(self._audit(change))
                if change.marker is not None:
                    tx.save(to_row(change.marker))
                for text in added:
                    tx.save(
                        new_row(text, now),
                        condition=ScheduledTextModel.scheduled_id.does_not_exist(),
                    )
                if change.new:
                    tx.save(
                        self._new_row(appt, change.actor, now),
                        condition=AppointmentModel.appointment_id.does_not_exist(),
                    )
                else:
                    tx.update(
                        AppointmentModel(appt.client_id, appt.appointment_id),
                        actions=self._actions(appt, change.answered_sid, now),
                        condition=(AppointmentModel.version == appt.version),
                    )
                for item, actions, condition in self._reminder_updates(change, now):
                    tx.update(item, actions=actions, condition=condition)
                tx.update(
                    ClientModel(appt.client_id),
                    actions=self._client_actions(appt, count_delta, now),
                    condition=ClientModel.client_id.exists(),
                )

        try:
            retry_transient(f"appointment {appt.appointment_id}", write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.cause is Cause.CONDITION:
                raise Conflict(appt.appointment_id) from exc
            raise WriteNotStored(f"appointment {appt.appointment_id}", failure.cause) from exc

    def _new_row(self, appt: Appointment, actor: str, now: datetime) -> AppointmentModel:
        imported = appt.source is Source.IMPORT
        return AppointmentModel(
            appt.client_id,
            appt.appointment_id,
            department_id=appt.department_id,
            case_manager_id=appt.case_manager_id,
            kind=appt.kind.value,
            starts_at=appt.starts_at,
            place=appt.place,
            notes=appt.notes,
            case_number=appt.case_number or None,
            source=appt.source.value,
            confirmation=appt.confirmation.value,
            cancelled=False,
            version=1,
            created_by=actor,
            created_at=now,
            updated_at=now,
            import_department=appt.department_id if imported else None,
            import_key=import_key(appt) if imported else None,
            location_code=appt.location_code or None,
            room=appt.room or None,
            hearing=appt.hearing or None,
            courthouse_key=_at_courthouse(appt),
        )

    def _actions(self, appt: Appointment, answered_sid: str, now: datetime) -> list[Action]:
        actions: list[Action] = [
            AppointmentModel.kind.set(appt.kind.value),
            AppointmentModel.starts_at.set(appt.starts_at),
            AppointmentModel.place.set(appt.place),
            AppointmentModel.notes.set(appt.notes),
            AppointmentModel.confirmation.set(appt.confirmation.value),
            AppointmentModel.cancelled.set(appt.cancelled),
            AppointmentModel.version.add(1),
            AppointmentModel.updated_at.set(now),
        ]
        if appt.outcome is not None:
            actions.append(AppointmentModel.outcome.set(appt.outcome.value))
        if appt.reminded_at is None:
            actions.append(AppointmentModel.reminded_at.remove())
        if answered_sid:
            actions.append(AppointmentModel.answered_sid.set(answered_sid))
        actions += self._court_actions(appt)
        if appt.source is Source.IMPORT and appt.open:
            actions += [
                AppointmentModel.import_department.set(appt.department_id),
                AppointmentModel.import_key.set(import_key(appt)),
            ]
        else:
            actions += [
                AppointmentModel.import_department.remove(),
                AppointmentModel.import_key.remove(),
            ]
        return actions

    def _court_actions(self, appt: Appointment) -> list[Action]:
        """What the court's file said, and the at-courthouse key while it is open."""
        actions: list[Action] = []
        for attribute, value in (
            (AppointmentModel.location_code, appt.location_code),
            (AppointmentModel.room, appt.room),
            (AppointmentModel.hearing, appt.hearing),
            (AppointmentModel.courthouse_key, _at_courthouse(appt)),
        ):
            actions.append(attribute.set(value) if value else attribute.remove())
        return actions

    def _client_actions(self, appt: Appointment, count_delta: int, now: datetime) -> list[Action]:
        return [ClientModel.changed_at.set(now), *self._summary_actions(appt, count_delta)]

    def _summary_actions(self, appt: Appointment, count_delta: int) -> list[Action]:
        # a path into the raw map: PynamoDB's stubs type the item as its value (str)
        entry = cast(Any, ClientModel.appointments)[appt.appointment_id]
        actions: list[Action] = [entry.set(summary_value(appt)) if appt.open else entry.remove()]
        if count_delta:
            actions.append(ClientModel.scheduled_count.add(count_delta))
        return actions


def _texts_of(raw: dict[str, Any] | None) -> tuple[dict[str, str], int]:
    if not raw:
        return {}, 0
    return _templates(DepartmentTextsModel.from_raw_data(raw))


def _templates(row: DepartmentTextsModel) -> tuple[dict[str, str], int]:
    return dict(row.templates.as_dict() if row.templates else {}), int(row.version or 1)


class DepartmentTextsStore:
    """A department's edited reminder texts: ``language:purpose`` → template."""

    def get(self, department_id: str) -> tuple[dict[str, str], int]:
        try:
            row = DepartmentTextsModel.get(department_id, consistent_read=True)
        except DepartmentTextsModel.DoesNotExist:
            return {}, 0
        return _templates(row)

    def along(self, department_id: str) -> Along[tuple[dict[str, str], int]]:
        """``get``'s answer, to be read with another read (``batch.read_together``)."""
        return along(DepartmentTextsModel, department_id, parse=_texts_of, consistent=True)

    def save(self, department_id: str, templates: dict[str, str], version: int, actor: str) -> bool:
        """Replace the department's templates if nobody saved since ``version`` was read
        (0: none saved yet); False when someone did."""
        now = datetime.now(UTC)
        row = DepartmentTextsModel(
            department_id,
            templates=templates,
            version=version + 1,
            updated_by=actor,
            updated_at=now,
        )
        condition = (
            DepartmentTextsModel.department_id.does_not_exist()
            if version == 0
            else DepartmentTextsModel.version == version
        )
        audit = audit_row(f"department#{department_id}", actor, "reminder_texts", {})

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                tx.save(row, condition=condition)
                tx.save(audit)

        try:
            retry_transient("department texts", write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.cause is Cause.CONDITION:
                return False
            raise WriteNotStored("department texts", failure.cause) from exc
        return True


def _imported_date(row: AppointmentModel, department_id: str) -> Appointment:
    """An open imported court date as an index projects it (what it leaves out is empty)."""
    return Appointment(
        client_id=row.client_id,
        appointment_id=row.appointment_id,
        department_id=department_id,
        case_manager_id="",
        kind=Kind.COURT,
        starts_at=row.starts_at,
        place=row.place or "",
        case_number=row.case_number or "",
        source=Source.IMPORT,
        version=int(row.version or 1),
        location_code=row.location_code or "",
        room=row.room or "",
    )
