"""Signing in through Cognito (moto), the first-login password step, sessions and CSRF."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import boto3
import pytest

from chalicelib.domain.users import Role, User
from chalicelib.web.session import SESSION_COOKIE
from infra.local.seed import create_login
from tests.helpers import page_text
from tests.integration.session_tools import PASSWORD, age, new_staff, stored

REFUSED = "username and password do not match an active account"


def test_sign_in_page_has_labelled_fields_and_a_csrf_token(web):
    response = web.get("/signin")
    body = page_text(response)
    assert response.status_code == 200
    assert '<label for="username">' in body and '<label for="password">' in body
    assert 'name="csrf_token"' in body
    assert "cc_csrf" in web.cookies


def test_a_demo_case_manager_signs_in_and_lands_on_her_caseload(web):
    web.sign_in("kristina")
    assert "cc_session" in web.cookies
    assert "cc_refresh" not in web.cookies  # the refresh token stays on the server
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
    assert REFUSED in page_text(response)
    assert "cc_session" not in web.cookies


def test_unknown_user_gets_the_same_message_as_a_wrong_password(web):
    """Telling the two apart would let anyone list who works here."""
    web.get("/signin")
    response = web.post("/signin", {"username": "nobody-here", "password": "whatever-123"})
    assert response.status_code == 401
    assert REFUSED in page_text(response)


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


def refused_text(web, username: str, password: str) -> str:
    web.get("/signin")
    response = web.post("/signin", {"username": username, "password": password})
    assert response.status_code == 401
    assert "cc_session" not in web.cookies
    body = page_text(response)
    return body[body.index('id="signin-error"') :].split("</div>")[0]


def test_every_refused_sign_in_reads_the_same_whatever_the_cause(web, stack, stores):
    """A right password on a deactivated or unknown account must not tell a guesser so."""
    create_login(
        boto3.client("cognito-idp"), stack.resources.user_pool_id, "stranger", PASSWORD, PASSWORD
    )
    deactivated = new_staff(stack, stores)
    stores.users.save(replace(deactivated, active=False))
    texts = {
        "wrong password": refused_text(web, "kristina", "not-her-password"),
        "unknown user": refused_text(web, "nobody-here", "whatever-123"),
        "no staff record": refused_text(web, "stranger", PASSWORD),
        "deactivated": refused_text(web, deactivated.user_id, PASSWORD),
    }
    assert len(set(texts.values())) == 1, texts
    assert REFUSED in texts["deactivated"]
    assert "password is right" not in texts["deactivated"]


def test_pages_send_anonymous_visitors_to_sign_in_and_back(web):
    response = web.get("/caseload")
    assert response.status_code == 303
    assert response.headers["Location"] == "/signin?reason=required&next=/caseload"


def test_an_idle_session_ends_with_a_message(web):
    web.sign_in("kristina")
    age(web, last_active_at=timedelta(minutes=31))
    response = web.get("/caseload")
    assert response.headers["Location"].startswith("/signin?reason=idle")
    assert "without activity" in page_text(web.get(response.headers["Location"]))


def test_a_tampered_session_cookie_is_refused(web):
    web.sign_in("kristina")
    value = web.cookies[SESSION_COOKIE]
    web.cookies[SESSION_COOKIE] = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
    assert web.get("/caseload").headers["Location"].startswith("/signin?reason=invalid")


def test_an_expired_id_token_is_refreshed_with_cognito_while_the_person_keeps_working(web):
    web.sign_in("kristina")
    age(web, id_token_expires_at=timedelta(minutes=1))
    before = stored(web)
    response = web.get("/caseload")
    assert response.status_code == 200
    after = stored(web)
    assert after.id_token_expires_at > before.id_token_expires_at + timedelta(minutes=30)


def test_a_session_whose_refresh_token_cognito_refuses_ends_when_its_id_token_runs_out(
    web, stack, stores
):
    """Cognito is asked again each hour: a global sign-out or disabled account ends it."""
    person = new_staff(stack, stores)
    web.sign_in(person.user_id, PASSWORD)
    boto3.client("cognito-idp").admin_user_global_sign_out(
        UserPoolId=stack.resources.user_pool_id, Username=person.user_id
    )
    assert web.get("/caseload").status_code == 200  # the hour is not over yet
    age(web, id_token_expires_at=timedelta(minutes=1))
    response = web.get("/caseload")
    assert response.headers["Location"].startswith("/signin?reason=expired")
    assert "session has ended" in page_text(web.get(response.headers["Location"]))


def test_sign_out_ends_the_session(web):
    web.sign_in("kristina")
    response = web.post("/signout", {})
    assert response.headers["Location"] == "/signin?reason=signed_out"
    assert "cc_session" not in web.cookies
    assert web.get("/caseload").status_code == 303


OFF_SITE = [
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "http:evil.example",
    "caseload",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(web, target):
    web.get("/signin")
    response = web.post(
        "/signin", {"username": "kristina", "password": "ClientComm-demo-1", "next": target}
    )
    assert response.headers["Location"] == "/caseload"


def test_sign_in_returns_to_the_page_asked_for_with_its_query(web):
    web.get("/signin")
    response = web.post(
        "/signin",
        {"username": "kristina", "password": "ClientComm-demo-1", "next": "/clients/abc?x=1"},
    )
    assert response.headers["Location"] == "/clients/abc?x=1"
