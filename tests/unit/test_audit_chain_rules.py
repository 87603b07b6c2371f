"""The hash chain's rules (domain/audit_chain.py) and how a lost claim on a chain number is
told apart from "already stored" (store/write_failures.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

from pynamodb.exceptions import TransactWriteError

from chalicelib.domain.audit_chain import GENESIS, Link, first_break, row_hash
from chalicelib.store.write_failures import CHAIN_CONFLICT, Cause, classify

NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
PAST = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
FUTURE = int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())


def chain(n: int, *, first: int = 1, prev_expires: int | None = None) -> list[Link]:
    links, prev = [], GENESIS
    for seq in range(first, first + n):
        before = prev_expires if seq == first else FUTURE
        fields = ("client#c1", seq, f"2026-12-0{seq % 9 + 1}T00:00:00.000000Z#ab", "kim", "view")
        digest = row_hash(*fields, {}, before, prev)
        links.append(Link(*fields, {}, FUTURE, before, prev, digest))
        prev = digest
    return links


def test_an_untouched_chain_has_no_break():
    assert first_break(chain(5), NOW) is None


def test_an_edited_row_is_the_first_break():
    links = chain(5)
    links[2] = replace(links[2], actor="someone-else")
    broken = first_break(links, NOW)
    assert broken is not None and broken.seq == 3 and "edited" in broken.reason


def test_a_row_rewritten_with_a_fresh_hash_breaks_its_successors_link():
    links = chain(5)
    edited = replace(links[2], action="nothing")
    links[2] = replace(edited, row_hash=row_hash(*_fields(edited)))
    broken = first_break(links, NOW)
    assert broken is not None and broken.seq == 4


def test_a_missing_row_is_a_gap():
    links = chain(5)
    del links[1]
    broken = first_break(links, NOW)
    assert broken is not None and broken.seq == 2 and "gap" in broken.reason


def test_a_chain_may_start_where_ttl_took_the_rows_before_and_nowhere_earlier():
    assert first_break(chain(3, first=7, prev_expires=PAST), NOW) is None
    broken = first_break(chain(3, first=7, prev_expires=FUTURE), NOW)
    assert broken is not None and broken.seq == 7


def _fields(link: Link) -> tuple:
    return (
        link.subject,
        link.seq,
        link.at,
        link.actor,
        link.action,
        link.details,
        link.prev_expires,
        link.prev_hash,
    )


def cancelled(*reasons: SimpleNamespace | None) -> TransactWriteError:
    error = TransactWriteError("cancelled")
    error.cause = SimpleNamespace(
        response={"Error": {"Code": "TransactionCanceledException"}},
        cancellation_reasons=list(reasons),
    )
    return error


def reason(code: str, item: dict | None = None) -> SimpleNamespace:
    return SimpleNamespace(code=code, raw_item=item)


def test_a_lost_claim_on_a_chain_number_is_a_conflict_to_retry_not_already_stored():
    lost = cancelled(None, reason("ConditionalCheckFailed", {"row_hash": {"S": "ab"}}))
    failure = classify(lost)
    assert failure.cause is Cause.CONFLICT
    assert failure.item_codes[1] == CHAIN_CONFLICT
    assert not failure.item_failed_condition(1)


def test_a_failed_guard_beside_a_lost_claim_is_retried_then_found_stored():
    both = cancelled(
        reason("ConditionalCheckFailed", {"sid": {"S": "SM1"}}),
        reason("ConditionalCheckFailed", {"row_hash": {"S": "ab"}}),
    )
    assert classify(both).cause is Cause.CONFLICT
    assert classify(cancelled(reason("ConditionalCheckFailed"))).cause is Cause.CONDITION


def test_a_rows_expiry_may_be_taken_off_for_a_hold_without_breaking_the_chain():
    """Ops keep a held client's audit rows by removing their TTL: not an edit of what they
    say. An expiry brought forward still shows, as the next row keeps its predecessor's."""
    links = chain(4)
    links[1] = replace(links[1], expires=None)
    assert first_break(links, NOW) is None
    early = chain(4)[2:]  # rows 1 and 2 gone early: row 3 says row 2 expires in 2030
    broken = first_break(early, NOW)
    assert broken is not None and broken.seq == 3
