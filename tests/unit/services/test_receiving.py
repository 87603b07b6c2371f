"""Receiving a text: found by department number and sender, keywords first, stored once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from chalicelib.domain.clients import ClientDetails
from chalicelib.domain.conversation import ConversationEntry, EntryKind
from chalicelib.domain.errors import NotStored
from chalicelib.domain.jurisdiction import Jurisdiction
from chalicelib.domain.sentiment import KEEP
from chalicelib.services.receiving import InboundText, Received, receive_text
from chalicelib.store.write_failures import Cause, WriteNotStored
from tests.fakes import FakeClientStore, FakeInboundStore, new_sid

from .county import AUTO_REPLY_EN, HELP_EN, HELP_ES, PRETRIAL_NUMBER, PROBATION_NUMBER

Receive = Callable[[InboundText], Received]


def text_from(sender: str, body: str = "running late, be there at 3", **fields) -> InboundText:
    values = {"sid": new_sid(), "to": PROBATION_NUMBER, **fields}
    return InboundText(sender=sender, body=body, **values)


@pytest.fixture()
def receive(jurisdiction, clients, inbound, unclaimed) -> Receive:
    return lambda text: receive_text(text, jurisdiction, clients, inbound, unclaimed)


def texts_of(inbound: FakeInboundStore, client_id: str) -> list[ConversationEntry]:
    return [e for e in inbound.conversation(client_id) if e.kind is EntryKind.TEXT]


def markers_of(inbound: FakeInboundStore, client_id: str) -> list[str]:
    return [e.marker for e in inbound.conversation(client_id) if e.kind is EntryKind.MARKER]


def test_a_text_from_a_known_client_is_stored_once_and_a_retry_is_a_duplicate(
    receive, new_client, inbound, clients
):
    client = new_client()
    text = text_from(client.phone)

    first = receive(text)
    retry = receive(text)

    assert first == Received("stored", None, client.client_id)
    assert retry == Received("duplicate", None, client.client_id)
    assert [e.sid for e in texts_of(inbound, client.client_id)] == [text.sid]
    assert clients.get(client.client_id).unread_count == 1


def test_a_stored_text_is_unread_and_puts_the_client_on_the_mail_index(
    receive, new_client, clients
):
    client = new_client()

    receive(text_from(client.phone))
    receive(text_from(client.phone, "and I'll bring the form"))

    stored = clients.get(client.client_id)
    assert (stored.unread_count, stored.inbound_count) == (2, 2)
    assert stored.last_contact_at is not None
    assert [due.client_id for due in clients.with_unmailed_texts()] == [client.client_id]


def test_stop_opts_the_client_out_with_a_marker_and_no_reply(receive, new_client, clients, inbound):
    client = new_client()

    received = receive(text_from(client.phone, "Stop."))

    assert received.outcome == "stored" and received.reply is None
    assert clients.get(client.client_id).opted_out is True
    assert markers_of(inbound, client.client_id) == ["opted_out"]
    assert texts_of(inbound, client.client_id)[0].details["keyword"] == "stop"


@pytest.mark.parametrize("word", ["START", "yes"])
def test_start_or_yes_opts_an_opted_out_client_back_in(receive, new_client, clients, inbound, word):
    client = new_client(opted_out=True)

    receive(text_from(client.phone, word))

    assert clients.get(client.client_id).opted_out is False
    assert markers_of(inbound, client.client_id) == ["opted_in"]


def test_yes_from_a_client_who_never_opted_out_is_just_an_answer(
    receive, new_client, clients, inbound
):
    client = new_client()

    receive(text_from(client.phone, "yes"))

    assert clients.get(client.client_id).opted_out is False
    assert markers_of(inbound, client.client_id) == []
    assert texts_of(inbound, client.client_id)[0].sentiment is not None


@pytest.mark.parametrize(("language", "answer"), [("en", HELP_EN), ("es", HELP_ES)])
def test_help_is_answered_in_the_clients_language(receive, new_client, language, answer):
    client = new_client(language=language)

    received = receive(text_from(client.phone, "help"))

    assert received == Received("stored", answer, client.client_id)


@pytest.mark.parametrize("word", ["STOP", "START", "HELP"])
def test_keywords_are_not_scored_for_tone(receive, new_client, clients, inbound, word):
    client = new_client()

    receive(text_from(client.phone, word))

    assert texts_of(inbound, client.client_id)[0].sentiment is None
    assert clients.get(client.client_id).recent_sentiment == ()


def test_a_plain_text_is_scored_and_its_score_kept_on_the_client(
    receive, new_client, clients, inbound
):
    client = new_client()

    receive(text_from(client.phone, "I hate this, everything is going wrong"))

    score = texts_of(inbound, client.client_id)[0].sentiment
    assert score is not None and score < 0
    assert clients.get(client.client_id).recent_sentiment == (score,)


def test_a_grown_list_of_scores_is_trimmed_to_the_newest(receive, new_client, clients, inbound):
    old_scores = tuple(round(i / 100, 2) for i in range(2 * KEEP))
    client = new_client(recent_sentiment=old_scores)

    receive(text_from(client.phone, "thank you so much, that really helped"))

    score = texts_of(inbound, client.client_id)[0].sentiment
    assert clients.get(client.client_id).recent_sentiment == (*old_scores[-(KEEP - 1) :], score)


def test_a_text_from_an_old_number_is_marked_and_kept(receive, new_client, clients, inbound):
    client = new_client(phone="+13035550101")
    details = ClientDetails(client.first_name, client.last_name, "+13035550102")
    clients.update_details(client, details, None)

    received = receive(text_from("+13035550101"))

    assert received == Received("stored", None, client.client_id)
    assert texts_of(inbound, client.client_id)[0].from_old_number is True
    old_number = next(e for e in inbound.conversation(client.client_id) if e.marker)
    assert old_number.marker == "old_number"
    assert "(303) 555-0101" in old_number.body and "(303) 555-0102" in old_number.body


def test_a_number_written_the_local_way_finds_the_client_stored_in_e164(
    receive, new_client, inbound
):
    client = new_client(phone="+13035550101")

    received = receive(text_from("(303) 555-0101"))

    assert received.client_id == client.client_id
    assert texts_of(inbound, client.client_id)[0].phone == "+13035550101"


def test_an_unknown_number_is_unclaimed_and_only_its_first_text_gets_the_auto_reply(
    receive, unclaimed, inbound
):
    answers = [receive(text_from("+13035550199", body)) for body in ("hi", "hello?", "anyone")]

    assert answers == [
        Received("unclaimed", AUTO_REPLY_EN),
        Received("unclaimed"),
        Received("unclaimed"),
    ]
    assert unclaimed.get("probation", "+13035550199").count == 3
    assert inbound.entries == []


def test_a_retry_of_an_unclaimed_text_stores_nothing_twice_and_answers_the_same(receive, unclaimed):
    text = text_from("+13035550199")

    first, retry = receive(text), receive(text)

    assert (first.outcome, retry.outcome) == ("unclaimed", "duplicate")
    assert retry.reply == first.reply == AUTO_REPLY_EN  # the first answer may have been lost
    waiting = unclaimed.texts("probation", "+13035550199")
    assert [(e.kind, e.sid or e.details["in_reply_to"]) for e in waiting] == [
        (EntryKind.TEXT, text.sid),
        (EntryKind.SYSTEM, text.sid),
    ]


def test_the_auto_reply_is_kept_with_the_unclaimed_thread_as_an_automatic_reply(receive, unclaimed):
    receive(text_from("+13035550199", "who is this"))
    receive(text_from("+13035550199", "hello?"))

    waiting = unclaimed.texts("probation", "+13035550199")
    [reply] = [e for e in waiting if e.kind is EntryKind.SYSTEM]
    assert reply.body == AUTO_REPLY_EN and reply.details["sent_by"] == "clientcomm"
    assert reply.automatic == "Automatic reply by ClientComm (auto-reply to an unknown number)"
    assert waiting.index(reply) == 1  # right after the text it answered


def test_a_replayed_unclaimed_text_offers_no_auto_reply_so_a_live_one_still_gets_it(
    now, receive, unclaimed
):
    kept = text_from("+13035550199", received_at=now - timedelta(minutes=30))

    assert receive(kept) == Received("unclaimed", None)
    assert receive(text_from("+13035550199")) == Received("unclaimed", AUTO_REPLY_EN)


def test_stop_from_an_unknown_number_gets_no_auto_reply_only_twilios_confirmation(
    receive, unclaimed
):
    assert receive(text_from("+13035550199", "STOP")) == Received("unclaimed", None)

    waiting = unclaimed.texts("probation", "+13035550199")
    assert [e.details.get("reason") for e in waiting] == [None, "opt_out_confirmation"]
    later = receive(text_from("+13035550199", "START"))
    assert later.reply == AUTO_REPLY_EN  # the number's auto-reply was not used up
    reasons = [e.details.get("reason") for e in unclaimed.texts("probation", "+13035550199")]
    assert reasons[-2:] == ["opt_in_confirmation", "auto_reply"]


def system_texts_of(inbound: FakeInboundStore, client_id: str) -> list[tuple[str, str, str]]:
    return [
        (e.details["reason"], e.details["sent_by"], e.body)
        for e in inbound.conversation(client_id)
        if e.kind is EntryKind.SYSTEM
    ]


def test_help_is_recorded_with_the_exact_words_and_twilios_own_reply(receive, new_client, inbound):
    client = new_client()
    text = text_from(client.phone, "HELP")

    received = receive(text)

    assert received.reply == HELP_EN
    [(reason, sender, body), twilio] = system_texts_of(inbound, client.client_id)
    assert (reason, sender, body) == ("help", "clientcomm", HELP_EN)
    assert twilio[:2] == ("twilio_help", "twilio")
    ours = next(e for e in inbound.conversation(client.client_id) if e.kind is EntryKind.SYSTEM)
    assert ours.details["in_reply_to"] == text.sid
    assert ours.at > texts_of(inbound, client.client_id)[0].at


def test_ayuda_is_answered_by_us_alone(receive, new_client, inbound):
    client = new_client(language="es")

    assert receive(text_from(client.phone, "Ayuda")).reply == HELP_ES
    assert system_texts_of(inbound, client.client_id) == [("help", "clientcomm", HELP_ES)]


def test_stop_and_start_record_that_twilio_confirmed_in_its_own_words(receive, new_client, inbound):
    client = new_client()

    assert receive(text_from(client.phone, "STOP")).reply is None
    assert receive(text_from(client.phone, "start")).reply is None

    recorded = system_texts_of(inbound, client.client_id)
    assert [(r, s) for r, s, _ in recorded] == [
        ("opt_out_confirmation", "twilio"),
        ("opt_in_confirmation", "twilio"),
    ]
    assert "Twilio" in recorded[0][2] and "own words" in recorded[0][2]


def test_a_retried_help_text_is_answered_again_and_recorded_once(receive, new_client, inbound):
    client = new_client()
    text = text_from(client.phone, "help")

    first, retry = receive(text), receive(text)

    assert first.reply == retry.reply == HELP_EN and retry.outcome == "duplicate"
    assert [r for r, _, _ in system_texts_of(inbound, client.client_id)] == [
        "help",
        "twilio_help",
    ]


def test_a_replayed_help_text_records_no_reply_from_us(now, receive, new_client, inbound):
    client = new_client()
    kept = text_from(client.phone, "HELP", received_at=now - timedelta(hours=1))

    assert receive(kept).reply is None
    assert [r for r, _, _ in system_texts_of(inbound, client.client_id)] == ["twilio_help"]


def test_a_clients_number_texting_another_departments_number_is_unclaimed_there(
    receive, new_client, unclaimed, inbound
):
    client = new_client()

    received = receive(text_from(client.phone, to=PRETRIAL_NUMBER))

    assert received.outcome == "unclaimed" and received.client_id is None
    assert unclaimed.get("pretrial", client.phone).count == 1
    assert inbound.entries == []


def test_a_text_to_no_departments_number_is_ignored(receive, unclaimed, inbound):
    received = receive(text_from("+13035550199", to="+18015550999"))

    assert received == Received("unknown_department")
    assert unclaimed.waiting == {} and inbound.entries == []


def test_a_route_to_a_client_who_is_gone_keeps_the_text_as_unclaimed(
    receive, new_client, clients, unclaimed
):
    client = new_client()
    del clients.clients[client.client_id]

    received = receive(text_from(client.phone))

    assert received.outcome == "unclaimed"
    assert unclaimed.get("probation", client.phone).count == 1


def test_pictures_are_counted_on_the_stored_text(receive, new_client, inbound):
    client = new_client()
    media = (
        ("https://api.twilio.invalid/1", "image/jpeg"),
        ("https://api.twilio.invalid/2", "image/png"),
    )

    receive(text_from(client.phone, "", media=media))

    stored = texts_of(inbound, client.client_id)[0]
    assert stored.details == {"media_count": "2", "media_types": "image/jpeg,image/png"}
    assert stored.sentiment is None


def test_a_text_that_could_not_be_stored_raises_not_stored_for_twilio_to_retry(
    jurisdiction: Jurisdiction, new_client, clients: FakeClientStore, unclaimed
):
    class FailingInbound(FakeInboundStore):
        def store_inbound(self, client, entry, change, markers=(), readers=()):
            raise WriteNotStored(f"inbound text {entry.sid}", Cause.THROTTLED)

    client = new_client()
    failing = FailingInbound(clients)

    with pytest.raises(NotStored):
        receive_text(text_from(client.phone), jurisdiction, clients, failing, unclaimed)
    assert clients.get(client.client_id).unread_count == 0
