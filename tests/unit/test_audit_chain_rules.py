"""The audit chain's rules (domain/audit_chain.py): links made after rows are written, and
what the check finds when a row or a link is edited or removed (issue 21, item 3; the
chain moved from write time to the audit stream)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain.audit_chain import (
    GENESIS,
    SETTLE,
    Chain,
    Link,
    Row,
    first_break,
    next_link,
    still_linking,
)

NOW = datetime(2026, 3, 8, 20, 0, tzinfo=UTC)
SUBJECT = "client#c1"


def row(n: int, at: datetime = NOW - timedelta(hours=1), expires: int | None = None) -> Row:
    stamp = f"{(at + timedelta(seconds=n)).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{n:08x}"
    return Row(SUBJECT, stamp, stamp, "kristina", "view", {"n": str(n)}, expires)


def linked(rows: list[Row]) -> Chain:
    links: list[Link] = []
    for each in rows:
        links.append(next_link(links[-1] if links else None, each))
    return Chain(SUBJECT, links, {r.key: r for r in rows})


def test_an_untouched_chain_has_no_break():
    chain = linked([row(n) for n in range(5)])
    assert first_break(chain, NOW) is None
    assert chain.links[0].prev_hash == GENESIS
    assert [link.seq for link in chain.links] == [1, 2, 3, 4, 5]


def test_an_edited_row_no_longer_matches_its_link():
    chain = linked([row(n) for n in range(4)])
    edited = replace(chain.rows[chain.links[2].row_key], actor="someone-else")
    broken = first_break(replace(chain, rows={**chain.rows, edited.key: edited}), NOW)
    assert broken is not None and broken.seq == 3 and "edited" in broken.reason


def test_a_deleted_row_leaves_its_link_pointing_at_nothing():
    chain = linked([row(n) for n in range(4)])
    rows = {k: v for k, v in chain.rows.items() if k != chain.links[1].row_key}
    broken = first_break(replace(chain, rows=rows), NOW)
    assert broken is not None and broken.seq == 2 and "deleted" in broken.reason


def test_a_deleted_link_is_a_gap_and_its_row_is_unlinked():
    chain = linked([row(n) for n in range(4)])
    links = [link for link in chain.links if link.seq != 3]
    broken = first_break(replace(chain, links=links), NOW)
    assert broken is not None and broken.seq == 3 and "missing" in broken.reason


def test_an_edited_link_breaks_its_own_hash_or_its_successors_pointer():
    chain = linked([row(n) for n in range(4)])
    forged = replace(chain.links[1], row_hash="0" * 64)
    broken = first_break(replace(chain, links=[chain.links[0], forged, *chain.links[2:]]), NOW)
    assert broken is not None and broken.seq == 2 and "hash" in broken.reason
    rehashed = next_link(chain.links[0], replace(chain.rows[chain.links[1].row_key], actor="x"))
    links = [chain.links[0], rehashed, *chain.links[2:]]
    broken = first_break(replace(chain, links=links), NOW)
    assert broken is not None and broken.seq == 2  # its row says otherwise


def test_links_may_be_missing_only_where_the_one_before_had_expired():
    expired = int((NOW - timedelta(days=1)).timestamp())
    later = int((NOW + timedelta(days=1)).timestamp())
    rows = [row(0, expires=expired), row(1, expires=expired), row(2, expires=later)]
    chain = linked(rows)
    gone = chain.links[0].row_key, chain.links[1].row_key
    kept = {k: v for k, v in chain.rows.items() if k not in gone}
    assert first_break(Chain(SUBJECT, chain.links[2:], kept), NOW) is None
    early = linked([row(0, expires=later), row(1, expires=later), row(2, expires=later)])
    keys = {early.links[2].row_key}
    broken = first_break(Chain(SUBJECT, early.links[2:], {k: early.rows[k] for k in keys}), NOW)
    assert broken is not None and broken.seq == 1 and "not expired" in broken.reason


def test_a_row_not_linked_yet_is_still_being_linked_for_a_few_minutes_then_broken():
    chain = linked([row(n) for n in range(2)])
    fresh = row(9, at=NOW - SETTLE / 2)
    waiting = replace(chain, rows={**chain.rows, fresh.key: fresh})
    assert first_break(waiting, NOW) is None
    assert still_linking([waiting], NOW) == 1
    later = NOW + SETTLE
    broken = first_break(waiting, later)
    assert broken is not None and "not linked" in broken.reason
    assert still_linking([waiting], later) == 0


def test_a_held_rows_expiry_taken_off_keeps_the_chain_intact():
    ends = int((NOW + timedelta(days=30)).timestamp())
    chain = linked([row(n, expires=ends) for n in range(3)])
    held = {k: replace(v, expires=None) for k, v in chain.rows.items()}
    links = [replace(link, expires=None) for link in chain.links]
    assert first_break(Chain(SUBJECT, links, held), NOW) is None


def test_rows_from_before_the_chain_are_neither_linked_nor_a_break():
    chain = linked([row(0)])
    old = Row(SUBJECT, "2025-01-01T00:00:00.000000Z#abcd", "", "kristina", "view", {})
    assert first_break(replace(chain, rows={**chain.rows, old.key: old}), NOW) is None
