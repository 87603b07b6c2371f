"""Unread texts follow a client to their new case manager: moving a client hands the old
case manager's unread state over (the old one can no longer open the client, so could
never clear it; the new one would never hear of the texts). Supervisors keep their own.
A text racing the move is counted for whoever owns the client when it is stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.errors import NotStored
from tests.helpers import WebVisitor
from tests.integration.test_unread_per_person import client, seen_up_to, text_in, unread

__all__ = ["client"]  # the fixture, used by name


@pytest.fixture()
def people(http):
    return {name: WebVisitor(http).sign_in(name) for name in ("kristina", "dana", "marcus")}


def move(dana, client_id: str, to: str, version: str = "1"):
    dana.get(f"/clients/{client_id}")
    return dana.post(f"/clients/{client_id}/reassign", {"case_manager_id": to, "version": version})


def test_unread_texts_move_with_the_client_to_the_new_case_manager(http, people, client, stores):
    kristina, dana, marcus = people["kristina"], people["dana"], people["marcus"]
    before = {name: unread(visitor) for name, visitor in people.items()}
    text_in(http, client, "one")
    text_in(http, client, "two")
    assert unread(kristina) == before["kristina"] + 2
    assert move(dana, client.client_id, "marcus").status_code == 303
    assert unread(kristina) == before["kristina"]  # not hers to clear any more
    assert stores.unread.count("kristina", client.client_id) == 0
    assert unread(marcus) == before["marcus"] + 2  # his to read now
    assert unread(dana) == before["dana"] + 2  # the supervisor's own, unchanged
    page = marcus.get(f"/clients/{client.client_id}").body.decode()
    marcus.post(f"/clients/{client.client_id}/read", {"seen_up_to": seen_up_to(page)})
    assert unread(marcus) == before["marcus"]


def test_a_client_with_nothing_unread_moves_without_unread_rows(http, people, client, stores):
    assert move(people["dana"], client.client_id, "marcus").status_code == 303
    assert stores.unread.count("marcus", client.client_id) == 0
    text_in(http, client, "after the move")
    assert stores.unread.count("marcus", client.client_id) == 1
    assert stores.unread.count("kristina", client.client_id) == 0


def test_a_text_stored_with_the_owner_read_before_a_move_is_not_counted_for_the_old_one(
    http, people, client, stores
):
    """The inbound path read the client (Kristina's) just before Dana moved it: storing
    the text must not count it for Kristina; the webhook answers 5xx and Twilio's retry
    reads the client again."""
    from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
    from chalicelib.store.inbound import InboundChange
    from tests.helpers import new_sid

    assert move(people["dana"], client.client_id, "marcus").status_code == 303
    sid = new_sid()
    entry = ConversationEntry(
        client.client_id,
        sid,
        datetime(2027, 5, 4, 19, 0, tzinfo=UTC),  # never stored: any instant will do
        EntryKind.TEXT,
        "racing",
        Direction.INBOUND,
        client.phone,
        "received",
        sid=sid,
    )
    with pytest.raises(NotStored):
        stores.inbound.store_inbound(client, entry, InboundChange(), (), ("kristina", "dana"))
    assert stores.unread.count("kristina", client.client_id) == 0
    text_in(http, client, "racing", sid=sid)  # the retry
    assert stores.unread.count("marcus", client.client_id) == 1
