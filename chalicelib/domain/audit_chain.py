"""The audit trail's hash chain: how a row is linked after it is written, and how a
subject's chain is checked.

Rows are written plainly by the app (no read first); the ``chain-audit`` function, fed by
the audit table's stream, then appends one *link* per row to its subject's chain. Link
``n`` names its row (``row_key``), carries a SHA-256 of everything the row says
(``row_hash``), the ``link_hash`` of link ``n - 1`` (``prev_hash``) and its own
``link_hash`` over all of that. Editing a row no longer matches its link's ``row_hash``;
deleting a row leaves a link pointing at nothing; deleting a link leaves a gap in the
numbers; editing a link breaks its own hash or its successor's pointer. A row no link names
is either still being linked (the stream is seconds behind) or a problem.

Rows and links leave only by DynamoDB's TTL: each link expires with its row and carries
its predecessor's expiry (``prev_expires``, hashed), so links may be missing before link
``n`` (a chain starting late, or a gap) only where that expiry has passed. A row's or a
link's own expiry is not hashed: ops keep a held client's trail by removing it.

Pure rules: no clock (``now`` is given), no storage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

GENESIS = "0" * 64  # what link 1 points at
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # how a row's ``at`` begins
SETTLE = timedelta(minutes=5)  # a row unlinked for longer than this is a problem, not a lag


@dataclass(frozen=True)
class Row:
    """An audit row as written (``expires``: epoch seconds or None)."""

    subject: str
    key: str
    at: str
    actor: str
    action: str
    details: Mapping[str, str]
    expires: int | None = None


@dataclass(frozen=True)
class Link:
    """One link of a subject's chain (``expires``/``prev_expires``: epoch seconds or None)."""

    subject: str
    seq: int
    row_key: str
    row_hash: str
    prev_expires: int | None
    prev_hash: str
    link_hash: str
    expires: int | None = None


def canonical_hash(content: Mapping[str, object]) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def row_hash(row: Row) -> str:
    """SHA-256 of everything the row says (its own expiry left out: see the docstring)."""
    return canonical_hash(
        {
            "subject": row.subject,
            "key": row.key,
            "at": row.at,
            "actor": row.actor,
            "action": row.action,
            "details": dict(row.details),
        }
    )


def link_hash(
    subject: str, seq: int, row_key: str, hashed_row: str, prev_expires: int | None, prev: str
) -> str:
    return canonical_hash(
        {
            "subject": subject,
            "seq": seq,
            "row_key": row_key,
            "row_hash": hashed_row,
            "prev_expires": prev_expires,
            "prev_hash": prev,
        }
    )


def rehash(link: Link) -> str:
    """What ``link.link_hash`` must be, given what the link says."""
    return link_hash(
        link.subject, link.seq, link.row_key, link.row_hash, link.prev_expires, link.prev_hash
    )


def next_link(head: Link | None, row: Row) -> Link:
    """The link that appends ``row`` after ``head`` (None: the chain's first)."""
    seq = head.seq + 1 if head is not None else 1
    prev = head.link_hash if head is not None else GENESIS
    prev_expires = head.expires if head is not None else None
    hashed = row_hash(row)
    return Link(
        row.subject,
        seq,
        row.key,
        hashed,
        prev_expires,
        prev,
        link_hash(row.subject, seq, row.key, hashed, prev_expires, prev),
        row.expires,
    )


class Appended(StrEnum):
    """What appending a link came to."""

    LINKED = "linked"
    ALREADY = "already linked"  # the row's marker was there: a redelivered stream record
    RACED = "number taken"  # another writer took the link's number: read the head again


@dataclass(frozen=True)
class Chain:
    """One subject's links (ascending ``seq``), its rows by key, and how many rows predate
    the chain (no ``at``: written before release 0.21.0, never linked)."""

    subject: str
    links: list[Link]
    rows: Mapping[str, Row]
    unchained: int = 0


@dataclass(frozen=True)
class Broken:
    """The first link that does not hold, and why (in words for the operator)."""

    subject: str
    seq: int
    reason: str


def expired(epoch: int | None, now: datetime) -> bool:
    return epoch is not None and epoch <= now.timestamp()


def first_break(chain: Chain, now: datetime) -> Broken | None:
    """The first broken link of one subject's chain, or None.

    Checked: each link's hash matches what it says; each points at the hash of the link
    before; links are missing (at the start or in a gap) only where the one before had
    expired; each link's row is there and says what was hashed (or has expired); every row
    is linked, or was written less than SETTLE ago, or has expired.
    """
    previous: Link | None = None
    for link in chain.links:
        if rehash(link) != link.link_hash:
            return Broken(chain.subject, link.seq, "the link does not match its hash (edited)")
        follows = previous is not None and link.seq == previous.seq + 1
        if not follows and link.seq > 1 and not expired(link.prev_expires, now):
            missing = (previous.seq + 1) if previous is not None else 1
            return Broken(chain.subject, missing, f"link {missing} is missing (not expired)")
        if link.seq == 1 and link.prev_hash != GENESIS:
            return Broken(chain.subject, 1, "link 1 does not start the chain")
        if follows and previous is not None and link.prev_hash != previous.link_hash:
            return Broken(chain.subject, link.seq, f"it does not point at link {previous.seq}")
        row = chain.rows.get(link.row_key)
        if row is None and not expired(link.expires, now):
            return Broken(chain.subject, link.seq, f"its row {link.row_key} is missing (deleted)")
        if row is not None and row_hash(row) != link.row_hash:
            return Broken(chain.subject, link.seq, f"its row {link.row_key} was edited")
        previous = link
    late = [row for row in unlinked(chain) if not settling(row, now)]
    if late:
        return Broken(
            chain.subject,
            (previous.seq + 1) if previous is not None else 1,
            f"row {late[0].key} is not linked after {int(SETTLE.total_seconds() // 60)} "
            "minutes (is chain-audit failing?)",
        )
    return None


def unlinked(chain: Chain) -> list[Row]:
    """Rows no link names, but those from before the chain (no ``at``)."""
    named = {link.row_key for link in chain.links}
    return [row for key, row in chain.rows.items() if key not in named and row.at]


def settling(row: Row, now: datetime) -> bool:
    """Written less than SETTLE ago (still being linked), or past its expiry."""
    if expired(row.expires, now):
        return True
    written = written_at(row.at)
    return written is not None and now - written < SETTLE


def written_at(at: str) -> datetime | None:
    try:
        return datetime.strptime(at.split("#", 1)[0], TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def still_linking(chains: Iterable[Chain], now: datetime) -> int:
    """How many rows are waiting for their link, and young enough to wait."""
    return sum(
        1
        for chain in chains
        for row in unlinked(chain)
        if settling(row, now) and not expired(row.expires, now)
    )
