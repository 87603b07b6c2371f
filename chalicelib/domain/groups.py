"""Groups of clients: a case manager's own ("Thursday class") and a department's.

Who may see, change and text a group, and which clients may be in it, decided here so the
pages, the mass texts and the tests share one rule: a case manager's group holds only
their own caseload's clients and is theirs alone; a department group holds only that
department's clients, every supervisor of it may change it, and case managers don't see it.
A client who retired or moved since being added stays listed, marked, and is skipped when
the group is texted.
"""

from __future__ import annotations

from dataclasses import dataclass

from .clients import Client
from .errors import Forbidden, ValidationFailed
from .users import User

MAX_GROUP_NAME = 60
MAX_MEMBERS = 2000  # a string set of ids stays far under DynamoDB's 400 KB item
DEPARTMENT = "*"  # the owner of a department group (a user id never is "*")


@dataclass(frozen=True)
class Group:
    group_id: str  # "p…" a person's own group, "d…" a department's
    department_id: str
    owner: str  # the case manager's user id, or DEPARTMENT
    name: str
    members: frozenset[str] = frozenset()

    @property
    def of_department(self) -> bool:
        return self.owner == DEPARTMENT


def owner_for(user: User, department_group: bool) -> str:
    """Only supervisors (and admins) make department groups."""
    if department_group and not user.oversees_department:
        raise Forbidden("Only a supervisor can make a department group.")
    return DEPARTMENT if department_group else user.user_id


def owner_of_id(user: User, group_id: str) -> str:
    """The owner a group id names for this person: their own or their department's."""
    return DEPARTMENT if group_id.startswith("d") else user.user_id


def checked_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ValidationFailed({"name": "Give the group a name, such as “Thursday class”."})
    if len(name) > MAX_GROUP_NAME:
        raise ValidationFailed({"name": f"Keep the name under {MAX_GROUP_NAME} characters."})
    return name


def may_use(user: User, group: Group) -> bool:
    """See, change and text the group: its owner, or a supervisor of its department."""
    if not user.active or user.department_id != group.department_id:
        return False
    if group.of_department:
        return user.oversees_department
    return group.owner == user.user_id


def may_hold(group: Group, client: Client) -> bool:
    """May ``client`` be put in ``group`` (now)?"""
    if client.department_id != group.department_id:
        return False
    return group.of_department or client.case_manager_id == group.owner


def why_not_member(group: Group, client: Client | None) -> str:
    """Why a listed member is not texted with the group ("" when they are)."""
    if client is None:
        return "no longer on record"
    if not may_hold(group, client):
        return "moved to another caseload"
    return ""
