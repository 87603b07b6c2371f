"""Admins manage staff accounts from the /staff pages: invite, place, deactivate, reactivate.

An admin works for the whole jurisdiction (PRODUCT.md: "per jurisdiction"): they see and
manage the staff of every department, whichever department their own record names. Only
admins may; supervisors and case managers are refused here, whatever the page showed.

A change that narrows what someone may see (deactivation, a new role or department) ends
their open pages at once (``close_pages``), not at the next socket upkeep. A case manager's
active clients move first, all to one colleague of the same department, through the same
use case a supervisor's "Move client" runs (each move leaves its marker in the
conversation); a change that would strand clients is refused until they have moved.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from ..adapters.cognito_accounts import CognitoAccounts
from ..domain.errors import Conflict, Forbidden, NotFound, StaleRecord, ValidationFailed
from ..domain.jurisdiction import Department, Jurisdiction
from ..domain.users import Role, User
from ..store.clients import ClientStore
from ..store.staff_changes import StaffChanges
from ..store.users import UserStore
from . import caseload
from .staff_accounts import AccountDiffers, AccountNotFinished, NewUser, create_account

log = logging.getLogger(__name__)
T = TypeVar("T")

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STALE = "Someone else changed this person meanwhile. Here is their record as it is now."


@dataclass(frozen=True)
class StaffParts:
    """What the staff use cases need; Cognito and the page closer are built when used."""

    users: UserStore
    changes: StaffChanges
    clients: ClientStore
    accounts: Callable[[], CognitoAccounts]
    close_pages: Callable[[str], int]  # a person's id -> how many open pages were ended
    # Admins' open staff pages refetch their lists (a push naming no one); -> pages told
    tell_admins: Callable[[], int] = lambda: 0


@dataclass(frozen=True)
class DepartmentStaff:
    department: Department
    people: list[User]


def check_admin(user: User) -> None:
    if user.role is not Role.ADMIN or not user.active:
        raise Forbidden("Only an admin manages staff accounts.")


def staff_by_department(
    admin: User, users: UserStore, place: Jurisdiction
) -> list[DepartmentStaff]:
    """Everyone, department by department: one Query per department (a jurisdiction has a
    handful), never a scan."""
    check_admin(admin)
    return [DepartmentStaff(d, users.in_department(d.department_id)) for d in place.departments]


def open_person(admin: User, users: UserStore, user_id: str) -> User:
    check_admin(admin)
    person = users.get(user_id)
    if person is None:
        raise NotFound("There is no such member of staff.")
    return person


def invite(
    admin: User, parts: StaffParts, place: Jurisdiction, form: Mapping[str, str]
) -> tuple[User, bool]:
    """Make the login and the staff record; Cognito e-mails a temporary password.

    (the person, True when this request made them). Sending the same invitation again
    changes nothing; a username that exists with other details is refused."""
    check_admin(admin)
    new = _checked_invitation(form, place)
    try:
        lines = create_account(parts.accounts(), parts.users, new)
    except AccountDiffers as exc:
        raise ValidationFailed(
            {"username": "That username is already taken by someone with other details."}
        ) from exc
    except AccountNotFinished as exc:
        log.warning("invitation not finished: %s", exc)
        raise Conflict(
            "The invitation could not be finished just now; nothing is left half-made. "
            "Please try again."
        ) from exc
    made = not lines[0].endswith("nothing changed")
    if made:
        parts.changes.record(new.username, admin.user_id, "staff_invited", _about(new))
        parts.tell_admins()
    return parts.users.get(new.username) or new.as_user(), made


def place_person(
    admin: User, parts: StaffParts, place: Jurisdiction, user_id: str, form: Mapping[str, str]
) -> User:
    """A new role and department. A case manager with active clients must see them moved
    first (``move_to``): clients are only ever held by a case manager of their department."""
    person = open_person(admin, parts.users, user_id)
    if person.user_id == admin.user_id:
        raise Forbidden("You cannot change your own role or department; ask another admin.")
    seen = _as_seen(person, form)
    role = _role(form.get("role", ""))
    department_id = _department(place, form.get("department_id", ""))
    if (role, department_id) == (person.role, person.department_id):
        return person
    if person.role is Role.CASE_MANAGER:
        _move_caseload(admin, parts, person, form.get("move_to", ""))
    if not parts.changes.place(seen, role, department_id, admin.user_id):
        raise StaleRecord(STALE)
    parts.close_pages(person.user_id)  # they may now see less, or another department
    parts.tell_admins()
    return replace(person, role=role, department_id=department_id)


def deactivate(
    admin: User,
    parts: StaffParts,
    user_id: str,
    form: Mapping[str, str],
    now: datetime | None = None,
) -> User:
    """Keep someone out: their clients moved first, then the record (every session of
    theirs ends with it), Cognito (signed out everywhere, disabled), their open pages."""
    person = open_person(admin, parts.users, user_id)
    if person.user_id == admin.user_id:
        raise Forbidden("You cannot deactivate yourself; ask another admin.")
    seen = _as_seen(person, form)
    if not person.active:
        return person
    moved = _move_caseload(admin, parts, person, form.get("move_to", ""))
    now = now or datetime.now(UTC)
    if not parts.changes.set_active(seen, False, admin.user_id, {"clients_moved": moved}, now):
        raise StaleRecord(STALE)
    accounts = parts.accounts()
    accounts.sign_out_everywhere(person.user_id)
    accounts.set_enabled(person.user_id, False)
    parts.close_pages(person.user_id)
    parts.tell_admins()
    return replace(person, active=False, sessions_from=now)


def reactivate(admin: User, parts: StaffParts, user_id: str, form: Mapping[str, str]) -> User:
    """Let someone back in: Cognito first (a sign-in then works), then the record. They sign
    in afresh; no session of before is accepted again."""
    person = open_person(admin, parts.users, user_id)
    seen = _as_seen(person, form)
    if person.active:
        return person
    parts.accounts().set_enabled(person.user_id, True)
    if not parts.changes.set_active(seen, True, admin.user_id, {}, datetime.now(UTC)):
        raise StaleRecord(STALE)
    parts.tell_admins()
    return replace(person, active=True)


def clients_held(clients: ClientStore, person: User) -> int:
    """How many active clients a case manager holds (what must move before a change)."""
    return len(clients.caseload(person.user_id)) if person.role is Role.CASE_MANAGER else 0


def colleagues(users: UserStore, person: User) -> list[User]:
    """Who ``person``'s clients may move to: the active case managers of their department."""
    return [
        u
        for u in users.in_department(person.department_id)
        if u.active and u.role is Role.CASE_MANAGER and u.user_id != person.user_id
    ]


