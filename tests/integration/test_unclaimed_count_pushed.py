"""The navigation's count of unclaimed numbers is pushed: every open page of the department
hears it when a number joins the queue and when one is dismissed or claimed, and another
department's pages hear nothing. A page catching up asks for it in the background."""

from __future__ import annotations

from tests.helpers import WebVisitor, fresh_phone
from tests.integration.session_tools import BACKGROUND
from tests.integration.test_pushed_updates import connect_url
from tests.socket_client import SocketListener

PRETRIAL = "+18015550200"  # fewer tests leave numbers waiting there than in Probation
PUSHED = 15.0  # seconds: generous, the machine may be busy


def open_page(http, username: str) -> str:
    return WebVisitor(http).sign_in(username).get("/caseload").body.decode()


def test_a_new_unclaimed_number_reaches_every_open_page_of_its_department(stack, stores, http):
    pages = {name: open_page(http, name) for name in ("tom", "rosa", "priya", "kristina")}
    listeners = {name: SocketListener(connect_url(page)) for name, page in pages.items()}
    for listener in listeners.values():
        listener.__enter__()
    try:
        stranger = fresh_phone()
        stack.twilio.send_inbound(from_=stranger, to=PRETRIAL, body="who is this?")
        waiting = stores.unclaimed.waiting_count("pretrial")
        for name in ("tom", "rosa", "priya"):  # case managers and the supervisor alike
            pushed = listeners[name].next("unclaimed", timeout=PUSHED)
            assert pushed["waiting"] == waiting
            shown = "99+" if waiting >= 100 else str(waiting)
            assert f'class="badge nav-count">{shown}<' in pushed["html"]
        heard = list(listeners["kristina"].received.queue)  # Probation's
        assert [m for m in heard if m.get("type") == "unclaimed"] == []
    finally:
        for listener in listeners.values():
            listener.__exit__()


def test_a_dismissed_number_pushes_the_shorter_queue(stack, stores, http):
    tom = WebVisitor(http).sign_in("tom")
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to=PRETRIAL, body="WIN A PRIZE")
    before = stores.unclaimed.waiting_count("pretrial")
    with SocketListener(connect_url(open_page(http, "rosa"))) as rosa:
        tom.get(f"/unclaimed/{stranger[1:]}")
        done = tom.post(f"/unclaimed/{stranger[1:]}/dismiss", {"reason": "spam", "seen": 1})
        assert done.status_code == 303
        pushed = rosa.next("unclaimed", timeout=PUSHED)
        assert pushed["waiting"] == stores.unclaimed.waiting_count("pretrial")
        if before < 100:
            assert pushed["waiting"] == before - 1


def test_a_claimed_number_pushes_the_shorter_queue(stack, stores, http):
    tom = WebVisitor(http).sign_in("tom")
    stranger = fresh_phone()
    stack.twilio.send_inbound(from_=stranger, to=PRETRIAL, body="it's Dee, new phone")
    with SocketListener(connect_url(open_page(http, "rosa"))) as rosa:
        tom.get("/clients/new")
        made = tom.post("/clients", {"first_name": "Dee", "last_name": "Claims", "phone": stranger})
        assert made.status_code == 303
        assert stores.unclaimed.get("pretrial", stranger) is None
        pushed = rosa.next("unclaimed", timeout=PUSHED)
        assert pushed["waiting"] == stores.unclaimed.waiting_count("pretrial")


def test_a_page_catching_up_asks_for_the_count_in_the_background(stack, stores, http):
    tom = WebVisitor(http).sign_in("tom")
    stack.twilio.send_inbound(from_=fresh_phone(), to=PRETRIAL, body="hello?")
    answer = tom.get("/api/unclaimed-count", BACKGROUND)
    assert answer.status_code == 200
    assert answer.json_body["waiting"] == stores.unclaimed.waiting_count("pretrial")
    assert "nav-count" in answer.json_body["html"]
