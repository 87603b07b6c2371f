"""The local fake Twilio, driven through the official twilio SDK and plain HTTP."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from infra.local.fake_twilio import (
    ERROR_LANDLINE,
    ERROR_UNREACHABLE,
    LANDLINE_NUMBER,
    LOCAL_ACCOUNT_SID,
    LOCAL_AUTH_TOKEN,
    OPTED_OUT_NUMBER,
    UNREACHABLE_NUMBER,
    FakeTwilio,
    sdk_client,
)

PROBATION = "+18015550100"
PRETRIAL = "+18015550200"
CLIENT_PHONE = "+13855550101"
OWNED = {PROBATION: "Probation", PRETRIAL: "Pretrial"}
VALIDATOR = RequestValidator(LOCAL_AUTH_TOKEN)


class Receiver:
    """A tiny webhook target that records signed POSTs and answers as configured."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.reply = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                form = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
                receiver.requests.append(
                    {
                        "url": receiver.base_url + self.path,
                        "params": form,
                        "signature": self.headers.get("X-Twilio-Signature", ""),
                    }
                )
                body = receiver.reply.encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def signed_correctly(self, request: dict[str, Any]) -> bool:
        return VALIDATOR.validate(request["url"], request["params"], request["signature"])


@contextmanager
def running_receivers(count: int) -> Iterator[tuple[Receiver, ...]]:
    """``count`` receivers serving until the block ends."""
    made = tuple(Receiver() for _ in range(count))
    for receiver in made:
        receiver.thread.start()
    try:
        yield made
    finally:
        for receiver in made:
            receiver.server.shutdown()
            receiver.server.server_close()
            receiver.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    target = Receiver()
    target.thread.start()
    yield target
    target.server.shutdown()
    target.server.server_close()
    target.thread.join(timeout=5)


@pytest.fixture
def fake(receiver: Receiver) -> Iterator[FakeTwilio]:
    before = set(threading.enumerate())  # the session's local stack runs a fake of its own
    instance = FakeTwilio(
        account_sid=LOCAL_ACCOUNT_SID,
        auth_token=LOCAL_AUTH_TOKEN,
        owned_numbers=OWNED,
        sms_webhook_url=receiver.base_url + "/webhooks/twilio/sms",
        host="127.0.0.1",
        port=0,
        callback_delay=0,
    ).start()
    yield instance
    instance.stop()
    leftovers = [
        t.name
        for t in set(threading.enumerate()) - before
        if t.name.startswith("fake-twilio") and t.is_alive()
    ]
    assert leftovers == []


@pytest.fixture
def client(fake: FakeTwilio) -> Client:
    """The unchanged SDK, pointed at the fake with the documented knob."""
    sdk = Client(LOCAL_ACCOUNT_SID, LOCAL_AUTH_TOKEN)
    sdk.api.base_url = fake.base_url
    return sdk


def send(client: Client, to: str = CLIENT_PHONE, body: str = "Hello", **kwargs: Any) -> Any:
    return client.messages.create(to=to, from_=PROBATION, body=body, **kwargs)


def rest_error(client: Client, **kwargs: Any) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as caught:
        send(client, **kwargs)
    return caught.value


