"""A department's active clients not in contact since a given time, longest first.

One Query of the ``recent-by-department`` index (last contact is its sort key), read up to
a limit: the dashboard's list costs one round trip at any department size. Clients never
in contact are not on that index (it is sparse); the caseload's "never" list shows them.
"""

from __future__ import annotations

from datetime import datetime

from ..domain.clients import Client
from .clients import to_client
from .models import ClientModel


def quiet_since(department_id: str, before: datetime, limit: int) -> tuple[list[Client], bool]:
    """Up to ``limit`` clients whose last contact is older than ``before``, oldest contact
    first, and whether there are more."""
    found = ClientModel.recent_by_department.query(
        department_id,
        ClientModel.last_contact_at < before,
        scan_index_forward=True,
        limit=limit + 1,
        page_size=limit + 1,
    )
    clients = [to_client(row) for row in found]
    return clients[:limit], len(clients) > limit
