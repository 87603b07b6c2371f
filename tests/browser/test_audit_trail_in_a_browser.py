"""The Audit page on a phone's width: Dana (a supervisor) searches a client's trail by
client and staff member, then downloads the disclosure export; the page fits 375 px and
passes axe."""

from __future__ import annotations

import csv
import io
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from chalicelib.domain.clients import Client
from chalicelib.store.audit import audit_row, client_subject
from tests.browser.signing_in import signed_in_page
from tests.helpers import fresh_phone

pytestmark = pytest.mark.browser


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_supervisor_filters_a_clients_trail_and_downloads_the_export(
    browser, base_url, check_a11y, contexts, stores
):
    name = "Trail" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, "Browser", fresh_phone())
    )
    subject = client_subject(client.client_id)
    audit_row(subject, "kristina", "view").save()
    audit_row(subject, "marcus", "print", {"entries": 3}).save()

    dana = signed_in_page(browser, base_url, "dana", contexts, 375, height=740)
    dana.goto("/audit")
    expect(dana.get_by_role("heading", name="Audit trail")).to_be_visible()
    dana.get_by_label("Client id").fill(client.client_id)
    dana.get_by_label("Member of staff").select_option(label="Kristina Alvarez")
    dana.get_by_role("button", name="Search").click()

    found = dana.get_by_role("list").filter(has_text="Kristina Alvarez · view")
    expect(found).to_be_visible()
    expect(dana.get_by_text("print", exact=False)).to_have_count(0)  # Marcus's: filtered out
    assert fits_the_screen(dana)
    check_a11y(dana)

    with dana.expect_download() as download:
        dana.get_by_role("button", name="Download the disclosure export (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "record"
    assert any(r[0] == "audit" and r[3] == "view" and "Kristina" in r[2] for r in rows)
