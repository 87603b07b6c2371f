"""``caseload_fields``: what the caseload indexes need on clients stored before them.

The caseload's search and recent-contact lists (commit e2d8d65, "Caseload at any size and
retiring clients", released in 0.17.0, the first numbered release) read ``search_text``
(projected into the name indexes, matched by every search) and the recent-contact indexes'
keys ``active_case_manager`` / ``active_department``. Clients stored before were never
given them, so they are missing from "most recent contact" and never found by a search.
Each client gets what ``store/clients.py`` writes today: ``search_text`` from its name,
current number and id number (``domain.search``), retired or not; the ``active_*`` copies
while active, none while retired. ``version`` stays, so no open form goes stale.
"""

from __future__ import annotations

from chalicelib.domain.search import search_text_for

from .model import Examine, Item, Plan, RunContext, Unusable, differing, text

DEPARTMENT = "department_id"
CASE_MANAGER = "case_manager_id"
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
PHONE = "phone"
ID_NUMBER = "id_number"
RETIRED_AT = "retired_at"
SEARCH_TEXT = "search_text"
ACTIVE_CASE_MANAGER = "active_case_manager"
ACTIVE_DEPARTMENT = "active_department"
INPUTS = (DEPARTMENT, CASE_MANAGER, FIRST_NAME, LAST_NAME, PHONE, ID_NUMBER, RETIRED_AT)

MISSING = "no department, case manager, name or number (not a client the app wrote)"
NOT_TEXT = "a name, number or owner is not text"


class CaseloadFields:
    read: tuple[str, ...] = (*INPUTS, SEARCH_TEXT, ACTIVE_CASE_MANAGER, ACTIVE_DEPARTMENT)

    def prepare(self, context: RunContext) -> Examine:
        return examine


def examine(item: Item) -> Plan:
    found = {name: text(item, name, NOT_TEXT) for name in INPUTS if name != RETIRED_AT}
    required = (DEPARTMENT, CASE_MANAGER, FIRST_NAME, LAST_NAME, PHONE)
    if any(found[name] is None for name in required):
        raise Unusable(MISSING)
    retired = RETIRED_AT in item
    wanted = {
        SEARCH_TEXT: search_text_for(
            found[FIRST_NAME] or "",
            found[LAST_NAME] or "",
            found[PHONE] or "",
            found[ID_NUMBER] or "",
        ),
        ACTIVE_CASE_MANAGER: None if retired else found[CASE_MANAGER],
        ACTIVE_DEPARTMENT: None if retired else found[DEPARTMENT],
    }
    return Plan(differing(item, wanted), depends_on=INPUTS)
