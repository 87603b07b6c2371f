"""An inbound text: find its client by (department number, sender), handle keywords,
score its tone, store it once. Three DynamoDB round trips for a known client."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from ..domain import sentiment
from ..domain.clients import Client
from ..domain.conversation import ConversationEntry, Direction, EntryKind, marker
from ..domain.jurisdiction import Jurisdiction
from ..domain.keywords import Keyword, keyword_in
from ..domain.phones import display_phone
from ..store.clients import ClientStore
from ..store.inbound import ConcurrentChange, InboundStore
from ..store.unclaimed import UnclaimedStore

log = logging.getLogger(__name__)
ATTEMPTS = 3


@dataclass(frozen=True)
class InboundText:
    sid: str
    sender: str
    to: str
    body: str
    media: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (url, content type)


@dataclass(frozen=True)
class Received:
    """What happened; ``reply`` is the text to answer with in TwiML, if any."""

    outcome: str  # "stored", "duplicate", "unclaimed", "unknown_department"
    reply: str | None = None
    client_id: str | None = None


def receive_text(
    text: InboundText,
    jurisdiction: Jurisdiction,
    clients: ClientStore,
    inbound: InboundStore,
    unclaimed: UnclaimedStore,
) -> Received:
    department = jurisdiction.department_for_number(text.to)
    if department is None:
        log.warning("inbound text to a number no department owns", extra={"sid": text.sid})
        return Received("unknown_department")
    route = clients.route(department.department_id, text.sender)
    entry = _entry(text)
    if route is None:
        stored, first = unclaimed.record(department.department_id, entry)
        if not stored:
            return Received("duplicate")
        return Received("unclaimed", jurisdiction.text("auto_reply") if first else None)
    client_id, current = route
    for _ in range(ATTEMPTS):
        client = clients.get(client_id)
        if client is None:
            break
        try:
            return _store(client, text, entry, current, jurisdiction, inbound)
        except ConcurrentChange:
            continue  # another text for this client landed between our read and write
    raise RuntimeError(f"could not store inbound text {text.sid} after {ATTEMPTS} attempts")


def _store(
    client: Client,
    text: InboundText,
    entry: ConversationEntry,
    current: bool,
    jurisdiction: Jurisdiction,
    inbound: InboundStore,
) -> Received:
    keyword = keyword_in(text.body, client.opted_out)
    opted_out: bool | None = None
    markers: list[ConversationEntry] = []
    if keyword is Keyword.STOP:
        opted_out = True
        markers.append(
            _marker(
                client,
                "opted_out",
                f"{client.first_name} texted “{text.body.strip()}”: opted out "
                "of texts. Nothing can be sent until they text START.",
            )
        )
    elif keyword is Keyword.START:
        opted_out = False
        markers.append(
            _marker(
                client,
                "opted_in",
                f"{client.first_name} texted “{text.body.strip()}”: texts are allowed again.",
            )
        )
    score = None
    recent = None
    if keyword is None and text.body.strip():
        score = sentiment.score(text.body)
        recent = sentiment.remember(client.recent_sentiment, score)
    entry = replace(
        entry,
        client_id=client.client_id,
        sentiment=score,
        from_old_number=not current,
        details={**entry.details, **({"keyword": keyword.value} if keyword else {})},
    )
    if not current:
        markers.append(
            _marker(
                client,
                "old_number",
                f"This text came from an old number, "
                f"{display_phone(text.sender)}. Replies go to the current "
                f"number, {display_phone(client.phone)}.",
            )
        )
    stored = inbound.store_inbound(
        client, entry, opted_out=opted_out, recent_sentiment=recent, markers=tuple(markers)
    )
    if not stored:
        return Received("duplicate", client_id=client.client_id)
    reply = jurisdiction.text("help", client.language) if keyword is Keyword.HELP else None
    return Received("stored", reply, client.client_id)


def _entry(text: InboundText) -> ConversationEntry:
    details = {}
    if text.media:
        details = {
            "media_count": str(len(text.media)),
            "media_types": ",".join(sorted({t for _, t in text.media})),
        }
    return ConversationEntry(
        client_id="",
        entry_id=text.sid,
        at=datetime.now(UTC),
        kind=EntryKind.TEXT,
        body=text.body,
        direction=Direction.INBOUND,
        phone=text.sender,
        status="received",
        sid=text.sid,
        details=details,
    )


def _marker(client: Client, name: str, body: str) -> ConversationEntry:
    return marker(client.client_id, name, body)
