"""The page asked for before signing in comes back after it, through the real front door
(the local API Gateway writes headers as HTTP does: ASCII). A target with characters
outside ASCII once passed the check and then broke the Location header."""

from __future__ import annotations

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest

from infra.local.seed import DEMO_PASSWORD


def exchange(base_url: str, method: str, path: str, cookies: dict, body: str | None = None):
    """One request, redirects not followed: (status, headers, body)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body.encode() if body else None, headers=headers)
        answer = connection.getresponse()
        for header in answer.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            cookies.update({name: morsel.value for name, morsel in jar.items()})
        return answer.status, answer.headers, answer.read().decode()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/caseload?q=€", "/caseload?q=%E2%82%AC"),
        ("/caseload?q=Peña", "/caseload?q=Pe%C3%B1a"),
    ],
)
def test_signing_in_returns_to_a_target_with_non_ascii_characters(stack, target, location):
    cookies: dict[str, str] = {}
    status, _, page = exchange(stack.app_url, "GET", "/signin", cookies)
    assert status == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    form = {
        "username": "kristina",
        "password": DEMO_PASSWORD,
        "next": target,
        "csrf_token": token.group(1),
    }
    status, headers, _ = exchange(stack.app_url, "POST", "/signin", cookies, urlencode(form))
    assert status == 303
    assert headers["Location"] == location
