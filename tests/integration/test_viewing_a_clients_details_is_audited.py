"""Opening a client's details to edit them (their notes, numbers) is a view of their record:
it is written to the audit trail like opening their conversation (issue 21, item 3)."""

from __future__ import annotations

import secrets

import pytest

from chalicelib.domain.clients import Client
from chalicelib.store.audit import client_subject
from tests.helpers import WebVisitor, fresh_phone

pytestmark = pytest.mark.any_hour


def test_opening_a_clients_edit_page_writes_a_view_of_their_details(http, stores):
    name = "Details" + secrets.token_hex(3)
    client = stores.clients.add(
        Client(secrets.token_hex(10), "probation", "kristina", name, name, fresh_phone())
    )
    kristina = WebVisitor(http).sign_in("kristina")

    assert kristina.get(f"/clients/{client.client_id}/edit").status_code == 200

    (row,) = stores.audit.trail(client_subject(client.client_id), limit=10)
    assert (row.actor, row.action) == ("kristina", "view_details")
