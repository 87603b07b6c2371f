"""A deactivation ends every session begun before it for good: reactivating the person lets
them sign in afresh, never revives a cookie someone kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.sessions import EndReason, StoredSession, reason_to_refuse
from chalicelib.domain.users import Role, User

AT = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
IDLE = timedelta(minutes=30)


def session_begun(at: datetime) -> StoredSession:
    return StoredSession("k", "kim", "r", at, at, at + timedelta(hours=1), at + timedelta(hours=12))


def test_a_session_begun_before_the_deactivation_stays_ended_after_a_reactivation():
    kim = User("kim", "Kim", "k@x.invalid", Role.CASE_MANAGER, "probation", sessions_from=AT)
    before = session_begun(AT - timedelta(minutes=5))
    refused = reason_to_refuse(before, kim, "kim", AT + timedelta(minutes=1), IDLE)
    assert refused is EndReason.EXPIRED


def test_a_session_begun_after_it_is_accepted():
    kim = User("kim", "Kim", "k@x.invalid", Role.CASE_MANAGER, "probation", sessions_from=AT)
    after = session_begun(AT + timedelta(minutes=1))
    assert reason_to_refuse(after, kim, "kim", AT + timedelta(minutes=2), IDLE) is None
