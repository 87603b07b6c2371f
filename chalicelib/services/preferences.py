"""A person's own settings: today, whether they want e-mail about unread texts."""

from __future__ import annotations

from ..domain.errors import NotFound
from ..domain.users import User
from ..store.users import UserStore


def my_settings(user: User, users: UserStore) -> User:
    """The signed-in person's own record, read fresh (not from the session)."""
    me = users.get(user.user_id)
    if me is None:
        raise NotFound("Your staff record is missing. Ask an administrator.")
    return me


def set_email_notifications(user: User, users: UserStore, wanted: bool) -> None:
    users.set_email_notifications(user.user_id, wanted)
