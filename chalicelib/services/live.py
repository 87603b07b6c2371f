""" "Anything new for me?" for an open page, from the person's own unread state.

Pushed updates carry every change to open pages; this answers the page's title count and
notifications after a push, and is the slow fallback poll (once a minute) of a page that
has no socket. One Query of the person's unread items, whatever the size of the caseload.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..domain.unread import total
from ..domain.users import User
from ..store.unread import UnreadStore


@dataclass(frozen=True)
class Activity:
    marker: str  # changes whenever this person's unread texts change
    unread: int


def activity(user: User, unread: UnreadStore) -> Activity:
    mine = unread.for_user(user.user_id)
    digest = hashlib.sha256()
    for client_id in sorted(mine):
        item = mine[client_id]
        digest.update(f"{client_id}|{item.count}|{item.newest_at.isoformat()}\n".encode())
    return Activity(digest.hexdigest()[:16], total(mine))
