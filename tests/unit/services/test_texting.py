"""Sending a text: once per one-time id, and the answer is always what really happened."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.adapters.twilio_errors import (
    InvalidRecipient,
    RecipientOptedOut,
    TwilioError,
    TwilioNotSent,
    TwilioOutcomeUnknown,
    TwilioRefused,
)
from chalicelib.domain.conversation import ConversationEntry, Direction, EntryKind
from chalicelib.domain.delivery import ERROR_EXPLANATIONS, NOT_SENT_REASON, UNKNOWN_REASON
from chalicelib.domain.errors import Forbidden, ValidationFailed
from chalicelib.domain.users import Role, User
from chalicelib.services.texting import SendPending, SendRefused, body_digest, send_text
from tests.fakes import new_draft_id

from .county import PROBATION_NUMBER

CALLBACKS = "https://clientcomm.example.gov/webhooks/twilio/status"
BODY = "See you Tuesday at 10."


@pytest.fixture()
def send(kristina, clients, outbound, gateway, jurisdiction) -> Callable[..., ConversationEntry]:
    def go(client_id: str, body: str = BODY, draft_id: str | None = None, user=kristina):
        draft = draft_id or new_draft_id()
        return send_text(
            user, clients, outbound, gateway, jurisdiction, client_id, body, draft, CALLBACKS
        )

    return go


def test_a_text_goes_once_from_the_department_number_to_the_clients_number(
    send, new_client, gateway, outbound, clients
):
    client = new_client()
    draft_id = new_draft_id()

    entry = send(client.client_id, draft_id=draft_id)

    [request] = gateway.requests
    assert (request.from_, request.to, request.body) == (PROBATION_NUMBER, client.phone, BODY)
    assert request.status_callback == f"{CALLBACKS}/{draft_id}"
    assert (entry.sid, entry.status, entry.entry_id) == (request.sid, "queued", draft_id)
    stored = outbound.first_attempt(draft_id).entry
    assert (stored.status, stored.sid, stored.segments) == ("queued", request.sid, 1)
    assert outbound.find_sid(request.sid).ref == outbound.locate(draft_id)
    assert clients.get(client.client_id).last_contact_at is None  # until it is delivered


def test_a_repeated_id_after_a_send_returns_the_first_text_and_sends_nothing(
    send, new_client, gateway
):
    client = new_client()
    draft_id = new_draft_id()
    first = send(client.client_id, draft_id=draft_id)

    again = send(client.client_id, draft_id=draft_id)

    assert (again.sid, again.status) == (first.sid, "queued")
    assert len(gateway.requests) == 1


def test_a_repeated_id_after_a_not_sent_is_refused_with_the_reason(send, new_client, gateway):
    client = new_client()
    draft_id = new_draft_id()
    gateway.fail_next(TwilioNotSent("connection refused"))
    with pytest.raises(SendRefused):
        send(client.client_id, draft_id=draft_id)

    with pytest.raises(SendRefused, match=NOT_SENT_REASON):
        send(client.client_id, draft_id=draft_id)
    assert len(gateway.requests) == 1


def test_a_repeated_id_after_a_failed_send_names_the_failure(send, new_client, gateway):
    client = new_client()
    draft_id = new_draft_id()
    gateway.fail_next(InvalidRecipient("not a mobile", 21614))
    with pytest.raises(SendRefused):
        send(client.client_id, draft_id=draft_id)

    with pytest.raises(SendRefused, match=ERROR_EXPLANATIONS[21614]):
        send(client.client_id, draft_id=draft_id)
    assert len(gateway.requests) == 1


def test_a_repeated_id_while_the_outcome_is_unknown_is_pending(send, new_client, gateway):
    client = new_client()
    draft_id = new_draft_id()
    gateway.fail_next(TwilioOutcomeUnknown("read timeout"))
    with pytest.raises(SendPending):
        send(client.client_id, draft_id=draft_id)

    with pytest.raises(SendPending) as pending:
        send(client.client_id, draft_id=draft_id)
    assert str(pending.value) == UNKNOWN_REASON
    assert len(gateway.requests) == 1


def test_a_repeated_id_while_the_first_is_still_sending_is_pending(
    now, send, new_client, gateway, outbound
):
    client = new_client()
    draft_id = new_draft_id()
    outbound.start(  # the first request is between recording the text and Twilio's answer
        ConversationEntry(
            client.client_id,
            draft_id,
            now,
            EntryKind.TEXT,
            BODY,
            Direction.OUTBOUND,
            client.phone,
            "sending_to_twilio",
        ),
        body_digest(client.client_id, BODY),
    )

    with pytest.raises(SendPending, match="still being sent"):
        send(client.client_id, draft_id=draft_id)
    assert gateway.requests == []


def test_the_same_id_with_another_body_is_refused(send, new_client, gateway, outbound):
    client = new_client()
    draft_id = new_draft_id()
    send(client.client_id, draft_id=draft_id)

    with pytest.raises(SendRefused, match="already used to send a different text"):
        send(client.client_id, "Actually, Wednesday.", draft_id=draft_id)
    assert len(gateway.requests) == 1
    assert outbound.first_attempt(draft_id).entry.body == BODY


def test_the_same_id_for_another_client_is_refused(send, new_client, gateway):
    first, second = new_client(), new_client(phone="+13035550102")
    draft_id = new_draft_id()
    send(first.client_id, draft_id=draft_id)

    with pytest.raises(SendRefused, match="already used to send a different text"):
        send(second.client_id, draft_id=draft_id)
    assert [r.to for r in gateway.requests] == [first.phone]


def test_an_opted_out_client_is_refused_without_calling_twilio(send, new_client, gateway, outbound):
    client = new_client(opted_out=True)

    with pytest.raises(SendRefused, match="texted STOP, so nothing can be sent"):
        send(client.client_id)
    assert gateway.requests == [] and outbound.entries == {}


@pytest.mark.parametrize(
    ("error", "raised", "status", "code", "problem"),
    [
        (TwilioNotSent("503 from Twilio", 20503), SendRefused, "not_sent", 20503, NOT_SENT_REASON),
        (TwilioOutcomeUnknown("read timeout"), SendPending, "unknown", None, ""),
        (
            InvalidRecipient("invalid To", 21211),
            SendRefused,
            "failed",
            21211,
            ERROR_EXPLANATIONS[21211],
        ),
        (
            TwilioRefused("bad From", 21606),
            SendRefused,
            "failed",
            21606,
            "The text could not be delivered (Twilio error 21606).",
        ),
    ],
)
def test_each_twilio_error_leaves_the_status_it_proves(
    send, new_client, gateway, outbound, clients, error, raised, status, code, problem
):
    client = new_client()
    draft_id = new_draft_id()
    gateway.fail_next(error)

    with pytest.raises(raised):
        send(client.client_id, draft_id=draft_id)

    stored = outbound.first_attempt(draft_id).entry
    assert (stored.status, stored.error_code) == (status, code)
    assert clients.get(client.client_id).delivery_problem == problem
    assert clients.get(client.client_id).opted_out is False


def test_twilio_saying_the_client_replied_stop_fails_the_text_and_opts_them_out(
    send, new_client, gateway, outbound, clients
):
    client = new_client()
    draft_id = new_draft_id()
    gateway.fail_next(RecipientOptedOut("unsubscribed recipient", 21610))

    with pytest.raises(SendRefused, match="marked as opted out"):
        send(client.client_id, draft_id=draft_id)

    stored = outbound.first_attempt(draft_id).entry
    assert (stored.status, stored.error_code) == ("failed", 21610)
    assert clients.get(client.client_id).opted_out is True


def test_after_a_not_sent_a_fresh_form_sends_the_text(send, new_client, gateway):
    client = new_client()
    gateway.fail_next(TwilioNotSent("connection refused"))
    with pytest.raises(SendRefused):
        send(client.client_id)

    entry = send(client.client_id)

    assert entry.status == "queued"
    assert len(gateway.sent) == 1 and len(gateway.requests) == 2


@pytest.mark.parametrize("body", ["\u200b\u200b", "\x00\x07\x1b", " \u200b\n\t\ufeff "])
def test_a_body_of_only_invisible_characters_is_refused_before_anything_is_recorded(
    send, new_client, gateway, outbound, body
):
    client = new_client()

    with pytest.raises(ValidationFailed) as refused:
        send(client.client_id, body)

    assert "body" in refused.value.field_errors
    assert gateway.requests == [] and outbound.entries == {}


def test_a_form_without_a_valid_one_time_id_is_refused(send, new_client, gateway):
    client = new_client()

    with pytest.raises(ValidationFailed, match="reload the page"):
        send(client.client_id, draft_id="not-a-one-time-id")
    assert gateway.requests == []


def test_a_client_on_someone_elses_caseload_cannot_be_texted(send, new_client, gateway, outbound):
    client = new_client(case_manager_id="another-case-manager")

    with pytest.raises(Forbidden):
        send(client.client_id)
    assert gateway.requests == [] and outbound.entries == {}


def test_a_client_whose_department_has_no_number_is_refused(send, new_client, gateway):
    client = new_client(department_id="parole")
    supervisor = User("sam", "Sam Super", "sam@county.invalid", Role.SUPERVISOR, "parole")

    with pytest.raises(SendRefused, match="no texting number"):
        send(client.client_id, user=supervisor)
    assert gateway.requests == []


def test_an_error_of_the_base_class_still_records_a_failure(send, new_client, gateway, outbound):
    client = new_client()
    draft_id = new_draft_id()
    gateway.fail_next(TwilioError("something else", None))

    with pytest.raises(SendRefused, match="did not accept"):
        send(client.client_id, draft_id=draft_id)
    assert outbound.first_attempt(draft_id).entry.status == "failed"


def test_a_text_written_for_the_clients_current_number_goes(send_to, new_client, gateway):
    client = new_client()

    entry = send_to(client.client_id, client.phone)

    assert entry.status == "queued" and [r.to for r in gateway.requests] == [client.phone]


def test_a_text_written_for_a_number_the_client_no_longer_has_is_not_sent(
    send_to, new_client, gateway, outbound, clients
):
    client = new_client()
    clients.change_fields(client.client_id, phone="+13035550199")

    with pytest.raises(SendRefused, match="has a new number since this was written; nothing"):
        send_to(client.client_id, client.phone)
    assert gateway.requests == [] and outbound.entries == {}


def test_a_retry_after_the_number_changed_answers_what_the_first_attempt_did(
    send_to, new_client, gateway, clients
):
    client = new_client()
    draft_id = new_draft_id()
    first = send_to(client.client_id, client.phone, draft_id)  # its answer never arrived
    clients.change_fields(client.client_id, phone="+13035550199")

    again = send_to(client.client_id, client.phone, draft_id)

    assert (again.entry_id, again.sid) == (first.entry_id, first.sid)
    assert len(gateway.requests) == 1


def test_a_retry_after_an_opt_out_answers_what_the_first_attempt_did(
    send_to, new_client, gateway, clients
):
    client = new_client()
    draft_id = new_draft_id()
    first = send_to(client.client_id, client.phone, draft_id)
    clients.change_fields(client.client_id, opted_out=True)

    assert send_to(client.client_id, client.phone, draft_id).sid == first.sid
    with pytest.raises(SendRefused, match="texted STOP, so nothing can be sent"):
        send_to(client.client_id, client.phone)  # a new text is refused as before
    assert len(gateway.requests) == 1


def test_a_number_the_form_did_not_write_as_stored_asks_for_a_reload(send_to, new_client, gateway):
    client = new_client()

    with pytest.raises(ValidationFailed, match="reload the page"):
        send_to(client.client_id, "303 555 0101")
    assert gateway.requests == []


@pytest.fixture()
def send_to(kristina, clients, outbound, gateway, jurisdiction) -> Callable[..., ConversationEntry]:
    """A send whose form says which number the text was written for."""

    def go(client_id: str, to_phone: str, draft_id: str | None = None):
        draft = draft_id or new_draft_id()
        return send_text(
            kristina,
            clients,
            outbound,
            gateway,
            jurisdiction,
            client_id,
            BODY,
            draft,
            CALLBACKS,
            to_phone=to_phone,
        )

    return go
