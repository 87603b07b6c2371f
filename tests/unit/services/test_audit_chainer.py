"""chain-audit links each new audit row once (services/audit_chainer.py), on an in-memory
store: a redelivered batch links nothing twice, a lost race for a link number reads the
head again, and a row that keeps losing raises so the batch is delivered again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.audit_chain import Appended, Chain, Link, Row, first_break
from chalicelib.services.audit_chainer import ChainRaced, link_rows

NOW = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


class MemoryLinks:
    """Links and markers as the store keeps them, each under "not there yet"."""

    def __init__(self) -> None:
        self.links: dict[tuple[str, int], Link] = {}
        self.marks: set[tuple[str, str]] = set()
        self.heads_read = 0
        self.steal: list[Link] = []  # links another reader writes first

    def head(self, subject: str) -> Link | None:
        self.heads_read += 1
        mine = [link for (s, _), link in self.links.items() if s == subject]
        return max(mine, key=lambda link: link.seq, default=None)

    def append(self, link: Link) -> Appended:
        if self.steal:
            other = self.steal.pop(0)
            self.links[(other.subject, other.seq)] = other
        if (link.subject, link.row_key) in self.marks:
            return Appended.ALREADY
        if (link.subject, link.seq) in self.links:
            return Appended.RACED
        self.links[(link.subject, link.seq)] = link
        self.marks.add((link.subject, link.row_key))
        return Appended.LINKED

    def chain(self, subject: str, rows: list[Row]) -> Chain:
        links = sorted((v for (s, _), v in self.links.items() if s == subject), key=lambda x: x.seq)
        return Chain(subject, links, {r.key: r for r in rows})


def rows_of(subject: str, count: int) -> list[Row]:
    out = []
    for n in range(count):
        at = (
            f"{(NOW - timedelta(minutes=30, seconds=-n)).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{n:08x}"
        )
        out.append(Row(subject, at, at, "dana", "send", {"entry": str(n)}))
    return out


def test_a_redelivered_batch_links_each_row_once():
    store = MemoryLinks()
    rows = rows_of("client#a", 3) + rows_of("department#d", 2)

    first = link_rows(rows, store, sleep=lambda _: None)
    again = link_rows(rows, store, sleep=lambda _: None)

    assert (first.linked, first.already) == (5, 0)
    assert (again.linked, again.already) == (0, 5)
    assert [link.seq for link in store.chain("client#a", rows).links] == [1, 2, 3]
    assert first_break(store.chain("client#a", rows[:3]), NOW) is None
    assert first_break(store.chain("department#d", rows[3:]), NOW) is None


def test_a_batch_reads_each_subjects_head_once_when_nobody_else_links_it():
    store = MemoryLinks()
    link_rows(rows_of("client#b", 4), store, sleep=lambda _: None)
    assert store.heads_read == 1


def test_a_link_number_taken_meanwhile_is_taken_again_from_the_new_head():
    store = MemoryLinks()
    theirs = rows_of("client#c", 1)[0]
    from chalicelib.domain.audit_chain import next_link

    store.steal = [next_link(None, theirs)]  # another reader links row 1 first
    mine = rows_of("client#c", 3)[1:]

    done = link_rows(mine, store, sleep=lambda _: None)

    assert done.linked == 2
    chain = store.chain("client#c", [theirs, *mine])
    assert [link.row_key for link in chain.links] == [theirs.key, mine[0].key, mine[1].key]
    assert first_break(chain, NOW) is None


def test_a_row_that_keeps_losing_its_number_raises_for_the_batch_to_be_retried():
    class AlwaysRaced(MemoryLinks):
        def append(self, link: Link) -> Appended:
            return Appended.RACED

    with pytest.raises(ChainRaced):
        link_rows(rows_of("client#d", 1), AlwaysRaced(), sleep=lambda _: None)
