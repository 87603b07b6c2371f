"""The local stream readers (Lambda's DynamoDB-stream event sources) that push to pages poll
moto only while a page is connected, and a page that connects hears every change made after
it did. The mass texts' fan-out is read always (``ALWAYS_READ``): it does work."""

from __future__ import annotations

import threading
import time
import uuid

from chalicelib.domain.clients import Client
from tests.helpers import fresh_phone, new_sid, signed_webhook
from tests.integration.test_bursts import PROBATION, SMS, OverTheWire
from tests.integration.test_pushed_updates import connect_url
from tests.socket_client import SocketListener


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def readers_paused(stack) -> bool:
    return all(reader.iterator is None for reader in push_readers(stack))


def push_readers(stack) -> list:
    from infra.local.stream_source import ALWAYS_READ

    return [r for r in stack.streams.readers if r.binding.name not in ALWAYS_READ]


def test_with_no_page_connected_the_readers_do_not_poll(stack):
    assert wait_for(lambda: stack.websockets.open_sockets == 0), "a socket was left open"
    assert wait_for(lambda: readers_paused(stack))
    from infra.local.stream_source import ALWAYS_READ

    polls = []
    streams = stack.streams.readers[0].streams
    original = streams.get_records

    def counted(**kwargs):  # the readers that work (fan-out, audit chain) always poll
        if threading.current_thread().name.removeprefix("stream-") not in ALWAYS_READ:
            polls.append(threading.current_thread().name)
        return original(**kwargs)

    for reader in stack.streams.readers:
        reader.streams.get_records = counted
    try:
        time.sleep(1.0)  # a reader that polled would have done so 4 times by now
    finally:
        for reader in stack.streams.readers:
            reader.streams.get_records = original
    assert polls == []


def test_a_change_right_after_the_first_page_connects_is_pushed(stack, web, stores):
    """The first connection restarts the readers before its handshake completes, so a
    change the page causes at once is not lost between the two."""
    token = uuid.uuid4().hex[:8]
    client = stores.clients.add(
        Client(f"rd-{token}", "probation", "kristina", "Reader", f"Test {token}", fresh_phone())
    )
    page = web.sign_in("kristina").get("/caseload").body.decode()
    assert wait_for(lambda: stack.websockets.open_sockets == 0), "a socket was left open"
    assert wait_for(lambda: readers_paused(stack))
    with SocketListener(connect_url(page)) as caseload:
        answer = signed_webhook(
            OverTheWire(stack.app_url),
            SMS,
            {"MessageSid": new_sid(), "From": client.phone, "To": PROBATION, "Body": "Here"},
        )
        assert answer.status_code == 200
        row = caseload.next("client", timeout=30, client_id=client.client_id)
    assert "1 unread" in row["html"]
