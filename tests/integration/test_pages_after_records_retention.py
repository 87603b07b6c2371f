"""Nothing the records-retention job deletes leaves a page broken: a conversation whose
older texts went shows what remains and "Load older" ends cleanly; a deleted closed client's
waiting number no longer links to them."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest

from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.services.retention import RunOutcome
from tests.clock import real_now
from tests.helpers import fresh_phone, page_text
from tests.integration.retention_tools import (
    LONG_AGO,
    job_state,
    retire_long_ago,
    schedule,
)
from tests.integration.retention_tools import (
    run_job as run,
)
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_texting import add_client

__all__ = ["job_state"]  # the autouse fixture, shared by the retention tests

pytestmark = pytest.mark.any_hour


def older_src(page: str) -> str | None:
    found = re.search(r'data-older-src="([^"]+)"', page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_a_conversation_whose_older_texts_went_shows_what_remains(web, stack, stores, now):
    manager = web.sign_in(new_staff(stack, stores, department="pretrial").user_id, PASSWORD)
    phone = fresh_phone()
    client_id = add_client(manager, "Olga", f"Kept{secrets.token_hex(3)}", phone)
    for i in range(85):  # 40 from long ago, then 45 recent: a page and a half
        at = LONG_AGO + timedelta(minutes=i) if i < 40 else real_now() - timedelta(hours=90 - i)
        stores.conversations.add(
            ConversationEntry(
                client_id, f"{i:032x}", at, EntryKind.TEXT, body=f"text number {i:02d}",
                direction=Direction.INBOUND, phone=phone,
            )
        )  # fmt: skip

    assert run(schedule(now, clients=False), now).outcome is RunOutcome.FINISHED

    response = manager.get(f"/clients/{client_id}")
    assert response.status_code == 200
    shown = page_text(response)
    assert "text number 84" in shown and "text number 55" in shown
    assert "text number 54" not in shown
    older = manager.get(older_src(shown) or "")
    assert older.status_code == 200
    fragment = page_text(older)
    assert "text number 54" in fragment and "text number 40" in fragment
    assert "text number 39" not in fragment  # what went is not shown
    assert older_src(fragment) is None  # the start of what remains: no further link


def test_a_waiting_number_no_longer_links_to_a_deleted_client(stack, stores, now):
    import time_machine

    from chalicelib.store.models import UnclaimedModel
    from tests.integration.retention_tools import new_client

    staff = new_staff(stack, stores)
    client = retire_long_ago(stores, new_client(stores, staff))
    text = ConversationEntry(
        "", secrets.token_hex(8), real_now(), EntryKind.TEXT, body="it's me again",
        phone=client.phone, direction=Direction.INBOUND, sid=f"SM{secrets.token_hex(16)}",
    )  # fmt: skip
    with time_machine.travel(real_now(), tick=False):
        stores.unclaimed.record("probation", text, retired_client_id=client.client_id)

    assert run(schedule(now, texts=False), now).outcome is RunOutcome.FINISHED

    assert stores.clients.get(client.client_id) is None
    waiting = UnclaimedModel.get("probation", client.phone, consistent_read=True)
    assert waiting.retired_client_id is None  # the page shows the number, with no dead link
    assert waiting.texts_count == 1
