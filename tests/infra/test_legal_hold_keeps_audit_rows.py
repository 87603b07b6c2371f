"""A client's legal hold keeps their audit rows: the hold takes the rows' expiry (DynamoDB's
TTL) off, and their chain's links', which changes nothing they say, so their chain stays
intact (issue 21: rows leave by TTL, which no other hold reaches). Run as ops run it,
against the session stack. Changed when the chain moved to the audit stream: the links
live apart from the rows, and lose their expiry too."""

from __future__ import annotations

import secrets
from dataclasses import replace

import pytest

from chalicelib.config import get_jurisdiction
from chalicelib.domain.audit_chain import first_break
from chalicelib.domain.clients import Client
from chalicelib.domain.retention import RecordsRetention
from chalicelib.store import audit
from chalicelib.store.audit_chains import AuditChains
from chalicelib.store.audit_links import chain_partition
from chalicelib.store.models import AuditLinkModel, AuditModel
from tests.helpers import fresh_phone
from tests.infra.staff_tools import PREFIX, REGION, run_script
from tests.integration.audit_tools import chaining, linked  # noqa: F401 - a fixture

pytestmark = [pytest.mark.any_hour, pytest.mark.usefixtures("chaining")]
MATTER = "Doe v. County, 25-CV-0007"


def hold(*args: str):
    target = ["--jurisdiction", "demo", "--region", REGION, "--table-prefix", PREFIX]
    return run_script("legal_hold", *target, *args)


def test_a_client_hold_takes_the_expiry_off_their_audit_rows_and_keeps_the_chain(
    stack, stores, monkeypatch, now
):
    name = "Held" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, fresh_phone())
    )
    scheduled = replace(
        get_jurisdiction(), records_retention=RecordsRetention(texts_days=365, audit_days=730)
    )
    monkeypatch.setattr(audit, "get_jurisdiction", lambda: scheduled)
    subject = audit.client_subject(client.client_id)
    for action in ("view", "send", "view"):
        audit.audit_row(subject, "kristina", action).save()
    assert all(row.expires_at for row in AuditModel.query(subject))
    assert len(linked(subject, 3).links) == 3, "chain-audit did not link the rows in time"

    done = hold("--client", client.client_id, "--on", "--matter", MATTER)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 audit rows kept past their expiry" in done.stdout
    assert "(and 6 items of their hash chain)" in done.stdout  # 3 links, 3 markers
    rows = [row for row in AuditModel.query(subject) if row.actor == "kristina"]
    assert len(rows) == 3 and not any(row.expires_at for row in rows)
    chain_items = list(AuditLinkModel.query(chain_partition(subject)))
    assert len(chain_items) >= 6 and not any(item.expires_at for item in chain_items[:6])
    # the hold writes its own row on the subject: judged once chain-audit has linked it too
    # (the script runs at the real time, days before the test's instant, so an unlinked row
    # would read as "not linked after 5 minutes")
    assert len(linked(subject, 4).links) == 4, "chain-audit did not link the hold's row"
    assert first_break(AuditChains().chain(subject), now) is None
    lifted = hold("--client", client.client_id, "--off")
    assert lifted.returncode == 0, lifted.stdout + lifted.stderr
    assert "audit rows keep no expiry" in lifted.stdout  # demo.json has no audit_days
