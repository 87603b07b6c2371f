"""A signed-in browser's session: what is kept about it and when it must end.

The cookie carries only a random session id; the sessions table keeps this record under a
hash of that id, so a copy of the table holds no cookie anyone could use.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .users import User

SESSION_LIFETIME = timedelta(hours=12)  # the longest a session lasts, however busy
TOUCH_EVERY = timedelta(minutes=1)  # last-active is written at most this often
ID_TOKEN_MARGIN = timedelta(seconds=30)  # refresh a little before Cognito's token runs out


class EndReason(StrEnum):
    """Why a session is no longer accepted; the sign-in page explains each."""

    EXPIRED = "expired"  # signed out elsewhere, revoked, deactivated, or past its lifetime
    IDLE = "idle"
    INVALID = "invalid"  # a cookie that does not match its session


@dataclass(frozen=True)
class StoredSession:
    key: str
    user_id: str
    refresh_token: str | None
    created_at: datetime
    last_active_at: datetime
    id_token_expires_at: datetime
    expires_at: datetime


def session_key(session_id: str) -> str:
    """Where a session is stored: a one-way hash of the id in the cookie."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def reason_to_refuse(
    session: StoredSession | None,
    user: User | None,
    cookie_user_id: str,
    now: datetime,
    idle_limit: timedelta,
) -> EndReason | None:
    """None when the session may go on; role and active flag come from ``user``, read fresh."""
    if session is None:
        return EndReason.EXPIRED
    if session.user_id != cookie_user_id:
        return EndReason.INVALID
    if now >= session.expires_at or user is None or not user.active:
        return EndReason.EXPIRED
    if user.sessions_from is not None and session.created_at <= user.sessions_from:
        return EndReason.EXPIRED  # begun before a deactivation
    if now - session.last_active_at > idle_limit:
        return EndReason.IDLE
    return None


def needs_new_id_token(session: StoredSession, now: datetime) -> bool:
    """Cognito is asked again once its ID token has (nearly) run out."""
    return now >= session.id_token_expires_at - ID_TOKEN_MARGIN


def worth_touching(session: StoredSession, now: datetime) -> bool:
    """Writing last-active on every click would cost a write per request; once a minute will do."""
    return now - session.last_active_at >= TOUCH_EVERY
