"""Linking new audit rows into their subjects' hash chains, from the audit table's stream.

The app writes a row with no read first; this runs after it (``chain-audit``), in the
stream's order: one shard per partition, so a subject's rows arrive in the order they were
written, but nothing here depends on it. Per row: the subject's head (read once a batch,
then kept), then one transaction for the link and the row's marker. A redelivered row is
skipped by its marker; a link number taken meanwhile (another reader of the same subject,
after a shard split) is taken again from a fresh head; anything else raises, and the batch
is delivered again until it is linked.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from ..domain.audit_chain import Appended, Link, Row, next_link
from ..domain.errors import NotStored

RACE_ATTEMPTS = 8


class LinkStore(Protocol):
    def head(self, subject: str) -> Link | None: ...

    def append(self, link: Link) -> Appended: ...


class ChainRaced(NotStored):
    """Other writers kept taking the subject's next number: the batch is tried again."""


@dataclass
class Linked:
    linked: int = 0
    already: int = 0


def link_rows(
    rows: Iterable[Row],
    links: LinkStore,
    sleep: Callable[[float], None] = time.sleep,
) -> Linked:
    """Append each row to its subject's chain, once."""
    done = Linked()
    heads: dict[str, Link | None] = {}
    for row in rows:
        for attempt in range(RACE_ATTEMPTS):
            if row.subject not in heads:
                heads[row.subject] = links.head(row.subject)
            link = next_link(heads[row.subject], row)
            outcome = links.append(link)
            if outcome is Appended.LINKED:
                heads[row.subject] = link
                done.linked += 1
                break
            if outcome is Appended.ALREADY:
                done.already += 1
                break
            del heads[row.subject]  # raced: read the head again
            sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 - jitter
        else:
            raise ChainRaced(f"audit row {row.key} of {row.subject} was not linked (raced)")
    return done
