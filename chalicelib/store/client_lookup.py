"""Finding clients without listing a department: by a whole number (their route), by
the start of their sorted name (the caseload and department indexes), or by id number
(the id-number index).

Used by the unclaimed queue's "attach to client" list; meant to be folded into the
caseload's server-side search once that exists, which reads the same indexes.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.indexes import GlobalSecondaryIndex

from ..domain.clients import Client, fold, sort_key_for
from ..domain.errors import ValidationFailed
from ..domain.phones import digits, normalise_phone
from .clients import route_key, to_client
from .models import ClientModel, PhoneRouteModel

# More ids than this: page through the department's keys instead. A keys-only item is
# tens of bytes, so one 1 MB page holds a department of ten thousand; a chunk of a court
# file (100 rows, often 20 people) costs one round trip that way instead of twenty.
PER_ID_QUERIES = 8
KEYS_PAGE = 5000  # index items per page when paging through the keys


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


def by_id_numbers(
    department_id: str, keys: Iterable[str], per_id_queries: int = PER_ID_QUERIES
) -> dict[str, list[str]]:
    """Folded id number → the active clients holding it, for the ``keys`` asked (those
    nobody holds are left out). Few keys: one Query each. Many (a court file of
    thousands of rows): the department's keys-only index items, every page of them, kept
    where asked for; a few round trips of 1 MB even for tens of thousands of clients."""
    wanted = {key for key in keys if key}
    found: dict[str, list[str]] = {}
    index = ClientModel.by_id_number
    if len(wanted) <= per_id_queries:
        for key in sorted(wanted):
            for row in index.query(department_id, ClientModel.id_key == key):
                found.setdefault(key, []).append(row.client_id)
        return found
    for row in index.query(department_id, page_size=KEYS_PAGE):
        if row.id_key in wanted:
            found.setdefault(row.id_key, []).append(row.client_id)
    return found
