"""What the pages say, in the words a case manager uses: "Mountain time" (not a zone
database id), a year on any date outside this year, a number offered in the format its
hint asks for, and an editor that says which wording is in use while previewing another."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from tests.helpers import page_text
from tests.integration.test_pushed_updates import own_client as own_client  # a fixture
from tests.integration.test_reminder_text_pages import open_editor, the_form
from tests.integration.test_reminder_text_pages import texts as texts  # a fixture
from tests.integration.test_unclaimed_queue import waiting_number

LONG_AGO = datetime(2020, 3, 5, 18, 30, tzinfo=UTC)  # never "this year" for any test run


def test_times_are_said_in_mountain_time_not_the_zone_database_id(web, own_client):
    web.sign_in("dana")
    pages = [
        f"/clients/{own_client.client_id}",
        f"/clients/{own_client.client_id}/print",
        "/scheduled",
    ]
    for path in pages:
        # the offline banner's clock reads the zone's id from an attribute (offline.js);
        # no word on the page says it
        text = re.sub(r' data-zone="[^"]*"', "", page_text(web.get(path)))
        assert "America/Denver" not in text and "America/" not in text, path
        assert "Mountain" in text, path
    client_page = page_text(web.get(pages[0]))
    assert "When to send it (Mountain time)" in client_page
    assert "When it starts (Mountain time)" in client_page


def test_a_date_in_another_year_shows_its_year(web, stores, own_client):
    stores.conversations.add(
        ConversationEntry(
            client_id=own_client.client_id,
            entry_id=uuid.uuid4().hex[:16],
            at=LONG_AGO,
            kind=EntryKind.TEXT,
            body="An old text",
            direction=Direction.INBOUND,
            phone=own_client.phone,
        )
    )
    text = page_text(web.sign_in("kristina").get(f"/clients/{own_client.client_id}"))
    assert "Mar 5, 2020, 11:30 AM" in text  # 18:30 UTC is 11:30 Mountain (MST)


def test_the_number_offered_from_unclaimed_is_in_the_format_the_hint_asks_for(web, stack, stores):
    phone = waiting_number(stack, stores)
    web.sign_in("kristina")
    unclaimed = page_text(web.get(f"/unclaimed/{phone[1:]}"))
    link = re.search(r'href="(/clients/new\?phone=[^"]+)"', unclaimed)
    assert link, "the unclaimed page offers a new client with this number"
    form = page_text(web.get(link.group(1)))
    assert "10 digits, like 801-555-0123" in form
    typed = re.search(r'<input id="phone" name="phone" type="tel" value="([^"]*)"', form)
    digits = phone[2:]
    assert typed and typed.group(1) == f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def test_a_new_client_form_keeps_a_number_it_cannot_read_as_it_came(web):
    form = page_text(web.sign_in("kristina").get("/clients/new?phone=not-a-number"))
    assert 'name="phone" type="tel" value="not-a-number"' in form


def test_previewing_new_wording_does_not_call_it_the_wording_in_use(web, texts):
    dana = web.sign_in("dana")
    page = open_editor(dana)
    assert "The standard wording is in use." in page
    typed = "Hi {first_name}, your {kind} is {date} at {time}, {place}. Reply Y or N."
    preview = page_text(dana.post("/reminder-texts", the_form(page, "preview", en_reminder=typed)))
    hint = re.search(r'id="text-en-reminder-hint">([^<]*)<', preview)
    assert hint, "the reminder box has its hint"
    assert "standard wording is in use" not in hint.group(1)
    assert "not saved" in hint.group(1).lower()
    untouched = re.search(r'id="text-es-reminder-hint">([^<]*)<', preview)
    assert untouched and "The standard wording is in use." in untouched.group(1)
