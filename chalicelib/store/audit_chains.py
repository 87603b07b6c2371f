"""Reading whole audit chains back, for the check (``services/audit_check.py``): a subject's
rows in order, and the subjects a department's trail is made of."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain.audit_chain import Chain, Link
from .audit import CHAIN_PREFIX, client_subject, department_subject, link_of
from .models import AuditModel, ClientModel

PAGE_SIZE = 500


class AuditChains:
    def chain(self, subject: str) -> Chain:
        """Every row of ``subject``, a page of PAGE_SIZE at a time (an operator's check, never
        a page view)."""
        links: list[Link] = []
        unchained = 0
        for row in AuditModel.query(subject, page_size=PAGE_SIZE, consistent_read=True):
            link = link_of(row)
            if link is None:
                unchained += 1
            else:
                links.append(link)
        return Chain(subject, links, unchained)

    def department_subjects(self, department_id: str) -> Iterator[str]:
        """The department's own subject, then each of its clients' (active and retired)."""
        yield department_subject(department_id)
        for index in (ClientModel.by_department, ClientModel.retired_by_department):
            for row in index.query(department_id, page_size=PAGE_SIZE):
                yield client_subject(row.client_id)


def chained_subject_rows(subject: str) -> int:
    """How many chained rows ``subject`` has (tests and benches)."""
    return sum(1 for _ in AuditModel.query(subject, AuditModel.at_id.startswith(CHAIN_PREFIX)))
