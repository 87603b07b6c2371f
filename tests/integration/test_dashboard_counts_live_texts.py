"""Texts the app really handles reach the dashboard: the local stack's count-dashboard
stream reader (as Lambda's event source would) counts a client's text, the case
manager's reply and the answer time, once each."""

from __future__ import annotations

import re
import secrets
import time
from datetime import timedelta

import pytest

from chalicelib.domain.clients import Client
from chalicelib.domain.dashboard import Tally, Totals
from tests.clock import real_now
from tests.helpers import fresh_phone, new_sid, signed_webhook
from tests.integration.session_tools import PASSWORD, new_staff

# reads the clock only to know which days to read back: one instant is enough
pytestmark = pytest.mark.any_hour

PROBATION = "+18015550100"


def totals_of(stores, case_manager: str) -> Totals:
    today = real_now().date()
    found = Totals()
    for row in stores.dashboard_counts.rows(
        "probation", today - timedelta(days=2), today + timedelta(days=2)
    ):
        if row.case_manager_id == case_manager:
            found.add(row)
    return found


def settled(stores, case_manager: str, wanted, timeout: float = 60.0) -> Totals:
    deadline = time.monotonic() + timeout
    while True:
        found = totals_of(stores, case_manager)
        if wanted(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.fixture()
def counting(stack):
    """The stack's count-dashboard reader on for this test (tests leave it off)."""
    stack.streams.set_counting(True)
    yield
    stack.streams.set_counting(False)


def test_a_text_and_its_reply_are_counted_once_each(web, http, stack, stores, counting):
    cm = new_staff(stack, stores)
    name = "Live" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", cm.user_id, name, name, fresh_phone())
    )
    params = {"MessageSid": new_sid(), "From": client.phone, "To": PROBATION}
    answered = signed_webhook(
        http, "/webhooks/twilio/sms", {**params, "Body": "running late", "NumMedia": "0"}
    )
    assert answered.status_code == 200

    found = settled(stores, cm.user_id, lambda t: t.get(Tally.RECEIVED) >= 1)
    assert found.get(Tally.RECEIVED) == 1 and found.clients_contacted == 1

    visitor = web.sign_in(cm.user_id, PASSWORD)
    page = visitor.get(f"/clients/{client.client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    sent = visitor.post(
        f"/clients/{client.client_id}/messages", {"body": "No problem", "draft_id": draft}
    )
    assert sent.status_code == 303

    found = settled(stores, cm.user_id, lambda t: t.get(Tally.ANSWERED) >= 1)
    assert (found.get(Tally.SENT), found.get(Tally.ANSWERED)) == (1, 1)
    assert sum(found.answer_histogram) == 1
    assert found.get(Tally.RECEIVED) == 1  # the reply's pushes did not count the text again
