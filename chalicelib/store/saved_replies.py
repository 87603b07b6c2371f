"""Saved replies in the ``department-settings`` table, one item each.

Keys: ``reply#department#<id>`` for the department's, ``reply#mine#<user id>#<id>`` for a
person's own, so each list is one Query on its own prefix and a person's Query never reads
anyone else's replies (a user id holding ``#`` could share a prefix with another's, so rows
are also checked against the owner stored in them). The wordings travel in ``body`` as JSON.

Every save and delete is conditional on the version the form was read at, with its audit
row in the same transaction: a stale form is refused (``StaleReply``) rather than
overwriting someone's change, and nothing changes without its audit row.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from ..domain.saved_replies import SavedReply, Scope
from .audit import audit_row
from .models import DepartmentSettingModel
from .transactions import transactions
from .write_failures import Cause, WriteNotStored, classify, retry_transient

REPLY = "reply#"
MAX_LISTED = 100  # per list: the picker and the page show at most this many


class StaleReply(Exception):
    """Someone saved or deleted this reply since the form was read."""


def _key(reply: SavedReply) -> str:
    return _prefix(reply.scope, reply.owner_id) + reply.reply_id


def _prefix(scope: Scope, owner_id: str) -> str:
    if scope is Scope.DEPARTMENT:
        return f"{REPLY}department#"
    return f"{REPLY}mine#{owner_id}#"


def _reply(row: DepartmentSettingModel, scope: Scope) -> SavedReply:
    raw = json.loads(row.body or "{}")
    owner = str(raw.get("owner", ""))
    return SavedReply(
        row.item.rsplit("#", 1)[-1],
        scope,
        owner,
        str(raw.get("title", "")),
        str(raw.get("en", "")),
        str(raw.get("es", "")),
        int(row.version),
    )


class SavedReplyStore:
    def listed(self, department_id: str, scope: Scope, owner_id: str = "") -> list[SavedReply]:
        """The department's replies, or ``owner_id``'s own, by name."""
        owner = "" if scope is Scope.DEPARTMENT else owner_id
        rows = DepartmentSettingModel.query(
            department_id,
            DepartmentSettingModel.item.startswith(_prefix(scope, owner)),
            consistent_read=True,
            limit=MAX_LISTED,
        )
        found = [r for r in (_reply(row, scope) for row in rows) if r.owner_id == owner]
        return sorted(found, key=lambda r: (r.title.casefold(), r.reply_id))

    def get(
        self, department_id: str, scope: Scope, owner_id: str, reply_id: str
    ) -> SavedReply | None:
        owner = "" if scope is Scope.DEPARTMENT else owner_id
        key = _prefix(scope, owner) + reply_id
        try:
            row = DepartmentSettingModel.get(department_id, key, consistent_read=True)
        except DepartmentSettingModel.DoesNotExist:
            return None
        found = _reply(row, scope)
        return found if found.owner_id == owner else None

    def save(self, department_id: str, reply: SavedReply, actor: str) -> SavedReply:
        """Store ``reply`` if its version is still the stored one (0: new); returns it at
        its new version. StaleReply when it is not."""
        row = DepartmentSettingModel(
            department_id,
            _key(reply),
            body=json.dumps(
                {
                    "owner": reply.owner_id,
                    "title": reply.title,
                    "en": reply.english,
                    "es": reply.spanish,
                },
                sort_keys=True,
            ),
            version=reply.version + 1,
            updated_by=actor,
            updated_at=datetime.now(UTC),
        )
        self._write("saved reply", department_id, reply, actor, row, delete=False)
        return SavedReply(
            reply.reply_id,
            reply.scope,
            reply.owner_id,
            reply.title,
            reply.english,
            reply.spanish,
            reply.version + 1,
        )

    def delete(self, department_id: str, reply: SavedReply, actor: str) -> None:
        """Delete ``reply`` if it is still at its version. StaleReply when it changed or
        is already gone (the caller tells those apart with ``get``)."""
        row = DepartmentSettingModel(department_id, _key(reply))
        self._write("saved reply deleted", department_id, reply, actor, row, delete=True)

    def _write(
        self,
        what: str,
        department_id: str,
        reply: SavedReply,
        actor: str,
        row: DepartmentSettingModel,
        *,
        delete: bool,
    ) -> None:
        details = {"reply": reply.reply_id, "scope": reply.scope.value, "title": reply.title}
        if reply.owner_id:
            details["owner"] = reply.owner_id
        audit = audit_row(f"department#{department_id}", actor, what.replace(" ", "_"), details)
        condition: Condition
        if reply.version == 0:
            condition = DepartmentSettingModel.item.does_not_exist()
        else:
            condition = DepartmentSettingModel.version == reply.version

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                if delete:
                    tx.delete(row, condition=condition)
                else:
                    tx.save(row, condition=condition)
                tx.save(audit)

        try:
            retry_transient(what, write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.cause is Cause.CONDITION:
                raise StaleReply(what) from exc
            raise WriteNotStored(what, failure.cause) from exc
