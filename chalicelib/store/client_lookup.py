"""Finding clients without listing a department: by a whole number (their route) or by
the start of their sorted name (the caseload and department indexes).

Used by the unclaimed queue's "attach to client" list; meant to be folded into the
caseload's server-side search once that exists, which reads the same indexes.
"""

from __future__ import annotations

from pynamodb.indexes import GlobalSecondaryIndex

from ..domain.clients import Client, fold, sort_key_for
from ..domain.errors import ValidationFailed
from ..domain.phones import digits, normalise_phone
from .clients import route_key, to_client
from .models import ClientModel, PhoneRouteModel


def name_prefixes(query: str) -> list[str]:
    """Starts of the stored sort name (folded last name, a unit separator, first name)
    that a typed name could be: "tran", "tran, mi" (last, first) and "michael tran"
    (first last; also tried the other way round). One empty prefix (list alphabetically)
    when nothing is typed."""
    if "," in query:
        last, first = (fold(part) for part in query.split(",", 1))
        return [f"{last}\x1f{first}" if first else last]
    words = fold(query).split()
    if len(words) < 2:
        return [" ".join(words)]
    first, last = " ".join(words[:-1]), words[-1]
    return [f"{last}\x1f{first}", f"{words[0]}\x1f{' '.join(words[1:])}"]


def by_whole_number(department_id: str, query: str) -> list[Client] | None:
    """None unless ``query`` is a whole phone number; then the client it leads to (as a
    current or an old number), if any: one GetItem on the route, one on the client."""
    if len(digits(query)) < 10:
        return None
    try:
        phone = normalise_phone(query)
    except ValidationFailed:
        return None
    try:
        route = PhoneRouteModel.get(route_key(department_id, phone))
        return [to_client(ClientModel.get(route.client_id))]
    except (PhoneRouteModel.DoesNotExist, ClientModel.DoesNotExist):
        return []


def by_name_start(
    department_id: str, case_manager_id: str | None, query: str, limit: int = 20
) -> list[Client]:
    """Up to ``limit`` clients whose sorted name starts like ``query`` (one Query per
    reading of the name), alphabetical; a caseload's, or the department's for None."""
    index: GlobalSecondaryIndex[ClientModel] = ClientModel.by_department
    key = department_id
    if case_manager_id is not None:
        index, key = ClientModel.by_case_manager, case_manager_id
    seen: dict[str, Client] = {}
    for prefix in name_prefixes(query):
        condition = ClientModel.sort_name.startswith(prefix) if prefix else None
        for row in index.query(key, condition, limit=limit, page_size=limit):
            seen.setdefault(row.client_id, to_client(row))
    listed = [c for c in seen.values() if c.department_id == department_id]
    return sorted(listed, key=lambda c: sort_key_for(c.first_name, c.last_name))[:limit]
