"""The unclaimed queue: texts from numbers no client of the department has, until a case
manager or supervisor attaches them to a client (or makes a new client of them), answers
them, or dismisses them. The queue is the department's: every colleague may work it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..domain.client_numbers import number_refusal
from ..domain.clients import Client, ClientDetails
from ..domain.conversation import ConversationEntry, marker
from ..domain.errors import NotFound, ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.message_body import has_visible_text
from ..domain.phones import display_phone
from ..domain.senders import sender_from_path
from ..domain.users import User
from ..store.clients import ClientStore, NumberInUse
from ..store.partitions import unclaimed_partition
from ..store.unclaimed import COUNT_CAP, UnclaimedNumber, UnclaimedStore
from ..store.waiting import BUILD_LIMIT, Waiting
from .caseload import number_change_marker, open_client

MAX_DISMISS_NOTE = 200
DISMISS_REASONS = {
    "spam": "Spam or advertising",
    "wrong_number": "Wrong number",
    "not_ours": "Not for this department",
    "other": "Other",
}
AS_CURRENT = "current"
AS_OLD = "old"


def phone_from_path(segment: str) -> str:
    """Paths carry the sender without "+" (18015550123), or a short code / sender id as is."""
    try:
        return sender_from_path(segment)
    except ValidationFailed as exc:
        raise NotFound("There is no such number in the queue.") from exc


def queue(user: User, unclaimed: UnclaimedStore) -> list[UnclaimedNumber]:
    """The department's waiting numbers, most recent first."""
    return unclaimed.in_department(user.department_id)


def waiting_count(user: User, unclaimed: UnclaimedStore, known: Waiting | None = None) -> int:
    """For the navigation: how many numbers wait in the department (capped). ``known`` is
    the department's set of waiting numbers as read with the session: when it is whole,
    it is the answer (no read of its own); otherwise the queue is counted with a Query,
    and a small queue is made countable again for the next page (store/waiting.py)."""
    if known is not None and known.exact:
        return min(len(known.numbers), COUNT_CAP)
    found = unclaimed.waiting_count(user.department_id)
    if known is not None and found <= BUILD_LIMIT:
        unclaimed.make_countable(user.department_id, known)
    return found


def waiting_number(user: User, unclaimed: UnclaimedStore, digits: str) -> UnclaimedNumber:
    """The number in the visitor's department's queue (one GetItem), or NotFound."""
    found = unclaimed.get(user.department_id, phone_from_path(digits))
    if found is None:
        raise NotFound("Nobody is waiting on that number; it may have been claimed already.")
    return found


def waiting(
    user: User, unclaimed: UnclaimedStore, digits: str
) -> tuple[UnclaimedNumber, list[ConversationEntry]]:
    found = waiting_number(user, unclaimed, digits)
    return found, unclaimed.texts(user.department_id, found.phone)


def attach_candidates(user: User, unclaimed: UnclaimedStore, query: str) -> list[Client]:
    """Clients the visitor may attach a number to, by name or whole number: their own
    caseload, or the department for a supervisor."""
    own = None if user.oversees_department else user.user_id
    return unclaimed.candidates(user.department_id, own, query.strip()[:100])


def attach_to_client(
    user: User,
    clients: ClientStore,
    unclaimed: UnclaimedStore,
    jurisdiction: Jurisdiction,
    digits: str,
    form: Mapping[str, str],
) -> Client:
    """The texts join the client's conversation. As the current number (with the number
    rules and a marker), or kept as an old number that leads to the client but is never
    texted."""
    found = waiting_number(user, unclaimed, digits)
    client = open_client(user, clients, form.get("client_id", ""))
    if not found.phone.startswith("+"):
        raise ValidationFailed(
            {
                "client_id": "Texts from a short code or a named sender can't become a client's "
                "number."
            }
        )
    choice = form.get("number_becomes", AS_CURRENT)
    if choice not in (AS_CURRENT, AS_OLD):
        raise ValidationFailed({"number_becomes": "Choose current number or old number."})
    if choice == AS_OLD and found.phone != client.phone:
        updated = _keep_as_old(user, clients, unclaimed, client, found.phone)
    else:
        updated = _make_current(user, clients, jurisdiction, client, found.phone)
    unclaimed.move_to_client(user.department_id, found.phone, client.client_id)
    return updated


