"""Groups in the ``department-settings`` table: ``group#<owner>#<id>``, the name in
``body``, the client ids in ``members`` (a string set).

Why there: a department's groups are read with one Query (its partition, the owner's
prefix), and a string set lets adding and removing clients be single updates (ADD, DELETE)
that never overwrite someone else's change made meanwhile; no new table or index. Every
change carries its audit row in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from ..domain.errors import NotFound
from ..domain.groups import DEPARTMENT, Group
from .audit import audit_row
from .models import DepartmentSettingModel
from .transactions import transactions
from .write_failures import Cause, WriteNotStored, classify, retry_transient

GROUP = "group#"


def item_key(owner: str, group_id: str) -> str:
    return f"{GROUP}{owner}#{group_id}"


def to_group(row: DepartmentSettingModel) -> Group:
    _, owner, group_id = row.item.split("#", 2)
    return Group(group_id, row.department_id, owner, row.body or "", frozenset(row.members or ()))


def new_group_id(department_group: bool) -> str:
    return ("d" if department_group else "p") + secrets.token_hex(8)


class GroupStore:
    def owned(self, department_id: str, owner: str) -> list[Group]:
        """One owner's groups (a person's, or the department's), by name."""
        rows = DepartmentSettingModel.query(
            department_id,
            DepartmentSettingModel.item.startswith(f"{GROUP}{owner}#"),
            consistent_read=True,
        )
        return sorted((to_group(r) for r in rows), key=lambda g: g.name.casefold())

    def get(self, department_id: str, owner: str, group_id: str) -> Group | None:
        try:
            row = DepartmentSettingModel.get(
                department_id, item_key(owner, group_id), consistent_read=True
            )
        except DepartmentSettingModel.DoesNotExist:
            return None
        return to_group(row)

    def create(self, group: Group, actor: str) -> Group:
        row = DepartmentSettingModel(
            group.department_id,
            item_key(group.owner, group.group_id),
            body=group.name,
            members=set(group.members) or None,
            version=1,
            updated_by=actor,
            updated_at=datetime.now(UTC),
        )
        self._write(
            "group created",
            group,
            actor,
            lambda tx: tx.save(row, condition=DepartmentSettingModel.item.does_not_exist()),
        )
        return group

    def add(self, group: Group, client_ids: Iterable[str], actor: str) -> None:
        """Add clients (those already in stay as they are)."""
        ids = set(client_ids)
        if ids:
            self._change(group, DepartmentSettingModel.members.add(ids), actor, "group_add", ids)

    def remove(self, group: Group, client_ids: Iterable[str], actor: str) -> None:
        ids = set(client_ids)
        if ids:
            change = DepartmentSettingModel.members.delete(ids)
            self._change(group, change, actor, "group_remove", ids)

    def delete(self, group: Group, actor: str) -> None:
        row = DepartmentSettingModel(group.department_id, item_key(group.owner, group.group_id))
        self._write(
            "group deleted",
            group,
            actor,
            lambda tx: tx.delete(row, condition=DepartmentSettingModel.item.exists()),
        )

    def _change(self, group: Group, action: Action, actor: str, what: str, ids: set[str]) -> None:
        row = DepartmentSettingModel(group.department_id, item_key(group.owner, group.group_id))
        actions = [
            action,
            DepartmentSettingModel.updated_by.set(actor),
            DepartmentSettingModel.updated_at.set(datetime.now(UTC)),
        ]
        self._write(
            what.replace("_", " "),
            group,
            actor,
            lambda tx: tx.update(
                row, actions=actions, condition=DepartmentSettingModel.item.exists()
            ),
            {"clients": ",".join(sorted(ids))[:1000]},
        )

    def _write(
        self,
        what: str,
        group: Group,
        actor: str,
        step: Callable[[TransactWrite], object],
        details: dict[str, str] | None = None,
    ) -> None:
        subject = f"department#{group.department_id}"
        audit = audit_row(
            subject,
            actor,
            what.replace(" ", "_"),
            {"group": group.group_id, "owner": group.owner, **(details or {})},
        )

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                step(tx)  # item 0: the group
                tx.save(audit)

        try:
            retry_transient(what, write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.cause is Cause.CONDITION:
                raise NotFound("That group was deleted meanwhile.") from exc
            raise WriteNotStored(what, failure.cause) from exc


__all__ = ["DEPARTMENT", "GroupStore"]
