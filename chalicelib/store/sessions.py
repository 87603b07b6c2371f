"""Signed-in sessions: the sessions table behind plain ``StoredSession`` objects.

Every request reads its session and its person's staff record together, in one
BatchGetItem over both tables, with strongly consistent reads: a sign-out or a
deactivation counts from the very next request. Whatever else the request already knows
the key of (the client its URL names, the navigation's count) rides in the same batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from ..domain.sessions import StoredSession
from ..domain.users import User
from . import batch
from .batch import Along
from .models import SessionModel, UserModel
from .transactions import transactions
from .users import to_user


def to_session(row: SessionModel) -> StoredSession:
    return StoredSession(
        key=row.session_key,
        user_id=row.user_id,
        refresh_token=row.refresh_token,
        created_at=row.created_at,
        last_active_at=row.last_active_at,
        id_token_expires_at=row.id_token_expires_at,
        expires_at=row.expires_at,
    )


def _session_of(raw: dict[str, Any] | None) -> StoredSession | None:
    return to_session(SessionModel.from_raw_data(raw)) if raw else None


def _user_of(raw: dict[str, Any] | None) -> User | None:
    return to_user(UserModel.from_raw_data(raw)) if raw else None


class SessionStore:
    def create(self, session: StoredSession) -> None:
        """A new session; the condition makes a (vanishingly unlikely) key clash fail loudly."""
        SessionModel(
            session.key,
            user_id=session.user_id,
            refresh_token=session.refresh_token,
            created_at=session.created_at,
            last_active_at=session.last_active_at,
            id_token_expires_at=session.id_token_expires_at,
            expires_at=session.expires_at,
        ).save(condition=SessionModel.session_key.does_not_exist())

    def with_user(
        self, key: str, user_id: str, along: Sequence[Along[Any]] = ()
    ) -> tuple[StoredSession | None, User | None]:
        """The session and the staff record of ``user_id``, in one round trip; ``along``
        are read in the same BatchGetItem (their values are set on them)."""
        session = batch.along(SessionModel, key, parse=_session_of, consistent=True)
        user = batch.along(UserModel, user_id, parse=_user_of, consistent=True)
        batch.read_together([session, user, *along])
        return session.value, user.value

    def touch(self, key: str, now: datetime, not_since: datetime) -> bool:
        """Move last-active to ``now`` unless another request did so after ``not_since``."""
        try:
            SessionModel(key).update(
                actions=[SessionModel.last_active_at.set(now)],
                condition=SessionModel.session_key.exists()
                & (SessionModel.last_active_at < not_since),
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def record_new_id_token(
        self, key: str, id_token_expires_at: datetime, refresh_token: str | None
    ) -> bool:
        """After a refresh: the new token's expiry (and a rotated refresh token, if any)."""
        actions: list[Action] = [SessionModel.id_token_expires_at.set(id_token_expires_at)]
        if refresh_token:
            actions.append(SessionModel.refresh_token.set(refresh_token))
        try:
            SessionModel(key).update(actions=actions, condition=SessionModel.session_key.exists())
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False  # signed out meanwhile
            raise
        return True

    def delete(self, key: str) -> StoredSession | None:
        """Remove a session; returns what was stored, or None if it was already gone."""
        answer = transactions().dispatch(
            "DeleteItem",
            {
                "TableName": SessionModel.Meta.table_name,
                "Key": {SessionModel.session_key.attr_name: {"S": key}},
                "ReturnValues": "ALL_OLD",
            },
        )
        old = answer.get("Attributes")
        return to_session(SessionModel.from_raw_data(old)) if old else None

    def many(self, keys: list[str]) -> dict[str, StoredSession]:
        """Several sessions at once (BatchGetItem, strongly consistent), by key."""
        if not keys:
            return {}
        rows = SessionModel.batch_get(sorted(set(keys)), consistent_read=True)
        return {row.session_key: to_session(row) for row in rows}
