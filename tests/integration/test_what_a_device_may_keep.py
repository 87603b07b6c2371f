"""The server decides which pages a device may keep for reading offline (issue 23): only
the signed-in officer's own caseload and the first view of their own clients'
conversations carry X-ClientComm-Keep; nothing a supervisor reads of another officer's
client, no page with a query, no export, print view, poll or JSON. The manifest, the service
worker and the offline page are public and name no one."""

from __future__ import annotations

import json

import pytest

from chalicelib.web.keeping import KEEP_HEADER
from tests.helpers import WebVisitor, fresh_phone
from tests.integration.test_exports import add_client


@pytest.fixture(scope="module")
def kristinas_client(http, stack) -> str:
    owner = WebVisitor(http).sign_in("kristina")
    return add_client(owner, "Keeping", "Rules", fresh_phone())


@pytest.fixture()
def kristina(http, stack) -> WebVisitor:
    return WebVisitor(http).sign_in("kristina")


def keep_header(response) -> str | None:
    return response.headers.get(KEEP_HEADER)


def test_her_own_caseload_and_her_own_clients_first_view_may_be_kept_for_her(
    kristina, kristinas_client
):
    caseload = kristina.get("/caseload")
    assert caseload.status_code == 200
    assert keep_header(caseload) == "kristina"
    conversation = kristina.get(f"/clients/{kristinas_client}")
    assert conversation.status_code == 200
    assert keep_header(conversation) == "kristina"


@pytest.mark.parametrize(
    "path",
    [
        "/caseload?order=name",
        "/caseload?q=Rules",
        "/caseload/live",
        "/clients/{id}?sent=1",
        "/clients/{id}?before=zzzz",
        "/clients/{id}/live",
        "/clients/{id}/print",
        "/clients/{id}/export/csv",
        "/clients/{id}/edit",
        "/api/activity",
        "/settings",
    ],
)
def test_nothing_else_of_hers_may_be_kept(kristina, kristinas_client, path):
    response = kristina.get(path.replace("{id}", kristinas_client))
    assert response.status_code in (200, 400), response.status_code
    assert keep_header(response) is None


def test_a_supervisor_reading_another_officers_client_is_never_kept(http, stack, kristinas_client):
    dana = WebVisitor(http).sign_in("dana")
    conversation = dana.get(f"/clients/{kristinas_client}")
    assert conversation.status_code == 200  # she may read it, on the server only
    assert keep_header(conversation) is None
    department = dana.get("/caseload")  # a supervisor's list opens on the whole department
    assert department.status_code == 200
    assert keep_header(department) is None


def test_refused_and_signed_out_answers_are_never_kept(http, stack, kristinas_client):
    other_department = WebVisitor(http).sign_in("tom")
    refused = other_department.get(f"/clients/{kristinas_client}")
    assert refused.status_code in (403, 404)
    assert keep_header(refused) is None
    nobody = WebVisitor(http).get(f"/clients/{kristinas_client}")
    assert nobody.status_code == 303
    assert keep_header(nobody) is None


def test_the_manifest_names_the_app_its_caseload_and_an_icon_that_is_served(web):
    answer = web.get("/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/manifest+json"
    manifest = json.loads(answer.body)
    assert manifest["name"] == manifest["short_name"] == "ClientComm"
    assert manifest["start_url"] == "/caseload"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#1a4480"
    for icon in manifest["icons"]:
        served = web.get(icon["src"])
        assert served.status_code == 200
        assert served.headers["Content-Type"] == icon["type"]


def test_the_worker_is_served_from_the_root_and_never_held_in_the_http_cache(web):
    answer = web.get("/sw.js")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/javascript")
    assert answer.headers["Cache-Control"] == "no-cache"
    assert KEEP_HEADER in answer.body.decode()


def test_the_offline_page_names_no_one_and_every_page_links_the_manifest(web, kristina):
    offline = web.get("/offline")
    assert offline.status_code == 200
    text = offline.body.decode()
    assert "this page was not saved on this device" in text
    assert "data-user" not in text and "Sign out" not in text
    page = kristina.get("/caseload").body.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'data-worker-url="/sw.js"' in page
    assert "data-rendered-at=" in page


@pytest.mark.parametrize("reason", ["signed_out", "idle", "expired", "required"])
def test_the_sign_in_page_a_session_ends_on_forgets_the_device(web, reason):
    page = web.get(f"/signin?reason={reason}").body.decode()
    assert "data-forget-device" in page
    assert "data-forget-device" not in web.get("/signin").body.decode()
