"""Making a staff account: a Cognito login plus the app's Users record, both or neither.

Shared by the admins' invite page and the ops script (infra/ops/create_admin.py), so a
person is made the same way from either. Cognito holds the password; the Users table holds
the role and department (the app refuses anyone who has only one of the two). The record is
written first, under the condition that none exists, and the Cognito user last (it is what
e-mails the invitation); if Cognito refuses, the record this run wrote is removed again. A
run that stopped halfway is finished by the same request again; a repeat with the same
details changes nothing; other details are refused unless ``update`` is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..adapters.cognito_accounts import CognitoAccounts
from ..domain.errors import ClientCommError
from ..domain.users import Role, User
from ..store.users import UserStore


class AccountDiffers(ClientCommError):
    """The person exists with other details; nothing was changed. ``differences`` says
    what, e.g. "role admin → supervisor"."""

    def __init__(self, username: str, differences: list[str]):
        super().__init__(f"{username} already exists and differs ({'; '.join(differences)})")
        self.differences = differences


class AccountNotFinished(ClientCommError):
    """Something outside (Cognito, DynamoDB) stopped it; the message says what is left."""


@dataclass(frozen=True)
class NewUser:
    username: str
    email: str
    display_name: str
    department_id: str
    role: Role = Role.ADMIN

    def as_user(self, kept: User | None = None) -> User:
        """The record to write; an existing record keeps its active and mail settings."""
        made = User(self.username, self.display_name, self.email, self.role, self.department_id)
        if kept is None:
            return made
        return replace(made, active=kept.active, email_notifications=kept.email_notifications)

    @property
    def label(self) -> str:
        return f"{self.role.label} of {self.department_id}"


@dataclass(frozen=True)
class Existing:
    """What is there already for the username: its Cognito user's email, and its record."""

    login_email: str | None  # None: no Cognito user
    record: User | None

    @property
    def has_login(self) -> bool:
        return self.login_email is not None


def changes(new: NewUser, existing: Existing) -> list[str]:
    """What making ``new`` would change about someone who exists ("role admin → supervisor")."""
    found: list[str] = []
    record = existing.record
    if record is not None:
        pairs = [
            ("name", record.display_name, new.display_name),
            ("email", record.email, new.email),
            ("role", record.role.value, new.role.value),
            ("department", record.department_id, new.department_id),
        ]
        found += [f"{what} {old} → {wanted}" for what, old, wanted in pairs if old != wanted]
    if existing.has_login and existing.login_email != new.email:
        found.append(f"sign-in email {existing.login_email} → {new.email}")
    return list(dict.fromkeys(found))


def create_account(
    accounts: CognitoAccounts,
    users: UserStore,
    new: NewUser,
    temporary_password: str | None = None,
    *,
    update: bool = False,
    describe: Callable[[BaseException], str | None] = lambda _: None,
) -> list[str]:
    """Make ``new`` exist in both places, or refuse; one report line per thing done.

    ``describe`` names an outside failure in one line (the ops scripts' wording)."""
    existing = Existing(accounts.login_email(new.username), users.get(new.username))
    differs = changes(new, existing)
    if differs and not update:
        raise AccountDiffers(new.username, differs)
    done: list[str] = []
    added: User | None = None
    if existing.record is None:
        added = new.as_user()
        if not users.add(added):
            raise AccountNotFinished(
                f"a Users record for {new.username} appeared meanwhile: run again"
            )
        done.append("wrote the Users record")
    elif changes(new, Existing(None, existing.record)):
        users.save(new.as_user(existing.record))
        done.append("updated the Users record")
    try:
        done += _settle_login(accounts, new, existing, temporary_password)
    except KeyboardInterrupt:
        _undo(users, added)
        raise
    except Exception as exc:  # any failure undoes the half-made record
        undone = _undo(users, added)
        raise AccountNotFinished(f"{describe(exc) or type(exc).__name__}; {undone}") from exc
    who = f"{new.username} ({new.label})"
    if not done:
        return [f"{who} already existed as asked; nothing changed"]
    if added is not None and not existing.has_login:
        return [f"Created {who}: {'; '.join(done)}"]
    return [f"{'Updated' if differs else 'Finished'} {who}: {'; '.join(done)}"]


def _settle_login(
    accounts: CognitoAccounts, new: NewUser, existing: Existing, password: str | None
) -> list[str]:
    pool_id = accounts.user_pool_id
    if not existing.has_login:
        if not accounts.create(new.username, new.email, password):
            return [f"the Cognito user appeared meanwhile in {pool_id}; kept as it is"]
        return [f"created the Cognito user in {pool_id}; Cognito emails the temporary password"]
    lines = []
    if existing.login_email != new.email:
        accounts.set_email(new.username, new.email)
        lines.append(f"changed the sign-in email to {new.email}")
    if password:
        lines.append("the temporary password was not used: the Cognito user already exists")
    return lines


def _undo(users: UserStore, added: User | None) -> str:
    """Remove the record this run wrote (only while it is as written)."""
    if added is None:
        return "nothing else was changed"
    try:
        removed = users.remove_if_unchanged(added)
    except Exception as exc:  # the first failure is what must be read
        return f"the Users record it wrote could not be removed ({type(exc).__name__}): run again"
    if removed:
        return "the Users record it wrote was removed again: nothing is left half-made"
    return "the Users record it wrote was changed meanwhile and was kept"
