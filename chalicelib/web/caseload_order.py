"""Which order the caseload opens in: the order this reader last picked in this browser;
else inbox order on a phone (unread first, then the most recent contact: what a case
manager in the field looks for) and A to Z on a wider screen.

The page script says which kind of screen it is in a cookie (``cc_screen``), so the first
answer is already in the right order. The choice is kept in a cookie naming its reader:
the next person to sign in on a shared browser starts from the default.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..domain.clients import CaseloadOrder

ORDER_COOKIE = "cc_order"
SCREEN_COOKIE = "cc_screen"
REMEMBER_SECONDS = 365 * 24 * 3600
BY_APPOINTMENT = "appointment"  # services.caseload_lists.BY_APPOINTMENT (not loaded here)
KNOWN = frozenset({*(order.value for order in CaseloadOrder), BY_APPOINTMENT})


def opening_order(cookies: Mapping[str, str], user_id: str) -> str:
    """The order of a caseload asked for without one."""
    return remembered(cookies.get(ORDER_COOKIE), user_id) or (
        CaseloadOrder.INBOX.value
        if cookies.get(SCREEN_COOKIE) == "narrow"
        else CaseloadOrder.NAME.value
    )


def remembered(value: str | None, user_id: str) -> str | None:
    """The order kept for ``user_id`` (None for another reader's, or nothing usable)."""
    owner, _, order = (value or "").rpartition(":")
    return order if owner == user_id and order in KNOWN else None


def to_remember(order: str, user_id: str) -> str:
    return f"{user_id}:{order}"
