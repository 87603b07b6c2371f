"""In-memory stand-ins for the stores and gateways, so use cases are tested without AWS.

Each fake subclasses the real interface and keeps its promises: one text per MessageSid,
one send per one-time id, statuses only forward, unread counters that move with every
text, one auto-reply per waiting number. ``tests/integration/test_store_contracts.py``
runs the same tests against ``FakeOutboundStore`` and the real store to keep them alike.
State is plain dicts and lists, open for tests to read.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from chalicelib.adapters.email import EmailGateway
from chalicelib.adapters.queue import MessageQueue, QueuedMessage, QueueUnavailable
from chalicelib.adapters.twilio_errors import TwilioError
from chalicelib.adapters.twilio_gateway import CLOCK_SKEW, SentMessage, TwilioGateway
from chalicelib.domain.clients import Client, ClientDetails
from chalicelib.domain.conversation import ConversationEntry, EntryKind
from chalicelib.domain.delivery import REACHED_PHONE, moves_forward, statuses_below
from chalicelib.domain.errors import StaleRecord
from chalicelib.domain.segments import count_segments
from chalicelib.domain.users import User
from chalicelib.store.clients import MAX_CASELOAD, ClientStore, NumberInUse, UnmailedTexts
from chalicelib.store.conversations import time_of_key
from chalicelib.store.inbound import Filed, InboundChange, InboundStore
from chalicelib.store.outbound import (
    FirstAttempt,
    Located,
    OutboundRef,
    OutboundStore,
    SidRecord,
    StatusChange,
    ref_for,
)
from chalicelib.store.scheduled_steps import Reminded, RowStep
from chalicelib.store.unclaimed import (
    MAX_LISTED,
    UnclaimedNumber,
    UnclaimedStore,
    unclaimed_partition,
)
from chalicelib.store.users import UserStore
from chalicelib.store.write_failures import Cause, WriteNotStored

_sids = itertools.count(1)


def new_sid(prefix: str = "SM") -> str:
    """A MessageSid in Twilio's shape, never the same twice in a run."""
    return f"{prefix}{secrets.token_hex(12)}{next(_sids):08x}"


def latest(stored: datetime | None, at: datetime) -> datetime:
    """Last contact never moves back (the real store does it with a condition)."""
    return at if stored is None or at > stored else stored


def new_draft_id() -> str:
    """A send form's one-time id."""
    return secrets.token_hex(8)