def _move_caseload(admin: User, parts: StaffParts, person: User, move_to: str) -> int:
    """Every active client of ``person`` to ``move_to``, one move per client (each its own
    conditional transaction and conversation marker). A repeat after an interruption moves
    what is left. The admin acts as an overseer of that department for the moves."""
    held = parts.clients.caseload(person.user_id)
    if not held:
        return 0
    if not move_to:
        raise ValidationFailed(
            {"move_to": f"Choose who takes over their {len(held)} active client(s) first."}
        )
    acting = replace(admin, department_id=person.department_id)
    for client in held:
        form = {"case_manager_id": move_to, "version": str(client.version)}
        caseload.reassign_client(acting, parts.clients, parts.users, client.client_id, form)
    return len(held)


def _as_seen(person: User, form: Mapping[str, str]) -> User:
    """The record as the admin's page showed it (the form repeats role, department, active),
    so a change made meanwhile by someone else is refused rather than overwritten."""
    shown = (form.get("seen_role"), form.get("seen_department"), form.get("seen_active"))
    now = (person.role.value, person.department_id, "yes" if person.active else "no")
    if shown != now:
        raise StaleRecord(STALE)
    return person


def _checked_invitation(form: Mapping[str, str], place: Jurisdiction) -> NewUser:
    errors: dict[str, str] = {}
    username = form.get("username", "").strip().lower()
    name = " ".join(form.get("display_name", "").split())
    email = form.get("email", "").strip()
    if not USERNAME.match(username):
        errors["username"] = (
            "Use 2 to 64 lower-case letters, digits, dots, dashes or underscores, "
            "starting with a letter."
        )
    if not name or len(name) > 100:
        errors["display_name"] = "Enter their name (at most 100 characters)."
    if not EMAIL.match(email) or len(email) > 254:
        errors["email"] = "Enter the e-mail address the invitation goes to."
    role = _checked(errors, _role, form.get("role", ""))
    department_id = _checked(errors, partial(_department, place), form.get("department_id", ""))
    if errors or role is None or department_id is None:
        raise ValidationFailed(errors)
    return NewUser(username, email, name, department_id, role)


def _checked(errors: dict[str, str], check: Callable[[str], T], value: str) -> T | None:
    """``check(value)``, or None with its refusal added to ``errors``."""
    try:
        return check(value)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
        return None


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise ValidationFailed({"role": "Choose a role."}) from None


def _department(place: Jurisdiction, department_id: str) -> str:
    if place.department(department_id) is None:
        raise ValidationFailed({"department_id": "Choose a department."})
    return department_id


def _about(new: NewUser) -> dict[str, str]:
    return {"role": new.role.value, "department": new.department_id}
