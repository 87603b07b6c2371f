"""A client import's progress, pushed to its other open pages (a second tab, the
supervisor's) each time a request records steps, so they follow it to the end without
anyone reloading.

Pushed from the apply request itself rather than from a stream: the import's item lives
in the court-imports table, which has no stream, and the request knows the moment the
steps are recorded. One Query of the department's open pages per recorded chunk (at
most one every few seconds per import), posted to the pages of the import's audience
only: its uploader and the department's supervisors, as they are now (fan_out's rule for
a caseload row, with the uploader as the "case manager"). The message carries the
progress alone; each page fetches its region (``/client-imports/<id>/live``), which is
also how a page that missed a push catches up (socket reopened, tab shown again).
"""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from ..adapters.websocket_push import PushGateway
from ..domain.live import Change, ChangeKind
from ..store.client_imports import ClientImport
from ..store.connections import ConnectionStore
from ..store.users import UserStore
from .push import FanOutResult, current_people, fan_out

log = logging.getLogger(__name__)
KIND = "client-import"


def message(record: ClientImport) -> dict[str, Any]:
    """What an open page hears: which import moved, and how far it has got."""
    return {
        "type": KIND,
        "import_id": record.import_id,
        "next_row": record.next_row,
        "rows_total": record.rows_total,
        "done": record.done,
    }


def announce(
    record: ClientImport,
    *,
    connections: ConnectionStore,
    gateway: PushGateway,
    users: UserStore,
) -> FanOutResult:
    """Post the import's progress to every open page of its audience."""
    change = Change(ChangeKind.CLIENT_IMPORT, "", record.department_id, record.created_by)
    said = message(record)
    return fan_out(
        [change],
        lambda _change, _listener: said,
        connections=connections,
        gateway=gateway,
        people=current_people(users),
    )


def announce_quietly(
    record: ClientImport,
    *,
    connections: ConnectionStore,
    gateway: PushGateway,
    users: UserStore,
) -> None:
    """``announce``, never failing the request whose steps are already recorded: a page
    that misses the push catches up by itself."""
    try:
        announce(record, connections=connections, gateway=gateway, users=users)
    except (PynamoDBException, BotoCoreError, ClientError):
        log.warning("a client import's progress was not pushed", exc_info=True)
