"""The audit trail's hash chain: how a row is linked to the one before it, and how a
subject's rows are checked.

Each subject (a client, a department, ...) is one chain. Row ``n`` carries ``prev_hash``,
the ``row_hash`` of row ``n - 1``, and its own ``row_hash``: a SHA-256 over ``prev_hash``
and everything the row says. Editing a row changes its hash, so its successor no longer
points at it; deleting a row leaves a gap in the numbers and a successor pointing at a row
that is not there. Rows leave only by DynamoDB's TTL, oldest first, so a chain may begin
past row 1 when (and only when) the row before its first one was due to expire: each row
carries its predecessor's expiry (``prev_expires``, hashed) for that reason. A row's own
expiry is not hashed: ops keep a held client's rows by removing it, which changes nothing
the row says; bringing it forward to delete a row early still shows, in its successor.

Pure rules: no clock (``now`` is given), no storage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

GENESIS = "0" * 64  # what row 1 points at


@dataclass(frozen=True)
class Link:
    """One row as the chain sees it (``expires``/``prev_expires``: epoch seconds or None)."""

    subject: str
    seq: int
    at: str
    actor: str
    action: str
    details: Mapping[str, str]
    expires: int | None
    prev_expires: int | None
    prev_hash: str
    row_hash: str


def row_hash(
    subject: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    details: Mapping[str, str],
    prev_expires: int | None,
    prev_hash: str,
) -> str:
    """SHA-256 of the row's content and its predecessor's hash, over a canonical JSON (the
    row's own expiry left out: see the module's docstring)."""
    content = {
        "subject": subject,
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "details": dict(details),
        "prev_expires": prev_expires,
        "prev_hash": prev_hash,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def rehash(link: Link) -> str:
    """What ``link.row_hash`` must be, given what the row says."""
    return row_hash(
        link.subject,
        link.seq,
        link.at,
        link.actor,
        link.action,
        link.details,
        link.prev_expires,
        link.prev_hash,
    )


@dataclass(frozen=True)
class Chain:
    """One subject's chained rows, oldest first, and how many rows predate the chain."""

    subject: str
    links: list[Link]
    unchained: int


@dataclass(frozen=True)
class Broken:
    """The first link that does not hold, and why (in words for the operator)."""

    subject: str
    seq: int
    reason: str


def first_break(links: Iterable[Link], now: datetime) -> Broken | None:
    """The first broken link of one subject's chain (links in ascending ``seq``), or None.

    Checked: each row's hash matches its content; each row's number follows the one before;
    each row points at its predecessor's hash; a chain that starts past row 1 starts where
    TTL may have taken the row before (its expiry has passed).
    """
    previous: Link | None = None
    for link in links:
        if rehash(link) != link.row_hash:
            return Broken(link.subject, link.seq, "its content does not match its hash (edited)")
        if previous is None:
            if link.seq == 1 and link.prev_hash != GENESIS:
                return Broken(link.subject, link.seq, "row 1 does not start the chain")
            expired = link.prev_expires is not None and link.prev_expires <= now.timestamp()
            if link.seq > 1 and not expired:
                return Broken(
                    link.subject, link.seq, f"rows before {link.seq} are missing (not expired)"
                )
        else:
            if link.seq != previous.seq + 1:
                return Broken(
                    link.subject, previous.seq + 1, f"row {previous.seq + 1} is missing (a gap)"
                )
            if link.prev_hash != previous.row_hash:
                return Broken(
                    link.subject, link.seq, f"it does not point at row {previous.seq} (edited)"
                )
        previous = link
    return None
