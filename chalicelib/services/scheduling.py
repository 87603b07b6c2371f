"""Scheduling a text from the conversation page: add, edit, cancel, list.

Times are typed in the jurisdiction's clock. Each change is a conditional write, so an edit
or a cancel either happens before a sender picks the text up or is refused with a reason:
nobody is told "cancelled" about a text that is already on its way.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ..domain.clients import Client
from ..domain.errors import ClientCommError, Forbidden, NotFound, ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.message_body import checked_body
from ..domain.scheduling import (
    QuickPick,
    ScheduledText,
    ScheduleState,
    check_send_at,
    parse_local,
    quick_picks,
)
from ..domain.send_block import why_sending_is_off
from ..domain.users import User
from ..store.clients import ClientStore
from ..store.scheduled import ChangeRefused, ScheduledStore
from ..store.users import UserStore
from .attachments import Bucket, attachment_of, checked_item
from .caseload import open_client


class TooLate(ClientCommError):
    """The text is already being sent (or was): it can no longer be changed."""


def schedule_text(
    user: User,
    clients: ClientStore,
    scheduled: ScheduledStore,
    jurisdiction: Jurisdiction,
    client_id: str,
    form: Mapping[str, str],
    now: datetime,
    bucket: Bucket | None = None,
) -> ScheduledText:
    """Refuses a time in the past or over a year ahead, and a client who cannot be texted
    (opted out, or a number that cannot take texts): the page's reason, word for word.
    An attachment the form names (``attachment_key``) is checked in ``bucket`` now and
    kept on the text; its MediaUrl is signed when the text is sent."""
    client = open_client(user, clients, client_id)
    attached = attachment_of(form.get("attachment_key", ""), form.get("attachment_name", ""))
    body, send_at = _checked(form, jurisdiction, now, photo_alone=attached is not None)
    blocked = why_sending_is_off(client)
    if blocked:
        raise ValidationFailed({"body": blocked})
    if attached is not None and bucket is None:
        raise ValidationFailed({"attachment": "Attachments cannot be scheduled from here."})
    media = (checked_item(bucket, client.client_id, attached),) if attached and bucket else ()
    return scheduled.add(
        ScheduledText(
            client_id=client.client_id,
            scheduled_id=secrets.token_hex(16),
            department_id=client.department_id,
            case_manager_id=client.case_manager_id,
            author_id=user.user_id,
            body=body,
            send_at=send_at,
            media=media,
        )
    )


def edit_scheduled(
    user: User,
    clients: ClientStore,
    scheduled: ScheduledStore,
    jurisdiction: Jurisdiction,
    client_id: str,
    scheduled_id: str,
    form: Mapping[str, str],
    now: datetime,
) -> ScheduledText:
    text = _open(user, clients, scheduled, client_id, scheduled_id, form, editing=True)
    body, send_at = _checked(form, jurisdiction, now, photo_alone=bool(text.media))
    return _settled(scheduled.edit(text, body, send_at, user.user_id), editing=True)


def cancel_scheduled(
    user: User,
    clients: ClientStore,
    scheduled: ScheduledStore,
    client_id: str,
    scheduled_id: str,
    form: Mapping[str, str],
) -> ScheduledText:
    text = _open(user, clients, scheduled, client_id, scheduled_id, form)
    return _settled(scheduled.cancel(text, user.user_id))


def pending_for_client(
    user: User, clients: ClientStore, scheduled: ScheduledStore, client_id: str
) -> list[ScheduledText]:
    client = open_client(user, clients, client_id)
    return scheduled.pending_for_client(client.client_id)


def pending_in_department(user: User, scheduled: ScheduledStore) -> list[ScheduledText]:
    """Every text of the department still to go out, soonest first: supervisors only."""
    if not user.oversees_department:
        raise Forbidden("Only a supervisor sees the whole department's scheduled texts.")
    return scheduled.pending_in_department(user.department_id)


@dataclass(frozen=True)
class DepartmentSchedule:
    """The supervisors' Scheduled page: the texts, their clients, the staff's names."""

    pending: list[ScheduledText]
    clients: dict[str, Client]  # client id → client, for the texts listed
    staff: dict[str, str]  # user id → name


def department_schedule(
    user: User, scheduled: ScheduledStore, clients: ClientStore, users: UserStore
) -> DepartmentSchedule:
    """Every waiting text of the department with its client's name: the clients read by
    id (BatchGetItem), however many the department has, never a list of the department."""
    pending = pending_in_department(user, scheduled)
    named = clients.many([text.client_id for text in pending])
    return DepartmentSchedule(
        pending,
        {c.client_id: c for c in named if c.department_id == user.department_id},
        {u.user_id: u.display_name for u in users.in_department(user.department_id)},
    )


def picks(jurisdiction: Jurisdiction, now: datetime) -> list[QuickPick]:
    return quick_picks(now, jurisdiction.zone)


def _checked(
    form: Mapping[str, str], jurisdiction: Jurisdiction, now: datetime, photo_alone: bool = False
) -> tuple[str, datetime]:
    """Every problem at once: body, date and time. ``photo_alone``: an attachment is a
    text by itself, so its words may be left out."""
    errors: dict[str, str] = {}
    body = send_at = None
    try:
        empty = photo_alone and not form.get("body", "").strip()
        body = "" if empty else checked_body(form.get("body", ""))
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    try:
        send_at = parse_local(
            form.get("send_date", ""), form.get("send_time", ""), jurisdiction.zone
        )
        check_send_at(send_at, now)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if errors or body is None or send_at is None:
        raise ValidationFailed(errors)
    return body, send_at


def _open(
    user: User,
    clients: ClientStore,
    scheduled: ScheduledStore,
    client_id: str,
    scheduled_id: str,
    form: Mapping[str, str],
    editing: bool = False,
) -> ScheduledText:
    client = open_client(user, clients, client_id)
    text = scheduled.get(client.client_id, scheduled_id[:64])
    if text is None:
        raise NotFound("There is no such scheduled text.")
    try:
        version = int(form.get("version", ""))
    except ValueError as exc:
        raise ValidationFailed({"version": "The form is out of date; reload the page."}) from exc
    if not _open_to(text, editing):
        raise TooLate(_too_late(text))
    return ScheduledText(**{**text.__dict__, "version": version})


def _open_to(text: ScheduledText, editing: bool) -> bool:
    """Cancel until a sender has it; change only until a sender first tried it."""
    return text.changeable if editing else text.state.editable


def _settled(result: ScheduledText | ChangeRefused, editing: bool = False) -> ScheduledText:
    if isinstance(result, ScheduledText):
        return result
    current = result.current
    if current is None:
        raise NotFound("There is no such scheduled text.")
    if not _open_to(current, editing):
        raise TooLate(_too_late(current))
    raise ValidationFailed(
        {"version": "Someone changed this scheduled text after you opened it. Reload the page."}
    )


def _too_late(text: ScheduledText) -> str:
    if text.state is ScheduleState.CANCELLED:
        return "This text was already cancelled."
    if text.state is ScheduleState.FAILED:
        return f"This text was not sent: {text.failure}"
    return "Too late: this text is already being sent, so it can no longer be changed."