def _make_current(
    user: User, clients: ClientStore, jurisdiction: Jurisdiction, client: Client, phone: str
) -> Client:
    refusal = number_refusal(phone, user.department_id, jurisdiction)
    if refusal and phone != client.phone:
        raise ValidationFailed({"number_becomes": f"{refusal} Keep it as an old number instead."})
    details = ClientDetails(
        client.first_name,
        client.last_name,
        phone,
        client.notes,
        client.language,
        client.id_number,
        client.phone_note if phone == client.phone else "",
    )
    note = number_change_marker(
        user,
        client,
        phone,
        f"Texts from {display_phone(phone)} were attached by {user.display_name}; "
        f"it is now the current number (was {display_phone(client.phone)}).",
    )
    try:
        return clients.update_details(client, details, note)
    except NumberInUse as exc:
        raise ValidationFailed(
            {"client_id": "That number was just given to another client."}
        ) from exc


def _keep_as_old(
    user: User, clients: ClientStore, unclaimed: UnclaimedStore, client: Client, phone: str
) -> Client:
    note = marker(
        client.client_id,
        "number_attached",
        f"Texts from {display_phone(phone)} were attached by {user.display_name} and kept as "
        f"an old number; texts still go to {display_phone(client.phone)}.",
        user.user_id,
        {"old": phone, "by": user.user_id},
    )
    try:
        unclaimed.attach_as_old_number(client, phone, note)
    except NumberInUse as exc:
        raise ValidationFailed(
            {"client_id": "That number was just given to another client."}
        ) from exc
    return clients.get(client.client_id) or client


def dismiss(
    user: User, unclaimed: UnclaimedStore, digits: str, form: Mapping[str, str]
) -> UnclaimedNumber:
    """Take a number off the queue with a reason, an audit row and a line in its thread.
    A later text from it lands in the queue again (with this history)."""
    found = waiting_number(user, unclaimed, digits)
    reason = form.get("reason", "")
    detail = " ".join((form.get("detail") or "").split())
    detail = detail if has_visible_text(detail) else ""
    errors = {}
    if reason not in DISMISS_REASONS:
        errors["reason"] = "Choose why this number is dismissed."
    if len(detail) > MAX_DISMISS_NOTE:
        errors["detail"] = f"Keep the note under {MAX_DISMISS_NOTE} characters."
    if reason == "other" and not detail:
        errors["detail"] = "Say in a few words why it is dismissed."
    try:
        seen = int(form.get("seen", ""))
    except ValueError:
        errors["seen"] = "The form is incomplete; reload the page."
        seen = -1
    if errors:
        raise ValidationFailed(errors)
    label = DISMISS_REASONS[reason] + (f": {detail}" if detail else "")
    partition = unclaimed_partition(user.department_id, found.phone)
    note = marker(
        partition,
        "dismissed",
        f"Dismissed by {user.display_name} ({label}).",
        user.user_id,
        {"reason": reason, "by": user.user_id},
    )
    details = {"reason": reason, "detail": detail, "texts": str(seen)}
    if not unclaimed.dismiss(user.department_id, found.phone, seen, note, user.user_id, details):
        raise ValidationFailed(
            {
                "seen": "A new text arrived from this number (or someone else handled it). "
                "Read it, then decide again."
            }
        )
    return replace(found, count=seen)


def claim_for_new_client(user: User, unclaimed: UnclaimedStore, client: Client) -> int:
    """After a new client is created with a waiting number, bring its texts along."""
    if client.department_id != user.department_id:
        return 0
    if unclaimed.get(client.department_id, client.phone) is None:
        return 0
    return unclaimed.move_to_client(client.department_id, client.phone, client.client_id)
