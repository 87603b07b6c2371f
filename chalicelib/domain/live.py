"""Pushed updates: who is listening, and which change each open page may be told about.

An open page holds a WebSocket connection. A connection belongs to one member of staff and
may be watching one client's conversation. A change to a client (its caseload row) reaches
everyone who may see that client; a new or changed text reaches only the pages showing that
client's conversation. The rule is the same as for the pages themselves: a case manager sees
their own caseload, a supervisor their department. The count of the department's unclaimed
numbers reaches everyone of the department (every page's navigation shows it).

What people set up follows the same rules as its pages: a person's own groups and saved
replies reach only that person's pages; the department's saved replies and client-import
formats its whole staff; its groups, court formats and courthouses its supervisors (and
admins). A mass text
reaches its author and the department's supervisors, as the list of mass texts shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .users import Role


class ChangeKind(StrEnum):
    CLIENT = "client"  # a caseload row changed: a text arrived, a status, an opt-out, a move
    ENTRY = "entry"  # a conversation entry was added or changed (a text, its status, a marker)
    UNCLAIMED = "unclaimed"  # the department's unclaimed queue grew or shrank (navigation)
    # a client import moved on: its uploader (``case_manager_id``) and the supervisors hear
    CLIENT_IMPORT = "client-import"
    # a mass text started, written or cancelled: its author (``case_manager_id``) and the
    # department's supervisors hear
    MASS_TEXT = "mass-text"
    OWN_SETTING = "own-setting"  # a person's own group or saved reply: only they hear
    SHARED_SETTING = "shared-setting"  # department saved replies, client formats: all staff
    # department groups, court formats, courthouses: the department's supervisors hear
    SUPERVISED_SETTING = "supervised-setting"


@dataclass(frozen=True)
class Listener:
    """One open page's connection, as stored when it connected."""

    connection_id: str
    user_id: str
    department_id: str
    role: Role
    session_key: str
    watching_client_id: str | None
    connected_at: datetime

    @property
    def oversees_department(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class Change:
    """What a stream record says changed, with who owns it."""

    kind: ChangeKind
    client_id: str
    department_id: str
    case_manager_id: str
    entry_id: str = ""  # which entry, for ENTRY changes
    topic: str = ""  # what changed, for settings ("groups", "replies", ...) and mass texts


def may_hear(listener: Listener, change: Change) -> bool:
    """Would this listener's pages show the changed item?"""
    if listener.department_id != change.department_id:
        return False
    if change.kind in (ChangeKind.UNCLAIMED, ChangeKind.SHARED_SETTING):  # all its staff
        return True
    if change.kind is ChangeKind.OWN_SETTING:  # nobody else's pages, supervisors' neither
        return listener.user_id == change.case_manager_id
    if change.kind is ChangeKind.SUPERVISED_SETTING:
        return listener.oversees_department
    if not listener.oversees_department and listener.user_id != change.case_manager_id:
        return False
    if change.kind is ChangeKind.ENTRY:
        return listener.watching_client_id == change.client_id
    return True
