"""``id_keys`` (0.17.0): what the court import's id-number index needs on older clients.

The index ``by-id-number`` (hash ``active_department``, range ``id_key``) finds a court
file's clients. Code before issue 16 never wrote ``id_key``, and code before retiring
existed never wrote ``active_department``, so such clients are not in it: their court dates
would be "unknown id number" and get no reminders. Each client gets what ``store/clients.py``
writes today: ``id_key`` the folded id number (absent without one, retired clients
included: they return to the index when reactivated); ``active_department`` the department
while active, absent while retired. ``version`` stays, so no open form goes stale.
"""

from __future__ import annotations

from chalicelib.domain.clients import id_number_key

from .model import Examine, Item, Plan, RunContext, Unusable, differing, text

DEPARTMENT = "department_id"
ID_NUMBER = "id_number"
RETIRED_AT = "retired_at"
ID_KEY = "id_key"
ACTIVE_DEPARTMENT = "active_department"

NO_DEPARTMENT = "no department_id (not a client the app wrote)"
NOT_TEXT = "id_number or department_id is not text"


class IdKeys:
    read: tuple[str, ...] = (DEPARTMENT, ID_NUMBER, RETIRED_AT, ID_KEY, ACTIVE_DEPARTMENT)

    def prepare(self, context: RunContext) -> Examine:
        return examine


def examine(item: Item) -> Plan:
    department = text(item, DEPARTMENT, NOT_TEXT)
    if department is None:
        raise Unusable(NO_DEPARTMENT)
    id_number = text(item, ID_NUMBER, NOT_TEXT)
    retired = RETIRED_AT in item
    wanted = {
        ID_KEY: id_number_key(id_number or "") or None,
        ACTIVE_DEPARTMENT: None if retired else department,
    }
    return Plan(differing(item, wanted), depends_on=(DEPARTMENT, ID_NUMBER, RETIRED_AT))
