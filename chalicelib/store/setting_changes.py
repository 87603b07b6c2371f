"""Stream records of the ``department-settings`` and ``mass-texts`` tables, as changes with
their audience (``domain.live``).

Both streams carry keys only. A settings item's key says all a push needs: the department
(partition) and, in its sort key, the kind of item and its owner (``group#<owner>#<id>``,
``reply#mine#<user>#<id>``, ``reply#department#<id>``, ``format#…``, ``courthouse#…``,
``client-format#…``), so no item is read and no name, wording or client id travels.
Removals count: a deleted group or reply must leave the pages that list it. A mass text's
key is its id alone: its department and author are read (one GetItem each; a removed one,
past its records schedule, is skipped: no page is following it any more).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..domain.groups import DEPARTMENT
from ..domain.live import Change, ChangeKind
from .client_formats import PREFIX as CLIENT_FORMAT
from .department_settings import COURTHOUSE, FORMAT
from .groups import GROUP
from .mass_texts import MassTextStore
from .models import DepartmentSettingModel, MassTextModel
from .saved_replies import REPLY
from .tables import base_name

SETTINGS = base_name(DepartmentSettingModel)
MASS_TEXTS = base_name(MassTextModel)
# What a pushed message names, so a page refetches only the lists it shows.
GROUPS, REPLIES, FORMATS, CLIENT_FORMATS, COURTHOUSES = (
    "groups",
    "replies",
    "formats",
    "client-formats",
    "courthouses",
)


def from_table(source_arn: str, base: str) -> bool:
    """``arn:aws:dynamodb:…:table/{prefix}{base}/stream/…`` names the table ``base``?"""
    return source_arn.split(":table/", 1)[-1].split("/", 1)[0].endswith(base)


def setting_change(department_id: str, item: str) -> Change | None:
    """Who hears that ``item`` of the department changed; None for an item no page shows."""
    if item.startswith(GROUP):
        owner = item[len(GROUP) :].split("#", 1)[0]
        if owner == DEPARTMENT:
            return Change(ChangeKind.SUPERVISED_SETTING, "", department_id, "", topic=GROUPS)
        return Change(ChangeKind.OWN_SETTING, "", department_id, owner, topic=GROUPS)
    if item.startswith(f"{REPLY}department#"):
        return Change(ChangeKind.SHARED_SETTING, "", department_id, "", topic=REPLIES)
    if item.startswith(f"{REPLY}mine#"):
        owner = item[len(f"{REPLY}mine#") :].rsplit("#", 1)[0]
        return Change(ChangeKind.OWN_SETTING, "", department_id, owner, topic=REPLIES)
    if item.startswith(CLIENT_FORMAT):  # read by everyone who may import: case managers too
        return Change(ChangeKind.SHARED_SETTING, "", department_id, "", topic=CLIENT_FORMATS)
    if item.startswith(FORMAT):
        return Change(ChangeKind.SUPERVISED_SETTING, "", department_id, "", topic=FORMATS)
    if item.startswith(COURTHOUSE):
        return Change(ChangeKind.SUPERVISED_SETTING, "", department_id, "", topic=COURTHOUSES)
    return None


def setting_changes(records: Iterable[dict[str, Any]]) -> list[Change]:
    """One change per list and audience a batch touched (a courthouse table uploaded in one
    transaction is one change, not one per row), in stream order."""
    department_key = DepartmentSettingModel.department_id.attr_name
    item_key = DepartmentSettingModel.item.attr_name
    found: dict[Change, None] = {}
    for record in records:
        if not from_table(record.get("eventSourceARN", ""), SETTINGS):
            continue
        keys = (record.get("dynamodb") or {}).get("Keys") or {}
        department = (keys.get(department_key) or {}).get("S") or ""
        item = (keys.get(item_key) or {}).get("S") or ""
        change = setting_change(department, item) if department and item else None
        if change is not None:
            found[change] = None
    return list(found)


def mass_text_changes(records: Iterable[dict[str, Any]], store: MassTextStore) -> list[Change]:
    """Each mass text a batch touched, with its department and author (read once each)."""
    key = MassTextModel.mass_id.attr_name
    ids: dict[str, None] = {}
    for record in records:
        if record.get("eventName") == "REMOVE":
            continue
        if not from_table(record.get("eventSourceARN", ""), MASS_TEXTS):
            continue
        mass_id = (((record.get("dynamodb") or {}).get("Keys") or {}).get(key) or {}).get("S")
        if mass_id:
            ids[mass_id] = None
    changes = []
    for mass_id in ids:
        mass = store.get(mass_id)
        if mass is not None:
            changes.append(
                Change(
                    ChangeKind.MASS_TEXT,
                    "",
                    mass.department_id,
                    mass.author_id,
                    topic=mass.mass_id,
                )
            )
    return changes
