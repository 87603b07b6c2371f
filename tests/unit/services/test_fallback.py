"""The fallback URL keeps Twilio's request on a queue; the replay handles each one once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from twilio.request_validator import RequestValidator

from chalicelib.domain.errors import NotStored, ValidationFailed
from chalicelib.services.fallback import KeptRequest, NotKept, keep_for_replay, replay_kept
from chalicelib.services.receiving import InboundText, receive_text
from tests.fakes import FakeQueue, new_sid

from .county import PROBATION_NUMBER

TOKEN = "test-auth-token"
URL = "https://clientcomm.example.gov/webhooks/twilio/sms"


def signed(form: dict[str, str], token: str = TOKEN) -> KeptRequest:
    return KeptRequest(URL, form, RequestValidator(token).compute_signature(URL, form))


def inbound_form(sender: str = "+13035550101", body: str = "on my way") -> dict[str, str]:
    return {"MessageSid": new_sid(), "From": sender, "To": PROBATION_NUMBER, "Body": body}


class Handler:
    """The replay's handle: records what it was given, and can fail like the real path."""

    def __init__(self, error: Exception | None = None) -> None:
        self.forms: list[dict[str, str]] = []
        self.error = error

    def __call__(self, kept: KeptRequest) -> None:
        self.forms.append(kept.form)
        if self.error is not None:
            raise self.error


@pytest.fixture()
def queue() -> FakeQueue:
    return FakeQueue()


def test_a_kept_request_goes_on_the_queue_exactly_as_signed(queue):
    request = signed(inbound_form())

    message_id = keep_for_replay(queue, request)

    assert list(queue.messages) == [message_id]
    assert KeptRequest.from_json(queue.bodies[0]) == request


def test_a_queue_that_does_not_keep_the_request_raises_not_kept(queue):
    queue.unavailable = True

    with pytest.raises(NotKept) as refused:
        keep_for_replay(queue, signed(inbound_form()))
    assert isinstance(refused.value, NotStored)


def test_replayed_requests_are_handled_and_deleted(queue):
    forms = [inbound_form(body=f"text {n}") for n in range(3)]
    for form in forms:
        keep_for_replay(queue, signed(form))
    handle = Handler()

    report = replay_kept(queue, handle, TOKEN)

    assert (report.replayed, report.left_for_later, report.discarded) == (3, 0, 0)
    assert handle.forms == forms
    assert queue.messages == {}


def test_a_request_whose_write_still_fails_stays_on_the_queue_for_later(queue):
    form = inbound_form()
    keep_for_replay(queue, signed(form))

    report = replay_kept(queue, Handler(NotStored("DynamoDB is throttling")), TOKEN)

    assert (report.replayed, report.left_for_later) == (0, 1)
    assert [KeptRequest.from_json(b).form for b in queue.bodies] == [form]
    queue.time_out_in_flight()  # SQS shows it again after its visibility timeout
    later = replay_kept(queue, Handler(), TOKEN)
    assert later.replayed == 1 and queue.messages == {}


SIGNED = signed(inbound_form())


@pytest.mark.parametrize(
    "request_",
    [
        signed(inbound_form(), token="another-accounts-token"),
        replace(SIGNED, signature=""),
        replace(SIGNED, url=URL.replace("/sms", "/status")),
    ],
    ids=["another token", "no signature", "another url"],
)
def test_a_request_whose_signature_does_not_check_out_is_discarded_unhandled(queue, request_):
    keep_for_replay(queue, request_)
    handle = Handler()

    report = replay_kept(queue, handle, TOKEN)

    assert report.discarded == 1 and report.replayed == 0
    assert handle.forms == [] and queue.messages == {}


def test_a_form_changed_after_signing_is_discarded(queue):
    request = signed(inbound_form(body="see you at 3"))
    request.form["Body"] = "see you at 4"
    keep_for_replay(queue, request)
    handle = Handler()

    report = replay_kept(queue, handle, TOKEN)

    assert report.discarded == 1 and handle.forms == []


@pytest.mark.parametrize("body", ["not json at all", '{"url": "https://x.invalid"}', "[1, 2]"])
def test_an_unreadable_kept_request_is_discarded(queue, body):
    queue.send(body)
    handle = Handler()

    report = replay_kept(queue, handle, TOKEN)

    assert report.discarded == 1 and handle.forms == []
    assert queue.messages == {}


def test_a_request_twilio_could_not_have_sent_is_discarded_after_handling(queue):
    keep_for_replay(queue, signed({"MessageSid": "nonsense", "From": "", "To": ""}))

    report = replay_kept(queue, Handler(ValidationFailed({"MessageSid": "is missing"})), TOKEN)

    assert (report.discarded, report.replayed, report.left_for_later) == (1, 0, 0)
    assert queue.messages == {}


def test_replay_stops_when_its_time_budget_is_used(queue):
    for n in range(15):
        keep_for_replay(queue, signed(inbound_form(body=f"text {n}")))
    times = iter([0.0, 1.0, 41.0])  # start, before the first batch, before the second

    report = replay_kept(queue, Handler(), TOKEN, budget_seconds=40.0, clock=lambda: next(times))

    assert report.replayed == 10
    assert len(queue.messages) == 5


def test_a_text_kept_twice_and_replayed_is_stored_once(
    queue, jurisdiction, clients, inbound, unclaimed, new_client
):
    client = new_client()
    request = signed(inbound_form(sender=client.phone))
    keep_for_replay(queue, request)
    keep_for_replay(queue, request)  # Twilio's retry also went to the fallback URL

    def handle(kept: KeptRequest) -> object:
        text = InboundText.from_form(kept.form, received_at=kept.received_at)
        return receive_text(text, jurisdiction, clients, inbound, unclaimed)

    report = replay_kept(queue, handle, TOKEN)

    assert report.replayed == 2 and queue.messages == {}
    assert [e.sid for e in inbound.conversation(client.client_id)] == [request.form["MessageSid"]]
    assert clients.get(client.client_id).unread_count == 1
