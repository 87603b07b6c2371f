"""Reading the audit trail: the Audit page's search, for supervisors and admins, their own
department only. Every search is itself written to the trail (under the department).

A search names a client, a member of staff, both, or neither (then the department's own
rows: settings, saved replies, mass texts, ...), and a date range in the jurisdiction's
time zone (both ends included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from ..domain.clients import Client
from ..domain.errors import Forbidden, NotFound, ValidationFailed
from ..domain.users import User
from ..store.audit import AuditEntry, client_subject, department_subject
from ..store.audit_pages import TrailPage

PAGE = 50
DEFAULT_DAYS = 30
MAX_DAYS = 3660  # ten years: more is a typo
NOT_HERE = "There is no such client in your department."
NO_STAFF = "There is no such member of staff in your department."
CLIENT = "client#"


class Pages(Protocol):
    def of_subject(
        self,
        subject: str,
        since: datetime,
        until: datetime,
        limit: int,
        after: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> TrailPage: ...

    def of_actor(
        self,
        actor: str,
        since: datetime,
        until: datetime,
        limit: int,
        after: dict[str, Any] | None = None,
    ) -> TrailPage: ...


class Recorder(Protocol):
    def record(self, subject: str, actor: str, action: str, **details: Any) -> None: ...


class Lookups(Protocol):
    def get(self, key: str) -> Any: ...


class Staff(Lookups, Protocol):
    def in_department(self, department_id: str) -> list[User]: ...


class Clients(Lookups, Protocol):
    def many(self, client_ids: list[str]) -> list[Client]: ...


@dataclass(frozen=True)
class TrailDeps:
    pages: Pages
    audit: Recorder
    users: Staff
    clients: Clients
    zone: ZoneInfo


@dataclass(frozen=True)
class Search:
    """What was asked, checked: ``client`` and ``staff`` are of the visitor's department."""

    since: date
    until: date
    client: Client | None = None
    staff: User | None = None
    field_errors: dict[str, str] = field(default_factory=dict)

    def window(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The first and last instant of the local days asked for."""
        start = datetime.combine(self.since, time.min, zone)
        end = datetime.combine(self.until + timedelta(days=1), time.min, zone)
        return start, end - timedelta(microseconds=1)

    def described(self) -> dict[str, str]:
        return {
            "client": self.client.client_id if self.client else "",
            "staff": self.staff.user_id if self.staff else "",
            "from": self.since.isoformat(),
            "to": self.until.isoformat(),
        }


@dataclass(frozen=True)
class Row:
    """One audit row as the page shows it."""

    when: str
    who: str
    what: str
    about: str
    details: str


def department_staff(user: User, deps: TrailDeps) -> list[User]:
    """The staff a search may name: the visitor's department, by name."""
    may_read_trail(user)
    found = deps.users.in_department(user.department_id)
    return sorted(found, key=lambda person: person.display_name.casefold())


def shown(entries: list[AuditEntry], deps: TrailDeps, staff: list[User]) -> list[Row]:
    """Rows in words: local times, staff and client names (one read for the clients)."""
    names = {person.user_id: person.display_name for person in staff}
    ids = sorted({e.subject.removeprefix(CLIENT) for e in entries if e.subject.startswith(CLIENT)})
    clients = {c.client_id: c for c in deps.clients.many(ids)} if ids else {}
    rows = []
    for e in entries:
        about = e.subject
        if e.subject.startswith(CLIENT):
            client = clients.get(e.subject.removeprefix(CLIENT))
            about = f"{client.first_name} {client.last_name}" if client else "a former client"
        elif e.subject.startswith("department#"):
            about = "the department"
        when = e.when
        rows.append(
            Row(
                when.astimezone(deps.zone).strftime("%Y-%m-%d %H:%M:%S") if when else "",
                names.get(e.actor, e.actor),
                e.action.replace("_", " "),
                about,
                ", ".join(f"{k}: {v}" for k, v in sorted(e.details.items())),
            )
        )
    return rows


def may_read_trail(user: User) -> None:
    if not (user.active and user.oversees_department):
        raise Forbidden("Only a supervisor or an administrator can read the audit trail.")


def _day(text: str, name: str, errors: dict[str, str]) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[name] = "Enter a date like 2026-12-31."
        return None


def search_from(user: User, deps: TrailDeps, form: dict[str, str], today: date) -> Search:
    """The search a form asks for; NotFound for a client or staff member of another
    department (or none), ValidationFailed for dates that cannot be read."""
    may_read_trail(user)
    errors: dict[str, str] = {}
    until = _day(form.get("to", ""), "to", errors) or today
    since = _day(form.get("from", ""), "from", errors) or until - timedelta(days=DEFAULT_DAYS)
    if since > until:
        errors["from"] = "The first day must come before the last."
    elif (until - since).days > MAX_DAYS:
        errors["from"] = "Ask for at most ten years at a time."
    if errors:
        raise ValidationFailed(errors)
    client = staff = None
    client_id = form.get("client", "").strip()
    if client_id:
        client = deps.clients.get(client_id)
        if client is None or client.department_id != user.department_id:
            raise NotFound(NOT_HERE)
    staff_id = form.get("staff", "").strip()
    if staff_id:
        staff = deps.users.get(staff_id)
        if staff is None or staff.department_id != user.department_id:
            raise NotFound(NO_STAFF)
    return Search(since, until, client, staff)


def read(user: User, deps: TrailDeps, search: Search, after: dict[str, Any] | None) -> TrailPage:
    """One page of what the search finds, newest first; the viewing itself is recorded."""
    may_read_trail(user)
    since, until = search.window(deps.zone)
    if search.client is not None:
        subject = client_subject(search.client.client_id)
        actor = search.staff.user_id if search.staff else None
        found = deps.pages.of_subject(subject, since, until, PAGE, after, actor)
    elif search.staff is not None:
        found = deps.pages.of_actor(search.staff.user_id, since, until, PAGE, after)
    else:
        subject = department_subject(user.department_id)
        found = deps.pages.of_subject(subject, since, until, PAGE, after)
    deps.audit.record(
        department_subject(user.department_id), user.user_id, "audit_view", **search.described()
    )
    return found
