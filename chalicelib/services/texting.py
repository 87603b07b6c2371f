"""Sending a text to a client, exactly once, to their current number only."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from ..adapters.twilio_gateway import RecipientOptedOut, TwilioError, TwilioGateway
from ..domain.conversation import ConversationEntry, Direction, EntryKind
from ..domain.delivery import OPTED_OUT, explain
from ..domain.errors import ClientCommError, ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.segments import MAX_BODY, count_segments
from ..domain.users import User
from ..store.clients import ClientStore
from ..store.outbound import OutboundStore
from .caseload import open_client

DRAFT_ID = re.compile(r"^[0-9a-f]{16,32}$")


class SendRefused(ClientCommError):
    """The text was not sent; the message says why in a case manager's words."""


def check_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationFailed({"body": "Write a message first."})
    if len(text) > MAX_BODY:
        raise ValidationFailed(
            {"body": f"The message is {len(text)} characters; texts stop at {MAX_BODY}."}
        )
    return text


def send_text(
    user: User,
    clients: ClientStore,
    outbound: OutboundStore,
    gateway: TwilioGateway,
    jurisdiction: Jurisdiction,
    client_id: str,
    body: str,
    draft_id: str,
    status_callback: str,
) -> ConversationEntry:
    """Three DynamoDB round trips: read the client, record "sending", record Twilio's answer.

    ``draft_id`` comes with the form, so a double click or a resubmitted form finds the
    text already written and does not send it again.
    """
    text = check_body(body)
    if not DRAFT_ID.match(draft_id or ""):
        raise ValidationFailed({"body": "The form is out of date; reload the page."})
    client = open_client(user, clients, client_id)
    if client.opted_out:
        raise SendRefused(
            f"{client.full_name} replied STOP, so texts to them are blocked. "
            "They can text START to the department number to allow texts again."
        )
    department = jurisdiction.department(client.department_id)
    if department is None:
        raise SendRefused("This client's department has no texting number configured.")
    entry = ConversationEntry(
        client_id=client.client_id,
        entry_id=draft_id,
        at=datetime.now(UTC),
        kind=EntryKind.TEXT,
        body=text,
        direction=Direction.OUTBOUND,
        phone=client.phone,
        status="sending_to_twilio",
        author_id=user.user_id,
        segments=count_segments(text),
    )
    if not outbound.start_outbound(entry):
        return entry  # already sent from this form
    try:
        sent = gateway.send(
            from_=department.twilio_number,
            to=client.phone,
            body=text,
            status_callback=status_callback,
        )
    except RecipientOptedOut as exc:
        outbound.mark_failed(client, entry, OPTED_OUT, explain(OPTED_OUT))
        raise SendRefused(
            f"{client.full_name} has replied STOP to this number, so Twilio "
            "refused the text. It is marked as opted out."
        ) from exc
    except TwilioError as exc:
        outbound.mark_failed(
            client, entry, exc.code, explain(exc.code) or "Twilio did not accept the text."
        )
        raise SendRefused(
            "The text could not be handed to Twilio and was not sent. Try again in a minute."
        ) from exc
    outbound.record_sent(client, entry, sent.sid, sent.status, sent.segments)
    return replace(entry, sid=sent.sid, status=sent.status)
