"""An inbound text: find its client by (department number, sender), handle keywords,
score its tone, store it once. Three DynamoDB round trips for a known client.

Storing either happens or raises ``NotStored``: the webhook then answers 5xx so Twilio
tries again (or the fallback queue keeps the request for replay). A repeat of a text
already stored is a success that stores nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from ..domain import sentiment
from ..domain.clients import Client
from ..domain.conversation import ConversationEntry, Direction, EntryKind, marker
from ..domain.errors import ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.keywords import Keyword, keyword_in
from ..domain.message_body import clean_body
from ..domain.phones import display_phone
from ..domain.senders import MAX_SENDER, normalise_sender
from ..domain.system_texts import (
    AutoReply,
    Reason,
    Sender,
    keyword_replies,
    our_answer,
    system_entries,
)
from ..store.clients import ClientStore
from ..store.inbound import InboundChange, InboundStore
from ..store.unclaimed import UnclaimedStore

log = logging.getLogger(__name__)


SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
MAX_INBOUND_BODY = 1600  # Twilio joins a long text's parts up to this length
MAX_MEDIA = 10  # Twilio's own limit per message
MAX_FIELD = 1000  # media URLs and content types; anything longer is not from Twilio


@dataclass(frozen=True)
class InboundText:
    sid: str
    sender: str
    to: str
    body: str
    media: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (url, content type)
    received_at: datetime | None = None  # when it reached us, if earlier than now (a replay)

    @classmethod
    def from_form(cls, form: Mapping[str, str], received_at: datetime | None = None) -> InboundText:
        """Read Twilio's fields, refusing (ValidationFailed) what Twilio could not have sent."""
        errors: dict[str, str] = {}
        sid = form.get("MessageSid", "")
        if not SID.match(sid):
            errors["MessageSid"] = "is missing or not a Twilio message id"
        for name in ("From", "To"):
            value = form.get(name, "")
            if not value or len(value) > MAX_SENDER:
                errors[name] = "is missing or too long"
        body = form.get("Body", "")
        if len(body) > MAX_INBOUND_BODY:
            errors["Body"] = f"is longer than {MAX_INBOUND_BODY} characters"
        count = form.get("NumMedia") or "0"
        if not count.isdigit() or int(count) > MAX_MEDIA:
            errors["NumMedia"] = f"must be a number up to {MAX_MEDIA}"
            count = "0"
        media = tuple(
            (form.get(f"MediaUrl{i}", ""), form.get(f"MediaContentType{i}", ""))
            for i in range(int(count))
        )
        if any(len(url) > MAX_FIELD or len(kind) > MAX_FIELD for url, kind in media):
            errors["MediaUrl"] = "is too long"
        if errors:
            raise ValidationFailed(errors)
        return cls(sid, form["From"], form["To"], clean_body(body), media, received_at)


@dataclass(frozen=True)
class Received:
    """What happened; ``reply`` is the text to answer with in TwiML, if any."""

    outcome: str  # "stored", "duplicate", "unclaimed", "unknown_department"
    reply: str | None = None
    client_id: str | None = None


# A reply to an appointment reminder ("Y", "N"): given the client, the text's sid and body,
# applies it (once per sid) and returns the text to answer with, or None for an ordinary text.
AnswerHandler = Callable[[Client, str, str], str | None]


def receive_text(
    text: InboundText,
    jurisdiction: Jurisdiction,
    clients: ClientStore,
    inbound: InboundStore,
    unclaimed: UnclaimedStore,
    answers: AnswerHandler | None = None,
    readers: Callable[[Client], tuple[str, ...]] | None = None,
) -> Received:
    """Store one inbound text where staff will see it. ``readers`` says who gets it as
    unread (default: the client's case manager alone)."""
    department = jurisdiction.department_for_number(normalise_sender(text.to))
    if department is None:
        log.warning("inbound text to a number no department owns", extra={"sid": text.sid})
        return Received("unknown_department")
    sender = normalise_sender(text.sender)
    route = clients.route(department.department_id, sender)
    entry = new_entry(replace(text, sender=sender))
    if route is None:
        return _unclaimed(department.department_id, entry, jurisdiction, unclaimed)
    client_id, current = route
    client = clients.get(client_id)
    if client is None:  # a route to a client that is gone: keep the text where it is seen
        return _unclaimed(department.department_id, entry, jurisdiction, unclaimed)
    # A retired client's text joins their conversation like any other (docs/decisions.md,
    # "Texts from retired clients"): they are known, and their record stays whole.
    unread_by = readers(client) if readers else (client.case_manager_id,)
    return _store(client, entry, current, jurisdiction, inbound, answers, unread_by)


