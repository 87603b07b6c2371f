"""A text from a retired client lands in their own conversation (conversations belong to
the client; a closed case's record stays whole), unread for their case manager and the
department's supervisors, who find it pinned at the top of the caseload in "Unread first"
order, marked "Retired".
They are not told "we don't recognise this number": they are known. See
docs/decisions.md, "Texts from retired clients"."""

from __future__ import annotations

import re

from tests.helpers import fresh_phone, page_text
from tests.integration.test_retiring_clients import PROBATION, add_client, retire


def unread_pinned(page: str) -> str:
    """The caseload's "Unread texts" list."""
    found = re.search(r'aria-labelledby="unread-heading">(.*?)</ul>', page, re.S)
    return found.group(1) if found else ""


def test_a_retired_clients_text_lands_in_their_conversation_unread(web, stores, stack):
    kristina = web.sign_in("kristina")
    phone = fresh_phone()
    client_id = add_client(kristina, "Una", "Closedcase", phone)
    retire(kristina, client_id)
    answer = stack.twilio.send_inbound(from_=phone, to=PROBATION, body="Am I still on?")
    assert answer.status_code == 200
    assert not answer.replies  # not "we don't recognise this number": nothing to say
    newest = stores.conversations.newest(client_id)[0]
    assert [e.body for e in newest if e.direction and e.direction.value == "inbound"] == [
        "Am I still on?"
    ]
    assert stores.unclaimed.get("probation", phone) is None
    assert stores.unread.count("kristina", client_id) == 1
    assert stores.unread.count("dana", client_id) == 1
    pinned = unread_pinned(kristina.get("/caseload?order=unread").body.decode())
    assert f'data-client="{client_id}"' in pinned
    assert "Closedcase, Una" in pinned and "Retired" in pinned and "1 unread" in pinned
    page = page_text(kristina.get(f"/clients/{client_id}"))
    assert "Am I still on?" in page and "Retired: Case closed" in page


def test_a_text_from_a_retired_clients_old_number_lands_there_too(web, stores, stack):
    kristina = web.sign_in("kristina")
    old, new = fresh_phone(), fresh_phone()
    client_id = add_client(kristina, "Ola", "Oldnumber", old)
    kristina.get(f"/clients/{client_id}/edit")
    edited = kristina.post(
        f"/clients/{client_id}",
        {"first_name": "Ola", "last_name": "Oldnumber", "phone": new, "version": "1"},
    )
    assert edited.status_code == 303
    retire(kristina, client_id, version="2")
    assert stack.twilio.send_inbound(from_=old, to=PROBATION, body="new phone").status_code == 200
    bodies = [e.body for e in stores.conversations.newest(client_id)[0]]
    assert "new phone" in bodies
    assert stores.unclaimed.get("probation", old) is None
