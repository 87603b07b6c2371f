"""An inbound text: find its client by (department number, sender), handle keywords,
score its tone, store it once. Three DynamoDB round trips for a known client.

Storing either happens or raises ``NotStored``: the webhook then answers 5xx so Twilio
tries again (or the fallback queue keeps the request for replay). A repeat of a text
already stored is a success that stores nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..domain import sentiment
from ..domain.clients import Client
from ..domain.conversation import ConversationEntry, Direction, EntryKind, marker
from ..domain.errors import ValidationFailed
from ..domain.jurisdiction import Department, Jurisdiction
from ..domain.keywords import Keyword, keyword_in
from ..domain.media import MediaItem, arriving
from ..domain.message_body import clean_body
from ..domain.phones import display_phone, written_as_stored
from ..domain.senders import MAX_SENDER, normalise_sender
from ..domain.system_texts import (
    AutoReply,
    Reason,
    Sender,
    keyword_replies,
    our_answer,
    system_entries,
)
from ..store.batch import Along
from ..store.clients import ClientStore
from ..store.conversations import entry_key
from ..store.inbound import Filed, InboundChange, InboundStore, RiderConflict
from ..store.partitions import unclaimed_partition
from ..store.unclaimed import UnclaimedStore

if TYPE_CHECKING:  # loaded only for a text that answers a reminder
    from ..store.appointments import RidingChange

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

    @property
    def media_items(self) -> tuple[MediaItem, ...]:
        """Each file as the text is stored with it: arriving, or refused at once for a type
        the agency doesn't keep (domain/media.py ``arriving``)."""
        return tuple(arriving(i, kind) for i, (_, kind) in enumerate(self.media))

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
    # where the text is filed (client or unclaimed partition, entry key): its media copies
    # are queued for it (services/media_copy.py); None when not known or nothing stored.
    # Not part of what happened (an outcome compares without it).
    where: tuple[str, str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RidingAnswer:
    """A reply to a reminder, to store with its text in one transaction."""

    reply: str  # what the client is answered ("": nothing, for a reply not understood)
    change: RidingChange | None  # None: too big to ride, applied after the text


class PreparedAnswer(Protocol):
    """What a text that reads like "Y" needs, being read: ``along`` rides on the client's
    read; the rest is read meanwhile."""

    @property
    def along(self) -> Sequence[Along[Any]]: ...


class AnswerHandler(Protocol):
    """Replies to appointment reminders ("Y", "N")."""

    def __call__(self, client: Client, sid: str, body: str) -> str | None:
        """Apply a stored text's answer (once per sid); the text to answer with, or None
        for an ordinary text."""

    def prepare(self, client_id: str, department_id: str, body: str) -> PreparedAnswer | None:
        """Start reading what an answer needs, for a text that reads like one."""

    def plan(
        self, prepared: PreparedAnswer, client: Client, sid: str, body: str
    ) -> RidingAnswer | None:
        """The answer to write with the text, or None (an ordinary text, or nothing the
        text can change now)."""


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
    department = department_of(jurisdiction, text.to)
    if department is None:
        log.warning("inbound text to a number no department owns", extra={"sid": text.sid})
        return Received("unknown_department")
    sender, route = route_of(clients, department.department_id, text.sender)
    entry = new_entry(replace(text, sender=sender))
    if route is None:
        return _unclaimed(department.department_id, entry, jurisdiction, unclaimed)
    client_id, current = route
    # a text like "Y": the department's wording rides on the client's read, and the
    # client's appointments are read meanwhile, so its answer is stored with it
    prepared = answers.prepare(client_id, department.department_id, entry.body) if answers else None
    client = clients.get(client_id, along=prepared.along) if prepared else clients.get(client_id)
    if client is None:  # a route to a client that is gone: keep the text where it is seen
        return _unclaimed(department.department_id, entry, jurisdiction, unclaimed)
    # A retired client's text joins their conversation like any other (docs/decisions.md,
    # "Texts from retired clients"): they are known, and their record stays whole.
    unread_by = readers(client) if readers else (client.case_manager_id,)
    return _store(client, entry, current, jurisdiction, inbound, answers, unread_by, prepared)


def department_of(jurisdiction: Jurisdiction, to: str) -> Department | None:
    """The department owning the number a text was sent to. Its numbers are stored E.164,
    as Twilio writes ``To``: that is matched as written, anything else parsed."""
    if written_as_stored(to):
        found = jurisdiction.department_for_number(to)
        if found is not None:
            return found
    return jurisdiction.department_for_number(normalise_sender(to))


def route_of(
    clients: ClientStore, department_id: str, raw: str
) -> tuple[str, tuple[str, bool] | None]:
    """The sender as stored, and its route to a client if it has one.

    A route holds a number as ``normalise_phone`` wrote it, so a sender written exactly so
    (Twilio's E.164 ``From``) is looked up as it came: found, it is the number the parser
    would have made. The parser (phonenumbers, ~14 ms to load on a cold start) reads
    anything else, and a sender not found as written, in case it is written another way.
    """
    if written_as_stored(raw):
        route = clients.route(department_id, raw)
        if route is not None:
            return raw, route
    sender = normalise_sender(raw)
    if sender == raw and written_as_stored(raw):
        return sender, None  # looked up just now, as written
    return sender, clients.route(department_id, sender)


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
    if filed.stored:
        where = (unclaimed_partition(department_id, entry.phone), filed_key(entry))
        return Received("unclaimed", filed.reply, where=where)
    return Received("duplicate", filed.reply, where=filed.place)


def _store(
    client: Client,
    entry: ConversationEntry,
    current: bool,
    jurisdiction: Jurisdiction,
    inbound: InboundStore,
    answers: AnswerHandler | None = None,
    readers: tuple[str, ...] = (),
    prepared: PreparedAnswer | None = None,
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
    # STOP, START and HELP win over an answer
    riding, planned = None, False
    if answers is not None and prepared is not None and not keyword:
        riding, planned = answers.plan(prepared, client, entry.sid or "", entry.body), True
    filed, rode = _file(client, entry, change, tuple(markers), readers, inbound, riding)
    answer_reply = (riding.reply or None) if riding is not None and rode else None
    # Not written with the text: a retry of a text stored without its answer (the guard
    # kept no reply), an answer that lost a race, or a text nobody prepared for. Applied
    # now, once per sid; a failure here is mended by Twilio's retry.
    separately = (riding is not None or not planned) if filed.stored else not filed.reply
    if answers is not None and not keyword and not rode and separately:
        answer_reply = answers(client, entry.sid or "", entry.body)
    if not filed.stored:  # answer a retry as the first attempt answered (if it was lost)
        earlier = filed.reply or answer_reply
        return Received("duplicate", earlier, client_id=client.client_id, where=filed.place)
    if score is not None and len(client.recent_sentiment) + 1 > 2 * sentiment.KEEP:
        kept = sentiment.remember(client.recent_sentiment, score)
        inbound.trim_sentiment(client.client_id, len(client.recent_sentiment) + 1, kept)
    where = (client.client_id, filed_key(entry))
    return Received("stored", reply or answer_reply, client.client_id, where)


def filed_key(entry: ConversationEntry) -> str:
    return entry_key(entry.at, entry.entry_id)


def _file(
    client: Client,
    entry: ConversationEntry,
    change: InboundChange,
    markers: tuple[ConversationEntry, ...],
    readers: tuple[str, ...],
    inbound: InboundStore,
    riding: RidingAnswer | None,
) -> tuple[Filed, bool]:
    """Store the text, with its answer when it has one (True: the answer was written with
    it). The answer's reply is kept on the text's guard, so a retry gets it back with no
    read, except for a replay, which has nobody to answer. An answer whose appointment
    changed since it was read is left to the separate path: the text is stored without it."""
    if riding is not None and riding.change is not None:
        kept = change if replayed(entry) else replace(change, reply=riding.reply or None)
        try:
            filed = inbound.store_inbound(client, entry, kept, markers, readers, riding.change)
            return filed, filed.stored
        except RiderConflict:
            pass
    return inbound.store_inbound(client, entry, change, markers, readers), False


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
        # each file arrives later (the media-copy queue); a type we don't keep is refused now
        media=text.media_items,
    )
