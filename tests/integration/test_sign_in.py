"""Signing in through Cognito (moto), the first-login password step, sessions and CSRF."""

from __future__ import annotations

import time

import boto3
import pytest

from chalicelib.adapters.cognito import TokenExpired, TokenVerifier
from chalicelib.config import get_session_secret
from chalicelib.domain.users import Role, User
from chalicelib.web.session import SESSION_COOKIE, Session
from infra.local.seed import create_login
from tests.helpers import page_text


def test_sign_in_page_has_labelled_fields_and_a_csrf_token(web):
    response = web.get("/signin")
    body = page_text(response)
    assert response.status_code == 200
    assert '<label for="username">' in body and '<label for="password">' in body
    assert 'name="csrf_token"' in body
    assert "cc_csrf" in web.cookies


def test_a_demo_case_manager_signs_in_and_lands_on_her_caseload(web):
    web.sign_in("kristina")
    assert "cc_session" in web.cookies and "cc_refresh" in web.cookies
    response = web.get("/caseload")
    assert response.status_code == 200
    assert "My caseload" in page_text(response)


def test_session_cookie_is_httponly_and_samesite(web):
    web.get("/signin")
    response = web.post("/signin", {"username": "kristina", "password": "ClientComm-demo-1"})
    cookies = response.headers["Set-Cookie"]
    session = next(c for c in cookies if c.startswith("cc_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert "Secure" not in session  # only outside the laptop (COOKIE_SECURE=false locally)


def test_wrong_password_gives_a_clear_message_and_no_session(web):
    web.get("/signin")
    response = web.post("/signin", {"username": "kristina", "password": "not-her-password"})
    assert response.status_code == 401
    assert "username and password do not match" in page_text(response)
    assert "cc_session" not in web.cookies


def test_unknown_user_gets_the_same_message_as_a_wrong_password(web):
    """Telling the two apart would let anyone list who works here."""
    web.get("/signin")
    response = web.post("/signin", {"username": "nobody-here", "password": "whatever-123"})
    assert response.status_code == 401
    assert "username and password do not match" in page_text(response)


def test_empty_fields_are_refused_without_calling_cognito(web):
    web.get("/signin")
    response = web.post("/signin", {"username": "", "password": ""})
    assert response.status_code == 400
    assert "Enter your username and your password" in page_text(response)


def test_a_post_without_the_csrf_token_is_refused(web):
    web.get("/signin")
    response = web.post(
        "/signin", {"username": "kristina", "password": "ClientComm-demo-1"}, csrf="forged"
    )
    assert response.status_code == 403
    assert "cc_session" not in web.cookies


def test_a_signed_in_form_needs_the_token_of_this_browser(web, http):
    web.sign_in("kristina")
    other = type(web)(http)
    other.get("/signin")
    stolen_token = other.last_page
    response = web.post(
        "/clients",
        {"first_name": "A", "last_name": "B", "phone": "8015550150"},
        csrf=stolen_token[
            stolen_token.index('value="', stolen_token.index('name="csrf_token"')) + 7 :
        ].split('"')[0],
    )
    assert response.status_code == 403


def test_first_sign_in_asks_for_a_new_password_then_signs_in(web, stack, stores):
    create_login(
        boto3.client("cognito-idp"), stack.resources.user_pool_id, "firsttimer", "Temporary-pass-9!"
    )
    stores.users.save(
        User("firsttimer", "First Timer", "ft@x.invalid", Role.CASE_MANAGER, "probation")
    )
    web.get("/signin")
    response = web.post("/signin", {"username": "firsttimer", "password": "Temporary-pass-9!"})
    assert "Choose a new password" in page_text(response)
    weak = web.post("/signin/challenge", {"new_password": "short", "confirm_password": "short"})
    assert weak.status_code == 400 and "too weak" in page_text(weak)
    differ = web.post(
        "/signin/challenge",
        {"new_password": "Long-enough-pass-1", "confirm_password": "Long-enough-pass-2"},
    )
    assert "two passwords differ" in page_text(differ)
    done = web.post(
        "/signin/challenge",
        {"new_password": "Long-enough-pass-1", "confirm_password": "Long-enough-pass-1"},
    )
    assert done.status_code == 303 and done.headers["Location"] == "/caseload"
    assert web.get("/caseload").status_code == 200


def test_a_cognito_user_without_a_staff_record_is_told_so(web, stack):
    create_login(
        boto3.client("cognito-idp"),
        stack.resources.user_pool_id,
        "stranger",
        "Temporary-pass-9!",
        "Permanent-pass-9!",
    )
    web.get("/signin")
    response = web.post("/signin", {"username": "stranger", "password": "Permanent-pass-9!"})
    assert response.status_code == 401
    assert "no ClientComm account" in page_text(response)


def test_pages_send_anonymous_visitors_to_sign_in_and_back(web):
    response = web.get("/caseload")
    assert response.status_code == 303
    assert response.headers["Location"] == "/signin?reason=required&next=/caseload"


def test_an_idle_session_ends_with_a_message(web):
    web.sign_in("kristina")
    session = Session.from_cookie_value(get_session_secret(), web.cookies[SESSION_COOKIE])
    stale = Session(session.user, session.id_token, time.time() - 31 * 60)
    web.cookies[SESSION_COOKIE] = stale.to_cookie_value(get_session_secret())
    response = web.get("/caseload")
    assert response.headers["Location"].startswith("/signin?reason=idle")
    assert "without activity" in page_text(web.get(response.headers["Location"]))


def test_a_tampered_session_cookie_is_refused(web):
    web.sign_in("kristina")
    value = web.cookies[SESSION_COOKIE]
    web.cookies[SESSION_COOKIE] = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
    assert web.get("/caseload").headers["Location"].startswith("/signin?reason=invalid")


def test_an_expired_token_is_refreshed_while_the_person_keeps_working(web, monkeypatch):
    web.sign_in("kristina")
    real_verify = TokenVerifier.verify
    calls = {"n": 0}

    def expire_first(self, token):
        calls["n"] += 1
        if calls["n"] == 1:
            raise TokenExpired("Signature has expired")
        return real_verify(self, token)

    monkeypatch.setattr(TokenVerifier, "verify", expire_first)
    old = web.cookies[SESSION_COOKIE]
    response = web.get("/caseload")
    assert response.status_code == 200
    assert web.cookies[SESSION_COOKIE] != old


def test_an_expired_token_without_refresh_token_asks_to_sign_in_again(web, monkeypatch):
    web.sign_in("kristina")
    del web.cookies["cc_refresh"]

    def always_expired(self, token):
        raise TokenExpired("Signature has expired")

    monkeypatch.setattr(TokenVerifier, "verify", always_expired)
    response = web.get("/caseload")
    assert response.headers["Location"].startswith("/signin?reason=expired")
    monkeypatch.undo()
    assert "session has ended" in page_text(web.get(response.headers["Location"]))


def test_sign_out_ends_the_session(web):
    web.sign_in("kristina")
    response = web.post("/signout", {})
    assert response.headers["Location"] == "/signin?reason=signed_out"
    assert "cc_session" not in web.cookies
    assert web.get("/caseload").status_code == 303


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_sign_in_never_redirects_off_site(web, target):
    web.get("/signin")
    response = web.post(
        "/signin", {"username": "kristina", "password": "ClientComm-demo-1", "next": target}
    )
    assert response.headers["Location"] == "/caseload"
