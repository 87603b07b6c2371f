"""A pool that requires MFA: first sign-in sets up an authenticator app; later sign-ins ask
for its code. Codes are real TOTP codes, checked by moto (TOTP checking switched on)."""

from __future__ import annotations

import re

import boto3
import pytest

from chalicelib.domain.users import Role, User
from infra.local.seed import create_login
from tests.clock import real_now
from tests.helpers import page_text


@pytest.fixture()
def mfa_required(stack, monkeypatch):
    cognito = boto3.client("cognito-idp")
    pool = stack.resources.user_pool_id
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    cognito.set_user_pool_mfa_config(
        UserPoolId=pool, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    yield cognito, pool
    cognito.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OFF")


def code_for(secret: str) -> str:
    from moto.cognitoidp.utils import cognito_totp

    return cognito_totp(secret.replace(" ", "")).generate(real_now().timestamp()).decode()


def test_first_sign_in_sets_up_an_authenticator_and_the_next_asks_for_its_code(
    web, http, stores, mfa_required
):
    cognito, pool = mfa_required
    create_login(cognito, pool, "mfauser", "Temporary-pass-9!")
    stores.users.save(User("mfauser", "Mfa User", "m@x.invalid", Role.CASE_MANAGER, "probation"))
    web.get("/signin")
    web.post("/signin", {"username": "mfauser", "password": "Temporary-pass-9!"})
    setup = web.post(
        "/signin/challenge",
        {"new_password": "Long-enough-pass-1", "confirm_password": "Long-enough-pass-1"},
    )
    page = page_text(setup)
    assert "Set up your authenticator app" in page
    secret = re.search(r"<code>([A-Za-z2-7 ]+)</code>", page).group(1)
    assert "otpauth://totp/" in page
    wrong = web.post("/signin/challenge", {"code": "000000"})
    assert wrong.status_code == 400 and "code is not right" in page_text(wrong)
    done = web.post("/signin/challenge", {"code": code_for(secret)})
    assert done.status_code == 303 and done.headers["Location"] == "/caseload"

    again = type(web)(http)
    again.get("/signin")
    asked = again.post("/signin", {"username": "mfauser", "password": "Long-enough-pass-1"})
    assert "Enter your code" in page_text(asked)
    signed = again.post("/signin/challenge", {"code": code_for(secret)})
    assert signed.status_code == 303
    assert again.get("/caseload").status_code == 200
