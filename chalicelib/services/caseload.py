"""Caseload use cases: list, add, edit and move clients. Each checks permission first."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import replace

from ..domain.client_numbers import number_refusal
from ..domain.clients import Client, ClientDetails
from ..domain.conversation import ConversationEntry, marker, transfer_marker_text
from ..domain.errors import Forbidden, NotFound, StaleRecord, ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.permissions import (
    can_view_client,
    case_manager_for_new_client,
    check_can_reassign,
    check_can_view_client,
)
from ..domain.phones import display_phone
from ..domain.users import Role, User
from ..store.audit import AuditStore, client_subject
from ..store.clients import ClientStore, NumberInUse
from ..store.users import UserStore


class NumberTaken(ValidationFailed):
    """Another client of the department has this number. ``holder`` is set only when the
    person asking may open that client (the page links to them); otherwise the message
    names the case manager and nothing about the client."""

    def __init__(self, message: str, holder: Client | None):
        super().__init__({"phone": message})
        self.holder = holder


def open_client(user: User, clients: ClientStore, client_id: str) -> Client:
    client = clients.get(client_id)
    if client is None:
        raise NotFound("There is no such client.")
    check_can_view_client(user, client)
    return client


def open_client_details(
    user: User, clients: ClientStore, audit: AuditStore, client_id: str
) -> Client:
    """A client opened to edit their details (notes, numbers): a view of their record, so
    it is written to the audit trail as opening their conversation is."""
    client = open_client(user, clients, client_id)
    audit.record(client_subject(client.client_id), user.user_id, "view_details")
    return client


def record_view(user: User, audit: AuditStore, client_id: str, **what: str) -> None:
    """One of a client's records (a scheduled text, an appointment) opened to edit it: a
    view of their record, written to the audit trail as opening their details is."""
    audit.record(client_subject(client_id), user.user_id, "view_details", **what)


def checked_details(
    user: User, jurisdiction: Jurisdiction, form: Mapping[str, str], unchanged: str = ""
) -> ClientDetails:
    """The form's details with the department's number rules applied to a new number
    (a number the client already has is not checked again)."""

    def refuse(phone: str) -> str | None:
        if phone == unchanged:
            return None
        return number_refusal(phone, user.department_id, jurisdiction)

    return ClientDetails.from_form(form, refuse_number=refuse)


def add_client(
    user: User,
    clients: ClientStore,
    users: UserStore,
    jurisdiction: Jurisdiction,
    form: Mapping[str, str],
) -> Client:
    details = checked_details(user, jurisdiction, form)
    owner_id = case_manager_for_new_client(user, form.get("case_manager_id"))
    if owner_id != user.user_id or user.role is not Role.CASE_MANAGER:
        owner = users.get(owner_id)
        if (
            owner is None
            or owner.department_id != user.department_id
            or owner.role is not Role.CASE_MANAGER
            or not owner.active
        ):
            raise Forbidden(
                "Clients can only be added to the caseload of an active case manager "
                "of your department."
            )
    client = Client(
        client_id=secrets.token_hex(10),
        department_id=user.department_id,
        case_manager_id=owner_id,
        first_name=details.first_name,
        last_name=details.last_name,
        phone=details.phone,
        notes=details.notes,
        language=details.language,
        id_number=details.id_number,
        phone_note=details.phone_note,
    )
    try:
        return clients.add(client)
    except NumberInUse as exc:
        raise number_taken(user, exc, clients, users) from exc


def edit_client(
    user: User,
    clients: ClientStore,
    users: UserStore,
    jurisdiction: Jurisdiction,
    client_id: str,
    form: Mapping[str, str],
) -> Client:
    client = open_client(user, clients, client_id)
    if client.retired:
        raise StaleRecord("This client is retired; reactivate them before changing details.")
    details = checked_details(user, jurisdiction, form, unchanged=client.phone)
    client = replace(client, version=_form_version(form))
    marker = None
    if details.phone != client.phone:
        marker = number_change_marker(
            user,
            client,
            details.phone,
            f"Number changed from {display_phone(client.phone)} to "
            f"{display_phone(details.phone)} by {user.display_name}.",
        )
    try:
        return clients.update_details(client, details, marker)
    except NumberInUse as exc:
        raise number_taken(user, exc, clients, users) from exc


def reassign_client(
    user: User, clients: ClientStore, users: UserStore, client_id: str, form: Mapping[str, str]
) -> Client:
    """Move a client to another case manager of the department; the move is kept as a marker."""
    if not user.oversees_department:
        raise Forbidden("Only a supervisor can move a client to another caseload.")
    client = replace(open_client(user, clients, client_id), version=_form_version(form))
    if client.retired:
        raise StaleRecord("This client is retired; reactivate them before moving them.")
    new_owner = users.get(form.get("case_manager_id", ""))
    if new_owner is None:
        raise ValidationFailed({"case_manager_id": "Choose a case manager."})
    check_can_reassign(user, client, new_owner)
    if new_owner.user_id == client.case_manager_id:
        return client
    old_owner = users.get(client.case_manager_id)
    moved = marker(
        client.client_id,
        "transferred",
        transfer_marker_text(
            old_owner.display_name if old_owner else client.case_manager_id,
            new_owner.display_name,
            user.display_name,
        ),
        user.user_id,
        {"from": client.case_manager_id, "to": new_owner.user_id, "by": user.user_id},
    )
    # The old case manager's unread texts go with the client, unless they still oversee the
    # department (a supervisor who held the caseload keeps their own state as supervisor).
    keeps = bool(
        old_owner
        and old_owner.active
        and old_owner.oversees_department
        and old_owner.department_id == client.department_id
    )
    return clients.reassign(client, new_owner.user_id, moved, old_owner_keeps_unread=keeps)


def number_change_marker(
    user: User, client: Client, new_phone: str, body: str
) -> ConversationEntry:
    """The marker every number change leaves: who changed it, from what, to what."""
    return marker(
        client.client_id,
        "number_changed",
        body,
        user.user_id,
        {"old": client.phone, "new": new_phone, "by": user.user_id},
    )


def case_managers_of(user: User, users: UserStore) -> list[User]:
    return [
        u
        for u in users.in_department(user.department_id)
        if u.role is Role.CASE_MANAGER and u.active
    ]


def _form_version(form: Mapping[str, str]) -> int:
    try:
        return int(form.get("version", ""))
    except ValueError as exc:
        raise ValidationFailed({"version": "The form is incomplete; reload the page."}) from exc


def number_taken(
    user: User, exc: NumberInUse, clients: ClientStore, users: UserStore
) -> NumberTaken:
    """Say who has the number without showing a client the person may not see."""
    holder = clients.get(exc.holder_client_id)
    number = display_phone(exc.phone)
    if holder is not None and can_view_client(user, holder):
        return NumberTaken(
            f"{number} is already the number of {holder.full_name}. Open that client "
            "instead of adding them again.",
            holder,
        )
    manager = users.get(holder.case_manager_id) if holder else None
    who = manager.display_name if manager else "another case manager"
    return NumberTaken(
        f"{number} is already the number of a client on {who}'s caseload. Ask them or a "
        "supervisor before adding it again.",
        None,
    )
