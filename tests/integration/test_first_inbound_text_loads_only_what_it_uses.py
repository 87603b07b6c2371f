"""A cold Lambda's first inbound text loads only what receiving a text uses: not the stores
of pages, imports, live sockets, records retention or appointments (an ordinary text is no
answer to a reminder), nor the adapters of sign-in, mail, queues and sending, nor the
phone-number library for a sender Twilio wrote as it is stored (``bench/cold_start.py``
measures what that is worth; its probe runs here)."""

from __future__ import annotations

import os
import secrets

import pytest

from chalicelib.domain.clients import Client
from tests.helpers import ROOT, fresh_phone, json_from_python
from tests.integration.session_tools import new_staff

# Parses numbers written another way; the E.164 Twilio sends is looked up as it is.
NOT_FOR_AN_E164_SENDER = {"phonenumbers"}
NOT_FOR_AN_INBOUND_TEXT = {
    "chalicelib.adapters.cognito",
    "chalicelib.adapters.email",
    "chalicelib.adapters.queue",
    "chalicelib.adapters.twilio_gateway",
    "chalicelib.adapters.websocket_push",
    "chalicelib.store.client_lists",
    "chalicelib.store.connections",
    "chalicelib.store.court_imports",
    "chalicelib.store.outbound",
    "chalicelib.store.retention",
    "chalicelib.store.client_purge",
    "chalicelib.store.appointments",
    "chalicelib.store.scheduled",
    "chalicelib.store.sessions",
}


@pytest.mark.any_hour
def test_the_cold_start_probe_runs_and_its_first_text_loads_no_store_it_never_uses(stack, stores):
    staff = new_staff(stack, stores)
    phone = fresh_phone()
    stores.clients.add(
        Client(
            client_id=secrets.token_hex(10),
            department_id=staff.department_id,
            case_manager_id=staff.user_id,
            first_name="Cold",
            last_name="Path",
            phone=phone,
        )
    )
    result = json_from_python(
        str(ROOT / "bench" / "first_request_probe.py"),
        phone,
        cwd=ROOT,
        env=dict(os.environ),  # the local stack's settings
        timeout=120,
    )
    assert [r["built"].get("client:dynamodb", 0) for r in result["requests"]] == [1, 0]
    assert "chalicelib.services.receiving" in result["app_modules"]
    assert set(result["app_modules"]) & NOT_FOR_AN_INBOUND_TEXT == set()
    assert set(result["packages"]) & NOT_FOR_AN_E164_SENDER == set()