def http_call(
    fake: FakeTwilio, method: str, path: str, payload: dict[str, Any] | None = None
) -> tuple[int, str, bytes]:
    """Plain HTTP to the fake: (status, Content-Type, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", int(fake.base_url.rsplit(":", 1)[1]), timeout=5)
    try:
        body = json.dumps(payload).encode() if payload is not None else None
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def http_json(
    fake: FakeTwilio, path: str, payload: dict[str, Any] | None = None
) -> tuple[int, Any]:
    status, _, body = http_call(fake, "POST" if payload is not None else "GET", path, payload)
    return status, json.loads(body)


def test_a_created_message_is_queued_and_can_be_fetched(client: Client) -> None:
    created = send(client, media_url=["https://example.org/a.jpg"])

    fetched = client.messages(created.sid).fetch()

    assert created.status == "queued"
    assert created.sid.startswith("MM") and len(created.sid) == 34
    assert fetched.sid == created.sid
    assert (fetched.to, fetched.from_, fetched.body) == (CLIENT_PHONE, PROBATION, "Hello")
    assert fetched.direction == "outbound-api"
    assert fetched.account_sid == LOCAL_ACCOUNT_SID
    assert fetched.num_media == "1"
    assert fetched.date_created is not None
    assert fetched.uri.endswith(f"/Messages/{created.sid}.json")


def test_list_pages_through_every_message_with_a_small_page_size(client: Client) -> None:
    sids = [send(client, body=f"Message {n}").sid for n in range(5)]
    send(client, to="+13855550199", body="someone else")

    listed = client.messages.list(to=CLIENT_PHONE, page_size=2)
    first_page = client.messages.page(to=CLIENT_PHONE, page_size=2)

    assert [m.sid for m in listed] == list(reversed(sids))
    assert len(list(client.messages.stream(page_size=2))) == 6
    assert first_page.next_page_url is not None
    assert first_page.next_page().next_page().next_page_url is None


def test_a_deleted_message_is_no_longer_found(client: Client) -> None:
    sid = send(client).sid

    assert client.messages(sid).delete() is True
    with pytest.raises(TwilioRestException) as caught:
        client.messages(sid).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_a_wrong_auth_token_is_rejected_with_401(fake: FakeTwilio) -> None:
    intruder = sdk_client(fake.base_url, LOCAL_ACCOUNT_SID, "0" * 32)

    with pytest.raises(TwilioRestException) as caught:
        send(intruder)

    assert (caught.value.status, caught.value.code) == (401, 20003)


def test_another_account_sid_in_the_url_is_not_found(client: Client) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.api.v2010.accounts("AC" + "1" * 32).messages(send(client).sid).fetch()

    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_sending_to_an_opted_out_number_fails_with_21610(client: Client) -> None:
    error = rest_error(client, to=OPTED_OUT_NUMBER)

    assert (error.status, error.code) == (400, 21610)


def test_a_body_over_1600_characters_fails_with_21617(client: Client) -> None:
    assert rest_error(client, body="a" * 1601).code == 21617


def test_an_invalid_to_number_fails_with_21211(client: Client) -> None:
    assert rest_error(client, to="801-555-0101").code == 21211


def test_a_from_number_the_account_does_not_own_fails_with_21606(client: Client) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=CLIENT_PHONE, from_="+18015550999", body="Hi")

    assert caught.value.code == 21606


@pytest.mark.parametrize(
    ("fields", "code"),
    [({"to": ""}, 21604), ({"body": ""}, 21602)],
    ids=["missing To is 21604", "missing Body without media is 21602"],
)
def test_missing_required_fields_fail_with_twilios_codes(
    client: Client, fields: dict[str, str], code: int
) -> None:
    error = rest_error(client, **fields)

    assert (error.status, error.code) == (400, code)


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("a" * 160, "1"),
        ("a" * 161, "2"),
        ("a" * 70 + "😀", "2"),
        ("a" * 70, "1"),
        ("{" * 80, "1"),
        ("{" * 81, "2"),
        ("a" * 306, "2"),
        ("a" * 307, "3"),
    ],
    ids=[
        "GSM 160 is one",
        "GSM 161 is two",
        "emoji text of 71 chars is two",
        "70 chars is one",
        "80 extended GSM chars fill one",
        "81 extended GSM chars need two",
        "GSM 306 is two parts of 153",
        "GSM 307 is three",
    ],
)
def test_segments_are_counted_like_twilio(client: Client, body: str, segments: str) -> None:
    assert send(client, body=body).num_segments == segments


def test_status_callbacks_arrive_signed_in_order_sent_then_delivered(
    fake: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    callback = receiver.base_url + "/webhooks/twilio/status?dept=probation"

    created = send(client, status_callback=callback)
    fake.wait_for_callbacks()

    assert created.status == "queued"
    statuses = [r["params"]["MessageStatus"] for r in receiver.requests]
    assert statuses == ["sent", "delivered"]
    assert all(receiver.signed_correctly(r) for r in receiver.requests)
    assert receiver.requests[-1]["params"]["MessageSid"] == created.sid
    assert receiver.requests[-1]["params"]["AccountSid"] == LOCAL_ACCOUNT_SID
    assert client.messages(created.sid).fetch().status == "delivered"
    assert [entry[2] for entry in fake.callback_log] == [200, 200]


@pytest.mark.parametrize(
    ("number", "code"),
    [(LANDLINE_NUMBER, ERROR_LANDLINE), (UNREACHABLE_NUMBER, ERROR_UNREACHABLE)],
    ids=["landline gets 30006", "unreachable handset gets 30003"],
)
def test_special_numbers_end_undelivered_with_their_error_code(
    fake: FakeTwilio, client: Client, receiver: Receiver, number: str, code: int
) -> None:
    created = send(client, to=number, status_callback=receiver.base_url + "/status")
    fake.wait_for_callbacks()

    final = receiver.requests[-1]["params"]
    assert [r["params"]["MessageStatus"] for r in receiver.requests] == ["sent", "undelivered"]
    assert final["ErrorCode"] == str(code)
    assert receiver.signed_correctly(receiver.requests[-1])
    fetched = client.messages(created.sid).fetch()
    assert (fetched.status, fetched.error_code) == ("undelivered", code)


def test_a_failing_callback_receiver_does_not_break_the_fake(
    fake: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    receiver.status = 500
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    refused_url = f"http://127.0.0.1:{closed.server_address[1]}/status"
    closed.server_close()

    send(client, status_callback=receiver.base_url + "/status")
    send(client, status_callback=refused_url)
    fake.wait_for_callbacks()

    outcomes = [entry[2] for entry in fake.callback_log]
    assert outcomes.count(500) == 2
    assert sum(isinstance(o, str) for o in outcomes) == 2
    assert send(client).status == "queued"


def test_send_inbound_posts_a_signed_request_and_returns_the_twiml(
    fake: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    receiver.reply = (
        "<?xml version='1.0'?><Response><Message>Got it &amp; thanks</Message></Response>"
    )

    result = fake.send_inbound(
        from_=CLIENT_PHONE, to=PRETRIAL, body="hi", media_urls=("https://example.org/p.png",)
    )
    fake.wait_for_callbacks()

    posted = receiver.requests[0]
    assert receiver.signed_correctly(posted)
    assert posted["url"].endswith("/webhooks/twilio/sms")
    assert posted["params"]["MessageSid"] == result.message_sid
    assert posted["params"]["SmsMessageSid"] == result.message_sid
    assert posted["params"]["From"] == CLIENT_PHONE and posted["params"]["To"] == PRETRIAL
    assert posted["params"]["NumMedia"] == "1"
    assert posted["params"]["MediaContentType0"] == "image/png"
    assert result.status_code == 200
    assert "<Message>" in result.body
    assert result.replies == ("Got it & thanks",)
    stored = fake.messages(to=CLIENT_PHONE, from_=PRETRIAL)
    assert [(m["direction"], m["status"]) for m in stored] == [("outbound-reply", "delivered")]
    assert fake.messages(from_=CLIENT_PHONE)[0]["direction"] == "inbound"


def test_texting_stop_opts_the_phone_out_until_start(fake: FakeTwilio, client: Client) -> None:
    fake.send_inbound(from_=CLIENT_PHONE, to=PROBATION, body=" stop ")

    assert rest_error(client).code == 21610
    fake.send_inbound(from_=CLIENT_PHONE, to=PROBATION, body="START")
    assert send(client).status == "queued"


def test_simulator_api_lists_a_phones_conversation_and_posts_an_inbound(
    fake: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    receiver.reply = "<Response><Message>Auto reply</Message></Response>"
    send(client, body="Your appointment is Monday")
    api = "/simulator/api"

    status, posted = http_json(
        fake, api + "/inbound", {"from": CLIENT_PHONE, "to": PROBATION, "body": "ok"}
    )
    _, conversation = http_json(fake, f"{api}/phones/{quote(CLIENT_PHONE)}/messages")
    _, config = http_json(fake, api + "/config")
    bad_status, bad = http_json(fake, api + "/inbound", {"from": "nope", "to": PROBATION})
    wrong_type, _, _ = http_call(fake, "GET", api + "/inbound")

    assert status == 200
    assert posted["status_code"] == 200 and posted["replies"] == ["Auto reply"]
    bodies = [(m["incoming"], m["body"]) for m in conversation["messages"]]
    assert bodies == [(True, "Your appointment is Monday"), (False, "ok"), (True, "Auto reply")]
    assert conversation["messages"][0]["department_label"] == "Probation"
    assert config["numbers"][0] == {"number": PROBATION, "label": "Probation"}
    assert config["phones"] == [CLIENT_PHONE]
    assert bad_status == 400 and "E.164" in bad["error"]
    assert wrong_type == 405


class _FormAudit(HTMLParser):
    """Collects what an accessibility check cares about in the simulator's markup."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("path", ["/", "/simulator"])
