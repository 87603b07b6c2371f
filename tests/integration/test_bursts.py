"""Twilio delivers texts in bursts. Over real HTTP to the local stack (the gateway and its
worker processes, moto one request at a time), every text of a burst is answered 200 and
stored exactly once, and a MessageSid retried at the same moment is stored once."""

from __future__ import annotations

import threading
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.error import HTTPError

import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.conversation import Direction
from tests.helpers import fresh_phone, new_sid, signed_webhook

PROBATION = "+18015550100"
PROBATION_ID = "probation"
SMS = "/webhooks/twilio/sms"
BURST = 20


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: bytes


class OverTheWire:
    """What ``signed_webhook`` needs of a client (``post``), sent to the running app server."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def post(self, path: str, headers: dict, body: str) -> Answer:
        request = urllib.request.Request(  # noqa: S310 - the loopback app server
            self.base_url + path, data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                return Answer(answer.status, answer.read())
        except HTTPError as error:
            return Answer(error.code, error.read())


def post_together(stack, texts: list[dict]) -> list[Answer]:
    """Sign every text, then release all the posts at the same moment."""
    wire = OverTheWire(stack.app_url)
    barrier = threading.Barrier(len(texts))

    def post(params: dict) -> Answer:
        barrier.wait(timeout=30)
        return signed_webhook(wire, SMS, params)

    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        return list(pool.map(post, texts))


def inbound_text(sender: str, body: str, sid: str | None = None) -> dict:
    return {"MessageSid": sid or new_sid(), "From": sender, "To": PROBATION, "Body": body}


def statuses(answers: list[Answer]) -> list[int]:
    return [answer.status_code for answer in answers]


@pytest.fixture()
def known_client(stores) -> Client:
    """A new client in Kristina's caseload, with a name of its own (caseload tests look
    clients up by name)."""
    token = uuid.uuid4().hex[:8]
    client = Client(
        f"burst-{token}", PROBATION_ID, "kristina", "Burst", f"Texter {token}", fresh_phone()
    )
    return stores.clients.add(client)


def inbound_sids(stores, client_id: str) -> Counter:
    entries, _ = stores.conversations.newest(client_id, limit=50)
    return Counter(e.sid for e in entries if e.direction == Direction.INBOUND)


def test_twenty_texts_from_one_client_at_once_are_all_answered_and_stored_once(
    stack, stores, known_client
):
    texts = [inbound_text(known_client.phone, f"burst text {n}") for n in range(BURST)]
    answers = post_together(stack, texts)
    assert statuses(answers) == [200] * BURST, [a.body[:200] for a in answers]
    assert inbound_sids(stores, known_client.client_id) == Counter(t["MessageSid"] for t in texts)


def test_twenty_texts_from_unknown_numbers_at_once_each_wait_once_in_the_unclaimed_queue(
    stack, stores
):
    texts = [inbound_text(fresh_phone(), f"who is this {n}") for n in range(BURST)]
    answers = post_together(stack, texts)
    assert statuses(answers) == [200] * BURST, [a.body[:200] for a in answers]
    for text in texts:
        waiting = stores.unclaimed.texts(PROBATION_ID, text["From"])
        assert [e.sid for e in waiting if e.direction == Direction.INBOUND] == [text["MessageSid"]]


def test_the_same_message_sid_posted_five_times_at_once_is_stored_once(stack, stores, known_client):
    sid = new_sid()
    retries = [inbound_text(known_client.phone, "sent once, delivered five times", sid)] * 5
    answers = post_together(stack, retries)
    assert statuses(answers) == [200] * 5, [a.body[:200] for a in answers]
    assert inbound_sids(stores, known_client.client_id) == Counter({sid: 1})
