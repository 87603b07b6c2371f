"""Someone's own authenticator app, where the jurisdiction sets ``mfa: OPTIONAL``: turn it
on (a key shown once, then a code from the app proves it is set up) or off (the password
and a current code). Where it sets ``ON``, the first sign-in sets it up instead
(``web/auth_pages.py``); where ``OFF``, there is nothing to manage.

The key waits on the server between showing it and its first code (the sessions table,
as a pending challenge, 10 minutes), named by a random id in the form, never in a cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from ..adapters.cognito import AuthFailed
from ..adapters.cognito_mfa import CognitoMfa
from ..domain.errors import ClientCommError
from ..domain.jurisdiction import Jurisdiction
from ..domain.sessions import session_key
from ..domain.sign_in import Challenge, PendingChallenge, RefusalReason
from ..domain.users import User
from ..store.challenges import ChallengeStore
from ..store.sessions import SessionStore
from ..store.staff_changes import StaffChanges
from . import sign_in_steps

T = TypeVar("T")
ENROLMENT = "APP_ENROLMENT"  # a pending challenge of the settings page, not of sign-in
ENROLMENT_LIFETIME = timedelta(minutes=10)


class MfaRefused(ClientCommError):
    """A step did not succeed; ``reason`` picks what the page says."""

    def __init__(self, reason: RefusalReason):
        super().__init__(str(reason))
        self.reason = reason


@dataclass(frozen=True)
class MfaParts:
    cognito: CognitoMfa
    sessions: SessionStore
    pending: ChallengeStore
    changes: StaffChanges  # for the audit rows


@dataclass(frozen=True)
class Enrolment:
    """A key being set up: ``pending_id`` goes in the form, ``secret`` on the page."""

    pending_id: str
    secret: str


def offered(place: Jurisdiction) -> bool:
    return place.raw.get("mfa") == "OPTIONAL"


def uses_an_app(parts: MfaParts, session_id: str) -> bool:
    return _ask(lambda: parts.cognito.uses_an_app(_access(parts, session_id)))


def start(user: User, parts: MfaParts, session_id: str) -> Enrolment:
    """A new key for the app (it replaces none until its first code is verified)."""
    secret = _ask(lambda: parts.cognito.new_secret(_access(parts, session_id)))
    pending = PendingChallenge(Challenge(ENROLMENT, "", user.user_id), secret)
    return Enrolment(sign_in_steps.keep(parts.pending, pending, ENROLMENT_LIFETIME), secret)


def waiting(user: User, parts: MfaParts, pending_id: str) -> Enrolment | None:
    """The key still waiting for its first code (only ever the asker's own)."""
    pending = sign_in_steps.waiting(parts.pending, pending_id)
    if pending is None or pending.challenge.name != ENROLMENT:
        return None
    if pending.challenge.username != user.user_id:
        return None
    return Enrolment(pending_id, pending.secret)


def finish(user: User, parts: MfaParts, session_id: str, pending_id: str, code: str) -> None:
    """The app's first code: verified, the app is asked for at every sign-in from now on."""
    if waiting(user, parts, pending_id) is None:
        raise MfaRefused(RefusalReason.CHALLENGE_EXPIRED)
    access = _ask(lambda: _access(parts, session_id))
    _ask(lambda: parts.cognito.verify(access, code.strip()))
    _ask(lambda: parts.cognito.use_the_app(access, True))
    sign_in_steps.forget(parts.pending, pending_id)
    parts.changes.record(user.user_id, user.user_id, "mfa_app_added", {})


def turn_off(user: User, parts: MfaParts, password: str, code: str) -> None:
    """Only with the password and a current code: proof of both factors."""
    access = _ask(
        lambda: parts.cognito.access_token_with_code(user.user_id, password, code.strip())
    )
    _ask(lambda: parts.cognito.use_the_app(access, False))
    parts.changes.record(user.user_id, user.user_id, "mfa_app_removed", {})


def _access(parts: MfaParts, session_id: str) -> str:
    stored = parts.sessions.many([session_key(session_id)]).get(session_key(session_id))
    if stored is None or not stored.refresh_token:
        raise MfaRefused(RefusalReason.CHALLENGE_EXPIRED)
    return parts.cognito.access_token(stored.refresh_token)


def _ask(step: Callable[[], T]) -> T:
    try:
        return step()
    except AuthFailed as exc:
        raise MfaRefused(exc.reason) from exc