def test_the_simulator_page_is_served_with_a_label_for_every_input(
    fake: FakeTwilio, path: str
) -> None:
    status, content_type, raw = http_call(fake, "GET", path)
    html = raw.decode()
    audit = _FormAudit()
    audit.feed(html)

    fields = [a["id"] for t, a in audit.tags if t in ("input", "select", "textarea")]
    labelled = {a.get("for") for t, a in audit.tags if t == "label"}
    assert status == 200 and content_type.startswith("text/html")
    assert fields and set(fields) <= labelled
    assert ("html", {"lang": "en"}) in audit.tags
    assert [t for t, _ in audit.tags].count("h1") == 1
    assert "main" in [t for t, _ in audit.tags]
    script = http_call(fake, "GET", "/simulator/static/simulator.js")[2].decode()
    assert "innerHTML" not in script and "textContent" in script


def test_sdk_client_helper_points_the_official_sdk_at_the_fake(fake: FakeTwilio) -> None:
    created = sdk_client(fake.base_url).messages.create(to=CLIENT_PHONE, from_=PROBATION, body="x")

    assert fake.messages()[0]["sid"] == created.sid


def test_changing_the_webhook_url_after_start_takes_effect(fake: FakeTwilio, receiver: Receiver):
    fake.sms_webhook_url = None
    assert fake.send_inbound(from_="+13855550101", to="+18015550100", body="x").error
    fake.sms_webhook_url = receiver.base_url + "/webhooks/twilio/sms"
    result = fake.send_inbound(from_="+13855550101", to="+18015550100", body="y")
    assert result.status_code == 200 and fake.sms_webhook_url.endswith("/webhooks/twilio/sms")