class FakeClientStore(ClientStore):
    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}
        self.routes: dict[tuple[str, str], tuple[str, bool]] = {}  # → (client id, current)
        self.email_due: set[str] = set()
        self.markers: list[ConversationEntry] = []

    def seed(self, client: Client) -> Client:
        """Keep a client exactly as given (opted out, with unread texts or scores): states
        the real ``add`` cannot create in one step."""
        self.clients[client.client_id] = client
        self.routes[(client.department_id, client.phone)] = (client.client_id, True)
        return client

    def change_fields(self, client_id: str, **changes: object) -> bool:
        """What the other fakes use to move a client's counters and flags."""
        client = self.clients.get(client_id)
        if client is None:
            return False
        self.clients[client_id] = replace(client, **changes)
        return True

    def get(self, client_id: str, along=()) -> Client | None:
        for item in along:  # nothing else is stored here: what rides along is not found
            item.found(None)
        return self.clients.get(client_id)

    def route(self, department_id: str, phone: str) -> tuple[str, bool] | None:
        return self.routes.get((department_id, phone))

    def holder_of(self, department_id: str, phone: str) -> str | None:
        route = self.routes.get((department_id, phone))
        return route[0] if route and route[1] else None

    def add(self, client: Client, audit=None) -> Client:
        """Like the real add: only what the form gives is kept, the rest starts empty."""
        holder = self.holder_of(client.department_id, client.phone)
        if holder is not None and holder != client.client_id:
            raise NumberInUse(client.phone, holder)
        if client.client_id in self.clients:
            raise StaleRecord("The change clashed with another one; please try again.")
        fresh = Client(
            client_id=client.client_id,
            department_id=client.department_id,
            case_manager_id=client.case_manager_id,
            first_name=client.first_name,
            last_name=client.last_name,
            phone=client.phone,
            phone_note=client.phone_note,
            notes=client.notes,
            language=client.language,
            id_number=client.id_number,
            unread_count=client.unread_count,
            last_contact_at=client.last_contact_at,
            version=1,
            changed_at=datetime.now(UTC),
        )
        return self.seed(fresh)

    def update_details(
        self, client: Client, details: ClientDetails, marker: ConversationEntry | None
    ) -> Client:
        """A new number becomes the current route; the old one still leads here."""
        stored = self.clients[client.client_id]
        if stored.version != client.version:
            raise StaleRecord("Someone else changed this client after you opened the form.")
        old_phones = stored.old_phones
        problem = stored.delivery_problem
        if details.phone != client.phone:
            problem = ""  # the last failure was the old number's
            holder = self.holder_of(client.department_id, details.phone)
            if holder is not None and holder != client.client_id:
                raise NumberInUse(details.phone, holder)
            old_phones = (*(p for p in old_phones if p != details.phone), client.phone)
            self.routes[(client.department_id, client.phone)] = (client.client_id, False)
            self.routes[(client.department_id, details.phone)] = (client.client_id, True)
        if marker is not None:
            self.markers.append(marker)
        self.clients[client.client_id] = replace(
            stored,
            first_name=details.first_name,
            last_name=details.last_name,
            phone=details.phone,
            phone_note=details.phone_note,
            notes=details.notes,
            language=details.language,
            id_number=details.id_number,
            old_phones=old_phones,
            delivery_problem=problem,
            version=stored.version + 1,
            changed_at=datetime.now(UTC),
        )
        return self.clients[client.client_id]

    def with_unmailed_texts(self, limit: int = MAX_CASELOAD) -> list[UnmailedTexts]:
        due = [self.clients[client_id] for client_id in sorted(self.email_due)]
        return [
            UnmailedTexts(c.client_id, c.case_manager_id, c.unread_count, c.inbound_count)
            for c in due[:limit]
        ]

    def mailed(self, client_id: str, inbound_count: int) -> bool:
        client = self.clients.get(client_id)
        if client is None or client.inbound_count != inbound_count:
            return False
        self.email_due.discard(client_id)
        return True


class FakeInboundStore(InboundStore):
    def __init__(self, clients: FakeClientStore) -> None:
        self.clients = clients
        self.entries: list[ConversationEntry] = []  # texts and markers, in the order stored
        self.sids: set[str] = set()
        self.replies: dict[str, str | None] = {}  # sid -> the answer its first attempt gave

    def conversation(self, client_id: str) -> list[ConversationEntry]:
        return [entry for entry in self.entries if entry.client_id == client_id]

    def store_inbound(
        self,
        client: Client,
        entry: ConversationEntry,
        change: InboundChange,
        markers: tuple[ConversationEntry, ...] = (),
        readers: tuple[str, ...] = (),
    ) -> Filed:
        if entry.sid in self.sids:
            return Filed(False, self.replies.get(entry.sid))
        current = self.clients.get(client.client_id)
        if current is None:
            raise WriteNotStored(f"inbound text {entry.sid}", Cause.CONDITION)
        scores = current.recent_sentiment
        if change.sentiment is not None:
            scores = (*scores, change.sentiment)
        now = datetime.now(UTC)
        self.clients.change_fields(
            client.client_id,
            unread_count=current.unread_count + 1,
            inbound_count=current.inbound_count + 1,
            last_contact_at=latest(current.last_contact_at, entry.at),
            changed_at=now,
            opted_out=current.opted_out if change.opted_out is None else change.opted_out,
            recent_sentiment=scores,
        )
        self.clients.email_due.add(client.client_id)
        self.sids.add(entry.sid)
        self.replies[entry.sid] = change.reply
        self.entries.extend([entry, *markers])
        return Filed(True, change.reply)

    def trim_sentiment(self, client_id: str, seen_length: int, keep: list[float]) -> bool:
        current = self.clients.get(client_id)
        if current is None or len(current.recent_sentiment) != seen_length:
            return False
        return self.clients.change_fields(client_id, recent_sentiment=tuple(keep))

    def mark_read(self, client: Client, actor: str, audit: bool = True) -> None:
        current = self.clients.get(client.client_id)
        if (
            current is not None
            and client.unread_count
            and (current.unread_count == client.unread_count)
        ):
            self.clients.change_fields(
                client.client_id, unread_count=0, changed_at=datetime.now(UTC)
            )


