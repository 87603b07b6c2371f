"""Audit rows leave by DynamoDB's TTL, never by a delete of ours: each is written with its
expiry, the jurisdiction's ``audit_days`` after it happened; none while the jurisdiction file
holds everything or keeps audit rows forever."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.config import get_jurisdiction
from chalicelib.domain.retention import RecordsRetention
from chalicelib.store import audit
from chalicelib.store.models import AuditModel

pytestmark = pytest.mark.any_hour


def written_with(monkeypatch, retention: RecordsRetention) -> AuditModel:
    jurisdiction = replace(get_jurisdiction(), records_retention=retention)
    monkeypatch.setattr(audit, "get_jurisdiction", lambda: jurisdiction)
    subject = f"client#ttl-{secrets.token_hex(6)}"
    audit.audit_row(subject, "someone", "view").save()
    (row,) = AuditModel.query(subject)
    return row


def happened(row: AuditModel) -> datetime:
    stamp = str(row.at).split("#", 1)[0]
    return datetime.strptime(stamp, audit.TIME_FORMAT).replace(tzinfo=UTC)


def test_an_audit_row_expires_its_audit_days_after_it_happened(stack, monkeypatch):
    row = written_with(monkeypatch, RecordsRetention(texts_days=1095, audit_days=2555))

    assert row.expires_at is not None
    assert abs(row.expires_at - (happened(row) + timedelta(days=2555))) < timedelta(seconds=1)


@pytest.mark.parametrize(
    "retention",
    [RecordsRetention(texts_days=1095, audit_days=2555, legal_hold=True), RecordsRetention()],
    ids=["held", "kept-forever"],
)
def test_an_audit_row_written_under_a_hold_or_without_a_schedule_never_expires(
    stack, monkeypatch, retention
):
    assert written_with(monkeypatch, retention).expires_at is None
