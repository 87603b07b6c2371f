"""What a client spreadsheet's rows are compared with, read once for the whole file: the
department's staff (one Query), the current holders of the file's numbers (BatchGetItem,
100 numbers a request), the holders of its id numbers (the id-number index) and those
clients themselves (BatchGetItem), and the department's retired clients (the retired
list's index, every page). Never a list of the department's active clients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..domain.client_import import Holder, Known, Staff
from ..domain.client_import_file import ClientRow
from ..domain.client_numbers import number_refusal, parse_client_phone
from ..domain.clients import Client, id_number_key
from ..domain.errors import ValidationFailed
from ..domain.jurisdiction import Jurisdiction
from ..domain.permissions import can_view_client
from ..domain.phones import DEFAULT_REGION
from ..domain.users import Role, User
from ..store.client_imports import ClientImportStore
from ..store.clients import ClientStore
from ..store.users import UserStore


def holder_of(user: User, client: Client, manager_names: Mapping[str, str]) -> Holder:
    """A client as a row is compared with them, named only if ``user`` may open them."""
    return Holder(
        client.client_id,
        client.first_name,
        client.last_name,
        client.id_number,
        client.case_manager_id,
        can_view_client(user, client),
        manager_names.get(client.case_manager_id, ""),
    )


def readable_numbers(rows: Sequence[ClientRow], region: str) -> set[str]:
    """The E.164 numbers of the rows whose phone reads as one."""
    found = set()
    for row in rows:
        try:
            found.add(parse_client_phone(row.phone, region).e164)
        except ValidationFailed:
            continue
    return found


def known_for(
    user: User,
    clients: ClientStore,
    users: UserStore,
    imports: ClientImportStore,
    jurisdiction: Jurisdiction,
    rows: Sequence[ClientRow],
) -> Known:
    """Everything ``plan_rows`` compares the rows with, for an import by ``user``."""
    department = user.department_id
    staff = users.in_department(department)
    by_phone_ids = imports.current_holders(department, readable_numbers(rows, DEFAULT_REGION))
    keys = {id_number_key(r.id_number) for r in rows if r.id_number.strip()}
    by_id_ids = clients.holding_id_numbers(department, keys)
    wanted = set(by_phone_ids.values()) | {c for ids in by_id_ids.values() for c in ids}
    found = {c.client_id: c for c in clients.many(sorted(wanted)) if c.department_id == department}
    names = {s.user_id: s.display_name for s in staff}
    by_phone = {
        phone: holder_of(user, found[cid], names)
        for phone, cid in by_phone_ids.items()
        if cid in found
    }
    by_id = {
        key: [holder_of(user, found[cid], names) for cid in ids if cid in found]
        for key, ids in by_id_ids.items()
    }
    retired_by_id: dict[str, list[Holder]] = {}
    retired_by_phone: dict[str, list[Holder]] = {}
    for former in imports.retired_clients(department):
        if former.department_id != department:
            continue
        shown = holder_of(user, former, names)
        if id_number_key(former.id_number):
            retired_by_id.setdefault(id_number_key(former.id_number), []).append(shown)
        retired_by_phone.setdefault(former.phone, []).append(shown)
    return Known(
        importer_id=user.user_id,
        oversees=user.oversees_department,
        staff={
            s.user_id.casefold(): Staff(
                s.user_id, s.display_name, s.active, s.role is Role.CASE_MANAGER
            )
            for s in staff
        },
        by_phone=by_phone,
        by_id_number={key: held for key, held in by_id.items() if held},
        refuse_number=lambda phone: number_refusal(phone, department, jurisdiction),
        region=DEFAULT_REGION,
        retired_by_id=retired_by_id,
        retired_by_phone=retired_by_phone,
    )