class FakeUnclaimedStore(UnclaimedStore):
    def __init__(self) -> None:
        self.waiting: dict[tuple[str, str], list[ConversationEntry]] = {}
        self.auto_replied: set[tuple[str, str]] = set()
        self.sids: set[str] = set()
        self.retired_clients: dict[tuple[str, str], str] = {}
        self.replies: dict[str, str | None] = {}

    def record(
        self,
        department_id: str,
        entry: ConversationEntry,
        reply: ConversationEntry | None = None,
        notes: tuple[ConversationEntry, ...] = (),
        retired_client_id: str | None = None,
    ) -> Filed:
        if entry.sid in self.sids:
            return Filed(False, self.replies.get(entry.sid))
        if retired_client_id:
            self.retired_clients[(department_id, entry.phone)] = retired_client_id
        self.sids.add(entry.sid)
        key = (department_id, entry.phone)
        partition = unclaimed_partition(department_id, entry.phone)
        texts = self.waiting.setdefault(key, [])
        texts.append(replace(entry, client_id=partition))
        texts.extend(replace(note, client_id=partition) for note in notes)
        answer = None
        if reply is not None and key not in self.auto_replied:
            self.auto_replied.add(key)
            texts.append(replace(reply, client_id=partition))
            answer = reply.body
        self.replies[entry.sid] = answer
        return Filed(True, answer)

    def get(self, department_id: str, phone: str) -> UnclaimedNumber | None:
        texts = [
            t for t in self.waiting.get((department_id, phone), []) if t.kind is EntryKind.TEXT
        ]
        if not texts:
            return None
        first, last = texts[0], texts[-1]
        return UnclaimedNumber(department_id, phone, first.at, last.at, len(texts), last.body[:140])

    def texts(
        self, department_id: str, phone: str, limit: int = MAX_LISTED
    ) -> list[ConversationEntry]:
        return self.waiting.get((department_id, phone), [])[-limit:]


