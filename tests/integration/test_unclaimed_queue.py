"""Working the unclaimed queue: its count, replies, dismissals, search and attaching."""

from __future__ import annotations

import re

import pytest

from chalicelib.domain.phones import display_phone
from chalicelib.store.partitions import unclaimed_partition
from tests.helpers import fresh_phone, page_text

PROBATION = "+18015550100"


def nav_count(visitor) -> int:
    found = re.search(r'class="badge nav-count">(\d+)', visitor.get("/caseload").body.decode())
    return int(found.group(1)) if found else 0


def waiting_number(stack, stores, body: str = "hello? who is this") -> str:
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body=body)
    assert stores.unclaimed.get("probation", stranger) is not None
    return stranger


def add_client(visitor, first: str, last: str, phone: str | None = None) -> str:
    visitor.get("/clients/new")
    made = visitor.post(
        "/clients", {"first_name": first, "last_name": last, "phone": phone or fresh_phone()}
    )
    assert made.status_code == 303, made.body[:300]
    return made.headers["Location"].split("/")[2].split("?")[0]


def draft_of(page: str) -> str:
    return re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


def test_the_navigation_counts_the_departments_waiting_numbers(web, stack, stores):
    web.sign_in("marcus")
    before = nav_count(web)
    waiting_number(stack, stores)
    waiting_number(stack, stores)
    assert nav_count(web) == before + 2
    assert nav_count(web.sign_in("tom")) == stores.unclaimed.waiting_count("pretrial")


def test_a_reply_goes_out_once_from_the_department_number_and_stays_with_the_thread(
    kristina, stack, stores
):
    stranger = waiting_number(stack, stores)
    page = kristina.get(f"/unclaimed/{stranger[1:]}").body.decode()
    draft = draft_of(page)
    form = {"body": "This is Kristina at Probation. Who is this?", "draft_id": draft}
    answers = [kristina.post(f"/unclaimed/{stranger[1:]}/reply", form) for _ in range(3)]
    assert [a.status_code for a in answers] == [303, 303, 303]
    stack.twilio.wait_for_callbacks()
    sent = [m for m in stack.twilio.messages(to=stranger) if m["body"] == form["body"]]
    assert len(sent) == 1 and sent[0]["from"] == PROBATION
    replies = [t for t in stores.unclaimed.texts("probation", stranger) if t.author_id]
    assert [(r.body, r.status, r.sid) for r in replies] == [
        (form["body"], "delivered", sent[0]["sid"])
    ]
    shown = page_text(kristina.get(f"/unclaimed/{stranger[1:]}"))
    assert form["body"] in shown and "delivered" in shown
    trail = stores.audit.trail(unclaimed_partition("probation", stranger))
    assert [e.action for e in trail] == ["send"]


def test_an_empty_reply_is_refused_and_nothing_is_sent(kristina, stack, stores):
    stranger = waiting_number(stack, stores)
    page = kristina.get(f"/unclaimed/{stranger[1:]}").body.decode()
    response = kristina.post(
        f"/unclaimed/{stranger[1:]}/reply", {"body": "  ", "draft_id": draft_of(page)}
    )
    assert response.status_code == 400
    assert "Write a message first" in page_text(response)
    assert not [t for t in stores.unclaimed.texts("probation", stranger) if t.author_id]


def test_dismissing_records_who_and_why_and_a_later_text_lands_again(kristina, stack, stores):
    stranger = waiting_number(stack, stores, "WIN A FREE CRUISE")
    kristina.get(f"/unclaimed/{stranger[1:]}")
    done = kristina.post(
        f"/unclaimed/{stranger[1:]}/dismiss", {"reason": "spam", "detail": "cruise ad", "seen": 1}
    )
    assert done.status_code == 303 and done.headers["Location"].endswith("/unclaimed?dismissed=1")
    assert stores.unclaimed.get("probation", stranger) is None
    # the whole number: its last 4 digits alone also end other tests' waiting numbers
    assert display_phone(stranger) not in page_text(kristina.get("/unclaimed"))
    trail = stores.audit.trail(unclaimed_partition("probation", stranger))
    assert [(e.actor, e.action, e.details["reason"], e.details["detail"]) for e in trail] == [
        ("kristina", "dismiss", "spam", "cruise ad")
    ]
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="sorry, wrong number earlier")
    back = stores.unclaimed.get("probation", stranger)
    assert back is not None and back.count == 1
    thread = page_text(kristina.get(f"/unclaimed/{stranger[1:]}"))
    assert "Dismissed by Kristina Alvarez (Spam or advertising: cruise ad)" in thread
    assert "WIN A FREE CRUISE" in thread and "sorry, wrong number earlier" in thread


def test_a_dismissal_made_before_a_new_text_arrived_is_refused(kristina, stack, stores):
    stranger = waiting_number(stack, stores)
    kristina.get(f"/unclaimed/{stranger[1:]}")
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="are you there")
    response = kristina.post(f"/unclaimed/{stranger[1:]}/dismiss", {"reason": "spam", "seen": 1})
    assert response.status_code == 400
    assert "A new text arrived" in page_text(response)
    assert stores.unclaimed.get("probation", stranger).count == 2
    assert stores.audit.trail(unclaimed_partition("probation", stranger)) == []


