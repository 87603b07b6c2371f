"""Server-side sessions: what a copied cookie, a deactivation, a demotion and an open tab can
and cannot do. Times are moved by writing the stored session's times into the past."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import boto3

from chalicelib.adapters.cognito import CognitoGateway
from chalicelib.config import get_session_secret
from chalicelib.domain.users import Role
from chalicelib.web.session import SESSION_COOKIE
from chalicelib.web.signing import unsign
from tests.clock import real_now
from tests.helpers import fresh_phone, page_text
from tests.integration.session_tools import BACKGROUND, PASSWORD, age, new_staff, stored


def copy_of(web):
    """Someone else's browser holding the same cookies."""
    other = type(web)(web.http)
    other.cookies = dict(web.cookies)
    return other


def kristinas_client(web) -> str:
    kristina = type(web)(web.http).sign_in("kristina")
    kristina.get("/clients/new")
    made = kristina.post(
        "/clients", {"first_name": "Session", "last_name": "Subject", "phone": fresh_phone()}
    )
    assert made.status_code == 303, made.body[:300]
    return made.headers["Location"].split("/")[2].split("?")[0]


def test_the_cookie_carries_only_a_session_id_and_a_user_id(web):
    web.sign_in("kristina")
    payload = unsign(get_session_secret(), SESSION_COOKIE, web.cookies[SESSION_COOKIE], 60)
    assert set(payload) == {"s", "u"} and payload["u"] == "kristina"


def test_the_sessions_table_never_holds_the_cookies_session_id(web):
    web.sign_in("kristina")
    session = stored(web)
    payload = unsign(get_session_secret(), SESSION_COOKIE, web.cookies[SESSION_COOKIE], 60)
    assert session is not None and session.user_id == "kristina"
    assert payload["s"] not in json.dumps(boto3.client("dynamodb").scan(TableName="test-sessions"))
    assert session.refresh_token  # kept here, never in a cookie
    assert timedelta(hours=11) < session.expires_at - session.created_at <= timedelta(hours=12)


def test_a_copied_cookie_is_refused_after_sign_out(web):
    web.sign_in("kristina")
    thief = copy_of(web)
    assert thief.get("/caseload").status_code == 200
    web.post("/signout", {})
    response = thief.get("/caseload")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/signin?reason=expired")
    assert thief.get("/api/activity", BACKGROUND).status_code == 401


def test_sign_out_deletes_the_session_and_revokes_the_refresh_token(web, monkeypatch):
    revoked = []
    monkeypatch.setattr(CognitoGateway, "revoke", lambda self, token: revoked.append(token))
    web.sign_in("kristina")
    refresh_token = stored(web).refresh_token
    still_there = dict(web.cookies)
    signed_out = web.post("/signout", {})
    assert revoked == [refresh_token]
    # the browser is told to forget what the site kept on the device, script or not
    assert signed_out.headers["Clear-Site-Data"] == '"cache", "storage"'
    web.cookies = still_there
    assert stored(web) is None


def test_sign_out_still_ends_the_session_when_cognito_cannot_revoke(web):
    """moto does not implement RevokeToken: the gateway reports it and sign-out goes on."""
    web.sign_in("kristina")
    thief = copy_of(web)
    assert web.post("/signout", {}).headers["Location"] == "/signin?reason=signed_out"
    assert stored(thief) is None


def test_a_user_made_inactive_is_refused_on_the_next_request(web, stack, stores):
    person = new_staff(stack, stores)
    web.sign_in(person.user_id, PASSWORD)
    assert web.get("/caseload").status_code == 200
    stores.users.save(replace(person, active=False))
    response = web.get("/caseload")
    assert response.headers["Location"].startswith("/signin?reason=expired")
    assert web.get("/api/activity", BACKGROUND).status_code == 401


def test_a_demoted_supervisor_loses_supervisor_pages_at_once(web, stack, stores):
    client_id = kristinas_client(web)
    supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    web.sign_in(supervisor.user_id, PASSWORD)
    page = web.get(f"/clients/{client_id}")
    assert page.status_code == 200 and "Move client" in page_text(page)
    stores.users.save(replace(supervisor, role=Role.CASE_MANAGER))
    assert web.get(f"/clients/{client_id}").status_code == 403
    assert web.get(f"/clients/{client_id}/export/csv").status_code == 403


def test_a_user_moved_to_another_department_loses_the_old_one_at_once(web, stack, stores):
    client_id = kristinas_client(web)
    supervisor = new_staff(stack, stores, Role.SUPERVISOR)
    web.sign_in(supervisor.user_id, PASSWORD)
    assert web.get(f"/clients/{client_id}").status_code == 200
    stores.users.save(replace(supervisor, department_id="pretrial"))
    assert web.get(f"/clients/{client_id}").status_code == 403


def test_polls_do_not_move_the_last_active_time_but_pages_do(web):
    web.sign_in("kristina")
    age(web, last_active_at=timedelta(minutes=5))
    before = stored(web).last_active_at
    assert web.get("/api/activity", BACKGROUND).status_code == 200
    assert web.get("/caseload/live", {**BACKGROUND, "Accept": "text/html"}).status_code == 200
    assert stored(web).last_active_at == before
    web.get("/caseload")
    assert real_now() - stored(web).last_active_at < timedelta(seconds=30)


def test_pages_write_the_last_active_time_at_most_once_a_minute(web):
    web.sign_in("kristina")
    age(web, last_active_at=timedelta(seconds=20))
    before = stored(web).last_active_at
    web.get("/caseload")
    assert stored(web).last_active_at == before


def test_a_poll_after_the_idle_timeout_gets_401_json_saying_where_to_sign_in(web):
    web.sign_in("kristina")
    age(web, last_active_at=timedelta(minutes=31))
    kept = copy_of(web)
    response = web.get("/api/activity", BACKGROUND)
    assert response.status_code == 401
    answer = json.loads(response.body)
    assert answer["reason"] == "idle" and answer["signin"] == "/signin?reason=idle"
    assert "cc_session" not in web.cookies
    assert stored(kept) is None  # the idle session is gone for good


def test_a_live_list_refresh_after_the_idle_timeout_gets_401_not_the_sign_in_page(web):
    web.sign_in("kristina")
    age(web, last_active_at=timedelta(minutes=31))
    response = web.get("/caseload/live", {**BACKGROUND, "Accept": "text/html"})
    assert response.status_code == 401
    assert json.loads(response.body)["reason"] == "idle"


def test_polling_alone_cannot_keep_a_session_past_the_idle_timeout(web):
    """The finding: a tab polling every 4 s stayed signed in forever."""
    web.sign_in("kristina")
    age(web, last_active_at=timedelta(minutes=29))
    for _ in range(3):
        assert web.get("/api/activity", BACKGROUND).status_code == 200
    age(web, last_active_at=timedelta(minutes=31))
    assert web.get("/api/activity", BACKGROUND).status_code == 401


def test_a_session_past_its_twelve_hours_is_refused_however_busy(web):
    web.sign_in("kristina")
    age(web, expires_at=timedelta(seconds=1))
    response = web.get("/caseload")
    assert response.headers["Location"].startswith("/signin?reason=expired")


def test_signing_in_again_ends_the_browsers_previous_session(web):
    web.sign_in("kristina")
    earlier = copy_of(web)
    web.sign_in("kristina")
    assert earlier.get("/caseload").status_code == 303
    assert web.get("/caseload").status_code == 200
