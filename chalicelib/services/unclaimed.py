"""The unclaimed queue: texts from numbers no client of the department has, until a case
manager or supervisor attaches them to a client (or makes a new client of them)."""

from __future__ import annotations

from ..domain.clients import Client, ClientDetails
from ..domain.conversation import ConversationEntry
from ..domain.errors import NotFound, ValidationFailed
from ..domain.phones import display_phone
from ..domain.senders import sender_from_path
from ..domain.users import User
from ..store.clients import ClientStore, NumberInUse
from ..store.unclaimed import UnclaimedNumber, UnclaimedStore
from .caseload import number_change_marker, open_client


def phone_from_path(segment: str) -> str:
    """Paths carry the sender without "+" (18015550123), or a short code / sender id as is."""
    try:
        return sender_from_path(segment)
    except ValidationFailed as exc:
        raise NotFound("There is no such number in the queue.") from exc


def queue(user: User, unclaimed: UnclaimedStore) -> list[UnclaimedNumber]:
    """The department's waiting numbers, most recent first."""
    return unclaimed.in_department(user.department_id)


def waiting(
    user: User, unclaimed: UnclaimedStore, digits: str
) -> tuple[UnclaimedNumber, list[ConversationEntry]]:
    phone = phone_from_path(digits)
    found = unclaimed.get(user.department_id, phone)
    if found is None:
        raise NotFound("Nobody is waiting on that number; it may have been claimed already.")
    return found, unclaimed.texts(user.department_id, phone)


def attach_to_client(
    user: User, clients: ClientStore, unclaimed: UnclaimedStore, digits: str, client_id: str
) -> Client:
    """The number becomes the client's current number (with a marker) and its texts join
    the client's conversation."""
    found, _ = waiting(user, unclaimed, digits)
    client = open_client(user, clients, client_id)
    if not found.phone.startswith("+"):
        raise ValidationFailed(
            {
                "client_id": "Texts from a short code or a named sender can't become a client's "
                "number."
            }
        )
    details = ClientDetails(
        client.first_name,
        client.last_name,
        found.phone,
        client.notes,
        client.language,
        client.id_number,
    )
    marker = number_change_marker(
        user,
        client,
        found.phone,
        f"Texts from {display_phone(found.phone)} were attached by {user.display_name}; "
        f"it is now the current number (was {display_phone(client.phone)}).",
    )
    try:
        updated = clients.update_details(client, details, marker)
    except NumberInUse as exc:
        raise ValidationFailed(
            {"client_id": "That number was just given to another client."}
        ) from exc
    unclaimed.move_to_client(user.department_id, found.phone, client.client_id)
    return updated


def claim_for_new_client(user: User, unclaimed: UnclaimedStore, client: Client) -> int:
    """After a new client is created with a waiting number, bring its texts along."""
    if client.department_id != user.department_id:
        return 0
    if unclaimed.get(client.department_id, client.phone) is None:
        return 0
    return unclaimed.move_to_client(client.department_id, client.phone, client.client_id)
