""" "Load older" asks /clients/{id}/live?before= for the page of older texts, which the page
adds above those it shows: only the older entries, no "newest" mark, no scheduled texts,
nothing marked read, and only for someone who may read the conversation."""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta

import pytest

from tests.clock import real_now
from tests.helpers import WebVisitor, fresh_phone, page_text
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_texting import add_client

PRETRIAL = "+18015550200"


@pytest.fixture()
def manager(web, stack, stores):
    """A case manager of the test's own, in Pretrial, so no demo caseload grows."""
    return web.sign_in(new_staff(stack, stores, department="pretrial").user_id, PASSWORD)


def older_src(page: str) -> str:
    found = re.search(r'data-older-src="([^"]+)"', page)
    assert found, "no Load older link"
    return found.group(1).replace("&amp;", "&")


def long_conversation(manager, stores, count: int = 70) -> tuple[str, str]:
    from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind

    phone = fresh_phone()
    client_id = add_client(manager, "Olga", f"Older{secrets.token_hex(3)}", phone)
    start = real_now() - timedelta(days=3)
    for i in range(count):
        stores.conversations.add(
            ConversationEntry(
                client_id,
                f"{i:032x}",
                start + timedelta(minutes=i),
                EntryKind.TEXT,
                body=f"old text {i:02d}",
                direction=Direction.INBOUND,
                phone=phone,
            )
        )
    return client_id, phone


def test_the_older_page_holds_only_older_texts_and_links_further_back(manager, stores):
    client_id, _ = long_conversation(manager, stores)
    page = page_text(manager.get(f"/clients/{client_id}"))
    assert "old text 69" in page and "old text 39" not in page

    older = manager.get(older_src(page))
    assert older.status_code == 200
    fragment = page_text(older)
    assert "old text 39" in fragment and "old text 10" in fragment
    assert "old text 40" not in fragment and "old text 09" not in fragment
    assert 'id="newest"' not in fragment
    assert "<html" not in fragment  # a fragment, not a page
    oldest = page_text(manager.get(older_src(fragment)))
    assert "old text 00" in oldest and "old text 09" in oldest
    assert "data-older-src" not in oldest  # the start of the conversation


def test_loading_older_texts_marks_nothing_read(manager, stores, stack):
    client_id, phone = long_conversation(manager, stores)
    page = page_text(manager.get(f"/clients/{client_id}"))
    stack.twilio.send_inbound(from_=phone, to=PRETRIAL, body="a new one while reading")
    unread = json.loads(manager.get("/api/activity").body)["unread"]
    assert unread >= 1
    manager.get(older_src(page))
    assert json.loads(manager.get("/api/activity").body)["unread"] == unread


@pytest.mark.parametrize("outsider", ["tom", "marcus"])  # same department, another one
def test_another_case_manager_cannot_load_older_texts(manager, stores, http, outsider):
    client_id, _ = long_conversation(manager, stores, count=35)
    src = older_src(page_text(manager.get(f"/clients/{client_id}")))
    refused = WebVisitor(http).sign_in(outsider).get(src)
    assert refused.status_code in (403, 404)
    assert "old text" not in page_text(refused)
