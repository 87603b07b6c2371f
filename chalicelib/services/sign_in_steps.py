"""A sign-in that needs a second page (a new password, an MFA code, setting up an
authenticator app) waits on the server between the two: the browser's cookie names it by a
random id and carries nothing else, so the authenticator secret never leaves the server
except on the one page that shows it."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from ..domain.sign_in import PendingChallenge
from ..store.challenges import ChallengeStore


def keep(
    store: ChallengeStore,
    pending: PendingChallenge,
    lifetime: timedelta,
    now: datetime | None = None,
) -> str:
    """Keep ``pending`` for ``lifetime``; returns the id for the challenge cookie."""
    now = now or datetime.now(UTC)
    step_id = secrets.token_urlsafe(32)
    store.keep(step_id, pending, now, now + lifetime)
    return step_id


def waiting(
    store: ChallengeStore, step_id: str, now: datetime | None = None
) -> PendingChallenge | None:
    """The challenge kept under ``step_id``, or None when it was answered or ran out."""
    if not step_id:
        return None
    return store.get(step_id, now or datetime.now(UTC))


def forget(store: ChallengeStore, step_id: str) -> None:
    if step_id:
        store.forget(step_id)
