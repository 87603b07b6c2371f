"""A page's socket whose handshake is slow (the app's ``$connect`` is a Lambda call with
DynamoDB round trips, seconds on a busy machine): a test holding it goes on only once it
is open, and a page that leaves while it opens is an ordinary disconnect.

Found as a rare 30 s timeout of test_pushes_after_role_changes in a full run: the test
listener waited 10 s for the open, then went on without a socket; the deactivation it made
next refused the late ``$connect``, and no signed-out message could ever come."""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import replace
from urllib.parse import urlsplit

from tests.helpers import WebVisitor
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_pushed_updates import connect_url
from tests.integration.test_pushes_after_role_changes import PATIENCE, client_of, text_from
from tests.socket_client import SocketListener

SLOW_CONNECT = 11.0  # seconds: longer than the listener's old wait for the open (10 s)


def slow_connects(gateway, monkeypatch, seconds: float) -> threading.Event:
    """Every ``$connect`` takes ``seconds`` longer; the event is set by each ``$disconnect``."""
    real = gateway._invoke
    disconnected = threading.Event()

    async def slowly(route, event):
        if route == "$connect":
            await gateway.loop.run_in_executor(gateway.pool, time.sleep, seconds)
        answer = await real(route, event)
        if route == "$disconnect":
            disconnected.set()
        return answer

    monkeypatch.setattr(gateway, "_invoke", slowly)
    return disconnected


def test_a_socket_slow_to_open_is_open_before_the_test_changes_what_it_should_hear(
    stack, stores, http, monkeypatch
):
    person = new_staff(stack, stores)
    client = client_of(stores, person.user_id)
    page = WebVisitor(http).sign_in(person.user_id, PASSWORD).get("/caseload").body.decode()
    slow_connects(stack.websockets, monkeypatch, SLOW_CONNECT)
    with SocketListener(connect_url(page)) as listing:
        stores.users.save(replace(person, active=False))
        text_from(stack, client, "my new address is 12 Elm St")
        assert listing.next("signed-out", timeout=PATIENCE)["reason"] == "expired"
        assert listing.closed.wait(PATIENCE)


def test_a_page_that_leaves_while_its_socket_opens_is_a_quiet_disconnect(
    stack, stores, http, monkeypatch, caplog
):
    person = new_staff(stack, stores)
    page = WebVisitor(http).sign_in(person.user_id, PASSWORD).get("/caseload").body.decode()
    disconnected = slow_connects(stack.websockets, monkeypatch, 1.0)
    url = urlsplit(connect_url(page))
    handshake = (
        f"GET {url.path}?{url.query} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    with caplog.at_level(logging.INFO):
        with socket.create_connection((url.hostname, url.port), timeout=PATIENCE) as browser:
            browser.sendall(handshake.encode())  # then gone, while $connect still runs
        assert disconnected.wait(PATIENCE), "the app heard no $disconnect"
        deadline = time.monotonic() + PATIENCE
        while not any("left before its socket opened" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, "the gateway never finished the handshake"
            time.sleep(0.05)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
