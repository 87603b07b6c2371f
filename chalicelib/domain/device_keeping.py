"""Which pages a signed-in officer's own device may keep for reading offline (issue 23).

A phone in the field holds public-agency data, so the server decides, page by page, and
says yes only for the officer's own work: their caseload list and the first view (the
newest ``services.conversation.PAGE`` texts) of a client on their own caseload. A page
with a query (another order, a search, older texts, "sent" after a form) is never kept,
nor anything a supervisor reads of another officer's clients. The service worker keeps a
page for ``KEEP_DAYS`` after it was last fetched (docs/decisions.md, "What ClientComm keeps
on a device")."""

from __future__ import annotations

from .clients import Client
from .users import User

KEEP_DAYS = 7


def may_keep_caseload(*, whole_department: bool, has_query: bool) -> bool:
    """The caseload list: only the viewer's own list, as it opens with no query."""
    return not whole_department and not has_query


def may_keep_conversation(viewer: User, client: Client, *, has_query: bool) -> bool:
    """A conversation's first view: only of a client whose case manager is the viewer."""
    return not has_query and client.case_manager_id == viewer.user_id
