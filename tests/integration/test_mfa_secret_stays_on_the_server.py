"""The authenticator secret shown while setting up MFA never travels in a cookie: the
challenge cookie carries only an opaque id, the secret waits in a short-lived server row."""

from __future__ import annotations

import base64
import re
import zlib

from chalicelib.domain.users import Role, User
from infra.local.seed import create_login
from tests.helpers import page_text
from tests.integration.test_mfa import code_for, mfa_required  # noqa: F401 - a fixture

PASSWORD = "Temporary-pass-9!"
NEW_PASSWORD = "Long-enough-pass-1"


def readable(cookie_value: str) -> str:
    """What anyone holding the cookie can read: itsdangerous' payload, decoded."""
    payload = cookie_value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie_value.startswith("."):
        raw = zlib.decompress(raw)
    return raw.decode(errors="replace") + cookie_value


def set_cookie_values(response) -> list[str]:
    raw = response.headers.get("Set-Cookie") or []
    headers = [raw] if isinstance(raw, str) else raw
    return [h.split(";", 1)[0].split("=", 1)[1] for h in headers]


def test_no_cookie_carries_the_authenticator_secret_while_setting_up_mfa(
    web,
    stores,
    mfa_required,  # noqa: F811 - the fixture
):
    cognito, pool = mfa_required
    create_login(cognito, pool, "secretkeeper", PASSWORD)
    stores.users.save(
        User("secretkeeper", "Secret Keeper", "s@x.invalid", Role.CASE_MANAGER, "probation")
    )
    web.get("/signin")
    web.post("/signin", {"username": "secretkeeper", "password": PASSWORD})
    setup = web.post(
        "/signin/challenge", {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    secret = re.search(r"<code>([A-Za-z2-7 ]+)</code>", page_text(setup)).group(1)
    plain = secret.replace(" ", "")
    wrong = web.post("/signin/challenge", {"code": "000000"})
    for response in (setup, wrong):
        for value in set_cookie_values(response):
            assert plain not in readable(value).replace(" ", "")
    for value in web.cookies.values():
        assert plain not in readable(value)
    kept = dict(web.cookies)
    done = web.post("/signin/challenge", {"code": code_for(secret)})
    assert done.status_code == 303

    web.cookies = kept  # the challenge cookie of before: its server row is gone
    replayed = web.post("/signin/challenge", {"code": code_for(secret)})
    assert replayed.status_code == 400 and "took too long" in page_text(replayed)
