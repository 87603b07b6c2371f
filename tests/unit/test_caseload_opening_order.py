"""The caseload's opening order: the reader's kept choice, else the screen's default; and
inbox order in memory (unread first, then the most recent contact)."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.clients import CaseloadOrder, Client, order_caseload
from chalicelib.web.caseload_order import opening_order, remembered, to_remember


def test_a_phone_opens_in_inbox_order_and_a_wide_screen_a_to_z():
    assert opening_order({"cc_screen": "narrow"}, "kristina") == "inbox"
    assert opening_order({"cc_screen": "wide"}, "kristina") == "name"
    assert opening_order({}, "kristina") == "name"


def test_a_kept_choice_wins_but_only_for_its_reader_and_only_a_known_order():
    kept = {"cc_screen": "narrow", "cc_order": to_remember("recent", "kristina")}
    assert opening_order(kept, "kristina") == "recent"
    assert opening_order(kept, "marcus") == "inbox"
    assert remembered("kristina:nonsense", "kristina") is None
    assert remembered("kristina:appointment", "kristina") == "appointment"
    assert remembered(None, "kristina") is None


def test_inbox_order_puts_unread_first_then_the_most_recent_contact():
    def client(name: str, unread: int, day: int | None) -> Client:
        at = datetime(2024, 5, day, tzinfo=UTC) if day else None
        return Client(
            name, "d", "cm", name, "X", "+12025550100", unread_count=unread, last_contact_at=at
        )

    clients = [
        client("A", 0, 3),
        client("B", 2, 1),
        client("C", 0, None),
        client("D", 0, 9),
        client("E", 1, 5),
    ]
    ordered = [c.client_id for c in order_caseload(clients, CaseloadOrder.INBOX)]
    assert ordered == ["E", "B", "D", "A", "C"]