class FakeOutboundStore(OutboundStore):
    """Outbound texts by where they live, one-time ids, and the sid rows callbacks use."""

    def __init__(self, clients: FakeClientStore | None = None) -> None:
        self.clients = clients if clients is not None else FakeClientStore()
        self.entries: dict[OutboundRef, ConversationEntry] = {}
        self.drafts: dict[str, tuple[OutboundRef, str]] = {}  # one-time id → (ref, digest)
        self.sids: dict[str, SidRecord] = {}

    def start(self, entry: ConversationEntry, body_digest: str) -> FirstAttempt | None:
        if entry.entry_id in self.drafts:
            return self.first_attempt(entry.entry_id)
        ref = ref_for(entry)
        if ref in self.entries:
            raise WriteNotStored(f"outbound text {entry.entry_id}", Cause.CONDITION)
        self.drafts[entry.entry_id] = (ref, body_digest)
        self.entries[ref] = entry
        return None

    def locate(self, outbound_id: str) -> OutboundRef | None:
        draft = self.drafts.get(outbound_id)
        return draft[0] if draft else None

    def locate_text(self, outbound_id: str) -> Located | None:
        """No scheduled texts here: never a hint for the scheduled text."""
        ref = self.locate(outbound_id)
        return Located(ref) if ref else None

    def first_attempt(self, outbound_id: str) -> FirstAttempt | None:
        draft = self.drafts.get(outbound_id)
        if draft is None:
            return None
        ref, digest = draft
        return FirstAttempt(ref, digest, self.entries.get(ref))

    def find_sid(self, sid: str) -> SidRecord | None:
        return self.sids.get(sid)

    def record_sent(
        self,
        ref: OutboundRef,
        entry_id: str,
        author_id: str,
        sid: str,
        status: str,
        segments: int | None,
    ) -> None:
        """A status a callback already moved further is kept; the sid is filed anyway."""
        entry = self.entries.get(ref)
        if entry is None or not self._sid_free_for(sid, ref):
            raise WriteNotStored(f"sent text {sid}", Cause.CONDITION)
        entry = replace(entry, sid=sid, segments=entry.segments if segments is None else segments)
        if moves_forward(entry.status or None, status):
            entry = replace(entry, status=status)
        self.entries[ref] = entry
        now = datetime.now(UTC)
        self.clients.change_fields(ref.client_id, changed_at=now)
        self._file_sid(sid, ref)

    def change_status(
        self,
        ref: OutboundRef,
        change: StatusChange,
        step: RowStep | None = None,
        reminded: Reminded | None = None,  # no appointments here: nothing to mark
    ) -> bool:
        entry = self.entries.get(ref)
        if entry is None or not moves_forward(entry.status or None, change.status):
            return False
        if change.sid and entry.sid and entry.sid != change.sid:
            return False  # another text's sid: never filed under this one
        client = self.clients.get(ref.client_id)
        if client is None or (change.sid and not self._sid_free_for(change.sid, ref)):
            raise WriteNotStored(f"status {change.status}", Cause.CONDITION)
        self.entries[ref] = replace(
            entry,
            status=change.status,
            error_code=entry.error_code if change.error_code is None else change.error_code,
            sid=change.sid or entry.sid,
        )
        problem = client.delivery_problem
        if change.effect.delivery_problem:
            problem = change.effect.delivery_problem
        elif change.effect.clears_problem:
            problem = ""
        contact = client.last_contact_at
        if change.status in REACHED_PHONE:
            contact = latest(contact, time_of_key(ref.entry_key))
        self.clients.change_fields(
            ref.client_id,
            delivery_problem=problem,
            opted_out=client.opted_out or change.effect.opted_out,
            last_contact_at=contact,
            changed_at=datetime.now(UTC),
        )
        if change.sid:
            self._file_sid(change.sid, ref)
        return True

    def remember_early(self, sid: str, status: str, error_code: int | None) -> bool:
        row = self.sids.get(sid)
        if row is not None and row.ref is not None:
            return False  # filed meanwhile: the caller applies the status to the text
        if row is not None and row.early_status not in (None, *statuses_below(status)):
            return False  # as good a status is parked already
        self.sids[sid] = SidRecord(None, status, error_code)
        return True

    def _sid_free_for(self, sid: str, ref: OutboundRef) -> bool:
        """A sid may be filed again for the same client, never moved to another."""
        row = self.sids.get(sid)
        return row is None or row.ref is None or row.ref.client_id == ref.client_id

    def _file_sid(self, sid: str, ref: OutboundRef) -> None:
        row = self.sids.get(sid) or SidRecord(None, None, None)
        self.sids[sid] = replace(row, ref=ref)


