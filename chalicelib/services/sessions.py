"""Sessions kept on the server: start one at sign-in, check it on every request, end it.

The browser holds only a signed random id. Each request reads the session and the staff
record together (one round trip), so a sign-out, a deactivation or a demotion counts from
the next request, whatever cookie anyone kept. Cognito stays in the loop: when the ID token
of the sign-in runs out, the stored refresh token must still work.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..adapters.cognito import CognitoGateway, TokenVerifier
from ..domain.errors import ClientCommError
from ..domain.sessions import (
    SESSION_LIFETIME,
    TOUCH_EVERY,
    EndReason,
    StoredSession,
    needs_new_id_token,
    reason_to_refuse,
    session_key,
    worth_touching,
)
from ..domain.users import User
from ..store.batch import Along
from ..store.sessions import SessionStore
from . import auth

log = logging.getLogger(__name__)


class SessionEnded(ClientCommError):
    """The session cannot be used (any more); ``reason`` is shown on the sign-in page."""

    def __init__(self, reason: EndReason):
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class SessionKeeping:
    """What the session use cases need. Cognito is built only when a call needs it."""

    store: SessionStore
    cognito: Callable[[], CognitoGateway]
    verifier: TokenVerifier


def start(keeping: SessionKeeping, signed: auth.SignedIn, now: datetime | None = None) -> str:
    """A new session for someone who just signed in; returns the id for their cookie."""
    now = now or datetime.now(UTC)
    session_id = secrets.token_urlsafe(32)
    keeping.store.create(
        StoredSession(
            key=session_key(session_id),
            user_id=signed.user.user_id,
            refresh_token=signed.tokens.refresh_token,
            created_at=now,
            last_active_at=now,
            id_token_expires_at=signed.id_token_expires_at,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return session_id


def resume(
    keeping: SessionKeeping,
    session_id: str,
    user_id: str,
    *,
    background: bool,
    idle_limit: timedelta,
    now: datetime | None = None,
    along: Sequence[Along[Any]] = (),
) -> User:
    """The member of staff behind a session, as the Users table has them now.

    Background requests (the live-update polls) never count as activity, so an open tab
    cannot keep a session alive past the idle timeout. ``along`` are items the request
    will read anyway, read in the session's round trip; nothing may use them unless this
    returns (the session is good).
    """
    now = now or datetime.now(UTC)
    key = session_key(session_id)
    session, user = keeping.store.with_user(key, user_id, along)
    reason = reason_to_refuse(session, user, user_id, now, idle_limit)
    if reason is not None:
        if session is not None and reason is not EndReason.INVALID:
            _close(keeping, key)
        raise SessionEnded(reason)
    assert session is not None and user is not None  # reason_to_refuse checked both
    if needs_new_id_token(session, now):
        _refresh(keeping, session)
    if not background and worth_touching(session, now):
        keeping.store.touch(key, now, not_since=now - TOUCH_EVERY)
    return user


def end(keeping: SessionKeeping, session_id: str) -> None:
    """Sign-out: the session is deleted first, so it is over even if Cognito cannot be reached."""
    _close(keeping, session_key(session_id))


def _refresh(keeping: SessionKeeping, session: StoredSession) -> None:
    if not session.refresh_token:
        _close(keeping, session.key)
        raise SessionEnded(EndReason.EXPIRED)
    try:
        tokens, expires_at = auth.refreshed(
            keeping.cognito(), keeping.verifier, session.user_id, session.refresh_token
        )
    except auth.SignInRefused as exc:
        log.info("session ended: Cognito refused the refresh (%s)", exc.reason)
        keeping.store.delete(session.key)
        raise SessionEnded(EndReason.EXPIRED) from exc
    rotated = tokens.refresh_token if tokens.refresh_token != session.refresh_token else None
    if not keeping.store.record_new_id_token(session.key, expires_at, rotated):
        raise SessionEnded(EndReason.EXPIRED)  # signed out while we were asking


def _close(keeping: SessionKeeping, key: str) -> None:
    old = keeping.store.delete(key)
    if old is not None and old.refresh_token:
        auth.revoke(keeping.cognito(), old.refresh_token)
