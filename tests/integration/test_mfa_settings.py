"""Where the jurisdiction sets ``mfa: OPTIONAL`` (the demo file does), anyone turns sign-in
codes from an authenticator app on for themselves on Settings, and off again with their
password and a current code. The key is shown on the page once and never put in a cookie.

moto checks the codes (TOTP switched on) but gives every user the same key, and does not
refuse a code used twice within its 30 seconds as Cognito does."""

from __future__ import annotations

import re

import boto3
import pytest

from chalicelib.store.models import AuditModel
from chalicelib.store.staff_changes import staff_subject
from tests.helpers import WebVisitor, page_text
from tests.integration.session_tools import PASSWORD, new_staff
from tests.integration.test_mfa import code_for
from tests.integration.test_mfa_secret_stays_on_the_server import readable, set_cookie_values


@pytest.fixture()
def mfa_optional(stack, monkeypatch):
    cognito = boto3.client("cognito-idp")
    pool = stack.resources.user_pool_id
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    yield
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OFF")


def test_someone_turns_on_sign_in_codes_and_off_again_with_their_password_and_a_code(
    stack, stores, http, mfa_optional
):
    person = new_staff(stack, stores)
    web = WebVisitor(http).sign_in(person.user_id, PASSWORD)
    assert "does not ask you for a code now" in page_text(web.get("/settings/mfa"))

    shown = web.post("/settings/mfa/start", {})
    secret = re.search(r"<code>([A-Za-z2-7 ]+)</code>", page_text(shown)).group(1)
    pending = re.search(r'name="pending" value="([^"]+)"', shown.body.decode()).group(1)
    wrong = web.post("/settings/mfa/verify", {"pending": pending, "code": "000000"})
    assert wrong.status_code == 400 and "not right" in page_text(wrong)
    assert secret in page_text(wrong)  # kept on the server for the next try
    for response in (shown, wrong):
        for value in set_cookie_values(response):
            assert secret.replace(" ", "") not in readable(value)
    done = web.post("/settings/mfa/verify", {"pending": pending, "code": code_for(secret)})
    assert done.status_code == 303 and done.headers["Location"] == "/settings/mfa?done=on"
    assert "asks you for a code now" in page_text(web.get(done.headers["Location"]))

    later = WebVisitor(http)
    later.get("/signin")
    asked = later.post("/signin", {"username": person.user_id, "password": PASSWORD})
    assert "Enter your code" in page_text(asked)
    assert later.post("/signin/challenge", {"code": code_for(secret)}).status_code == 303

    later.get("/settings/mfa")
    refused = later.post("/settings/mfa/off", {"password": PASSWORD, "code": "000000"})
    assert refused.status_code == 400
    off = later.post("/settings/mfa/off", {"password": PASSWORD, "code": code_for(secret)})
    assert off.status_code == 303 and off.headers["Location"] == "/settings/mfa?done=off"
    assert WebVisitor(http).sign_in(person.user_id, PASSWORD)  # no code asked any more
    actions = [r.action for r in AuditModel.query(staff_subject(person.user_id))]
    assert actions == ["mfa_app_added", "mfa_app_removed"]


def test_a_key_waiting_for_its_code_is_only_its_owners(stack, stores, http, mfa_optional):
    owner = WebVisitor(http).sign_in(new_staff(stack, stores).user_id, PASSWORD)
    shown = owner.post("/settings/mfa/start", {})
    pending = re.search(r'name="pending" value="([^"]+)"', shown.body.decode()).group(1)
    secret = re.search(r"<code>([A-Za-z2-7 ]+)</code>", page_text(shown)).group(1)

    other = WebVisitor(http).sign_in(new_staff(stack, stores).user_id, PASSWORD)
    other.get("/settings/mfa")
    taken = other.post("/settings/mfa/verify", {"pending": pending, "code": code_for(secret)})
    assert taken.status_code == 400 and "took too long" in page_text(taken)
    assert secret not in page_text(taken)