class FakeUserStore(UserStore):
    def __init__(self, *users: User) -> None:
        self.users: dict[str, User] = {user.user_id: user for user in users}
        self.asked: list[list[str]] = []  # the ids of each ``many`` call

    def get(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    def save(self, user: User) -> None:
        self.users[user.user_id] = user

    def add(self, user: User) -> bool:
        if user.user_id in self.users:
            return False
        self.users[user.user_id] = user
        return True

    def remove_if_unchanged(self, user: User) -> bool:
        stored = self.users.get(user.user_id)
        fields = ("display_name", "email", "role", "department_id")
        if stored is None or any(getattr(stored, f) != getattr(user, f) for f in fields):
            return False
        del self.users[user.user_id]
        return True

    def many(self, user_ids: list[str]) -> dict[str, User]:
        self.asked.append(list(user_ids))
        return {uid: self.users[uid] for uid in user_ids if uid in self.users}

    def in_department(self, department_id: str) -> list[User]:
        staff = [u for u in self.users.values() if u.department_id == department_id]
        return sorted(staff, key=lambda u: u.display_name)


@dataclass(frozen=True)
class TwilioRequest:
    """One call to ``send``; ``sid`` is empty when it raised."""

    from_: str
    to: str
    body: str
    status_callback: str
    sid: str
    at: datetime
    media_url: tuple[str, ...] = ()


class FakeTwilioGateway(TwilioGateway):
    """Takes every text (status "queued") unless told to raise an error next."""

    def __init__(self) -> None:  # no SDK client: nothing here goes over the network
        self.requests: list[TwilioRequest] = []
        self.failures: list[TwilioError] = []

    def fail_next(self, error: TwilioError) -> None:
        self.failures.append(error)

    @property
    def sent(self) -> list[TwilioRequest]:
        return [r for r in self.requests if r.sid]

    def send(
        self,
        *,
        from_: str,
        to: str,
        body: str,
        status_callback: str,
        media_url: list[str] | None = None,
    ) -> SentMessage:
        failure = self.failures.pop(0) if self.failures else None
        sid = "" if failure else new_sid()
        now = datetime.now(UTC)
        media = tuple(media_url or ())
        self.requests.append(TwilioRequest(from_, to, body, status_callback, sid, now, media))
        if failure is not None:
            raise failure
        return SentMessage(sid, "queued", count_segments(body))

    def find_sent(
        self, *, from_: str, to: str, sent_after: datetime, body: str
    ) -> SentMessage | None:
        for r in self.sent:
            if (r.from_, r.to, r.body) == (from_, to, body) and r.at >= sent_after - CLOCK_SKEW:
                return SentMessage(r.sid, "sent", count_segments(body))
        return None


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str


class FakeEmailGateway(EmailGateway):
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, to: str, subject: str, text: str) -> None:
        self.sent.append(Mail(to, subject, text))


@dataclass
class KeptMessage:
    body: str
    receive_count: int = 0
    in_flight: bool = False  # received and neither deleted nor timed out yet


class FakeQueue(MessageQueue):
    """SQS as the replay sees it: a received message stays hidden until it is deleted or
    ``time_out_in_flight`` plays the visibility timeout."""

    def __init__(self) -> None:
        self.messages: dict[str, KeptMessage] = {}  # message id (also the receipt) → message
        self.unavailable = False

    @property
    def bodies(self) -> list[str]:
        return [m.body for m in self.messages.values()]

    def send(self, body: str) -> str:
        if self.unavailable:
            raise QueueUnavailable("SQS did not keep the message: fake outage")
        message_id = secrets.token_hex(8)
        self.messages[message_id] = KeptMessage(body)
        return message_id

    def receive(self, most: int = 10, wait_seconds: int = 0) -> list[QueuedMessage]:
        if self.unavailable:
            raise QueueUnavailable("SQS did not answer: fake outage")
        visible = [(i, m) for i, m in self.messages.items() if not m.in_flight][: min(most, 10)]
        for _, message in visible:
            message.in_flight = True
            message.receive_count += 1
        return [QueuedMessage(m.body, i, m.receive_count) for i, m in visible]

    def delete(self, receipt: str) -> None:
        self.messages.pop(receipt, None)

    def time_out_in_flight(self) -> None:
        for message in self.messages.values():
            message.in_flight = False
