"""``chain-audit``: new audit rows from the audit table's stream, linked into their
subjects' hash chains (``services/audit_chainer.py``).

Only INSERTs of rows are linked: the chainer's own links and markers (partition
``chain#...``), TTL's REMOVEs and ops' expiry changes (MODIFY) are left alone. A batch
that raises is delivered again by Lambda until it succeeds (never skipped): a row already
linked is found by its marker and not linked twice.
"""

from __future__ import annotations

from typing import Any

from .. import bootstrap
from ..domain.audit_chain import Row
from ..observability import count
from ..services.audit_chainer import link_rows


def chain_records(records: list[dict[str, Any]]) -> dict[str, int]:
    links = bootstrap.audit_links()
    rows: list[Row] = []
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        row = links.row(record["dynamodb"]["NewImage"])
        if row is not None:
            rows.append(row)
    done = link_rows(rows, links)
    count("AuditRowsLinked", done.linked)
    return {"linked": done.linked, "already": done.already}
