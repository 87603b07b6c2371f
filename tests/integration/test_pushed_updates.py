"""Pushed updates through the real path: a webhook over HTTP to the running stack, the
stored change on the DynamoDB stream, the fan-out, the local WebSocket API, the page's
socket. Connecting is authorised like a request; sign-out closes every open page."""

from __future__ import annotations

import html
import re
import time
import uuid
from urllib.parse import urlencode

import pytest

from chalicelib.domain.clients import Client
from tests.helpers import fresh_phone, new_sid, signed_webhook
from tests.integration.test_bursts import PROBATION, SMS, OverTheWire
from tests.socket_client import Refused, SocketListener


def socket_of(page: str) -> tuple[str, str]:
    url = re.search(r'data-socket-url="([^"]+)"', page)
    ticket = re.search(r'data-socket-ticket="([^"]+)"', page)
    assert url and ticket, "a signed-in page carries its socket URL and ticket"
    return html.unescape(url.group(1)), html.unescape(ticket.group(1))


def connect_url(page: str, **extra: str) -> str:
    url, ticket = socket_of(page)
    return f"{url}?{urlencode({'ticket': ticket, **extra})}"


@pytest.fixture()
def own_client(stores) -> Client:
    token = uuid.uuid4().hex[:8]
    client = Client(
        f"push-{token}", "probation", "kristina", "Pushed", f"Person {token}", fresh_phone()
    )
    return stores.clients.add(client)


def test_an_inbound_text_is_pushed_to_the_open_caseload_and_conversation(stack, web, own_client):
    page = web.sign_in("kristina").get("/caseload").body.decode()
    conversation = web.get(f"/clients/{own_client.client_id}").body.decode()
    with (
        SocketListener(connect_url(page)) as caseload,
        SocketListener(connect_url(conversation, client=own_client.client_id)) as open_text,
    ):
        body = f"<b>running late</b> {uuid.uuid4().hex[:6]}"
        answer = signed_webhook(
            OverTheWire(stack.app_url),
            SMS,
            {"MessageSid": new_sid(), "From": own_client.phone, "To": PROBATION, "Body": body},
        )
        assert answer.status_code == 200
        row = caseload.next("client", client_id=own_client.client_id)
        entry = open_text.next("entry", client_id=own_client.client_id)
        assert 'data-client="' + own_client.client_id in row["html"]
        assert "1 unread" in row["html"]
        assert html.escape(body) in entry["html"] and "<b>" not in entry["html"]


def test_a_page_of_another_caseload_hears_nothing_of_it(stack, web, own_client, http):
    from tests.helpers import WebVisitor

    other = WebVisitor(http).sign_in("marcus")  # another case manager of the department
    page = other.get("/caseload").body.decode()
    mine = web.sign_in("kristina").get("/caseload").body.decode()
    with SocketListener(connect_url(page)) as theirs, SocketListener(connect_url(mine)) as own:
        signed_webhook(
            OverTheWire(stack.app_url),
            SMS,
            {"MessageSid": new_sid(), "From": own_client.phone, "To": PROBATION, "Body": "hi"},
        )
        own.next("client", client_id=own_client.client_id)
        time.sleep(0.5)
        leaked = [
            m for m in list(theirs.received.queue) if m.get("client_id") == own_client.client_id
        ]
        assert leaked == []


def test_a_forged_or_missing_ticket_is_refused(stack, web):
    page = web.sign_in("kristina").get("/caseload").body.decode()
    url, ticket = socket_of(page)
    for query in ("", "?ticket=" + ticket[:-3] + "abc", "?ticket=nonsense"):
        with pytest.raises(Refused) as refused:
            SocketListener(url + query).__enter__()
        assert refused.value.status == 401


def test_watching_someone_elses_client_is_refused(stack, web, own_client, http):
    from tests.helpers import WebVisitor

    other = WebVisitor(http).sign_in("marcus")
    page = other.get("/caseload").body.decode()
    with pytest.raises(Refused) as refused:
        SocketListener(connect_url(page, client=own_client.client_id)).__enter__()
    assert refused.value.status == 403


def test_signing_out_closes_every_open_page_of_that_sign_in(stack, web):
    page = web.sign_in("kristina").get("/caseload").body.decode()
    with SocketListener(connect_url(page)) as first, SocketListener(connect_url(page)) as second:
        web.post("/signout", {})
        assert first.next("signed-out")["reason"] == "signed_out"
        assert second.next("signed-out")["reason"] == "signed_out"
        assert first.closed.wait(5) and second.closed.wait(5)
    with pytest.raises(Refused):
        SocketListener(connect_url(page)).__enter__()


@pytest.mark.parametrize(
    ("visitor", "watching", "admitted"),
    [
        ("kristina", "own", True),  # her own client
        ("marcus", "own", False),  # another case manager of the department
        ("dana", "own", True),  # the department's supervisor
        ("priya", "own", False),  # another department's supervisor
        ("tom", "own", False),  # another department's case manager
        ("kristina", "missing", False),  # no such client
        ("kristina", "", True),  # the caseload page: no client watched
        ("priya", "", True),
    ],
)
def test_who_may_connect_to_watch_a_conversation(http, own_client, visitor, watching, admitted):
    """The socket's $connect as an authorisation matrix: the same rule as the pages."""
    from tests.helpers import WebVisitor

    page = WebVisitor(http).sign_in(visitor).get("/caseload").body.decode()
    extra = {}
    if watching:
        extra["client"] = own_client.client_id if watching == "own" else "no-such-client"
    url = connect_url(page, **extra)
    if admitted:
        with SocketListener(url) as socket:
            assert not socket.closed.is_set()
    else:
        with pytest.raises(Refused) as refused:
            SocketListener(url).__enter__()
        assert refused.value.status == 403
