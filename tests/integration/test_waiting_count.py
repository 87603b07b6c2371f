"""The navigation's count of waiting numbers rides in the session's read, and stays the
queue's count: every change to the queue changes the department's set of waiting numbers
in the same transaction, and a set not known whole is never trusted (store/waiting.py)."""

from __future__ import annotations

import re

import pytest

from tests.dynamodb_calls import counting, total
from tests.helpers import fresh_phone, new_sid, signed_webhook

PROBATION = "+18015550100"


def nav_count(visitor) -> int:
    found = re.search(r'class="badge nav-count">(\d+)', visitor.get("/caseload").body.decode())
    return int(found.group(1)) if found else 0


def waiting_number(http, stores) -> str:
    """A text from a new number, through the webhook in this process (so a test may change
    the app's settings for it)."""
    stranger = fresh_phone()
    params = {
        "MessageSid": new_sid(),
        "From": stranger,
        "To": PROBATION,
        "Body": "hello? who is this",
        "NumMedia": "0",
    }
    assert signed_webhook(http, "/webhooks/twilio/sms", params).status_code == 200
    assert stores.unclaimed.get("probation", stranger) is not None
    return stranger


def waiting_set(department_id: str = "probation"):
    from chalicelib.store.batch import read_together
    from chalicelib.store.waiting import waiting_along

    found = waiting_along(department_id)
    read_together([found])
    return found.value


def queue_count(stores) -> int:
    return stores.unclaimed.waiting_count("probation")  # the Query: the queue itself


@pytest.fixture()
def kristina(web):
    return web.sign_in("kristina")


def test_numbers_arriving_dismissed_and_attached_keep_the_count_the_queues(kristina, http, stores):
    nav_count(kristina)  # the department's first page makes its set whole
    assert waiting_set().exact
    first, second, third = (waiting_number(http, stores) for _ in range(3))
    assert {first, second, third} <= waiting_set().numbers
    assert nav_count(kristina) == queue_count(stores)

    page = kristina.get(f"/unclaimed/{second[1:]}").body.decode()
    seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
    dismissed = kristina.post(
        f"/unclaimed/{second[1:]}/dismiss", {"reason": "spam", "detail": "", "seen": seen}
    )
    assert dismissed.status_code == 303, dismissed.body[:300]
    kristina.get("/clients/new")
    made = kristina.post(
        "/clients", {"first_name": "Wait", "last_name": "Count", "phone": third}
    )  # a new client with a waiting number takes its texts along
    assert made.status_code == 303, made.body[:300]

    left = waiting_set()
    assert left.exact
    assert first in left.numbers and second not in left.numbers and third not in left.numbers
    with counting() as calls:
        shown = nav_count(kristina)
    assert shown == queue_count(stores)
    assert total(calls) == 3, calls  # the count came with the session


def test_a_department_whose_set_is_not_known_whole_counts_the_queue_then_makes_it_whole(
    kristina, http, stores
):
    from chalicelib.store.waiting import waiting_item

    stranger = waiting_number(http, stores)
    waiting_item("probation").delete()  # as on a stack that had waiting numbers before
    waiting_number(http, stores)  # a text adds its own number, but the set is not whole
    assert not waiting_set().exact

    assert nav_count(kristina) == queue_count(stores)  # counted with a Query meanwhile
    whole = waiting_set()
    assert whole.exact and stranger in whole.numbers
    with counting() as calls:
        shown = nav_count(kristina)
    assert shown == queue_count(stores)
    assert total(calls) == 3, calls


def test_a_number_that_finds_the_set_full_is_still_counted(kristina, http, stores, monkeypatch):
    from chalicelib.store import waiting

    nav_count(kristina)
    before = waiting_set()
    assert before.exact
    monkeypatch.setattr(waiting, "WAITING_CAP", len(before.numbers))
    stranger = waiting_number(http, stores)  # stored all the same, as a miss
    full = waiting_set()
    assert stranger not in full.numbers and full.misses == before.misses + 1
    assert not full.exact

    monkeypatch.undo()
    assert nav_count(kristina) == queue_count(stores)  # the Query, and the set made whole
    again = waiting_set()
    assert again.exact and stranger in again.numbers


def test_making_the_set_whole_fails_when_a_number_came_in_full_meanwhile(
    kristina, http, stores, monkeypatch
):
    """A number missed after the set was read would be left out: the transaction checks
    ``misses`` did not move, and a later page tries again."""
    from chalicelib.store import waiting

    nav_count(kristina)
    seen = waiting_set()
    monkeypatch.setattr(waiting, "WAITING_CAP", len(seen.numbers))
    waiting_number(http, stores)
    monkeypatch.undo()
    assert stores.unclaimed.make_countable("probation", seen) is False
    assert not waiting_set().exact
    assert stores.unclaimed.make_countable("probation", waiting_set()) is True
    assert waiting_set().exact
