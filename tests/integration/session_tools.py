"""Reading and ageing a visitor's server-side session, and making throw-away staff logins.

Time is controlled by writing the session's stored times into the past, the same effect as
waiting, without waiting.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import timedelta

import boto3

from chalicelib import bootstrap
from chalicelib.config import get_session_secret
from chalicelib.domain.sessions import StoredSession, session_key
from chalicelib.domain.users import Role, User
from chalicelib.store.models import SessionModel
from chalicelib.web.session import SESSION_COOKIE, Ticket
from infra.local.seed import create_login
from tests.clock import real_now

PASSWORD = "Throwaway-pass-1!"
BACKGROUND = {"X-ClientComm-Background": "1", "Accept": "application/json"}
_names = itertools.count(1)


def key_of(visitor) -> str:
    ticket = Ticket.from_cookie_value(get_session_secret(), visitor.cookies[SESSION_COOKIE])
    assert ticket is not None
    return session_key(ticket.session_id)


def stored(visitor) -> StoredSession | None:
    bootstrap.session_store()  # binds the stage's table names
    try:
        row = SessionModel.get(key_of(visitor), consistent_read=True)
    except SessionModel.DoesNotExist:
        return None
    return StoredSession(
        row.session_key,
        row.user_id,
        row.refresh_token,
        row.created_at,
        row.last_active_at,
        row.id_token_expires_at,
        row.expires_at,
    )


def age(visitor, **ago: timedelta) -> None:
    """Move stored times into the past, e.g. ``age(web, last_active_at=timedelta(minutes=31))``."""
    bootstrap.session_store()
    now = real_now()
    actions = [getattr(SessionModel, name).set(now - delta) for name, delta in ago.items()]
    SessionModel(key_of(visitor)).update(actions=actions)


def new_staff(stack, stores, role: Role = Role.CASE_MANAGER, department: str = "probation") -> User:
    """A Cognito login plus staff record nobody else uses, so a test may change it freely."""
    username = f"staff{next(_names)}{secrets.token_hex(4)}"
    create_login(
        boto3.client("cognito-idp"), stack.resources.user_pool_id, username, PASSWORD, PASSWORD
    )
    user = User(username, f"Temp {username}", f"{username}@x.invalid", role, department)
    stores.users.save(user)
    return user
