"""The caseload and department lists, a page at a time, searched and sorted by DynamoDB.

Name order is the index's own order; most recent contact has its own slim index. "Unread
first" is a separate step (``UnreadStep``) that pins the clients with unread texts above
the first page (of the name order; of the most recent contacts in inbox order), so another
way of knowing what is unread can replace it without touching paging. "Next appointment"
re-sorts the rows of the page shown (see docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..domain.clients import CaseloadOrder, Client, order_caseload
from ..domain.search import search_words, text_matches
from ..domain.unread import Unread
from ..domain.users import User
from ..store.client_lists import ClientListStore, ClientPage, Cursor, ListQuery
from ..store.clients import ClientStore
from ..store.users import UserStore
from . import concurrently

if TYPE_CHECKING:
    from ..domain.appointments import AppointmentFlags

PAGE_SIZE = 50
BY_APPOINTMENT = "appointment"
SOON = "soon"  # the filter "an appointment in the next 7 days"


@dataclass(frozen=True)
class Pinned:
    clients: list[Client]
    more: bool  # more clients have unread texts than are pinned


# Given the list asked for, the clients to pin above its first page (unread first).
UnreadStep = Callable[[ListQuery], Pinned]


@dataclass(frozen=True)
class CaseloadPage:
    clients: list[Client]
    order: str  # a CaseloadOrder value, or BY_APPOINTMENT
    query: str
    whole_department: bool
    soon_only: bool
    after: Cursor | None  # the next page's start; None on the last page
    first_page: bool
    round_trips: int
    pinned: Pinned | None = None
    case_managers: dict[str, User] = field(default_factory=dict)
    appointments: dict[str, AppointmentFlags] = field(default_factory=dict)  # by client id
    unread: dict[str, int] = field(default_factory=dict)  # this person's, by client id


def unread_of_person(user: User, unread: Mapping[str, Unread], clients: ClientStore) -> UnreadStep:
    """The person's own unread conversations, newest text first: one BatchGetItem of at
    most a page of clients (the unread map itself is one Query, made by the caller)."""

    def pinned(query: ListQuery) -> Pinned:
        newest_first = sorted(unread, key=lambda cid: unread[cid].newest_at, reverse=True)
        found = {c.client_id: c for c in clients.many(newest_first[:PAGE_SIZE])}
        shown = [
            found[cid]
            for cid in newest_first
            if cid in found
            and found[cid].department_id == user.department_id
            and (query.whole_department or found[cid].case_manager_id == user.user_id)
            and (not query.words or text_matches(found[cid].search_text, query.words))
        ]
        return Pinned(shown, len(newest_first) > PAGE_SIZE)

    return pinned


def unread_from_index(lists: ClientListStore) -> UnreadStep:
    """Today's unread step: the clients whose ``unread_count`` is above 0, by name."""

    def pinned(query: ListQuery) -> Pinned:
        found = lists.page(
            ListQuery(query.owner_id, query.whole_department, words=query.words, unread_only=True),
            None,
            PAGE_SIZE,
        )
        ranked = order_caseload(found.clients, CaseloadOrder.UNREAD)
        return Pinned(ranked, found.after is not None)

    return pinned


def caseload_page(
    user: User,
    lists: ClientListStore,
    users: UserStore | None,
    *,
    order: str | None = None,
    query: str = "",
    whole_department: bool = False,
    appointments: str = "",
    after: Cursor | None = None,
    now: datetime | None = None,
    unread_step: UnreadStep | None = None,
    unread: Mapping[str, Unread] | None = None,
) -> CaseloadPage:
    """A case manager's own caseload; a supervisor may ask for the whole department. The
    staff names a supervisor's page shows are read while the page is (and ``unread`` may
    still be being read: see ``services.unread.unread_of_later``)."""
    from ..domain.appointments import flags  # zoneinfo: loaded by pages, not by webhooks

    everyone = whole_department and user.oversees_department
    staff_later = concurrently.start(users.in_department, user.department_id) if users else None
    moment = now or datetime.now(UTC)
    soon_only = appointments == SOON
    chosen = BY_APPOINTMENT if order == BY_APPOINTMENT else CaseloadOrder.parse(order).value
    asked = ListQuery(
        owner_id=user.department_id if everyone else user.user_id,
        whole_department=everyone,
        recent_first=chosen in (CaseloadOrder.RECENT, CaseloadOrder.INBOX),
        words=search_words(query),
        keep=(lambda c: flags(c.appointments or {}, moment).soon) if soon_only else None,
    )
    found: ClientPage = lists.page(asked, after, PAGE_SIZE)
    shown = [c for c in found.clients if c.department_id == user.department_id]
    flagged = {c.client_id: flags(c.appointments or {}, moment) for c in shown}
    if chosen == BY_APPOINTMENT:
        shown.sort(key=lambda c: _next_start(flagged[c.client_id]))
    pinned = None
    if chosen in (CaseloadOrder.UNREAD, CaseloadOrder.INBOX) and after is None:
        pinned = (unread_step or unread_from_index(lists))(asked)
        flagged |= {c.client_id: flags(c.appointments or {}, moment) for c in pinned.clients}
    staff = {u.user_id: u for u in staff_later.result()} if staff_later else {}
    return CaseloadPage(
        clients=shown,
        order=chosen,
        query=query.strip(),
        whole_department=everyone,
        soon_only=soon_only,
        after=found.after,
        first_page=after is None,
        round_trips=found.round_trips,
        pinned=pinned,
        case_managers=staff,
        appointments=flagged,
        unread={cid: item.count for cid, item in (unread or {}).items()},
    )


def retired_page(
    user: User,
    lists: ClientListStore,
    users: UserStore | None,
    *,
    whole_department: bool = False,
    after: Cursor | None = None,
) -> CaseloadPage:
    """Retired clients of the case manager's caseload, or a supervisor's department."""
    everyone = whole_department and user.oversees_department
    owner = user.department_id if everyone else user.user_id
    found = lists.retired(owner, everyone, after, PAGE_SIZE)
    shown = [c for c in found.clients if c.department_id == user.department_id]
    staff = {u.user_id: u for u in users.in_department(user.department_id)} if users else {}
    return CaseloadPage(
        clients=shown,
        order=CaseloadOrder.NAME.value,
        query="",
        whole_department=everyone,
        soon_only=False,
        after=found.after,
        first_page=after is None,
        round_trips=found.round_trips,
        case_managers=staff,
    )


def _next_start(found: AppointmentFlags) -> tuple[bool, float]:
    """Soonest next appointment first; clients with none keep their alphabetical order."""
    if found.next is None:
        return (True, 0.0)
    return (False, found.next.starts_at.timestamp())
