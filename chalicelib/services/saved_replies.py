"""Saved replies: each person keeps their own, a department's supervisors keep its shared
ones, and the compose box inserts either, filled in for the client it is open on.

Nobody names a department or an owner: both come from the signed-in person, so a reply of
another person or department is never addressable (its id leads to one's own, absent,
reply: "no such reply"). Refusals come before any write.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from ..domain.errors import Forbidden, NotFound, ValidationFailed
from ..domain.saved_replies import (
    NO_CASE_MANAGER,
    REPLY_ID,
    FilledReply,
    SavedReply,
    Scope,
    checked_reply,
    filled,
    primary_language,
)
from ..domain.users import User
from ..store.clients import ClientStore
from ..store.saved_replies import MAX_LISTED, SavedReplyStore, StaleReply
from ..store.users import UserStore
from .caseload import open_client

STALE = (
    "Someone changed this reply since you opened it, so nothing was saved. "
    "Your wording is kept below: save again to replace theirs."
)
STALE_DELETE = "Someone changed this reply since you opened the page, so it was not deleted."
NO_SUCH_REPLY = "There is no such saved reply (it may have been deleted)."
TOO_MANY = f"A list holds at most {MAX_LISTED} replies: delete one you no longer use first."


@dataclass(frozen=True)
class Replies:
    """The settings page: one's own replies, the department's, and who may change those."""

    mine: list[SavedReply]
    department: list[SavedReply]
    manages_department: bool


@dataclass(frozen=True)
class FilledReplies:
    """The compose box's picker for one client, each reply in that client's words."""

    mine: list[FilledReply]
    department: list[FilledReply]


def may_manage(user: User, scope: Scope) -> bool:
    return user.active and (scope is Scope.MINE or user.oversees_department)


def check_may_manage(user: User, scope: Scope) -> None:
    if not may_manage(user, scope):
        raise Forbidden("Only a supervisor changes the department's saved replies.")


def scope_of(text: str) -> Scope:
    try:
        return Scope(text)
    except ValueError:
        raise NotFound(NO_SUCH_REPLY) from None


def replies_of(user: User, store: SavedReplyStore) -> Replies:
    return Replies(
        store.listed(user.department_id, Scope.MINE, user.user_id),
        store.listed(user.department_id, Scope.DEPARTMENT),
        may_manage(user, Scope.DEPARTMENT),
    )


def blank_reply(user: User, scope_text: str) -> SavedReply:
    """A new reply's form: its id is chosen now, so a form sent twice saves one reply."""
    scope = scope_of(scope_text)
    check_may_manage(user, scope)
    return SavedReply(secrets.token_hex(8), scope, _owner(user, scope), "", "")


def open_reply(user: User, store: SavedReplyStore, scope_text: str, reply_id: str) -> SavedReply:
    scope = scope_of(scope_text)
    check_may_manage(user, scope)
    return _stored(user, store, scope, reply_id)


def save_reply(user: User, store: SavedReplyStore, form: Mapping[str, str]) -> SavedReply:
    """Check and store the form against the version it was read at (0: a new reply)."""
    scope = scope_of(form.get("scope", ""))
    check_may_manage(user, scope)
    reply_id = (form.get("reply_id") or "").strip()
    if not REPLY_ID.match(reply_id):
        raise NotFound(NO_SUCH_REPLY)
    version = _version(form)
    if version < 0:
        raise ValidationFailed({"version": STALE})
    if version:
        _stored(user, store, scope, reply_id)
    reply = checked_reply(form, reply_id, scope, _owner(user, scope), version)
    if not version:
        listed = store.listed(user.department_id, scope, reply.owner_id)
        if len(listed) >= MAX_LISTED and all(r.reply_id != reply_id for r in listed):
            raise ValidationFailed({"form": TOO_MANY})
    try:
        return store.save(user.department_id, reply, user.user_id)
    except StaleReply:
        now = store.get(user.department_id, scope, reply.owner_id, reply_id)
        if now is not None and _same_words(now, reply):
            return now  # the same form sent twice: already stored
        raise ValidationFailed({"version": STALE}) from None


def delete_reply(
    user: User, store: SavedReplyStore, scope_text: str, reply_id: str, form: Mapping[str, str]
) -> SavedReply:
    """Delete the reply if it is still as the page showed it."""
    scope = scope_of(scope_text)
    check_may_manage(user, scope)
    stored = _stored(user, store, scope, reply_id)
    if stored.version != _version(form):
        raise ValidationFailed({"version": STALE_DELETE})
    try:
        store.delete(user.department_id, stored, user.user_id)
    except StaleReply:
        if store.get(user.department_id, scope, stored.owner_id, reply_id) is not None:
            raise ValidationFailed({"version": STALE_DELETE}) from None
    return stored


def filled_for_client(
    user: User,
    clients: ClientStore,
    users: UserStore,
    store: SavedReplyStore,
    client_id: str,
) -> FilledReplies:
    """Every reply the person may use, in the client's language with the client's names:
    decided here, in one place, so the page inserts exactly what will be sent."""
    client = open_client(user, clients, client_id)
    language = primary_language(client.language)
    if client.case_manager_id == user.user_id:
        manager: User | None = user
    else:
        manager = users.get(client.case_manager_id)
    values = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "case_manager": manager.display_name
        if manager
        else NO_CASE_MANAGER.get(language, NO_CASE_MANAGER["en"]),
    }
    lists = replies_of(user, store)
    return FilledReplies(
        _filled_all(lists.mine, language, values), _filled_all(lists.department, language, values)
    )


def _filled_all(
    replies: list[SavedReply], language: str, values: Mapping[str, str]
) -> list[FilledReply]:
    """Each reply filled in; one its wording no longer allows (rules changed since it was
    saved) is left out rather than inserted with a placeholder showing."""
    out = []
    for reply in replies:
        try:
            out.append(filled(reply, language, values))
        except ValidationFailed:
            continue
    return out


def _owner(user: User, scope: Scope) -> str:
    return user.user_id if scope is Scope.MINE else ""


def _stored(user: User, store: SavedReplyStore, scope: Scope, reply_id: str) -> SavedReply:
    found = None
    if REPLY_ID.match(reply_id or ""):
        found = store.get(user.department_id, scope, _owner(user, scope), reply_id)
    if found is None:
        raise NotFound(NO_SUCH_REPLY)
    return found


def _version(form: Mapping[str, str]) -> int:
    raw = (form.get("version") or "0").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else -1


def _same_words(a: SavedReply, b: SavedReply) -> bool:
    return (a.title, a.english, a.spanish) == (b.title, b.english, b.spanish)
