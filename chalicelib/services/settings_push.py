"""What people set up, and the list of mass texts, followed by their open pages.

Fed by streams, not by the requests that write: the ``department-settings`` table is also
written by the records-retention job (a purged client leaves every group) and by ops
backfills, and a stream hears every writer. Each change reaches the listeners its pages'
own rule allows (``domain.live.may_hear``): a person's own groups and replies only them,
the department's replies its staff, its groups, formats and courthouses its supervisors,
a mass text its author and the supervisors. The message names only what kind of list
changed (or which mass text); each page then refetches its region, authorised as the page
itself is, which is also how a page that missed a push catches up.
"""

from __future__ import annotations

from typing import Any

from ..adapters.websocket_push import PushGateway
from ..domain.live import Change, ChangeKind, Listener
from ..store.connections import ConnectionStore
from ..store.mass_texts import MassTextStore
from ..store.setting_changes import mass_text_changes, setting_changes
from ..store.users import UserStore
from .push import FanOutResult, current_people, fan_out

SETTINGS = "settings"
MASS_TEXT = "mass-text"


def message(change: Change, _listener: Listener) -> dict[str, Any]:
    """What an open page hears: which list changed, never what it now holds."""
    if change.kind is ChangeKind.MASS_TEXT:
        return {"type": MASS_TEXT, "mass_id": change.topic}
    return {"type": SETTINGS, "what": change.topic}


def push_settings(
    records: list[dict[str, Any]],
    *,
    connections: ConnectionStore,
    gateway: PushGateway,
    users: UserStore,
) -> FanOutResult:
    """``department-settings`` stream records → the pages of each change's audience."""
    return fan_out(
        setting_changes(records),
        message,
        connections=connections,
        gateway=gateway,
        people=current_people(users),
    )


def push_mass_texts(
    records: list[dict[str, Any]],
    *,
    mass_texts: MassTextStore,
    connections: ConnectionStore,
    gateway: PushGateway,
    users: UserStore,
) -> FanOutResult:
    """``mass-texts`` stream records → the author's and the supervisors' open pages."""
    return fan_out(
        mass_text_changes(records, mass_texts),
        message,
        connections=connections,
        gateway=gateway,
        people=current_people(users),
    )
