"""Reading whole audit chains back, for the check (``services/audit_check.py``): a subject's
rows in order, and the subjects a department's trail is made of."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain.audit_chain import Chain, Link, Row
from .audit import client_subject, department_subject
from .audit_links import LINK_PREFIX, chain_partition, epoch_of, to_link
from .models import AuditLinkModel, AuditModel, ClientModel, UnclaimedModel, UserModel
from .partitions import audit_subject, unclaimed_partition

PAGE_SIZE = 500


class AuditChains:
    def chain(self, subject: str) -> Chain:
        """Every row of ``subject`` and every link of its chain, a page of PAGE_SIZE at a
        time (an operator's check, never a page view)."""
        rows: dict[str, Row] = {}
        for item in AuditModel.query(subject, page_size=PAGE_SIZE, consistent_read=True):
            rows[item.at_id] = Row(
                item.subject,
                item.at_id,
                item.at or "",  # none: written before the chain (0.21.0)
                item.actor,
                item.action,
                item.details.as_dict() if item.details else {},
                epoch_of(item.expires_at),
            )
        links: list[Link] = [
            to_link(item)
            for item in AuditLinkModel.query(
                chain_partition(subject),
                AuditLinkModel.at_id.startswith(LINK_PREFIX),
                page_size=PAGE_SIZE,
                consistent_read=True,
            )
        ]
        named = {link.row_key for link in links}
        unchained = sum(1 for key, row in rows.items() if not row.at and key not in named)
        return Chain(subject, links, rows, unchained)

    def department_subjects(self, department_id: str) -> Iterator[str]:
        """The department's own subject, its staff's, each of its clients' (active and
        retired) and each number waiting in its Unclaimed queue (auto-replies are written
        under ``client#<partition>``, dismissals under the partition). Numbers no longer
        waiting, and clients already deleted, are not found from here."""
        yield department_subject(department_id)
        for user in UserModel.by_department.query(department_id, page_size=PAGE_SIZE):
            yield f"staff#{user.user_id}"  # infra/ops/staff_access.py: staff_subject
        for index in (ClientModel.by_department, ClientModel.retired_by_department):
            for row in index.query(department_id, page_size=PAGE_SIZE):
                yield client_subject(row.client_id)
        for number in UnclaimedModel.query(department_id, page_size=PAGE_SIZE):
            partition = unclaimed_partition(department_id, number.phone)
            yield audit_subject(partition)
            yield client_subject(partition)
