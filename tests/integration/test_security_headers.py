"""HSTS and Permissions-Policy on every kind of answer, not only rendered pages."""

from __future__ import annotations

import pytest

from tests.helpers import fresh_phone
from tests.integration.session_tools import BACKGROUND

EXPECTED = ("Strict-Transport-Security", "Permissions-Policy", "X-Content-Type-Options")


def assert_hardened(response) -> None:
    headers = {name.lower(): value for name, value in response.headers.items()}
    for name in EXPECTED:
        assert name.lower() in headers, f"{name} missing ({response.status_code})"
    assert "max-age=" in headers["strict-transport-security"]
    assert "camera=()" in headers["permissions-policy"]


@pytest.fixture()
def signed_in(web):
    return web.sign_in("kristina")


def test_pages_carry_hsts_and_permissions_policy(web):
    assert_hardened(web.get("/signin"))


def test_redirects_carry_them(web):
    response = web.get("/caseload")
    assert response.status_code == 303
    assert_hardened(response)


def test_json_answers_carry_them_signed_in_or_not(web, signed_in):
    assert_hardened(signed_in.get("/api/activity", BACKGROUND))
    stranger = type(web)(web.http)
    refused = stranger.get("/api/activity", BACKGROUND)
    assert refused.status_code == 401
    assert_hardened(refused)


def test_exports_carry_them(signed_in):
    signed_in.get("/clients/new")
    made = signed_in.post(
        "/clients", {"first_name": "Header", "last_name": "Check", "phone": fresh_phone()}
    )
    client_id = made.headers["Location"].split("/")[2].split("?")[0]
    assert_hardened(signed_in.get(f"/clients/{client_id}/export/json"))


@pytest.mark.parametrize("name", ["app.css", "app.js", "favicon.svg", "missing.txt"])
def test_static_files_carry_them_even_when_missing(web, name):
    assert_hardened(web.get(f"/static/{name}"))


def test_pages_keep_their_own_content_security_policy(web):
    response = web.get("/signin")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
