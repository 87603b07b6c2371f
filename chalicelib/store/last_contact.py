"""A client's "last contact": the newest delivered or received text, never moved back.

DynamoDB has no ``max()`` in an update, and delivery callbacks arrive late, out of order and
twice. So the client's update in a transaction sets ``last_contact_at`` only under the
condition that it is newer than what is stored; when only that condition fails, the same
transaction is written again without touching last contact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from .models import ClientModel
from .write_failures import Cause, WriteNotStored, classify, retry_transient, written_unless_guarded


def contact_at(at: datetime) -> tuple[Action, Condition]:
    """Set last contact to ``at`` — on condition that nothing newer is stored."""
    newer = ClientModel.last_contact_at.does_not_exist() | (ClientModel.last_contact_at < at)
    return ClientModel.last_contact_at.set(at), newer


def written_moving_contact(
    what: str, write: Callable[[bool], None], *, client_item: int, guard_item: int = 0
) -> bool:
    """Run ``write(True)`` (moving last contact); if only the client's condition failed
    (a newer contact is stored), run ``write(False)``. True when written, False when the
    guard item's own condition stopped it; WriteNotStored otherwise."""
    try:
        retry_transient(what, lambda: write(True))
        return True
    except PynamoDBException as exc:
        failure = classify(exc)
        if failure.item_failed_condition(guard_item):
            return False
        if not failure.item_failed_condition(client_item):
            raise WriteNotStored(what, Cause.CONDITION) from exc
    return written_unless_guarded(what, lambda: write(False), guard_item)
