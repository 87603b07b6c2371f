"""A department's client-import formats: items ``client-format#<id>`` of the
``department-settings`` table, beside the court formats (``format#``), saved the same way:
a versioned conditional write with its audit row (``client_import_format``) in one
transaction, so a form read before someone else saved is refused (``StaleSetting``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ..domain.client_import_formats import ClientFormat, from_raw, to_raw
from .department_settings import DepartmentSettingsStore
from .models import DepartmentSettingModel

PREFIX = "client-format#"


class ClientFormatStore:
    def formats(self, department_id: str) -> list[ClientFormat]:
        rows = DepartmentSettingModel.query(
            department_id,
            DepartmentSettingModel.item.startswith(PREFIX),
            consistent_read=True,
        )
        return [
            from_raw(row.item[len(PREFIX) :], json.loads(row.body or "{}"), int(row.version))
            for row in rows
        ]

    def save(self, department_id: str, chosen: ClientFormat, actor: str) -> ClientFormat:
        """Store ``chosen`` if its version is still the stored one (0: new)."""
        row = DepartmentSettingModel(
            department_id,
            PREFIX + chosen.format_id,
            body=json.dumps(to_raw(chosen), sort_keys=True),
            version=chosen.version + 1,
            updated_by=actor,
            updated_at=datetime.now(UTC),
        )
        details = {"format": chosen.format_id, "name": chosen.name}
        DepartmentSettingsStore().write_versioned(
            "client import format", [(row, chosen.version)], [], department_id, actor, details
        )
        return ClientFormat(
            chosen.format_id, chosen.name, chosen.columns, chosen.header, chosen.version + 1
        )
