""" "Has anything changed?" for an open page, answered from the clients themselves.

There is no shared counter that every text in a department would have to update (a hot
item that turns a burst of texts into transaction conflicts). The check reads the same
index Query as the list page — slim projected rows — and returns a fingerprint of what
changes with every text, status and read, plus the unread total. Pushed updates will
replace this poll; until then it costs one Query.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.clients import change_marker
from ..domain.users import User
from ..store.clients import ClientStore


@dataclass(frozen=True)
class Activity:
    marker: str  # changes whenever the page's list would show something new
    unread: int


def activity(user: User, clients: ClientStore) -> Activity:
    """A case manager's own caseload; a supervisor's whole department."""
    listed = (
        clients.department(user.department_id)
        if user.oversees_department
        else clients.caseload(user.user_id)
    )
    mine = [c for c in listed if c.department_id == user.department_id]
    return Activity(change_marker(mine), sum(c.unread_count for c in mine))
