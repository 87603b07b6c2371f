"""Signed-in sessions: the sessions table behind plain ``StoredSession`` objects.

Every request reads its session and its person's staff record together, in one
BatchGetItem over both tables, with strongly consistent reads: a sign-out or a
deactivation counts from the very next request.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from ..domain.sessions import StoredSession
from ..domain.users import User
from .models import SessionModel, UserModel
from .transactions import transactions
from .users import to_user

BATCH_ATTEMPTS = 3  # unprocessed keys (throttling) are asked again, briefly


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

    def with_user(self, key: str, user_id: str) -> tuple[StoredSession | None, User | None]:
        """The session and the staff record of ``user_id``, in one round trip."""
        sessions_table = SessionModel.Meta.table_name
        users_table = UserModel.Meta.table_name
        wanted: dict[str, Any] = {
            sessions_table: {
                "Keys": [{SessionModel.session_key.attr_name: {"S": key}}],
                "ConsistentRead": True,
            },
            users_table: {
                "Keys": [{UserModel.user_id.attr_name: {"S": user_id}}],
                "ConsistentRead": True,
            },
        }
        found: dict[str, list[dict[str, Any]]] = {sessions_table: [], users_table: []}
        for attempt in range(BATCH_ATTEMPTS):
            answer = transactions().dispatch("BatchGetItem", {"RequestItems": wanted})
            for table, items in answer.get("Responses", {}).items():
                found.setdefault(table, []).extend(items)
            wanted = answer.get("UnprocessedKeys") or {}
            if not wanted:
                break
            time.sleep(0.05 * (attempt + 1))
        session_rows = found[sessions_table]
        user_rows = found[users_table]
        session = to_session(SessionModel.from_raw_data(session_rows[0])) if session_rows else None
        user = to_user(UserModel.from_raw_data(user_rows[0])) if user_rows else None
        return session, user

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
