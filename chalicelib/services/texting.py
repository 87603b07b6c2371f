"""Sending a text to a client, exactly once, to their current number only.

The send form carries a one-time id. Its first use records the text before Twilio is
called; any later use of the same id gets the first attempt's real outcome (sent, refused
with the reason, still in progress, or not known yet) and sends nothing, and an id reused
for another client or another body is refused. The answer a case manager sees is the truth.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import UTC, datetime

from ..adapters.twilio_gateway import (
    InvalidRecipient,
    RecipientOptedOut,
    TwilioError,
    TwilioGateway,
    TwilioNotSent,
    TwilioOutcomeUnknown,
)
from ..domain.conversation import ConversationEntry, Direction, EntryKind
from ..domain.delivery import (
    NOT_SENT_REASON,
    OPTED_OUT,
    PROBLEMS,
    UNKNOWN_REASON,
    effect_on_client,
    explain,
)
from ..domain.errors import ClientCommError, ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.message_body import checked_body
from ..domain.segments import count_segments
from ..domain.send_block import why_not_to_this_number, why_sending_is_off
from ..domain.users import User
from ..store.clients import ClientStore
from ..store.outbound import FirstAttempt, OutboundRef, OutboundStore, StatusChange, ref_for
from .attachments import Attachment, Bucket, checked_item, hand_over, media_urls
from .caseload import open_client

DRAFT_ID = re.compile(r"^[0-9a-f]{16,32}$")


class SendRefused(ClientCommError):
    """The text was not sent; the message says why in a case manager's words."""


class SendPending(ClientCommError):
    """The text may be on its way but it is not known yet; don't send it again."""


def check_body(body: str) -> str:
    return checked_body(body)


def body_digest(client_id: str, body: str, media_keys: tuple[str, ...] = ()) -> str:
    """What a one-time id was used for: the client, the exact body and its files (a text
    without files digests as it always did)."""
    files = "".join(f"\x00{key}" for key in media_keys)
    return hashlib.sha256(f"{client_id}\x00{body}{files}".encode()).hexdigest()[:32]


def send_text(
    user: User,
    clients: ClientStore,
    outbound: OutboundStore,
    gateway: TwilioGateway,
    jurisdiction: Jurisdiction,
    client_id: str,
    body: str,
    draft_id: str,
    status_callback_base: str,
    attachment: Attachment | None = None,
    bucket: Bucket | None = None,
    to_phone: str = "",
) -> ConversationEntry:
    """Three DynamoDB round trips and one Twilio call: read the client, record "sending",
    record Twilio's answer. ``status_callback_base`` + "/" + the one-time id is where
    Twilio reports the text's status. An ``attachment`` (an upload of this client's, checked
    in ``bucket`` before anything is written) makes it an MMS; its text may then be empty.
    ``to_phone``: the number the text was written for; another number now refuses it."""
    text = checked_body(body) if body.strip() or attachment is None else ""
    if not DRAFT_ID.match(draft_id or ""):
        raise ValidationFailed({"body": "The form is out of date; reload the page."})
    client = open_client(user, clients, client_id)
    blocked = why_sending_is_off(client) or why_not_to_this_number(client, to_phone)
    if blocked:
        keys = (attachment.key,) if attachment else ()
        digest = body_digest(client.client_id, text, keys)
        return answer_if_used(outbound, client.client_id, draft_id, digest, blocked)
    media = (checked_item(bucket, client.client_id, attachment),) if attachment and bucket else ()
    if attachment and not media:
        raise SendRefused("Attachments cannot be sent from here.")
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
        media=media,
    )
    return send_once(
        outbound,
        gateway,
        entry,
        department.twilio_number,
        status_callback_base,
        client.full_name,
        bucket,
    )


def send_once(
    outbound: OutboundStore,
    gateway: TwilioGateway,
    entry: ConversationEntry,
    from_number: str,
    status_callback_base: str,
    name: str,
    bucket: Bucket | None = None,
) -> ConversationEntry:
    """Record ``entry`` as "sending", hand it to Twilio, record the answer. A repeated
    one-time id sends nothing and gets the first attempt's real outcome. ``name`` is who
    the text is for, as refusals say it. Its media's URLs are signed as it is handed over."""
    digest = body_digest(entry.client_id, entry.body, tuple(m.key for m in entry.media))
    earlier = outbound.start(entry, digest)
    if earlier is not None:
        return first_outcome(earlier, entry.client_id, digest)
    ref = ref_for(entry)
    try:
        sent = hand_over(
            gateway,
            media_urls(bucket, entry.media),  # signed now, as it is handed over
            from_=from_number,
            to=entry.phone,
            body=entry.body,
            status_callback=f"{status_callback_base.rstrip('/')}/{entry.entry_id}",
        )
    except TwilioError as exc:
        record_failure(outbound, ref, exc)
        raise refusal(name, exc) from exc
    outbound.record_sent(ref, entry.entry_id, entry.author_id, sent.sid, sent.status, sent.segments)
    return replace(entry, sid=sent.sid, status=sent.status)


def answer_if_used(
    outbound: OutboundStore, client_id: str, draft_id: str, digest: str, refusal_reason: str
) -> ConversationEntry:
    """A send the rules now refuse may be the retry of one that went before the client
    opted out or changed number (its answer was lost on the way to the device): the first
    attempt's outcome is the truth then. Only a refusal pays for this extra read."""
    earlier = outbound.first_attempt(draft_id)
    if earlier is None:
        raise SendRefused(refusal_reason)
    return first_outcome(earlier, client_id, digest)


def first_outcome(earlier: FirstAttempt, client_id: str, digest: str) -> ConversationEntry:
    """The answer to a repeated one-time id: what its first use really did."""
    if earlier.ref.client_id != client_id or earlier.body_digest != digest:
        raise SendRefused(
            "This form was already used to send a different text. Nothing was sent; "
            "reload the page and send again."
        )
    entry = earlier.entry
    if entry is None or entry.status == "sending_to_twilio":
        raise SendPending("This text is still being sent. The conversation will show it.")
    if entry.status == "unknown":
        raise SendPending(UNKNOWN_REASON)
    if entry.status in PROBLEMS:
        raise SendRefused(f"This text was not sent: {entry.problem}")
    return entry


def record_failure(outbound: OutboundStore, ref: OutboundRef, exc: TwilioError) -> None:
    """Leave the text in the state Twilio's answer proves, so the page tells the truth."""
    if isinstance(exc, TwilioOutcomeUnknown):
        change = StatusChange("unknown")
    elif isinstance(exc, TwilioNotSent):
        change = StatusChange("not_sent", exc.code, effect_on_client("not_sent", exc.code))
    else:  # refused: opted out, a number that can't take texts, or a bad request
        change = StatusChange("failed", exc.code, effect_on_client("failed", exc.code))
    outbound.change_status(ref, change)


def refusal(name: str, exc: TwilioError) -> ClientCommError:
    if isinstance(exc, RecipientOptedOut) or exc.code == OPTED_OUT:
        return SendRefused(
            f"{name} has replied STOP to this number, so Twilio refused the text. "
            "It is marked as opted out."
        )
    if isinstance(exc, TwilioOutcomeUnknown):
        return SendPending(UNKNOWN_REASON)
    if isinstance(exc, TwilioNotSent):
        return SendRefused(NOT_SENT_REASON)
    if isinstance(exc, InvalidRecipient):
        return SendRefused(f"Twilio refused the number: {explain(exc.code)}")
    return SendRefused("Twilio did not accept the text, so it was not sent.")
