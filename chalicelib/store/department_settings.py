"""A department's import formats and courthouses, one table (``department-settings``).

Every save is a versioned conditional write with its audit row in the same transaction,
so a form read before someone else saved is refused (``StaleSetting``) rather than
overwriting their change, and nothing is saved without its audit row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from ..domain.courthouses import Courthouse, fold
from ..domain.import_formats import ImportFormat, from_raw, to_raw
from .audit import audit_row
from .models import DepartmentSettingModel
from .transactions import transactions
from .write_failures import Cause, WriteNotStored, classify, retry_transient

FORMAT = "format#"
COURTHOUSE = "courthouse#"


class StaleSetting(Exception):
    """Someone saved this format or courthouse since the form was read."""


def _subject(department_id: str) -> str:
    return f"department#{department_id}"


class DepartmentSettingsStore:
    def formats(self, department_id: str) -> list[ImportFormat]:
        rows = DepartmentSettingModel.query(
            department_id,
            DepartmentSettingModel.item.startswith(FORMAT),
            consistent_read=True,
        )
        return [
            from_raw(row.item[len(FORMAT) :], json.loads(row.body or "{}"), int(row.version))
            for row in rows
        ]

    def courthouses(self, department_id: str) -> list[Courthouse]:
        rows = DepartmentSettingModel.query(
            department_id,
            DepartmentSettingModel.item.startswith(COURTHOUSE),
            consistent_read=True,
        )
        return [Courthouse(row.code or "", row.description or "", int(row.version)) for row in rows]

    def save_format(self, department_id: str, chosen: ImportFormat, actor: str) -> ImportFormat:
        """Store ``chosen`` if its version is still the stored one (0: new)."""
        row = DepartmentSettingModel(
            department_id,
            FORMAT + chosen.format_id,
            body=json.dumps(to_raw(chosen), sort_keys=True),
            version=chosen.version + 1,
            updated_by=actor,
            updated_at=datetime.now(UTC),
        )
        details = {"format": chosen.format_id, "name": chosen.name}
        self.write_versioned(
            "import format", [(row, chosen.version)], [], department_id, actor, details
        )
        return ImportFormat(
            chosen.format_id, chosen.name, chosen.mapping, chosen.header, chosen.version + 1
        )

    def save_courthouses(
        self,
        department_id: str,
        saved: Sequence[Courthouse],
        removed: Sequence[Courthouse],
        actor: str,
    ) -> None:
        """Put and delete courthouses together, each against the version it was read at
        (at most 99 rows: one transaction; the caller splits bigger tables)."""
        now = datetime.now(UTC)
        puts = [
            (
                DepartmentSettingModel(
                    department_id,
                    COURTHOUSE + fold(c.code),
                    code=c.code,
                    description=c.description,
                    version=c.version + 1,
                    updated_by=actor,
                    updated_at=now,
                ),
                c.version,
            )
            for c in saved
        ]
        deletes = [
            (DepartmentSettingModel(department_id, COURTHOUSE + fold(c.code)), c.version)
            for c in removed
        ]
        details = {
            "saved": ",".join(c.code for c in saved)[:500],
            "removed": ",".join(c.code for c in removed)[:500],
        }
        self.write_versioned("courthouses", puts, deletes, department_id, actor, details)

    def write_versioned(
        self,
        what: str,
        puts: list[tuple[DepartmentSettingModel, int]],
        deletes: list[tuple[DepartmentSettingModel, int]],
        department_id: str,
        actor: str,
        details: dict[str, str],
    ) -> None:
        """Puts and deletes, each only at the version it was read at (0: not there yet),
        with the audit row ``what`` in one transaction; StaleSetting when one was not."""
        audit = audit_row(_subject(department_id), actor, what.replace(" ", "_"), details)

        def condition(version: int):  # type: ignore[no-untyped-def]
            if version == 0:
                return DepartmentSettingModel.item.does_not_exist()
            return DepartmentSettingModel.version == version

        def write() -> None:
            with TransactWrite(connection=transactions()) as tx:
                for row, version in puts:
                    tx.save(row, condition=condition(version))
                for row, version in deletes:
                    tx.delete(row, condition=condition(version))
                tx.save(audit)

        try:
            retry_transient(what, write)
        except PynamoDBException as exc:
            failure = classify(exc)
            if failure.cause is Cause.CONDITION:
                raise StaleSetting(what) from exc
            raise WriteNotStored(what, failure.cause) from exc
