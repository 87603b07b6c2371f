"""Groups: make them, put clients in and take them out, list who is in one.

Nobody puts a client into a group they could not text: a case manager only their own
caseload's clients into their own groups, a supervisor only their department's clients
into the department's groups. A request naming one client that isn't allowed changes
nothing, so a crafted form cannot slip a stranger in among allowed ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..domain.clients import Client
from ..domain.errors import Forbidden, NotFound, ValidationFailed
from ..domain.groups import (
    MAX_MEMBERS,
    Group,
    checked_name,
    may_hold,
    may_use,
    owner_for,
    owner_of_id,
    why_not_member,
)
from ..domain.permissions import can_view_client
from ..domain.users import User
from ..store.clients import ClientStore
from ..store.groups import GroupStore, new_group_id


@dataclass(frozen=True)
class Member:
    client_id: str
    client: Client | None
    left_because: str  # "" while the group texts them


def usable_groups(user: User, groups: GroupStore) -> list[Group]:
    """The person's own groups, then (supervisors) the department's."""
    found = groups.owned(user.department_id, user.user_id)
    if user.oversees_department:
        found += groups.owned(user.department_id, owner_for(user, True))
    return found


def create_group(user: User, groups: GroupStore, form: Mapping[str, str]) -> Group:
    department_group = form.get("kind") == "department"
    owner = owner_for(user, department_group)
    name = checked_name(form.get("name", ""))
    group = Group(new_group_id(department_group), user.department_id, owner, name)
    return groups.create(group, user.user_id)


def open_group(user: User, groups: GroupStore, group_id: str) -> Group:
    group = groups.get(user.department_id, owner_of_id(user, group_id), group_id)
    if group is None:
        raise NotFound("There is no such group (it may have been deleted).")
    if not may_use(user, group):
        raise Forbidden("This group is not one you can change.")
    return group


def add_clients(
    user: User, groups: GroupStore, clients: ClientStore, group_id: str, client_ids: Iterable[str]
) -> Group:
    group = open_group(user, groups, group_id)
    wanted = sorted(set(client_ids) - group.members)
    if not wanted:
        return group
    if len(group.members) + len(wanted) > MAX_MEMBERS:
        raise ValidationFailed({"clients": f"A group holds at most {MAX_MEMBERS} clients."})
    found = {c.client_id: c for c in clients.many(wanted)}
    for client_id in wanted:
        client = found.get(client_id)
        if client is None or not can_view_client(user, client) or not may_hold(group, client):
            raise Forbidden(
                "Only clients of your own caseload go in your groups, and only your "
                "department's clients in its groups: nothing was added."
            )
    groups.add(group, wanted, user.user_id)
    return open_group(user, groups, group_id)


def remove_clients(
    user: User, groups: GroupStore, group_id: str, client_ids: Iterable[str]
) -> Group:
    group = open_group(user, groups, group_id)
    groups.remove(group, set(client_ids) & group.members, user.user_id)
    return open_group(user, groups, group_id)


def delete_group(user: User, groups: GroupStore, group_id: str) -> None:
    groups.delete(open_group(user, groups, group_id), user.user_id)


def checked_ticked(user: User, clients: ClientStore, client_ids: Iterable[str]) -> list[str]:
    """Ticked rows carried from page to page: each must be a client the person may open,
    so a crafted form learns nothing about anyone else's."""
    wanted = list(dict.fromkeys(client_ids))
    found = {c.client_id: c for c in clients.many(wanted)}
    if any(cid not in found or not can_view_client(user, found[cid]) for cid in wanted):
        raise Forbidden("Only clients on a caseload you can open can be ticked.")
    return wanted


def members(user: User, groups: GroupStore, clients: ClientStore, group_id: str) -> list[Member]:
    """Everyone listed in the group, by name; those who retired or moved are marked."""
    group = open_group(user, groups, group_id)
    return members_of(group, clients)


def members_of(group: Group, clients: ClientStore) -> list[Member]:
    found = {c.client_id: c for c in clients.many(sorted(group.members))}
    listed = [
        Member(cid, found.get(cid), why_not_member(group, found.get(cid))) for cid in group.members
    ]
    return sorted(
        listed,
        key=lambda m: (m.client is None, m.client.listed_name.casefold() if m.client else ""),
    )
