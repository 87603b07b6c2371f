"""Sign-in challenges between two pages, kept in the sessions table under their own keys.

A row lives as long as the challenge cookie (5 minutes, then TTL removes it; reads check
the expiry themselves since TTL deletes late) and is deleted once answered. It never
counts as a session: its key is ``challenge#<hash>``, which no session cookie hashes to.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.sign_in import Challenge, PendingChallenge, challenge_key
from .models import SessionModel


class ChallengeStore:
    def keep(self, step_id: str, pending: PendingChallenge, now: datetime, until: datetime) -> None:
        """Write (or replace, after a next step) the challenge waiting under ``step_id``."""
        challenge = pending.challenge
        SessionModel(
            challenge_key(step_id),
            user_id=challenge.username,
            created_at=now,
            last_active_at=now,
            id_token_expires_at=until,
            expires_at=until,
            challenge_name=challenge.name,
            challenge_session=challenge.session,
            mfa_secret=pending.secret or None,
        ).save()

    def get(self, step_id: str, now: datetime) -> PendingChallenge | None:
        """The challenge still waiting under ``step_id``; None when gone or past its time."""
        try:
            row = SessionModel.get(challenge_key(step_id), consistent_read=True)
        except SessionModel.DoesNotExist:
            return None
        if row.expires_at is None or row.expires_at <= now or not row.challenge_name:
            return None
        challenge = Challenge(row.challenge_name, row.challenge_session or "", row.user_id)
        return PendingChallenge(challenge, row.mfa_secret or "")

    def forget(self, step_id: str) -> None:
        """Idempotent: answered, refused or abandoned."""
        SessionModel(challenge_key(step_id)).delete()
