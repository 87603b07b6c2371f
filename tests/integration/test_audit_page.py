"""The Audit page: a supervisor searches her department's trail by client, staff and dates,
pages through it and downloads a client's disclosure export; both are audited. Case
managers are refused; another department's supervisor finds nothing of hers."""

from __future__ import annotations

import csv
import io
import re
import secrets
from html import unescape

import pytest

from chalicelib.domain.clients import Client
from chalicelib.store.audit import audit_row, client_subject, department_subject
from tests.aws_calls import writes
from tests.helpers import WebVisitor, fresh_phone, page_text

pytestmark = pytest.mark.any_hour


def new_client(stores) -> Client:
    name = "Audit" + secrets.token_hex(3)
    return stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, "Trailed", fresh_phone())
    )


def visitor(http, username: str) -> WebVisitor:
    return WebVisitor(http).sign_in(username)


def test_a_supervisor_finds_who_opened_and_texted_a_client_and_her_search_is_recorded(http, stores):
    client = new_client(stores)
    kristina = visitor(http, "kristina")
    page = kristina.get(f"/clients/{client.client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    kristina.post(
        f"/clients/{client.client_id}/messages", {"body": "See you at 3", "draft_id": draft}
    )

    found = visitor(http, "dana").get(f"/audit?client={client.client_id}")

    assert found.status_code == 200, found.body[:300]
    text = page_text(found)
    assert f"About {client.first_name} Trailed" in text
    assert "Kristina" in text and "· view" in text and "· send" in text
    searches = stores.audit.trail(department_subject("probation"), limit=20)
    assert any(
        e.action == "audit_view" and e.actor == "dana" and e.details["client"] == client.client_id
        for e in searches
    )


def test_a_case_manager_may_not_read_the_trail_and_nothing_is_written(http, stores):
    client = new_client(stores)
    kristina = visitor(http, "kristina")
    with writes() as written:
        refused = kristina.get(f"/audit?client={client.client_id}")
    assert refused.status_code == 403
    assert written == []


def test_another_departments_supervisor_finds_none_of_its_clients(http, stores):
    client = new_client(stores)
    priya = visitor(http, "priya")
    with writes() as written:
        refused = priya.get(f"/audit?client={client.client_id}")
    assert refused.status_code == 404
    assert written == []
    own = priya.get("/audit")
    assert own.status_code == 200 and client.first_name not in page_text(own)


def test_a_long_trail_pages_back_in_order(http, stores, now):
    """At each of the clock's instants: in a Mountain evening it is already tomorrow in
    UTC, and today's rows must still be today's."""
    client = new_client(stores)
    for n in range(55):
        audit_row(client_subject(client.client_id), "kristina", "view", {"n": n}).save()
    dana = visitor(http, "dana")

    first = dana.get(f"/audit?client={client.client_id}")
    older = unescape(re.search(r'href="([^"]*after=[^"]*)"', first.body.decode()).group(1))
    second = dana.get(older)

    assert first.body.decode().count('class="scheduled-row audit-row"') == 50
    assert second.body.decode().count('class="scheduled-row audit-row"') == 5
    assert "n: 54" in page_text(first) and "n: 0" in page_text(second)


def test_the_disclosure_export_holds_every_text_and_audit_row_and_is_itself_audited(
    http, stores, stack
):
    client = new_client(stores)
    kristina = visitor(http, "kristina")
    page = kristina.get(f"/clients/{client.client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    kristina.post(
        f"/clients/{client.client_id}/messages", {"body": "Court is at 9", "draft_id": draft}
    )
    stack.twilio.send_inbound(from_=client.phone, to="+18015550100", body="Thanks, see you")
    dana = visitor(http, "dana")
    dana.get(f"/audit?client={client.client_id}")

    exported = dana.post(
        "/audit/export", {"client": client.client_id, "staff": "", "from": "", "to": ""}
    )

    assert exported.status_code == 200, exported.body[:300]
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(exported.body.decode())))
    kinds = [(r[0], r[3]) for r in rows[1:]]
    assert any(r[0] == "text sent" and r[6] == "Court is at 9" and "Kristina" in r[2] for r in rows)
    assert any(r[0] == "text received" and r[6] == "Thanks, see you" for r in rows)
    assert ("audit", "view") in kinds and ("audit", "send") in kinds
    trail = stores.audit.trail(client_subject(client.client_id), limit=50)
    assert trail[0].action == "disclosure_export" and trail[0].actor == "dana"


def test_a_case_manager_may_not_export(http, stores):
    client = new_client(stores)
    kristina = visitor(http, "kristina")
    kristina.get("/caseload")
    with writes() as written:
        refused = kristina.post("/audit/export", {"client": client.client_id})
    assert refused.status_code == 403
    assert written == []


def test_a_text_that_would_run_as_a_formula_is_exported_as_text(http, stores, stack):
    client = new_client(stores)
    stack.twilio.send_inbound(from_=client.phone, to="+18015550100", body="=HYPERLINK(1)")
    dana = visitor(http, "dana")
    dana.get(f"/audit?client={client.client_id}")

    exported = dana.post("/audit/export", {"client": client.client_id})

    rows = list(csv.reader(io.StringIO(exported.body.decode())))
    (received,) = [r for r in rows if r[0] == "text received"]
    assert received[6] == "'=HYPERLINK(1)"


def test_a_staff_members_export_holds_the_texts_they_sent_and_their_audit_rows(http, stores):
    client = new_client(stores)
    kristina = visitor(http, "kristina")
    page = kristina.get(f"/clients/{client.client_id}").body.decode()
    draft = re.search(r'name="draft_id" value="([0-9a-f]+)"', page).group(1)
    body = f"From Kristina {secrets.token_hex(3)}"
    kristina.post(f"/clients/{client.client_id}/messages", {"body": body, "draft_id": draft})
    dana = visitor(http, "dana")
    dana.get("/audit?staff=kristina")

    exported = dana.post("/audit/export", {"client": "", "staff": "kristina"})

    assert exported.status_code == 200, exported.body[:300]
    rows = list(csv.reader(io.StringIO(exported.body.decode())))
    assert any(r[0] == "text sent" and r[6] == body and r[4].endswith("Trailed") for r in rows)
    subject = client_subject(client.client_id)
    assert any(r[0] == "audit" and r[3] == "send" and r[4] == subject for r in rows)


def test_a_supervisor_reaches_a_clients_trail_from_their_page_and_a_case_manager_sees_no_link(
    http, stores
):
    client = new_client(stores)
    trail = f"/audit?client={client.client_id}"
    assert trail in visitor(http, "dana").get(f"/clients/{client.client_id}").body.decode()
    assert trail not in visitor(http, "kristina").get(f"/clients/{client.client_id}").body.decode()