def test_other_as_a_reason_needs_a_note(kristina, stack, stores):
    stranger = waiting_number(stack, stores)
    kristina.get(f"/unclaimed/{stranger[1:]}")
    response = kristina.post(f"/unclaimed/{stranger[1:]}/dismiss", {"reason": "other", "seen": 1})
    assert response.status_code == 400 and "Say in a few words" in page_text(response)
    assert stores.unclaimed.get("probation", stranger) is not None


def test_the_attach_list_is_searched_on_the_server_by_name_or_whole_number(kristina, stack, stores):
    phone = fresh_phone()
    client_id = add_client(kristina, "Zelda", "Quixote-Search", phone)
    stranger = waiting_number(stack, stores)
    path = f"/unclaimed/{stranger[1:]}"
    for query in ("quixote", "Quixote-Search, Zel", "zelda quixote-search", phone[2:]):
        page = kristina.get(f"{path}?q={query}").body.decode()
        assert f'value="{client_id}"' in page, query
        assert page.count('name="client_id"') == 1, query
    nobody = page_text(kristina.get(f"{path}?q=nosuchname"))
    assert "No client of yours matches" in nobody
    # Marcus shares the queue but not Kristina's caseload: she is not offered to him
    page = kristina.sign_in("marcus").get(f"{path}?q=quixote").body.decode()
    assert client_id not in page
    page = kristina.sign_in("dana").get(f"{path}?q=quixote").body.decode()
    assert f'value="{client_id}"' in page  # the supervisor searches the department


def test_attaching_as_the_current_number_moves_the_thread_and_future_texts(kristina, stack, stores):
    old = fresh_phone()
    client_id = add_client(kristina, "Curt", "Current", old)
    stranger = waiting_number(stack, stores, "new phone, it's Curt")
    page = kristina.get(f"/unclaimed/{stranger[1:]}?q=current").body.decode()
    assert 'id="becomes-current" name="number_becomes" value="current" checked' in page
    draft = draft_of(page)
    kristina.post(f"/unclaimed/{stranger[1:]}/reply", {"body": "Hi Curt?", "draft_id": draft})
    stack.twilio.wait_for_callbacks()
    kristina.get(f"/unclaimed/{stranger[1:]}?q=current")
    done = kristina.post(
        f"/unclaimed/{stranger[1:]}/attach", {"client_id": client_id, "number_becomes": "current"}
    )
    assert done.status_code == 303
    client = stores.clients.get(client_id)
    assert client.phone == stranger and old in client.old_phones
    assert stores.unclaimed.get("probation", stranger) is None
    bodies = [e.body for e in stores.conversations.newest(client_id)[0]]
    assert "new phone, it's Curt" in bodies and "Hi Curt?" in bodies
    reply = next(e for e in stores.conversations.newest(client_id)[0] if e.body == "Hi Curt?")
    assert stores.outbound.find_sid(reply.sid).ref.client_id == client_id  # callbacks follow
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="got it")
    latest = stores.conversations.newest(client_id)[0][0]
    assert (latest.body, latest.from_old_number) == ("got it", False)


def test_attaching_as_an_old_number_keeps_texting_the_current_one(kristina, stack, stores):
    current = fresh_phone()
    client_id = add_client(kristina, "Olga", "Oldnumber", current)
    stranger = waiting_number(stack, stores, "it's Olga from my sister's phone")
    kristina.get(f"/unclaimed/{stranger[1:]}?q=oldnumber")
    done = kristina.post(
        f"/unclaimed/{stranger[1:]}/attach", {"client_id": client_id, "number_becomes": "old"}
    )
    assert done.status_code == 303
    client = stores.clients.get(client_id)
    assert client.phone == current and stranger in client.old_phones
    assert stores.clients.route("probation", stranger) == (client_id, False)
    entries = stores.conversations.newest(client_id)[0]
    assert "it's Olga from my sister's phone" in [e.body for e in entries]
    assert any(e.marker == "number_attached" for e in entries)
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="again from sister")
    entries = stores.conversations.newest(client_id)[0]
    latest = next(e for e in entries if e.body == "again from sister")
    assert latest.from_old_number and latest.phone == stranger


def test_a_foreign_number_cannot_become_current_but_can_be_kept_as_old(kristina, stack, stores):
    client_id = add_client(kristina, "Farah", "Abroad")
    stranger = f"+4420794{len(stores.clients.caseload('kristina')) % 100000:05d}"
    stack.twilio.send_inbound(from_=stranger, to=PROBATION, body="from London")
    digits = stranger[1:]
    kristina.get(f"/unclaimed/{digits}?q=abroad")
    refused = kristina.post(
        f"/unclaimed/{digits}/attach", {"client_id": client_id, "number_becomes": "current"}
    )
    assert refused.status_code == 400
    assert "United Kingdom" in page_text(refused) and "old number instead" in page_text(refused)
    assert stores.unclaimed.get("probation", stranger) is not None
    kept = kristina.post(
        f"/unclaimed/{digits}/attach", {"client_id": client_id, "number_becomes": "old"}
    )
    assert kept.status_code == 303
    assert stranger in stores.clients.get(client_id).old_phones