def _unclaimed(
    department_id: str,
    entry: ConversationEntry,
    jurisdiction: Jurisdiction,
    store: UnclaimedStore,
) -> Received:
    """The first text a number sends while unclaimed gets the auto-reply, recorded with the
    number's texts in the same write (at most once per waiting number). A replayed text
    has no one to answer, and after STOP Twilio delivers nothing more: neither is offered
    it. Twilio's own answers to keywords are recorded with the text."""
    keyword = keyword_in(entry.body)
    twilio = [r for r in keyword_replies(keyword, entry.body, "") if r.sender is Sender.TWILIO]
    notes = system_entries("", entry, twilio)
    offered = None
    if not replayed(entry) and keyword is not Keyword.STOP:
        words = jurisdiction.text("auto_reply")
        auto_reply = AutoReply(Reason.AUTO_REPLY, Sender.CLIENTCOMM, words)
        offered = system_entries("", entry, [*twilio, auto_reply])[-1]
    filed = store.record(department_id, entry, offered, tuple(notes))
    return Received("unclaimed" if filed.stored else "duplicate", filed.reply)


def _store(
    client: Client,
    entry: ConversationEntry,
    current: bool,
    jurisdiction: Jurisdiction,
    inbound: InboundStore,
    answers: AnswerHandler | None = None,
    readers: tuple[str, ...] = (),
) -> Received:
    keyword = keyword_in(entry.body, client.opted_out)
    markers = keyword_markers(client, entry.body, keyword)
    score = None
    if keyword is None and entry.body.strip():
        score = sentiment.score(entry.body, client.language)
    opted_out = {Keyword.STOP: True, Keyword.START: False}.get(keyword) if keyword else None
    entry = replace(
        entry,
        client_id=client.client_id,
        sentiment=score,
        from_old_number=not current,
        details={**entry.details, **({"keyword": keyword.value} if keyword else {})},
    )
    if not current:
        markers.append(
            marker(
                client.client_id,
                "old_number",
                f"This text came from an old number, {display_phone(entry.phone)}. Replies go "
                f"to the current number, {display_phone(client.phone)}.",
            )
        )
    replies = keyword_replies(keyword, entry.body, jurisdiction.text("help", client.language))
    if replayed(entry):  # no HTTP answer to give any more: only Twilio's own replies went
        replies = [r for r in replies if r.sender is Sender.TWILIO]
    markers.extend(system_entries(client.client_id, entry, replies))
    reply = our_answer(replies)
    change = InboundChange(opted_out=opted_out, sentiment=score, reply=reply)
    filed = inbound.store_inbound(client, entry, change, tuple(markers), readers)
    # STOP, START and HELP win over an answer; a repeat re-applies it (once per sid), so a
    # failure after the text was stored is mended by Twilio's retry
    answer_reply = answers(client, entry.sid or "", entry.body) if answers and not keyword else None
    if not filed.stored:  # answer a retry as the first attempt answered (if it was lost)
        return Received("duplicate", filed.reply or answer_reply, client_id=client.client_id)
    if score is not None and len(client.recent_sentiment) + 1 > 2 * sentiment.KEEP:
        kept = sentiment.remember(client.recent_sentiment, score)
        inbound.trim_sentiment(client.client_id, len(client.recent_sentiment) + 1, kept)
    return Received("stored", reply or answer_reply, client.client_id)


def replayed(entry: ConversationEntry) -> bool:
    """A text replayed from the fallback queue: its webhook answer is long gone."""
    return entry.details.get("replayed") == "yes"


def keyword_markers(client: Client, body: str, keyword: Keyword | None) -> list[ConversationEntry]:
    """STOP and START leave a visible line in the conversation saying what they changed."""
    said = body.strip()
    if keyword is Keyword.STOP:
        text = (
            f"{client.first_name} texted “{said}”: opted out of texts. Nothing can be sent "
            "until they text START."
        )
        return [marker(client.client_id, "opted_out", text)]
    if keyword is Keyword.START:
        text = f"{client.first_name} texted “{said}”: texts are allowed again."
        return [marker(client.client_id, "opted_in", text)]
    return []


def new_entry(text: InboundText) -> ConversationEntry:
    details = {}
    if text.media:
        details = {
            "media_count": str(len(text.media)),
            "media_types": ",".join(sorted({t for _, t in text.media})),
        }
    if text.received_at is not None:
        details["replayed"] = "yes"
    return ConversationEntry(
        client_id="",
        entry_id=text.sid,
        at=text.received_at or datetime.now(UTC),
        kind=EntryKind.TEXT,
        body=text.body,
        direction=Direction.INBOUND,
        phone=text.sender,
        status="received",
        sid=text.sid,
        details=details,
    )
